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
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*customRoleResource)(nil)

// NewCustomRoleResource is the qlik_custom_role constructor.
func NewCustomRoleResource() resource.Resource {
	return &customRoleResource{importedByID("custom_role", "role_id")}
}

type customRoleResource struct{ idResource }

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
			"name": requiredString("Role name, unique in the tenant, also among the default roles (Qlik compares "+
				"names without regard to case). Users and groups name the role by it. Updates in place.",
				stringvalidator.LengthBetween(1, 256)),
			"description": emptyByDefault("What the role is for. Defaults to an empty string. Updates in place."),
			"scopes": emptySetByDefault("Permissions the role grants, as Qlik's scope names (Qlik's `assignedScopes`). "+
				"Defaults to none. Updates in place.",
				setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
			),
		},
	}
}

// ModifyPlan refuses untrusted hosts and a second role of one name in this run, and notes the name so that users
// and groups planned in this run may hold the role before it exists.
func (r *customRoleResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan, ok := planIn[customRoleModel](ctx, r.client, req, resp)
	if !ok || r.client == nil || plan.TenantHostname.IsUnknown() || plan.Name.IsUnknown() {
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
	createObject(ctx, r.client, req, resp, "custom role", roleWriteError,
		func(c *qlik.Client, plan customRoleModel) (*qlik.CustomRole, error) {
			body := plan.request(ctx, &resp.Diagnostics)
			if resp.Diagnostics.HasError() {
				return nil, nil
			}
			return c.CreateCustomRole(ctx, body)
		}, (*customRoleModel).fromAPI)
}

// Read refuses a default role: only custom roles can be changed or deleted.
func (r *customRoleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readObject(ctx, r.client, req, resp, "custom role", (*qlik.Client).GetCustomRole, func(m *customRoleModel, role *qlik.CustomRole) {
		if role.Type != "custom" {
			resp.Diagnostics.AddError("Not a custom role",
				"Role "+role.ID+" ("+role.Name+") is one of Qlik's default roles, which cannot be changed or deleted; "+
					"qlik_custom_role manages custom roles only. Refer to default roles by name in roles attributes instead.")
			return
		}
		m.fromAPI(role)
	})
}

func (r *customRoleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateThenRead(ctx, r.client, req, resp, "custom role", roleWriteError,
		func(c *qlik.Client, plan, state customRoleModel) error {
			body := plan.request(ctx, &resp.Diagnostics)
			if resp.Diagnostics.HasError() {
				return nil
			}
			return c.UpdateCustomRole(ctx, state.ID.ValueString(), body)
		}, (*qlik.Client).GetCustomRole, (*customRoleModel).fromAPI)
}

// Delete explains Qlik's refusal to delete a role that users or groups still hold.
func (r *customRoleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteRefused(ctx, r.client, req, resp, "custom role", (*qlik.Client).DeleteCustomRole, func(state customRoleModel, err error) (string, string) {
		if !errors.Is(err, qlik.ErrBadRequest) || !strings.Contains(strings.ToLower(err.Error()), "unassigned") {
			return "", ""
		}
		return "Custom role is still assigned", "Qlik deletes a custom role only when no user or group holds it. Take the role " +
			state.Name.ValueString() + " away from the users and groups Qlik names above (in their Terraform resources, or " +
			"in the management console for users and groups Terraform does not manage), then destroy it again."
	})
}

// roleWriteError shows a taken name against the name attribute.
var roleWriteError = writeErrors(errorOn{
	func(err error) bool {
		return errors.Is(err, qlik.ErrBadRequest) && strings.Contains(err.Error(), "unique") || errors.Is(err, qlik.ErrNotCreatedByUs)
	},
	"name", "Role names are unique in a tenant, default roles included, regardless of case: choose another name, or import the existing custom role.",
})
