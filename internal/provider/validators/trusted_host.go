package validators

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// TrustedHost accepts a key of the provider's trusted_hosts: a host, host:port or *.domain.
func TrustedHost() validator.String { return trustedHost{} }

type trustedHost struct{}

func (trustedHost) Description(context.Context) string {
	return `must be a host such as "analytics.acme.com" or "127.0.0.1", optionally with ":port", or "*.domain"`
}

func (v trustedHost) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v trustedHost) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := qlik.ParseTrustedHost(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid trusted host", err.Error())
	}
}
