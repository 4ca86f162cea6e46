package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ datasource.DataSourceWithConfigure = (*spaceDataSource)(nil)

// NewSpaceDataSource is the qlik_space data source constructor.
func NewSpaceDataSource() datasource.DataSource {
	return &spaceDataSource{dataSourceBase{name: "space"}}
}

type spaceDataSource struct{ dataSourceBase }

// spaceDataSourceModel has its own schema (id and name are both optional lookup keys) over the same
// API fields as the resource.
type spaceDataSourceModel struct {
	tenantScoped
	spaceFields
}

func (d *spaceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up one space by id, or by exact name (optionally narrowed by type). " +
			"Fails when no space matches.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Space id. Exactly one of `id` and `name` must be set.",
				Optional:            true,
				Computed:            true,
				Validators: []validator.String{
					stringvalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
					stringvalidator.LengthAtLeast(1),
				},
			},
			"tenant_hostname": dataSourceTenantHostnameAttribute("look in"),
			"name": schema.StringAttribute{
				MarkdownDescription: "Exact space name (case-sensitive).",
				Optional:            true,
				Computed:            true,
				Validators:          spaceNameValidators(),
			},
			"type": schema.StringAttribute{
				MarkdownDescription: "Space type (`shared`, `managed` or `data`). When looking up by name, narrows the match to this type.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{stringvalidator.OneOf(qlik.SpaceTypes...)},
			},
			"description": schema.StringAttribute{MarkdownDescription: "Description.", Computed: true},
			"owner_id":    schema.StringAttribute{MarkdownDescription: "User id of the owner.", Computed: true},
			"tenant_id":   schema.StringAttribute{MarkdownDescription: "Tenant id.", Computed: true},
			"created_at":  schema.StringAttribute{MarkdownDescription: "Creation time (RFC 3339).", Computed: true},
			"created_by":  schema.StringAttribute{MarkdownDescription: "User id of the creator.", Computed: true},
			"updated_at":  schema.StringAttribute{MarkdownDescription: "Time of the last change (RFC 3339).", Computed: true},
		},
	}
}

func (d *spaceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, c, ok := configIn[spaceDataSourceModel](ctx, d.client, req, resp)
	if !ok {
		return
	}

	var (
		space *qlik.Space
		err   error
	)
	if !m.ID.IsNull() {
		space, err = c.GetSpace(ctx, m.ID.ValueString())
	} else {
		space, err = c.FindSpaceByName(ctx, m.Name.ValueString(), m.Type.ValueString())
	}
	switch {
	case errors.Is(err, qlik.ErrNotFound):
		resp.Diagnostics.AddError("Space not found", "No space matches "+m.describeLookup()+" in tenant "+c.Hostname()+
			". Check the spelling (names are case-sensitive) and that the provider's credentials can see the space.")
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Unable to read space", err, "")
		return
	}

	m.fromAPI(space)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (m spaceDataSourceModel) describeLookup() string {
	if !m.ID.IsNull() {
		return "id " + m.ID.String()
	}
	s := "name " + m.Name.String()
	if !m.Type.IsNull() {
		s += " and type " + m.Type.String()
	}
	return s
}
