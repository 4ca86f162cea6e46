package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*spaceAssignmentResource)(nil)

// NewSpaceAssignmentResource is the qlik_space_assignment constructor.
func NewSpaceAssignmentResource() resource.Resource {
	return &spaceAssignmentResource{importedByID("space_assignment", "space_id", "assignment_id")}
}

type spaceAssignmentResource struct{ idResource }

type spaceAssignmentModel struct {
	tenantObject
	SpaceID      types.String `tfsdk:"space_id"`
	AssigneeType types.String `tfsdk:"assignee_type"`
	AssigneeID   types.String `tfsdk:"assignee_id"`
	Roles        types.Set    `tfsdk:"roles"`
	CreatedAt    types.String `tfsdk:"created_at"`
	CreatedBy    types.String `tfsdk:"created_by"`
	UpdatedAt    types.String `tfsdk:"updated_at"`
}

// spaceRolesDescription is shared by the schemas that take space roles.
const spaceRolesDescription = "Space roles, case-sensitive. Which roles a space accepts depends on its type: " +
	"shared `codeveloper`, `consumer`, `dataconsumer`, `facilitator`, `producer`; managed `basicconsumer`, " +
	"`consumer`, `contributor`, `dataconsumer`, `facilitator`, `publisher`; data `consumer`, `dataconsumer`, " +
	"`datapreview`, `facilitator`, `operator`, `producer`, `publisher` (the space's own list, " +
	"`meta.assignableRoles`, is checked at plan time when the space already exists)."

func spaceRoleSetValidators() []validator.Set {
	return []validator.Set{
		setvalidator.SizeAtLeast(1),
		setvalidator.ValueStringsAre(stringvalidator.OneOf(qlik.SpaceRoles...)),
	}
}

func (r *spaceAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Gives a user or a group roles in one space. Qlik allows one assignment per space and " +
			"assignee: creating a second one fails with Qlik's conflict error (import the existing one instead). " +
			"The owner of a space holds every role without an assignment.\n\n" +
			"To map an identity-provider group to tenant and space roles in one place, see `qlik_role_mapping`.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Assignment id."),
			"tenant_hostname": tenantHostnameAttribute(),
			"space_id":        requiredReplace("Id of the space. Changing it replaces the assignment.", stringvalidator.LengthAtLeast(1)),
			"assignee_type":   requiredReplace("`user` or `group`. Changing it replaces the assignment.", stringvalidator.OneOf(qlik.AssigneeUser, qlik.AssigneeGroup)),
			"assignee_id":     requiredReplace("Id of the user or group. Changing it replaces the assignment.", stringvalidator.LengthAtLeast(1)),
			"roles":           requiredStringSet(spaceRolesDescription+" At least one. Updates in place.", spaceRoleSetValidators()...),
			"created_at":      createdAtAttribute(),
			"created_by":      createdByAttribute(),
			"updated_at":      updatedAtAttribute(),
		},
	}
}

// ModifyPlan checks the roles against the space's type when they change and the space already exists. It costs
// one GET, and only for plans that create the assignment or change its roles.
func (r *spaceAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan, ok := planIn[spaceAssignmentModel](ctx, r.client, req, resp)
	if !ok || r.client == nil || plan.Roles.IsUnknown() || plan.SpaceID.IsUnknown() || plan.TenantHostname.IsUnknown() {
		return
	}
	if !req.State.Raw.IsNull() {
		var state spaceAssignmentModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if plan.Roles.Equal(state.Roles) && plan.SpaceID.Equal(state.SpaceID) {
			return
		}
	}
	roles, ok := stringSet(ctx, plan.Roles, &resp.Diagnostics)
	if !ok {
		return
	}
	c, err := r.client.ForTenant(plan.TenantHostname.ValueString())
	if err != nil {
		return // reported against tenant_hostname at apply
	}
	checkSpaceRoles(ctx, c, plan.SpaceID.ValueString(), roles, path.Root("roles"), &resp.Diagnostics)
}

// checkSpaceRoles reports roles the space does not accept. A space that cannot be read yet is left to the
// apply, where Qlik's own answer is shown.
func checkSpaceRoles(ctx context.Context, c *qlik.Client, spaceID string, roles []string, at path.Path, diags *diag.Diagnostics) {
	spaceType, valid, err := c.SpaceAssignableRoles(ctx, spaceID)
	if err != nil {
		tflog.Debug(ctx, "space not readable at plan time; its roles are checked at apply", map[string]any{"space_id": spaceID, "error": err.Error()})
		return
	}
	var bad []string
	for _, role := range roles {
		if !slices.Contains(valid, role) {
			bad = append(bad, role)
		}
	}
	if len(bad) > 0 {
		diags.AddAttributeError(at, "Role not assignable in this space",
			fmt.Sprintf("Space %s is a %s space and does not accept %s. Roles it accepts: %s.",
				spaceID, spaceType, quoteList(bad), strings.Join(valid, ", ")))
	}
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// stringSet reads a known set of strings.
func stringSet(ctx context.Context, s types.Set, diags *diag.Diagnostics) ([]string, bool) {
	var out []string
	d := s.ElementsAs(ctx, &out, false)
	diags.Append(d...)
	slices.Sort(out)
	return out, !d.HasError()
}

func (r *spaceAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createObject(ctx, r.client, req, resp, "space assignment", assignmentWriteError,
		func(c *qlik.Client, plan spaceAssignmentModel) (*qlik.SpaceAssignment, error) {
			roles, ok := stringSet(ctx, plan.Roles, &resp.Diagnostics)
			if !ok {
				return nil, nil
			}
			return c.CreateSpaceAssignment(ctx, plan.SpaceID.ValueString(), qlik.SpaceAssignmentCreateRequest{
				Type: plan.AssigneeType.ValueString(), AssigneeID: plan.AssigneeID.ValueString(), Roles: roles,
			})
		}, (*spaceAssignmentModel).fromAPI)
}

func (r *spaceAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, c, ok := readIn[spaceAssignmentModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	a, err := c.GetSpaceAssignment(ctx, state.SpaceID.ValueString(), state.ID.ValueString())
	// A 404 means the assignment, or its whole space, is gone.
	if !readFound(ctx, err, "space assignment", state.ID.ValueString(), resp) {
		return
	}
	state.fromAPI(a)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *spaceAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateObject(ctx, r.client, req, resp, "space assignment", assignmentWriteError,
		func(c *qlik.Client, plan, state spaceAssignmentModel) (*qlik.SpaceAssignment, error) {
			roles, ok := stringSet(ctx, plan.Roles, &resp.Diagnostics)
			if !ok {
				return nil, nil
			}
			return c.UpdateSpaceAssignment(ctx, state.SpaceID.ValueString(), state.ID.ValueString(), roles)
		}, (*spaceAssignmentModel).fromAPI)
}

func (r *spaceAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, c, ok := deleteIn[spaceAssignmentModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	reportDelete(&resp.Diagnostics, "space assignment", c.DeleteSpaceAssignment(ctx, state.SpaceID.ValueString(), state.ID.ValueString()))
}

// assignmentWriteError shows Qlik's words for a write that failed, pointing at the attribute to change.
var assignmentWriteError = writeErrors(
	errorOn{is(qlik.ErrConflict), "assignee_id", "Qlik allows one assignment per space and assignee, and this one already has one: " +
		"import it with terraform import (id <space_id>/<assignment_id>), or change its roles there."},
	errorOn{is(qlik.ErrNotFound), "space_id", "The space does not exist or the provider's credentials cannot see it."},
)

func (m *spaceAssignmentModel) fromAPI(a *qlik.SpaceAssignment) {
	m.ID = types.StringValue(a.ID)
	m.SpaceID = types.StringValue(a.SpaceID)
	m.AssigneeType = types.StringValue(a.Type)
	m.AssigneeID = types.StringValue(a.AssigneeID)
	m.Roles = stringSetValue(a.Roles)
	m.CreatedAt = types.StringValue(a.CreatedAt)
	m.CreatedBy = types.StringValue(a.CreatedBy)
	m.UpdatedAt = types.StringValue(a.UpdatedAt)
}

func stringSetValue(items []string) types.Set {
	vals := make([]attr.Value, 0, len(items))
	for _, s := range items {
		vals = append(vals, types.StringValue(s))
	}
	return types.SetValueMust(types.StringType, vals)
}
