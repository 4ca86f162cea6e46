package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// NewGroupDataSource is the qlik_group data source constructor.
func NewGroupDataSource() datasource.DataSource {
	return newLookupDataSource("group", groupDataSourceSchema, readGroupLookup)
}

type groupDataSourceModel struct {
	tenantScoped
	Name          types.String `tfsdk:"name"`
	ID            types.String `tfsdk:"id"`
	Description   types.String `tfsdk:"description"`
	Status        types.String `tfsdk:"status"`
	ProviderType  types.String `tfsdk:"provider_type"`
	Roles         types.Set    `tfsdk:"roles"`
	TenantID      types.String `tfsdk:"tenant_id"`
	CreatedAt     types.String `tfsdk:"created_at"`
	LastUpdatedAt types.String `tfsdk:"last_updated_at"`
}

func groupDataSourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Looks up a group by its exact name, for example one the identity provider created at " +
			"a user's first login. Fails when there is no such group.",
		Attributes: map[string]schema.Attribute{
			"tenant_hostname": dataSourceTenantHostnameAttribute("look in"),
			"name":            requiredArgument("Exact group name (case-sensitive).", stringvalidator.LengthBetween(1, 256)),
			"id":              computedString("Group id."),
			"description":     computedString("Description (custom groups)."),
			"status":          computedString("`active` or `disabled`."),
			"provider_type":   computedString("`idp` (from the identity provider) or `custom`."),
			"roles":           computedStringSet("Names of the group's tenant roles."),
			"tenant_id":       computedString("Tenant id."),
			"created_at":      computedString("Creation time (RFC 3339)."),
			"last_updated_at": computedString("Time of the last change (RFC 3339)."),
		},
	}
}

func readGroupLookup(ctx context.Context, c *qlik.Client, m *groupDataSourceModel, diags *diag.Diagnostics) {
	g, err := c.FindGroupByName(ctx, m.Name.ValueString())
	if !lookupFound(diags, err, "group", "Group not found", "No group is named "+m.Name.String()+" in tenant "+c.Hostname()+
		". Names are case-sensitive; a group from the identity provider exists once someone from it has signed in, "+
		"or once a qlik_role_mapping created it.") {
		return
	}
	m.ID = types.StringValue(g.ID)
	m.Description = types.StringValue(g.Description)
	m.Status = types.StringValue(g.Status)
	m.ProviderType = types.StringValue(g.ProviderType)
	m.Roles = stringSetValue(g.RoleNames())
	m.TenantID = types.StringValue(g.TenantID)
	m.CreatedAt = types.StringValue(g.CreatedAt)
	m.LastUpdatedAt = types.StringValue(g.LastUpdatedAt)
}
