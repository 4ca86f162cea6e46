package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
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
	tc, err := c.ForTenant(hostname.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("tenant_hostname"), "Unable to reach tenant", err.Error())
		return nil
	}
	return tc
}

// tenantHostnameDescription is shared by every tenant-scoped schema so the docs say the same thing everywhere.
const tenantHostnameDescription = "Hostname of the tenant to act in, for example `customer-a.eu.qlikcloud.com` " +
	"(typically `qlik_tenant.x.hostname`). Omit it for the provider's home tenant. Another tenant needs OAuth " +
	"client credentials in the provider block: the provider mints a token for that host with them. Changing it " +
	"replaces the object."
