package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ datasource.DataSourceWithConfigure = (*rolesDataSource)(nil)

// NewRolesDataSource is the qlik_roles data source constructor.
func NewRolesDataSource() datasource.DataSource { return &rolesDataSource{} }

type rolesDataSource struct {
	client *qlik.Client
}

type rolesDataSourceModel struct {
	TenantHostname types.String `tfsdk:"tenant_hostname"`
	Names          types.List   `tfsdk:"names"`
	Roles          []roleModel  `tfsdk:"roles"`
}

type roleModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Type        types.String `tfsdk:"type"`
	Level       types.String `tfsdk:"level"`
	Description types.String `tfsdk:"description"`
}

func (d *rolesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_roles"
}

func (d *rolesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The tenant's role catalogue: the default roles every tenant has (such as `TenantAdmin` " +
			"or `EmbeddedAnalyticsUser`) and any custom roles, sorted by name. These are the names " +
			"`qlik_role_mapping` accepts in `roles`.",
		Attributes: map[string]schema.Attribute{
			"tenant_hostname": schema.StringAttribute{
				MarkdownDescription: "Hostname of the tenant to read. Omit it for the provider's home tenant.",
				Optional:            true,
				Validators:          []validator.String{hostnameValidator()},
			},
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

func (d *rolesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *rolesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m rolesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	c := tenantClient(d.client, m.TenantHostname, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
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
