package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*spaceResource)(nil)

// NewSpaceResource is the qlik_space constructor.
func NewSpaceResource() resource.Resource { return &spaceResource{importedByID("space", "space_id")} }

type spaceResource struct{ idResource }

type spaceResourceModel struct {
	tenantScoped
	spaceFields
}

// spaceFields are the attributes read from the API, shared by the resource and the data source.
type spaceFields struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	Type        types.String `tfsdk:"type"`
	Description types.String `tfsdk:"description"`
	OwnerID     types.String `tfsdk:"owner_id"`
	TenantID    types.String `tfsdk:"tenant_id"`
	CreatedAt   types.String `tfsdk:"created_at"`
	CreatedBy   types.String `tfsdk:"created_by"`
	UpdatedAt   types.String `tfsdk:"updated_at"`
}

func (r *spaceResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A space in a Qlik Cloud tenant: a shared space for collaborative work, a managed " +
			"space for governed, published content, or a data space for data integration projects.\n\n" +
			"Destroying a space that still holds apps or other content fails with Qlik's precondition error; " +
			"remove or move the content first.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Space id."),
			"tenant_hostname": tenantHostnameAttribute(),
			"name": requiredString("Space name, unique in the tenant. 1 to 256 characters, none of "+
				"`\" * ? < > / | \\ :`. Updates in place.",
				spaceNameValidators()...),
			"type": requiredReplace("Space type: `shared`, `managed` or `data`. Qlik cannot change the type of "+
				"a space, so a change replaces it; while the space holds apps the plan fails, naming them, before "+
				"anything in the space is destroyed.", stringvalidator.OneOf(qlik.SpaceTypes...)),
			"description": emptyByDefault("Description shown in the hub. Defaults to an empty string. Updates in place."),
			"owner_id": computedKept("User id of the space owner: the user behind the provider's credentials when " +
				"the space was created."),
			"tenant_id":  computedKept("Id of the tenant that holds the space."),
			"created_at": createdAtAttribute(),
			"created_by": createdByAttribute(),
			"updated_at": updatedAtAttribute(),
		},
	}
}

// ModifyPlan refuses, at plan, a type change of a space that holds items. A type change replaces the space, and
// Qlik refuses to delete a space that is not empty (412), but only after Terraform has destroyed the objects that
// depend on the space, such as its data connections. Items this configuration manages in the space (an app copy)
// count too: the provider cannot see at this point that they would be destroyed first, so the user removes or
// moves them in a first apply.
func (r *spaceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan, state, c, ok := replaceIn[spaceResourceModel](ctx, r.client, req, resp, "type")
	if !ok {
		return
	}
	items, err := c.SpaceItems(ctx, state.ID.ValueString(), 5)
	if err != nil {
		tflog.Debug(ctx, "space content not readable at plan time; Qlik checks it at delete", map[string]any{"error": err.Error()})
		return
	}
	if len(items) == 0 {
		return
	}
	names := make([]string, 0, len(items))
	for _, it := range items {
		names = append(names, fmt.Sprintf("%q (%s)", it.Name, it.ResourceID))
	}
	resp.Diagnostics.AddAttributeError(path.Root("type"), "Space type cannot change while the space holds items", fmt.Sprintf(
		"Changing type from %s to %s replaces space %s, and Qlik refuses to delete a space that is not empty. It holds "+
			"at least %d item(s): %s. The plan fails now so that nothing is destroyed (the space's data connections "+
			"and assignments would go first). Move or delete the items, including apps this configuration puts in the "+
			"space (remove them in a first apply), or keep the type and create a new space next to it.",
		state.Type.ValueString(), plan.Type.ValueString(), state.ID.ValueString(), len(items), strings.Join(names, ", ")))
}

func (r *spaceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createObject(ctx, r.client, req, resp, "space", conflictOn("name", spaceNameTaken),
		func(c *qlik.Client, plan spaceResourceModel) (*qlik.Space, error) {
			return c.CreateSpace(ctx, qlik.SpaceCreateRequest{
				Name: plan.Name.ValueString(), Type: plan.Type.ValueString(), Description: plan.Description.ValueString(),
			})
		}, (*spaceResourceModel).fromAPI)
}

func (r *spaceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readObject(ctx, r.client, req, resp, "space", (*qlik.Client).GetSpace, (*spaceResourceModel).fromAPI)
}

func (r *spaceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateObject(ctx, r.client, req, resp, "space", conflictOn("name", spaceNameTaken),
		func(c *qlik.Client, plan, state spaceResourceModel) (*qlik.Space, error) {
			return c.UpdateSpace(ctx, state.ID.ValueString(), qlik.SpaceUpdateRequest{
				Name: ifChanged(plan.Name, state.Name), Description: ifChanged(plan.Description, state.Description),
			})
		}, (*spaceResourceModel).fromAPI)
}

// Delete explains Qlik's 412 for a space that still holds content.
func (r *spaceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteRefused(ctx, r.client, req, resp, "space", (*qlik.Client).DeleteSpace, func(_ spaceResourceModel, err error) (string, string) {
		if !errors.Is(err, qlik.ErrPreconditionFailed) {
			return "", ""
		}
		return "Unable to delete space", "The space still holds content (apps, data files or other items). Qlik deletes " +
			"only empty spaces: move or delete its content first, then run terraform destroy or apply again."
	})
}

// spaceNameTaken is the next step after a 409 on create or update, reported against name.
const spaceNameTaken = "Space names are unique in a tenant: choose another name, or import the existing space with terraform import."

func (m spaceFields) objectID() string { return m.ID.ValueString() }

func (m *spaceFields) fromAPI(s *qlik.Space) {
	m.ID = types.StringValue(s.ID)
	m.Name = types.StringValue(s.Name)
	m.Type = types.StringValue(s.Type)
	m.Description = types.StringValue(s.Description)
	m.OwnerID = types.StringValue(s.OwnerID)
	m.TenantID = types.StringValue(s.TenantID)
	m.CreatedAt = types.StringValue(s.CreatedAt)
	m.CreatedBy = types.StringValue(s.CreatedBy)
	m.UpdatedAt = types.StringValue(s.UpdatedAt)
}
