package provider

import (
	"context"
	"errors"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// NewSpaceDataSource is the qlik_space data source constructor.
func NewSpaceDataSource() datasource.DataSource {
	return newLookupDataSource("space", spaceDataSourceSchema, readSpaceLookup)
}

// spaceDataSourceModel has its own schema (id and name are both optional lookup keys) over the same
// API fields as the resource.
type spaceDataSourceModel struct {
	tenantScoped
	spaceFields
}

func spaceDataSourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Looks up one space by id, or by exact name (optionally narrowed by type). " +
			"Fails when no space matches.",
		Attributes: spaceComputedAttributes(map[string]schema.Attribute{
			"id":              lookupIDAttribute("Space id."),
			"tenant_hostname": dataSourceTenantHostnameAttribute("look in"),
			"name":            optionalOrRead("Exact space name (case-sensitive).", spaceNameValidators()...),
			"type": optionalOrRead("Space type (`shared`, `managed` or `data`). When looking up by name, narrows the match to this type.",
				stringvalidator.OneOf(qlik.SpaceTypes...)),
		}),
	}
}

// spaceComputedAttributes are the attributes of a space that qlik_space and qlik_spaces only read, with the
// data source's own.
func spaceComputedAttributes(own map[string]schema.Attribute) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"description": computedString("Description."),
		"owner_id":    computedString("User id of the owner."),
		"tenant_id":   computedString("Tenant id."),
		"created_at":  computedString("Creation time (RFC 3339)."),
		"created_by":  computedString("User id of the creator."),
		"updated_at":  computedString("Time of the last change (RFC 3339)."),
	}
	maps.Copy(attrs, own)
	return attrs
}

func readSpaceLookup(ctx context.Context, c *qlik.Client, m *spaceDataSourceModel, diags *diag.Diagnostics) {
	var (
		space *qlik.Space
		err   error
	)
	if !m.ID.IsNull() {
		space, err = c.GetSpace(ctx, m.ID.ValueString())
	} else {
		space, err = c.FindSpaceByName(ctx, m.Name.ValueString(), m.Type.ValueString())
	}
	if !lookupFound(diags, err, "space", "Space not found", "No space matches "+m.describeLookup()+" in tenant "+c.Hostname()+
		". Check the spelling (names are case-sensitive) and that the provider's credentials can see the space.") {
		return
	}
	m.fromAPI(space)
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

// lookupIDAttribute is the id of a data source that looks one object up by id or by exact name: exactly one of
// id and name is set, and a lookup by name fills the id in.
func lookupIDAttribute(description string) schema.StringAttribute {
	return optionalOrRead(description+" Exactly one of `id` and `name` must be set.",
		stringvalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name")), stringvalidator.LengthAtLeast(1))
}

// lookupFound reports whether a data source's lookup of a what ("space") found it. When it did not, it adds
// the error: notFound with its detail when there is no such object (a 404, or a Find that found none), otherwise
// the API error of "Unable to read <what>".
func lookupFound(diags *diag.Diagnostics, err error, what, notFound, detail string) bool {
	switch {
	case errors.Is(err, qlik.ErrNotFound):
		diags.AddError(notFound, detail)
		return false
	case err != nil:
		addAPIError(diags, "Unable to read "+what, err, "")
		return false
	}
	return true
}
