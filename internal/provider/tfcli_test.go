package provider_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/providermirror"
)

// The examples run through the terraform CLI with the provider installed by `terraform init` from a local
// mirror holding the release archive, exactly as users run them, because terraform-plugin-testing's state shim
// rejects for_each, which the examples rely on.

var providerMirror struct {
	once    sync.Once
	dir     string // holds bin/ (the build) and mirror/ (the packed archive)
	archive providermirror.Archive
	err     error
}

// removeBuiltProvider deletes the binary and the mirror built by builtMirror, if any.
func removeBuiltProvider() {
	if providerMirror.dir != "" {
		_ = os.RemoveAll(providerMirror.dir)
	}
}

// builtMirror compiles the provider once per test process and packs it, as the release archive for this
// platform, into a local filesystem mirror; it returns the mirror directory and the archive.
func builtMirror(t *testing.T) (string, providermirror.Archive) {
	t.Helper()
	providerMirror.once.Do(func() {
		// The mirror outlives the first test that asks for it, so it cannot live in that test's TempDir;
		// TestMain removes it.
		dir, err := os.MkdirTemp("", "qlik-provider-mirror-") //nolint:usetesting // shared by all tests, removed in TestMain
		if err != nil {
			providerMirror.err = err
			return
		}
		providerMirror.dir = dir
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		version, err := providermirror.ChangelogVersion(filepath.Join(root, "CHANGELOG.md"))
		if err != nil {
			providerMirror.err = err
			return
		}
		bin := filepath.Join(dir, "bin", "terraform-provider-qlik")
		cmd := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "-ldflags", "-X main.version="+version, ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			providerMirror.err = fmt.Errorf("go build: %w\n%s", err, out)
			return
		}
		providerMirror.archive, providerMirror.err = providermirror.Pack(bin, version, filepath.Join(dir, "mirror"))
	})
	if providerMirror.err != nil {
		t.Fatal(providerMirror.err)
	}
	return filepath.Join(providerMirror.dir, "mirror"), providerMirror.archive
}

// tfCLI runs terraform in one working directory in which the provider was installed by `terraform init`
// from the local mirror, as users install it.
type tfCLI struct {
	t   *testing.T
	dir string
	env []string
}

// newTFCLI writes a CLI configuration that installs the provider from the test mirror (and never asks the
// registry about it) and runs `terraform init` in dir, which must already hold the configuration.
func newTFCLI(t *testing.T, dir string) *tfCLI {
	t.Helper()
	testAccPreCheck(t)
	mirror, _ := builtMirror(t)
	rc := filepath.Join(t.TempDir(), "terraformrc")
	if err := os.WriteFile(rc, []byte(providermirror.CLIConfig(mirror)), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	// The provider reads QLIK_* from the environment; the configuration under test sets what it needs.
	filtered := env[:0]
	for _, kv := range env {
		if len(kv) < 5 || kv[:5] != "QLIK_" {
			filtered = append(filtered, kv)
		}
	}
	c := &tfCLI{t: t, dir: dir, env: filtered}
	c.mustRun("init", "-input=false", "-no-color")
	return c
}

func terraformPath() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return "terraform"
}

// run executes terraform and returns its stdout and exit code; stderr is attached to failures.
func (c *tfCLI) run(args ...string) (string, int) {
	c.t.Helper()
	cmd := exec.CommandContext(c.t.Context(), terraformPath(), args...)
	cmd.Dir = c.dir
	cmd.Env = c.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return stdout.String(), 0
	case errors.As(err, &exit):
		return stdout.String() + stderr.String(), exit.ExitCode()
	default:
		c.t.Fatalf("terraform %v: %v", args, err)
		return "", -1
	}
}

func (c *tfCLI) mustRun(args ...string) string {
	c.t.Helper()
	out, code := c.run(args...)
	if code != 0 {
		c.t.Fatalf("terraform %v exited %d:\n%s", args, code, out)
	}
	return out
}

func (c *tfCLI) apply(vars ...string) {
	c.t.Helper()
	c.mustRun(append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, vars...)...)
}

// requireEmptyPlan fails unless a fresh plan (with refresh) proposes no change.
func (c *tfCLI) requireEmptyPlan(vars ...string) {
	c.t.Helper()
	out, code := c.run(append([]string{"plan", "-detailed-exitcode", "-input=false", "-no-color"}, vars...)...)
	if code != 0 {
		c.t.Fatalf("plan after apply is not empty (exit %d):\n%s", code, out)
	}
}

// outputs returns the root module outputs as raw JSON values.
func (c *tfCLI) outputs() map[string]json.RawMessage {
	c.t.Helper()
	var raw map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal([]byte(c.mustRun("output", "-json")), &raw); err != nil {
		c.t.Fatalf("terraform output -json: %v", err)
	}
	out := make(map[string]json.RawMessage, len(raw))
	for k, v := range raw {
		out[k] = v.Value
	}
	return out
}

func (c *tfCLI) destroy(vars ...string) {
	c.t.Helper()
	c.mustRun(append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, vars...)...)
}

// start launches terraform without waiting for it, for tests that interrupt a run; the caller waits on the
// command. Output goes to the returned buffer.
func (c *tfCLI) start(args ...string) (*exec.Cmd, *bytes.Buffer) {
	c.t.Helper()
	cmd := exec.CommandContext(c.t.Context(), terraformPath(), args...)
	cmd.Dir = c.dir
	cmd.Env = c.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		c.t.Fatalf("terraform %v: %v", args, err)
	}
	return cmd, &out
}

// console evaluates one expression against the state with `terraform console` and returns what it prints.
func (c *tfCLI) console(expr string, vars ...string) string {
	c.t.Helper()
	cmd := exec.CommandContext(c.t.Context(), terraformPath(), append([]string{"console", "-no-color"}, vars...)...)
	cmd.Dir = c.dir
	cmd.Env = c.env
	cmd.Stdin = strings.NewReader(expr + "\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		c.t.Fatalf("terraform console %s: %v\n%s%s", expr, err, stdout.Bytes(), stderr.Bytes())
	}
	return withoutLockNotices(stdout.String())
}

// withoutLockNotices drops the lines Terraform prints while it waits for the state lock ("Acquiring state
// lock. This may take a few moments...", shown when taking the lock takes longer than a moment, as on a
// loaded machine), so that a console answer holds only the value asked for.
func withoutLockNotices(out string) string {
	lines := strings.SplitAfter(out, "\n")
	kept := lines[:0]
	for _, line := range lines {
		if strings.HasPrefix(line, "Acquiring state lock.") || strings.HasPrefix(line, "Releasing state lock.") {
			continue
		}
		kept = append(kept, line)
	}
	return strings.Join(kept, "")
}

// savedPlan is a plan saved with -out and read back with terraform show -json.
type savedPlan struct {
	file string
	// actions by resource address, as Terraform orders them ("create", "delete" for create-before-destroy);
	// no-ops and reads are left out.
	actions map[string][]string
	// variables the plan recorded; ephemeral variables are not recorded and must be given again at apply.
	variables map[string]json.RawMessage
}

func (c *tfCLI) savePlan(vars ...string) savedPlan {
	c.t.Helper()
	p := savedPlan{file: filepath.Join(c.t.TempDir(), "saved.tfplan"), actions: map[string][]string{}}
	c.mustRun(append([]string{"plan", "-input=false", "-no-color", "-out=" + p.file}, vars...)...)
	var doc struct {
		Variables       map[string]json.RawMessage `json:"variables"`
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions []string `json:"actions"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(c.mustRun("show", "-json", p.file)), &doc); err != nil {
		c.t.Fatalf("terraform show -json: %v", err)
	}
	for _, rc := range doc.ResourceChanges {
		if a := rc.Change.Actions; !slices.Equal(a, []string{"no-op"}) && !slices.Equal(a, []string{"read"}) {
			p.actions[rc.Address] = a
		}
	}
	p.variables = doc.Variables
	return p
}

// apply applies the saved plan, giving again only the variables the plan did not record (the ephemeral ones).
func (p savedPlan) apply(c *tfCLI, vars ...string) {
	c.t.Helper()
	args := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	for i := 0; i+1 < len(vars); i += 2 {
		name, _, _ := strings.Cut(vars[i+1], "=")
		if _, recorded := p.variables[name]; vars[i] == "-var" && !recorded {
			args = append(args, vars[i], vars[i+1])
		}
	}
	c.mustRun(append(args, p.file)...)
}

// plannedChanges saves a plan and returns the resources it would change by address, with "replace" for a delete
// and create in either order (no-ops and reads left out).
func (c *tfCLI) plannedChanges(vars ...string) map[string]string {
	c.t.Helper()
	out := map[string]string{}
	for address, a := range c.savePlan(vars...).actions {
		actions := strings.Join(a, ",")
		if actions == "delete,create" || actions == "create,delete" {
			actions = "replace"
		}
		out[address] = actions
	}
	return out
}

// requireLockedToMirror fails unless `terraform init` wrote a dependency lock file that selects the mirror's
// version of the provider and records the checksum of the mirror's archive (h1:, the hash of its contents,
// which Terraform computes for a package from a mirror).
func (c *tfCLI) requireLockedToMirror() {
	c.t.Helper()
	_, archive := builtMirror(c.t)
	version, hashes := c.lockedProvider()
	want, err := dirhash.HashZip(archive.Path, dirhash.Hash1)
	if err != nil {
		c.t.Fatal(err)
	}
	if version != archive.Version || !slices.Contains(hashes, want) {
		c.t.Fatalf(".terraform.lock.hcl locks %s %s with %v; want version %s with %s", providermirror.Address, version, hashes, archive.Version, want)
	}
}

var (
	lockProviderRE = regexp.MustCompile(`(?s)provider "` + regexp.QuoteMeta(providermirror.Address) + `" \{(.*?)\n\}`)
	lockVersionRE  = regexp.MustCompile(`version\s*=\s*"([^"]+)"`)
	lockHashRE     = regexp.MustCompile(`"((?:h1|zh):[^"]+)"`)
)

// lockedProvider reads the provider's version and hashes from the working directory's .terraform.lock.hcl.
func (c *tfCLI) lockedProvider() (string, []string) {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.dir, ".terraform.lock.hcl"))
	if err != nil {
		c.t.Fatalf("terraform init wrote no lock file: %v", err)
	}
	block := lockProviderRE.FindSubmatch(b)
	if block == nil {
		c.t.Fatalf(".terraform.lock.hcl has no block for %s:\n%s", providermirror.Address, b)
	}
	var version string
	if m := lockVersionRE.FindSubmatch(block[1]); m != nil {
		version = string(m[1])
	}
	var hashes []string
	for _, m := range lockHashRE.FindAllSubmatch(block[1], -1) {
		hashes = append(hashes, string(m[1]))
	}
	return version, hashes
}

func TestWithoutLockNotices(t *testing.T) {
	out := "Acquiring state lock. This may take a few moments...\n6432\nReleasing state lock. This may take a few moments...\n"
	if got := withoutLockNotices(out); got != "6432\n" {
		t.Fatalf("console answer = %q, want %q", got, "6432\n")
	}
	if got := withoutLockNotices("\"a\\nb\"\n"); got != "\"a\\nb\"\n" {
		t.Fatalf("an answer without notices changed: %q", got)
	}
}
