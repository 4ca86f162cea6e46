package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*rolesDataSource)(nil)

// NewRolesDataSource is the qlik_roles data source constructor.
func NewRolesDataSource() datasource.DataSource {
	return &rolesDataSource{dataSourceBase{name: "roles"}}
}

type rolesDataSource struct{ dataSourceBase }

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

func (d *rolesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
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
						"id":          schema.StringAttribute{MarkdownDescription: "Role id (differs per tenant).", Computed: true},
						"name":        schema.StringAttribute{MarkdownDescription: "Role name, unique in the tenant.", Computed: true},
						"type":        schema.StringAttribute{MarkdownDescription: "`default` (built in, cannot be changed) or `custom`.", Computed: true},
						"level":       schema.StringAttribute{MarkdownDescription: "`admin` or `user`.", Computed: true},
						"description": schema.StringAttribute{MarkdownDescription: "Description.", Computed: true},
					},
				},
			},
		},
	}
}

func (d *rolesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, c, ok := configIn[rolesDataSourceModel](ctx, d.client, req, resp)
	if !ok {
		return
	}
	roles, err := c.ListRoles(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list roles", err, "")
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
	list, diags := types.ListValueFrom(ctx, types.StringType, names)
	resp.Diagnostics.Append(diags...)
	m.Names = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
