package validators

import (
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// TrustedHost accepts a key of the provider's trusted_hosts: a host, host:port or *.domain.
func TrustedHost() validator.String {
	return knownString{
		rule: `must be a host such as "analytics.acme.com" or "127.0.0.1", optionally with ":port", or "*.domain"`,
		check: errorCheck("Invalid trusted host", func(s string) error {
			_, err := qlik.ParseTrustedHost(s)
			return err
		}),
	}
}
