package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// clientFromProviderData is the shared Configure step of every resource and data source. It returns nil
// while the provider is not yet configured (Terraform calls Configure early during validation).
func clientFromProviderData(data any, diags *diag.Diagnostics) *qlik.Client {
	if data == nil {
		return nil
	}
	c, ok := data.(*qlik.Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *qlik.Client, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return c
}

// tenantClient returns the client view for a resource's tenant_hostname (null or empty = home tenant) and
// reports a failure against that attribute.
func tenantClient(c *qlik.Client, hostname types.String, diags *diag.Diagnostics) *qlik.Client {
	if c == nil {
		diags.AddError("Provider not configured", "The provider was not configured before use. This is a bug in the provider; please report it.")
		return nil
	}
	return hostClient(c, hostname.ValueString(), path.Root("tenant_hostname"), diags)
}

// hostClient is tenantClient for any attribute that names a tenant host.
func hostClient(c *qlik.Client, hostname string, attr path.Path, diags *diag.Diagnostics) *qlik.Client {
	tc, err := c.ForTenant(hostname)
	if err != nil {
		diags.AddAttributeError(attr, hostErrorSummary(err), err.Error())
		return nil
	}
	return tc
}

// hostErrorSummary names why a tenant host cannot be used.
func hostErrorSummary(err error) string {
	var rce *qlik.RegionCredentialsError
	switch {
	case errors.Is(err, qlik.ErrUntrustedHost):
		return "Host not trusted with the provider's credentials"
	case errors.As(err, &rce):
		return "No OAuth client for region " + rce.Region
	default:
		return "Unable to reach tenant"
	}
}

// checkHostsAtPlan fails a plan whose known tenant host attributes name a host the provider would not send its
// credentials to (not a Qlik Cloud hostname, not trusted) or a region without a client, before any request.
// Values unknown until apply (a tenant created in the same run) are checked by the request path instead.
func checkHostsAtPlan(ctx context.Context, c *qlik.Client, plan tfsdk.Plan, diags *diag.Diagnostics, attrs ...string) {
	if c == nil || plan.Raw.IsNull() {
		return
	}
	if len(attrs) == 0 {
		attrs = []string{"tenant_hostname"}
	}
	for _, a := range attrs {
		var h types.String
		diags.Append(plan.GetAttribute(ctx, path.Root(a), &h)...)
		if h.IsNull() || h.IsUnknown() || h.ValueString() == "" {
			continue
		}
		hostClient(c, h.ValueString(), path.Root(a), diags)
	}
}

// checkImportHost fails an import whose id names a tenant host the provider would not send credentials to,
// before the Read that follows it makes any request.
func checkImportHost(c *qlik.Client, hostname string, diags *diag.Diagnostics) {
	if c == nil || hostname == "" {
		return
	}
	hostClient(c, hostname, path.Root("tenant_hostname"), diags)
}

// tenantHostnameDescription is shared by every tenant-scoped schema so the docs say the same thing everywhere.
const tenantHostnameDescription = "Hostname of the tenant to act in, for example `customer-a.eu.qlikcloud.com` " +
	"(typically `qlik_tenant.x.hostname`). Omit it for the provider's home tenant. Another tenant needs the OAuth " +
	"client of its region in the provider block (`client_id`/`client_secret` for the home region, `regions` for " +
	"others): the provider mints a token for that host with it. A host that is not a Qlik Cloud hostname " +
	"(`<name>.<region>.qlikcloud.com`) must be listed in the provider's `trusted_hosts`, or the plan fails before " +
	"any request. Changing it replaces the object."
