package provider

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*customRoleResource)(nil)

// NewCustomRoleResource is the qlik_custom_role constructor.
func NewCustomRoleResource() resource.Resource {
	return &customRoleResource{resourceBase{name: "custom_role"}}
}

type customRoleResource struct{ resourceBase }

type customRoleModel struct {
	tenantObject
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	Scopes      types.Set    `tfsdk:"scopes"`
}

func (r *customRoleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A custom tenant role: a named set of permissions (Qlik's scopes) that users, custom " +
			"groups and the Everyone group can hold next to the default roles. A tenant has at most 500 custom roles.\n\n" +
			"**Qlik deletes a custom role only when no user or group holds it.** Resources of this configuration " +
			"that reference the role (`roles = [qlik_custom_role.x.name]`) are destroyed or changed first, so that " +
			"case is handled by Terraform's order; a role still held by users or groups outside Terraform fails to " +
			"destroy with an error naming them.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Role id."),
			"tenant_hostname": tenantHostnameAttribute(),
			"name": schema.StringAttribute{
				MarkdownDescription: "Role name, unique in the tenant, also among the default roles (Qlik compares " +
					"names without regard to case). Users and groups name the role by it. Updates in place.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthBetween(1, 256)},
			},
			"description": emptyByDefault("What the role is for. Defaults to an empty string. Updates in place."),
			"scopes": schema.SetAttribute{
				MarkdownDescription: "Permissions the role grants, as Qlik's scope names (Qlik's `assignedScopes`). " +
					"Defaults to none. Updates in place.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(stringSetValue(nil)),
				Validators:  []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
		},
	}
}

// ModifyPlan refuses untrusted hosts and a second role of one name in this run, and notes the name so that users
// and groups planned in this run may hold the role before it exists.
func (r *customRoleResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.resourceBase.ModifyPlan(ctx, req, resp); req.Plan.Raw.IsNull() || r.client == nil || resp.Diagnostics.HasError() {
		return
	}
	var plan customRoleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.TenantHostname.IsUnknown() || plan.Name.IsUnknown() {
		return
	}
	claimInTenant(r.client, req, plan.TenantHostname, plan.Name, "qlik_custom_role", "role", path.Root("name"), &resp.Diagnostics)
	if c, err := r.client.ForTenant(plan.TenantHostname.ValueString()); err == nil {
		notePlannedRole(r.client, c.Hostname(), plan.Name.ValueString())
	}
}

func (m customRoleModel) request(ctx context.Context, diags *diag.Diagnostics) qlik.CustomRoleRequest {
	return qlik.CustomRoleRequest{Name: m.Name.ValueString(), Description: m.Description.ValueString(), AssignedScopes: setStrings(ctx, m.Scopes, diags)}
}

func (m *customRoleModel) fromAPI(r *qlik.CustomRole) {
	m.ID = types.StringValue(r.ID)
	m.Name = types.StringValue(r.Name)
	m.Description = types.StringValue(r.Description)
	m.Scopes = stringSetValue(r.AssignedScopes)
}

func (r *customRoleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, c, ok := createIn[customRoleModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	body := plan.request(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	role, err := c.CreateCustomRole(ctx, body)
	if err != nil {
		addRoleWriteError(&resp.Diagnostics, "Unable to create custom role", err)
		return
	}
	plan.fromAPI(role)
	saveCreated(ctx, resp, &plan)
}

func (r *customRoleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, c, ok := readIn[customRoleModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	role, err := c.GetCustomRole(ctx, state.ID.ValueString())
	if !readFound(ctx, err, "custom role", state.ID.ValueString(), resp) {
		return
	}
	if role.Type != "custom" {
		resp.Diagnostics.AddError("Not a custom role",
			"Role "+role.ID+" ("+role.Name+") is one of Qlik's default roles, which cannot be changed or deleted; "+
				"qlik_custom_role manages custom roles only. Refer to default roles by name in roles attributes instead.")
		return
	}
	state.fromAPI(role)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *customRoleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, state, c, ok := updateIn[customRoleModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	body := plan.request(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := c.UpdateCustomRole(ctx, state.ID.ValueString(), body); err != nil {
		addRoleWriteError(&resp.Diagnostics, "Unable to update custom role", err)
		return
	}
	role, err := c.GetCustomRole(ctx, state.ID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read custom role", err, "")
		return
	}
	plan.fromAPI(role)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *customRoleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, c, ok := deleteIn[customRoleModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	err := c.DeleteCustomRole(ctx, state.ID.ValueString())
	switch {
	case err == nil || errors.Is(err, qlik.ErrNotFound):
	case errors.Is(err, qlik.ErrBadRequest) && strings.Contains(strings.ToLower(err.Error()), "unassigned"):
		addAPIError(&resp.Diagnostics, "Custom role is still assigned", err,
			"Qlik deletes a custom role only when no user or group holds it. Take the role "+state.Name.ValueString()+
				" away from the users and groups Qlik names above (in their Terraform resources, or in the management "+
				"console for users and groups Terraform does not manage), then destroy it again.")
	default:
		addAPIError(&resp.Diagnostics, "Unable to delete custom role", err, "")
	}
}

func (r *customRoleResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importTenantScopedID(ctx, r.client, req, resp, "role_id")
}

// addRoleWriteError shows a taken name against the name attribute.
func addRoleWriteError(diags *diag.Diagnostics, summary string, err error) {
	if errors.Is(err, qlik.ErrBadRequest) && strings.Contains(err.Error(), "unique") || errors.Is(err, qlik.ErrNotCreatedByUs) {
		addAttributeAPIError(diags, path.Root("name"), summary, err,
			"Role names are unique in a tenant, default roles included, regardless of case: choose another name, or import the existing custom role.")
		return
	}
	addAPIError(diags, summary, err, "")
}
