package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ datasource.DataSourceWithConfigure = (*groupDataSource)(nil)

// NewGroupDataSource is the qlik_group data source constructor.
func NewGroupDataSource() datasource.DataSource {
	return &groupDataSource{dataSourceBase{name: "group"}}
}

type groupDataSource struct{ dataSourceBase }

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

func (d *groupDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up a group by its exact name, for example one the identity provider created at " +
			"a user's first login. Fails when there is no such group.",
		Attributes: map[string]schema.Attribute{
			"tenant_hostname": dataSourceTenantHostnameAttribute("look in"),
			"name": schema.StringAttribute{
				MarkdownDescription: "Exact group name (case-sensitive).",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 256)},
			},
			"id":              schema.StringAttribute{MarkdownDescription: "Group id.", Computed: true},
			"description":     schema.StringAttribute{MarkdownDescription: "Description (custom groups).", Computed: true},
			"status":          schema.StringAttribute{MarkdownDescription: "`active` or `disabled`.", Computed: true},
			"provider_type":   schema.StringAttribute{MarkdownDescription: "`idp` (from the identity provider) or `custom`.", Computed: true},
			"roles":           schema.SetAttribute{MarkdownDescription: "Names of the group's tenant roles.", Computed: true, ElementType: types.StringType},
			"tenant_id":       schema.StringAttribute{MarkdownDescription: "Tenant id.", Computed: true},
			"created_at":      schema.StringAttribute{MarkdownDescription: "Creation time (RFC 3339).", Computed: true},
			"last_updated_at": schema.StringAttribute{MarkdownDescription: "Time of the last change (RFC 3339).", Computed: true},
		},
	}
}

func (d *groupDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, c, ok := configIn[groupDataSourceModel](ctx, d.client, req, resp)
	if !ok {
		return
	}
	g, err := c.FindGroupByName(ctx, m.Name.ValueString())
	switch {
	case errors.Is(err, qlik.ErrNotFound):
		resp.Diagnostics.AddError("Group not found", "No group is named "+m.Name.String()+" in tenant "+c.Hostname()+
			". Names are case-sensitive; a group from the identity provider exists once someone from it has signed in, "+
			"or once a qlik_role_mapping created it.")
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Unable to read group", err, "")
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
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
