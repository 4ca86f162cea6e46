// Command providermirror packs a built provider into a local provider mirror, as the release archive for this
// platform in the packed layout of `terraform providers mirror`, and writes a Terraform CLI configuration that
// installs the provider from that mirror, so that `terraform init` works without the registry:
//
//	go build -o bin/terraform-provider-qlik .
//	go run ./scripts/providermirror -binary bin/terraform-provider-qlik -dir mirror -config terraformrc
//	TF_CLI_CONFIG_FILE=$PWD/terraformrc terraform init
//
// The version defaults to the newest heading of CHANGELOG.md.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/providermirror"
)

func main() {
	binary := flag.String("binary", "", "the built provider binary (required)")
	dir := flag.String("dir", "", "the mirror directory to write into (required)")
	version := flag.String("version", "", "the version the archive carries (default: the newest release of CHANGELOG.md)")
	config := flag.String("config", "", "also write a Terraform CLI configuration that installs the provider from the mirror to this file")
	flag.Parse()
	if *binary == "" || *dir == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*binary, *dir, *version, *config); err != nil {
		fmt.Fprintln(os.Stderr, "providermirror:", err)
		os.Exit(1)
	}
}

func run(binary, dir, version, config string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if version == "" {
		if version, err = providermirror.ChangelogVersion("CHANGELOG.md"); err != nil {
			return err
		}
	}
	a, err := providermirror.Pack(binary, version, abs)
	if err != nil {
		return err
	}
	if config != "" {
		if err := os.WriteFile(config, []byte(providermirror.CLIConfig(abs)), 0o600); err != nil {
			return err
		}
	}
	fmt.Printf("%s %s %s\nzh:%s\n", providermirror.Address, a.Version, a.Path, a.SHA256)
	return nil
}
