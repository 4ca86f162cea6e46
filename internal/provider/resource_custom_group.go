package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*customGroupResource)(nil)

// NewCustomGroupResource is the qlik_custom_group constructor.
func NewCustomGroupResource() resource.Resource {
	return &customGroupResource{newObjectResource[customGroupModel]("custom_group", "custom group", "group_id", (*qlik.Client).DeleteGroup)}
}

type customGroupResource struct {
	objectResource[customGroupModel]
}

type customGroupModel struct {
	tenantObject
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	Roles       types.Set    `tfsdk:"roles"`
}

func (r *customGroupResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A custom group of a tenant (Qlik's provider type `custom`): a group made in Qlik rather " +
			"than sent by the identity provider, with tenant roles its members hold. Groups that arrive in a user's " +
			"`groups` claim are managed with `qlik_role_mapping` instead; a `qlik_role_mapping` of a custom group may " +
			"manage its `space_roles` but not its `roles` (that fails at plan).\n\n" +
			"Deleting the group removes it from its members and deletes its space assignments.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Group id."),
			"tenant_hostname": tenantHostnameAttribute(),
			"name": requiredString("Group name, at most 256 characters, unique in the tenant (case-sensitive). Updates in place.",
				stringvalidator.LengthBetween(1, 256)),
			"description": emptyByDefault("What the group is for. Defaults to an empty string. Updates in place."),
			"roles": tenantRolesAttribute("Tenant roles of the group, by name (default or custom; case-sensitive). This is the " +
				"group's complete list: roles added elsewhere show as drift. Unknown names fail at plan. Defaults to none, " +
				"at most 100. Updates in place."),
		},
	}
}

// ModifyPlan refuses untrusted hosts, a second group of one name in this run, a role mapping that sets the same
// group's roles and unknown roles.
func (r *customGroupResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if plan, ok := planIn[customGroupModel](ctx, r.client, req, resp); ok {
		planRolesHolder(ctx, r.client, req, resp, plan.TenantHostname, plan.Name, "qlik_custom_group", "group", "name", plan.Roles)
		if !resp.Diagnostics.HasError() {
			claimGroupRoles(r.client, req, plan.TenantHostname, plan.Name, path.Root("name"), &resp.Diagnostics)
		}
	}
}

func (m *customGroupModel) fromAPI(g *qlik.Group) {
	m.ID = types.StringValue(g.ID)
	m.Name = types.StringValue(g.Name)
	m.Description = types.StringValue(g.Description)
	m.Roles = stringSetValue(g.RoleNames())
}

func (r *customGroupResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createObject(ctx, r.client, req, resp, "custom group", conflictOn("name", groupNameTaken),
		func(c *qlik.Client, plan customGroupModel) (*qlik.Group, error) {
			roles, ok := rolesToApply(ctx, c, plan.Roles, &resp.Diagnostics)
			if !ok {
				return nil, nil
			}
			return c.CreateGroup(ctx, qlik.GroupCreateRequest{
				Name: plan.Name.ValueString(), Description: plan.Description.ValueString(), ProviderType: qlik.GroupProviderCustom, Roles: roles,
			})
		}, (*customGroupModel).fromAPI)
}

// Read refuses a group from the identity provider: qlik_role_mapping manages those.
func (r *customGroupResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readObject(ctx, r.client, req, resp, "custom group", (*qlik.Client).GetGroup, func(m *customGroupModel, g *qlik.Group) {
		if g.ProviderType != qlik.GroupProviderCustom {
			resp.Diagnostics.AddError("Not a custom group",
				"Group "+g.ID+" ("+g.Name+") comes from the identity provider (provider type "+g.ProviderType+"); "+
					"qlik_custom_group manages custom groups only. Manage its roles with qlik_role_mapping.")
			return
		}
		m.fromAPI(g)
	})
}

func (r *customGroupResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateThenRead(ctx, r.client, req, resp, "custom group", conflictOn("name", groupNameTaken),
		func(c *qlik.Client, plan, state customGroupModel) error {
			roles, ok := rolesToApply(ctx, c, plan.Roles, &resp.Diagnostics)
			if !ok {
				return nil
			}
			return c.UpdateCustomGroup(ctx, state.ID.ValueString(), plan.Name.ValueString(), plan.Description.ValueString(), roles)
		}, (*qlik.Client).GetGroup, (*customGroupModel).fromAPI)
}

// groupNameTaken is the next step after a 409 on a custom group's name.
const groupNameTaken = "Group names are unique in a tenant (case-sensitive), identity provider groups included: choose another name, or import the existing custom group."
