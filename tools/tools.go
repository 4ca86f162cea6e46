//go:build generate

// Package tools pins the documentation generator in a module of its own, so its dependencies never enter
// the provider's build.
package tools

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)

// Format the examples, then render docs/ from the provider schema, examples/ and templates/.
//go:generate terraform fmt -recursive ../examples/
//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-dir .. --provider-name qlik --rendered-provider-name "Qlik Cloud"
