// Package providermirror packs a built provider binary into a local Terraform provider mirror, in the packed
// layout that `terraform providers mirror` writes, and writes the CLI configuration that installs the provider
// from it, so that `terraform init` runs as it does for users, without a registry.
//
// The archive is the one the release publishes for a platform: terraform-provider-qlik_<version>_<os>_<arch>.zip
// holding terraform-provider-qlik_v<version>, the name goreleaser gives the binary.
package providermirror

import (
	"archive/zip"
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
)

const (
	// Hostname is the registry host of the provider's source address `qlik-terraform/qlik`.
	Hostname = "registry.terraform.io"
	// Namespace and Type complete the source address.
	Namespace = "qlik-terraform"
	Type      = "qlik"
)

// Address is the provider's fully qualified source address as the lock file and the CLI configuration spell it.
const Address = Hostname + "/" + Namespace + "/" + Type

// Archive describes a packed provider in a mirror.
type Archive struct {
	Path    string // the zip file
	Version string
	Target  string // <os>_<arch>
	SHA256  string // hex digest of the zip, the zh: hash the lock file records
}

// ArchiveName is the release archive's file name for a version and platform, as the registry expects it.
func ArchiveName(version, goos, goarch string) string {
	return fmt.Sprintf("terraform-provider-%s_%s_%s_%s.zip", Type, version, goos, goarch)
}

var semver = regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`)

// Pack writes the provider binary at binary into mirrorDir as the release archive of version for the platform
// this program runs on, and returns the archive. An existing archive of the same name is replaced.
func Pack(binary, version, mirrorDir string) (Archive, error) {
	if !semver.MatchString(version) {
		return Archive{}, fmt.Errorf("version %q is not a semantic version (MAJOR.MINOR.PATCH)", version)
	}
	dir := filepath.Join(mirrorDir, Hostname, Namespace, Type)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Archive{}, err
	}
	in, err := os.Open(binary)
	if err != nil {
		return Archive{}, err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return Archive{}, err
	}
	path := filepath.Join(dir, ArchiveName(version, runtime.GOOS, runtime.GOARCH))
	out, err := os.Create(path)
	if err != nil {
		return Archive{}, err
	}
	sum := sha256.New()
	zw := zip.NewWriter(io.MultiWriter(out, sum))
	hdr, err := zip.FileInfoHeader(info)
	if err != nil {
		out.Close()
		return Archive{}, err
	}
	hdr.Name = fmt.Sprintf("terraform-provider-%s_v%s", Type, version)
	if runtime.GOOS == "windows" {
		hdr.Name += ".exe"
	}
	hdr.Method = zip.Deflate
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	if err == nil {
		_, err = io.Copy(w, in)
	}
	if err == nil {
		err = zw.Close()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Archive{}, fmt.Errorf("write %s: %w", path, err)
	}
	return Archive{Path: path, Version: version, Target: runtime.GOOS + "_" + runtime.GOARCH, SHA256: hex.EncodeToString(sum.Sum(nil))}, nil
}

// CLIConfig is a Terraform CLI configuration that installs this provider only from the filesystem mirror at
// mirrorDir and every other provider directly, so `terraform init` never asks the registry about this one.
func CLIConfig(mirrorDir string) string {
	return fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%q]
  }
  direct {
    exclude = [%q]
  }
}
`, mirrorDir, Address, Address)
}

// ChangelogVersion is the version of the newest release heading of a CHANGELOG.md ("## 0.1.0 (unreleased)"),
// the version a locally built archive carries.
func ChangelogVersion(changelog string) (string, error) {
	f, err := os.Open(changelog)
	if err != nil {
		return "", err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "## "); ok {
			v, _, _ := strings.Cut(rest, " ")
			if semver.MatchString(v) {
				return v, nil
			}
		}
	}
	if err := s.Err(); err != nil {
		return "", err
	}
	return "", errors.New(changelog + " has no release heading such as \"## 0.1.0\"")
}
