package validators

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// hostnamePattern is a DNS name or IP address with an optional port; the port is there for loopback
// tenants of the simulator (127.0.0.1:41234).
var hostnamePattern = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$`)

// Hostname accepts a bare tenant hostname such as "acme.eu.qlikcloud.com": no scheme, no path.
func Hostname() validator.String { return hostname{} }

type hostname struct{}

func (hostname) Description(context.Context) string {
	return `must be a bare hostname such as "acme.eu.qlikcloud.com", without "https://" or a path`
}

func (v hostname) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v hostname) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if !hostnamePattern.MatchString(req.ConfigValue.ValueString()) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid tenant hostname",
			"\""+req.ConfigValue.ValueString()+"\" "+v.Description(ctx)+".")
	}
}
