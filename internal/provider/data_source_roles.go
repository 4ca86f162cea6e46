package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// NewRolesDataSource is the qlik_roles data source constructor.
func NewRolesDataSource() datasource.DataSource {
	return newLookupDataSource("roles", rolesDataSourceSchema, readRoles)
}

type rolesDataSourceModel struct {
	tenantScoped
	Names types.List  `tfsdk:"names"`
	Roles []roleModel `tfsdk:"roles"`
}

type roleModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Type        types.String `tfsdk:"type"`
	Level       types.String `tfsdk:"level"`
	Description types.String `tfsdk:"description"`
}

func rolesDataSourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "The tenant's role catalogue: the default roles every tenant has (such as `TenantAdmin` " +
			"or `EmbeddedAnalyticsUser`) and any custom roles, sorted by name. These are the names " +
			"`qlik_role_mapping` accepts in `roles`.",
		Attributes: map[string]schema.Attribute{
			"tenant_hostname": dataSourceTenantHostnameAttribute("read"),
			"names": schema.ListAttribute{
				MarkdownDescription: "Role names, sorted.",
				Computed:            true,
				ElementType:         types.StringType,
			},
			"roles": schema.ListNestedAttribute{
				MarkdownDescription: "The roles, sorted by name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":          computedString("Role id (differs per tenant)."),
						"name":        computedString("Role name, unique in the tenant."),
						"type":        computedString("`default` (built in, cannot be changed) or `custom`."),
						"level":       computedString("`admin` or `user`."),
						"description": computedString("Description."),
					},
				},
			},
		},
	}
}

func readRoles(ctx context.Context, c *qlik.Client, m *rolesDataSourceModel, diags *diag.Diagnostics) {
	roles, err := c.ListRoles(ctx)
	if err != nil {
		addAPIError(diags, "Unable to list roles", err, "")
		return
	}
	sort.Slice(roles, func(i, j int) bool { return roles[i].Name < roles[j].Name })
	names := make([]string, 0, len(roles))
	m.Roles = make([]roleModel, 0, len(roles))
	for _, r := range roles {
		names = append(names, r.Name)
		m.Roles = append(m.Roles, roleModel{
			ID: types.StringValue(r.ID), Name: types.StringValue(r.Name), Type: types.StringValue(r.Type),
			Level: types.StringValue(r.Level), Description: types.StringValue(r.Description),
		})
	}
	list, d := types.ListValueFrom(ctx, types.StringType, names)
	diags.Append(d...)
	m.Names = list
}
