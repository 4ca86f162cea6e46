package provider_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/providermirror"
)

// TestAccInstall_mirrorLockFile installs the provider as users do, with `terraform init` from a filesystem
// mirror holding the release archive: the lock file records the archive's checksum, a second init re-uses the
// lock file unchanged, and an archive of the same version with other contents is refused.
func TestAccInstall_mirrorLockFile(t *testing.T) {
	e, _ := newTestEnv(t)
	dir := t.TempDir()
	cfg := e.oauthProvider() + `
data "qlik_tenant" "home" {}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	tf := newTFCLI(t, dir)
	tf.requireLockedToMirror()
	lock, err := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	_, archive := builtMirror(t)

	// A fresh machine with the committed lock file: init installs the locked version and leaves the file as is.
	if err := os.RemoveAll(filepath.Join(dir, ".terraform")); err != nil {
		t.Fatal(err)
	}
	out := tf.mustRun("init", "-input=false", "-no-color")
	if !strings.Contains(out, "Reusing previous version of qlik-terraform/qlik from the dependency lock file") {
		t.Errorf("init did not re-use the lock file:\n%s", out)
	}
	if again, _ := os.ReadFile(filepath.Join(dir, ".terraform.lock.hcl")); string(again) != string(lock) {
		t.Errorf("init changed the lock file:\n%s\nwas:\n%s", again, lock)
	}
	tf.mustRun("apply", "-auto-approve", "-input=false", "-no-color")

	// A mirror whose archive of the locked version holds another binary: init must refuse it.
	other := filepath.Join(t.TempDir(), "terraform-provider-qlik")
	if err := os.WriteFile(other, []byte("#!/bin/sh\nexit 1\n"), 0o700); err != nil { //nolint:gosec // an executable stand-in
		t.Fatal(err)
	}
	tampered := t.TempDir()
	if _, err := providermirror.Pack(other, archive.Version, tampered); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(t.TempDir(), "terraformrc")
	if err := os.WriteFile(rc, []byte(providermirror.CLIConfig(tampered)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, ".terraform")); err != nil {
		t.Fatal(err)
	}
	bad := &tfCLI{t: t, dir: dir, env: append(slices.Clone(tf.env), "TF_CLI_CONFIG_FILE="+rc)}
	out, code := bad.run("init", "-input=false", "-no-color")
	if code == 0 || !strings.Contains(out, "checksums previously recorded in the dependency lock file") {
		t.Errorf("init from a mirror with a different archive of %s exited %d; want a checksum mismatch:\n%s", archive.Version, code, out)
	}
}
