package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// NewSpacesDataSource is the qlik_spaces data source constructor.
func NewSpacesDataSource() datasource.DataSource {
	return newLookupDataSource("spaces", spacesDataSourceSchema, readSpaces)
}

type spacesDataSourceModel struct {
	tenantScoped
	Name   types.String  `tfsdk:"name"`
	Types  types.List    `tfsdk:"types"`
	Spaces []spaceFields `tfsdk:"spaces"`
}

func spacesDataSourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Lists the spaces of a tenant that the provider's credentials can see, across all " +
			"pages, optionally filtered by name and type. Spaces are sorted by name.",
		Attributes: map[string]schema.Attribute{
			"tenant_hostname": dataSourceTenantHostnameAttribute("list"),
			"name": optionalArgument("Keeps spaces whose name contains this text, ignoring case (Qlik's own search).",
				stringvalidator.LengthAtLeast(1)),
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
					Attributes: spaceComputedAttributes(map[string]schema.Attribute{
						"id":   computedString("Space id."),
						"name": computedString("Space name."),
						"type": computedString("Space type."),
					}),
				},
			},
		},
	}
}

func readSpaces(ctx context.Context, c *qlik.Client, m *spacesDataSourceModel, diags *diag.Diagnostics) {
	var spaceTypes []string
	diags.Append(m.Types.ElementsAs(ctx, &spaceTypes, false)...)
	if diags.HasError() {
		return
	}

	spaces, err := c.ListSpaces(ctx, qlik.ListSpacesOptions{Name: m.Name.ValueString(), Types: spaceTypes})
	if err != nil {
		addAPIError(diags, "Unable to list spaces", err, "")
		return
	}
	m.Spaces = make([]spaceFields, len(spaces))
	for i := range spaces {
		m.Spaces[i].fromAPI(&spaces[i])
	}
}
