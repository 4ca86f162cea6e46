package provider_test

import (
	"os"
	"testing"
)

// providerNamespace is the namespace of the provider's registry address; configurations name it in required_providers, as the
// examples and users' configurations do.
const providerNamespace = "qlik-terraform"

const requiredProviders = `
terraform {
  required_providers {
    qlik = {
      source = "qlik-terraform/qlik"
    }
  }
}
`

func TestMain(m *testing.M) {
	// terraform-plugin-testing serves the provider under this namespace; without it, a configuration that
	// names qlik-terraform/qlik would make Terraform look for the provider in the registry.
	if os.Getenv("TF_ACC_PROVIDER_NAMESPACE") == "" {
		_ = os.Setenv("TF_ACC_PROVIDER_NAMESPACE", providerNamespace)
	}
	code := m.Run()
	removeBuiltProvider()
	os.Exit(code)
}
