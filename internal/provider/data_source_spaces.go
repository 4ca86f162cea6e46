package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ datasource.DataSourceWithConfigure = (*spacesDataSource)(nil)

// NewSpacesDataSource is the qlik_spaces data source constructor.
func NewSpacesDataSource() datasource.DataSource { return &spacesDataSource{} }

type spacesDataSource struct {
	client *qlik.Client
}

type spacesDataSourceModel struct {
	TenantHostname types.String  `tfsdk:"tenant_hostname"`
	Name           types.String  `tfsdk:"name"`
	Types          types.List    `tfsdk:"types"`
	Spaces         []spaceFields `tfsdk:"spaces"`
}

func (d *spacesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_spaces"
}

func (d *spacesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the spaces of a tenant that the provider's credentials can see, across all " +
			"pages, optionally filtered by name and type. Spaces are sorted by name.",
		Attributes: map[string]schema.Attribute{
			"tenant_hostname": schema.StringAttribute{
				MarkdownDescription: "Hostname of the tenant to list. Omit it for the provider's home tenant.",
				Optional:            true,
				Validators:          []validator.String{hostnameValidator()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Keeps spaces whose name contains this text, ignoring case (Qlik's own search).",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"types": schema.ListAttribute{
				MarkdownDescription: "Keeps spaces of these types (`shared`, `managed`, `data`).",
				ElementType:         types.StringType,
				Optional:            true,
				Validators: []validator.List{
					listvalidator.UniqueValues(),
					listvalidator.ValueStringsAre(stringvalidator.OneOf(qlik.SpaceTypes...)),
				},
			},
			"spaces": schema.ListNestedAttribute{
				MarkdownDescription: "The matching spaces.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"id":          schema.StringAttribute{MarkdownDescription: "Space id.", Computed: true},
						"name":        schema.StringAttribute{MarkdownDescription: "Space name.", Computed: true},
						"type":        schema.StringAttribute{MarkdownDescription: "Space type.", Computed: true},
						"description": schema.StringAttribute{MarkdownDescription: "Description.", Computed: true},
						"owner_id":    schema.StringAttribute{MarkdownDescription: "User id of the owner.", Computed: true},
						"tenant_id":   schema.StringAttribute{MarkdownDescription: "Tenant id.", Computed: true},
						"created_at":  schema.StringAttribute{MarkdownDescription: "Creation time (RFC 3339).", Computed: true},
						"created_by":  schema.StringAttribute{MarkdownDescription: "User id of the creator.", Computed: true},
						"updated_at":  schema.StringAttribute{MarkdownDescription: "Time of the last change (RFC 3339).", Computed: true},
					},
				},
			},
		},
	}
}

func (d *spacesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (d *spacesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m spacesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	c := tenantClient(d.client, m.TenantHostname, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	var spaceTypes []string
	resp.Diagnostics.Append(m.Types.ElementsAs(ctx, &spaceTypes, false)...)
	if resp.Diagnostics.HasError() {
		return
	}

	spaces, err := c.ListSpaces(ctx, qlik.ListSpacesOptions{Name: m.Name.ValueString(), Types: spaceTypes})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to list spaces", err, "")
		return
	}
	m.Spaces = make([]spaceFields, len(spaces))
	for i := range spaces {
		m.Spaces[i].fromAPI(&spaces[i])
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
