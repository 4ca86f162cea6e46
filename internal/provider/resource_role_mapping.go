package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var (
	_ kitResource                         = (*roleMappingResource)(nil)
	_ resource.ResourceWithValidateConfig = (*roleMappingResource)(nil)
)

// NewRoleMappingResource is the qlik_role_mapping constructor.
func NewRoleMappingResource() resource.Resource {
	return &roleMappingResource{resourceBase{name: "role_mapping"}}
}

type roleMappingResource struct{ resourceBase }

type roleMappingModel struct {
	tenantObject
	GroupName    types.String     `tfsdk:"group_name"`
	GroupID      types.String     `tfsdk:"group_id"`
	GroupCreated types.Bool       `tfsdk:"group_created"`
	Roles        types.Set        `tfsdk:"roles"`
	SpaceRoles   []spaceRoleModel `tfsdk:"space_roles"`
}

type spaceRoleModel struct {
	SpaceID types.String `tfsdk:"space_id"`
	Roles   types.Set    `tfsdk:"roles"`
}

// notBlank rejects names made only of spaces, which Qlik would refuse at apply.
var notBlank = regexp.MustCompile(`\S`)

func (r *roleMappingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Maps one identity-provider group, by the name it has in the token's groups claim, to " +
			"tenant roles and, optionally, to roles in spaces.\n\n" +
			"The group is found by name, or created when nobody from it has signed in yet, so roles can be " +
			"granted ahead of the first login. The mapping sets the group's tenant roles (`assignedRoles`) and " +
			"manages the group's assignments in the listed spaces. It never changes who is in the group: " +
			"members arrive through the identity provider.\n\n" +
			"Destroying the mapping removes the space assignments it manages and the tenant roles it lists. The " +
			"group itself is deleted only when this mapping created it (`group_created`); a group that existed " +
			"before keeps its members and any roles the mapping did not list.\n\n" +
			"One mapping per group: two `qlik_role_mapping` of one group in a configuration fail at plan " +
			"(another configuration managing the same group cannot be detected). A `qlik_custom_group` sets its " +
			"group's complete role list, so a mapping of that group must leave `roles` out and manage only its " +
			"`space_roles`; with `roles` it fails at plan.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Id of the group (the same as `group_id`)."),
			"tenant_hostname": tenantHostnameAttribute(),
			"group_name": requiredReplace("Group name exactly as the identity provider sends it in the groups claim "+
				"(case-sensitive, 1 to 256 characters). Changing it replaces the mapping.",
				stringvalidator.LengthBetween(1, 256), stringvalidator.RegexMatches(notBlank, "must not be blank")),
			"group_id": idAttribute("Id of the group, for `qlik_space_assignment` and other references."),
			"group_created": computedKeptBool("Whether this mapping created the group (then destroy deletes it) or found it " +
				"already there (then destroy leaves it). An imported mapping records `false`."),
			"roles": schema.SetAttribute{
				MarkdownDescription: "Tenant roles of the group, by name, for example `SharedSpaceCreator` or " +
					"`EmbeddedAnalyticsUser`. The catalogue is per tenant (see the `qlik_roles` data source); an " +
					"unknown name fails at plan time with the list of valid ones. When set, this is the group's " +
					"complete role list: roles added elsewhere show as drift, and an empty set removes them all. " +
					"Omit it to leave the group's tenant roles alone (removing it gives back the roles it listed). " +
					"Updates in place.",
				Optional:    true,
				ElementType: types.StringType,
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
					setvalidator.SizeAtMost(100),
				},
			},
		},
		Blocks: map[string]schema.Block{
			"space_roles": schema.SetNestedBlock{
				MarkdownDescription: "Roles of the group in one space; one block per space. Adding, changing or " +
					"removing a block updates in place.",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"space_id": requiredString("Id of the space.", stringvalidator.LengthAtLeast(1)),
						"roles":    requiredStringSet(spaceRolesDescription+" At least one.", spaceRoleSetValidators()...),
					},
				},
			},
		},
	}
}

// ValidateConfig rejects two blocks for one space, which Qlik could not hold (one assignment per space).
func (r *roleMappingResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if spaceRolesUnknown(ctx, req.Config.GetAttribute, &resp.Diagnostics) {
		return
	}
	var cfg roleMappingModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	seen := map[string]bool{}
	for _, b := range cfg.SpaceRoles {
		if b.SpaceID.IsUnknown() || b.SpaceID.IsNull() {
			continue
		}
		id := b.SpaceID.ValueString()
		if seen[id] {
			resp.Diagnostics.AddAttributeError(path.Root("space_roles"), "Duplicate space",
				fmt.Sprintf("Space %s appears in more than one space_roles block; Qlik keeps one assignment per space and group, so list all its roles in one block.", id))
		}
		seen[id] = true
	}
}

// spaceRolesUnknown reports whether the space_roles blocks as a whole are not known yet, as with a dynamic
// block whose for_each is known only at apply (or inside a module with for_each at validation). The model
// cannot hold an unknown set, so the checks that read it wait for the plan Terraform makes again at apply.
func spaceRolesUnknown(ctx context.Context, get func(context.Context, path.Path, any) diag.Diagnostics, diags *diag.Diagnostics) bool {
	var blocks types.Set
	d := get(ctx, path.Root("space_roles"), &blocks)
	diags.Append(d...)
	return d.HasError() || blocks.IsUnknown()
}

// ModifyPlan validates role names against the tenant's catalogue (cached per tenant, one request per run) and
// space roles against each space's type, when they change and the tenant and spaces already exist.
func (r *roleMappingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		return
	}
	if r.resourceBase.ModifyPlan(ctx, req, resp); resp.Diagnostics.HasError() {
		return
	}
	claimPlanned(ctx, r.client, req, "group_name", "qlik_role_mapping", "group", &resp.Diagnostics)
	if resp.Diagnostics.HasError() || spaceRolesUnknown(ctx, req.Plan.GetAttribute, &resp.Diagnostics) {
		return
	}
	var plan roleMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.Roles.IsNull() {
		if claimGroupRoles(r.client, req, plan.TenantHostname, plan.GroupName, path.Root("roles"), &resp.Diagnostics); resp.Diagnostics.HasError() {
			return
		}
	}
	if plan.TenantHostname.IsUnknown() {
		return
	}
	var state *roleMappingModel
	if !req.State.Raw.IsNull() {
		state = &roleMappingModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	c, err := r.client.ForTenant(plan.TenantHostname.ValueString())
	if err != nil {
		return // reported against tenant_hostname at apply
	}
	if !plan.Roles.IsUnknown() && (state == nil || !plan.Roles.Equal(state.Roles)) {
		if roles, ok := stringSet(ctx, plan.Roles, &resp.Diagnostics); ok && len(roles) > 0 {
			if catalogue, err := c.CachedRoles(ctx); err == nil {
				reportUnknownRoles(roles, catalogue, c.Hostname(), &resp.Diagnostics)
			} else {
				tflog.Debug(ctx, "role catalogue not readable at plan time; roles are checked at apply", map[string]any{"error": err.Error()})
			}
		}
	}
	old := map[string]types.Set{}
	if state != nil {
		for _, b := range state.SpaceRoles {
			old[b.SpaceID.ValueString()] = b.Roles
		}
	}
	for _, b := range plan.SpaceRoles {
		if b.SpaceID.IsUnknown() || b.Roles.IsUnknown() {
			continue
		}
		if prev, ok := old[b.SpaceID.ValueString()]; ok && prev.Equal(b.Roles) {
			continue
		}
		if roles, ok := stringSet(ctx, b.Roles, &resp.Diagnostics); ok {
			checkSpaceRoles(ctx, c, b.SpaceID.ValueString(), roles, path.Root("space_roles"), &resp.Diagnostics)
		}
	}
}

// reportUnknownRoles adds one diagnostic naming the roles the catalogue lacks and listing the valid ones; it
// reports whether all were known.
func reportUnknownRoles(roles []string, catalogue []qlik.Role, host string, diags *diag.Diagnostics) bool {
	return reportUnknownRolesAt(path.Root("roles"), roles, catalogue, host, diags)
}

// reportUnknownRolesAt is reportUnknownRoles against the attribute attr.
func reportUnknownRolesAt(attr path.Path, roles []string, catalogue []qlik.Role, host string, diags *diag.Diagnostics) bool {
	names := make([]string, 0, len(catalogue))
	for _, r := range catalogue {
		names = append(names, r.Name)
	}
	sort.Strings(names)
	var unknown, hints []string
	for _, role := range roles {
		if slices.Contains(names, role) {
			continue
		}
		unknown = append(unknown, role)
		for _, n := range names {
			if strings.EqualFold(n, role) {
				hints = append(hints, fmt.Sprintf("%q is spelled %q", role, n))
			}
		}
	}
	if len(unknown) == 0 {
		return true
	}
	detail := fmt.Sprintf("Tenant %s has no role named %s. Role names are case-sensitive. Valid roles: %s.",
		host, quoteList(unknown), strings.Join(names, ", "))
	if len(hints) > 0 {
		detail += " Note: " + strings.Join(hints, "; ") + "."
	}
	diags.AddAttributeError(attr, "Unknown role", detail)
	return false
}

// checkRolesAtApply repeats the plan-time check with a fresh catalogue, for plans that could not check (a
// tenant created in the same apply) and for roles created since the catalogue was cached.
func checkRolesAtApply(ctx context.Context, c *qlik.Client, roles []string, diags *diag.Diagnostics) bool {
	if len(roles) == 0 {
		return true
	}
	catalogue, err := c.CachedRoles(ctx)
	if err == nil && reportUnknownRoles(roles, catalogue, c.Hostname(), &diag.Diagnostics{}) {
		return true
	}
	if catalogue, err = c.RefreshCachedRoles(ctx); err != nil {
		addAPIError(diags, "Unable to read the role catalogue", err, "")
		return false
	}
	return reportUnknownRoles(roles, catalogue, c.Hostname(), diags)
}

func (r *roleMappingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, c, ok := createIn[roleMappingModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	roles, ok := managedRoles(ctx, plan.Roles, &resp.Diagnostics)
	if !ok || !checkRolesAtApply(ctx, c, roles, &resp.Diagnostics) {
		return
	}
	desired, ok := spaceGrants(ctx, plan.SpaceRoles, &resp.Diagnostics)
	if !ok {
		return
	}
	g, created, err := c.FindOrCreateGroup(ctx, plan.GroupName.ValueString(), roles)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to find or create group %q", plan.GroupName.ValueString()), err, "")
		return
	}
	if roles != nil {
		recordGrantedRoles(ctx, resp.Private, roles, &resp.Diagnostics)
	}
	// Save the group before touching spaces, so a failure there leaves a tainted mapping that destroy can
	// clean up instead of an orphaned group.
	plan.ID, plan.GroupID, plan.GroupCreated = types.StringValue(g.ID), types.StringValue(g.ID), types.BoolValue(created)
	plan.SpaceRoles = []spaceRoleModel{}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.SpaceRoles = reconcileSpaceRoles(ctx, c, g.ID, nil, desired, &resp.Diagnostics)
	saveCreated(ctx, resp, &plan)
}

func (r *roleMappingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, c, ok := readIn[roleMappingModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	var (
		g   *qlik.Group
		err error
	)
	imported := state.ID.ValueString() == ""
	if imported {
		g, err = c.FindGroupByName(ctx, state.GroupName.ValueString())
	} else {
		g, err = c.GetGroup(ctx, state.ID.ValueString())
	}
	if errors.Is(err, qlik.ErrNotFound) {
		tflog.Debug(ctx, "group not found, removing the role mapping from state", map[string]any{"group": state.GroupName.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		if !keptForDeactivatedTenant(&resp.Diagnostics, err, "role mapping of group", state.GroupName.ValueString()) {
			addAPIError(&resp.Diagnostics, "Unable to read group", err, "")
		}
		return
	}
	state.ID, state.GroupID, state.GroupName = types.StringValue(g.ID), types.StringValue(g.ID), types.StringValue(g.Name)
	// Roles left unmanaged stay null; an import takes the group's roles as they are.
	if imported || !state.Roles.IsNull() {
		state.Roles = stringSetValue(g.RoleNames())
	}
	if state.GroupCreated.IsNull() || state.GroupCreated.IsUnknown() {
		state.GroupCreated = types.BoolValue(false)
	}
	// Only the spaces the mapping manages are read; an assignment (or space) that vanished drops its block, so
	// the plan puts it back.
	spaceIDs := make([]string, 0, len(state.SpaceRoles))
	for _, b := range state.SpaceRoles {
		spaceIDs = append(spaceIDs, b.SpaceID.ValueString())
	}
	held, err := c.SpaceRolesOf(ctx, g.ID, spaceIDs)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read the group's space assignments", err, "")
		return
	}
	state.SpaceRoles = spaceRoleModels(held)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *roleMappingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, state, c, ok := updateIn[roleMappingModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	current, ok := spaceGrants(ctx, state.SpaceRoles, &resp.Diagnostics)
	desired, ok2 := spaceGrants(ctx, plan.SpaceRoles, &resp.Diagnostics)
	if !ok || !ok2 {
		return
	}
	groupID := state.ID.ValueString()
	switch {
	case plan.Roles.Equal(state.Roles):
	case plan.Roles.IsNull():
		// No longer managed: give back what the mapping granted.
		if err := c.RemoveGroupRoles(ctx, groupID, grantedRoles(ctx, req.Private, state.Roles, &resp.Diagnostics)); err != nil {
			addAPIError(&resp.Diagnostics, "Unable to remove the roles the mapping granted", err, "")
			return
		}
		recordGrantedRoles(ctx, resp.Private, nil, &resp.Diagnostics)
	default:
		roles, ok := managedRoles(ctx, plan.Roles, &resp.Diagnostics)
		if !ok || !checkRolesAtApply(ctx, c, roles, &resp.Diagnostics) {
			return
		}
		if err := c.SetGroupRoles(ctx, groupID, roles); err != nil {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Unable to set the roles of group %q", plan.GroupName.ValueString()), err, "")
			return
		}
		recordGrantedRoles(ctx, resp.Private, roles, &resp.Diagnostics)
	}
	plan.ID, plan.GroupID, plan.GroupCreated = state.ID, state.GroupID, state.GroupCreated
	plan.SpaceRoles = reconcileSpaceRoles(ctx, c, groupID, current, desired, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *roleMappingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, c, ok := deleteIn[roleMappingModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	current, ok := spaceGrants(ctx, state.SpaceRoles, &resp.Diagnostics)
	if !ok {
		return
	}
	groupID := state.ID.ValueString()
	if left := reconcileSpaceRoles(ctx, c, groupID, current, nil, &resp.Diagnostics); len(left) > 0 {
		return
	}
	if state.GroupCreated.ValueBool() {
		reportDelete(&resp.Diagnostics, "group", c.DeleteGroup(ctx, groupID))
		return
	}
	// A group the mapping found keeps the roles it did not grant.
	if err := c.RemoveGroupRoles(ctx, groupID, grantedRoles(ctx, req.Private, state.Roles, &resp.Diagnostics)); err != nil {
		addAPIError(&resp.Diagnostics, "Unable to remove the roles the mapping granted", err, "")
	}
}

// managedRoles returns the configured tenant roles: nil when roles is null (the group's roles are left alone),
// otherwise the complete list, empty included.
func managedRoles(ctx context.Context, roles types.Set, diags *diag.Diagnostics) ([]string, bool) {
	if roles.IsNull() {
		return nil, true
	}
	names, ok := stringSet(ctx, roles, diags)
	if names == nil {
		names = []string{}
	}
	return names, ok
}

// spaceGrants converts space_roles blocks for the client.
func spaceGrants(ctx context.Context, blocks []spaceRoleModel, diags *diag.Diagnostics) ([]qlik.SpaceGrant, bool) {
	out := make([]qlik.SpaceGrant, 0, len(blocks))
	for _, b := range blocks {
		roles, ok := stringSet(ctx, b.Roles, diags)
		if !ok {
			return nil, false
		}
		out = append(out, qlik.SpaceGrant{SpaceID: b.SpaceID.ValueString(), Roles: roles})
	}
	return out, true
}

func spaceRoleModels(grants []qlik.SpaceGrant) []spaceRoleModel {
	out := make([]spaceRoleModel, 0, len(grants))
	for _, g := range grants {
		out = append(out, spaceRoleModel{SpaceID: types.StringValue(g.SpaceID), Roles: stringSetValue(g.Roles)})
	}
	return out
}

// reconcileSpaceRoles moves the group's space assignments from current to desired (qlik.ReconcileSpaceRoles)
// and returns the blocks that now hold; each space that failed is an error.
func reconcileSpaceRoles(ctx context.Context, c *qlik.Client, groupID string, current, desired []qlik.SpaceGrant, diags *diag.Diagnostics) []spaceRoleModel {
	held, errs := c.ReconcileSpaceRoles(ctx, qlik.AssigneeGroup, groupID, current, desired)
	for _, err := range errs {
		summary := "Unable to assign the group roles in space " + err.SpaceID
		if err.Removing {
			summary = "Unable to remove the group's assignment in space " + err.SpaceID
		}
		addAPIError(diags, summary, err.Err, "")
	}
	return spaceRoleModels(held)
}

// grantedRolesKey is the private-state key holding the tenant roles the mapping granted, as a JSON array. State
// holds the group's roles as last read, which include roles added by hand since; only the granted ones are given
// back.
const grantedRolesKey = "granted_roles"

type privateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// grantedRoles returns the roles the mapping granted; a mapping without the record (imported and not changed
// since) counts the roles in state as granted.
func grantedRoles(ctx context.Context, p privateReader, fallback types.Set, diags *diag.Diagnostics) []string {
	raw, d := p.GetKey(ctx, grantedRolesKey)
	diags.Append(d...)
	if len(raw) > 0 {
		var names []string
		if err := json.Unmarshal(raw, &names); err == nil {
			return names
		}
	}
	if fallback.IsNull() || fallback.IsUnknown() {
		return nil
	}
	names, _ := stringSet(ctx, fallback, diags)
	return names
}

// recordGrantedRoles stores the granted roles; nil (roles no longer managed) removes the record.
func recordGrantedRoles(ctx context.Context, p privateWriter, roles []string, diags *diag.Diagnostics) {
	if roles == nil {
		diags.Append(p.SetKey(ctx, grantedRolesKey, nil)...)
		return
	}
	b, err := json.Marshal(roles)
	if err != nil {
		diags.AddError("Unable to record the granted roles", err.Error())
		return
	}
	diags.Append(p.SetKey(ctx, grantedRolesKey, b)...)
}

// ImportState takes "[tenant_hostname/]group_name". Group names may contain slashes, so the first segment is
// taken for a hostname only when it looks like one (it has a dot or a port); a home-tenant group whose name
// starts like a hostname is imported with the home tenant's hostname in front.
func (r *roleMappingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	hostname, name := splitHostPrefix(req.ID)
	if strings.TrimSpace(name) == "" {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("invalid import id %q: expected \"<group_name>\" for the provider's home tenant or \"<tenant_hostname>/<group_name>\" for another tenant", req.ID))
		return
	}
	if checkImportHost(r.client, hostname, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	if hostname != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tenant_hostname"), hostname)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("group_name"), name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("group_created"), false)...)
}

var hostLike = regexp.MustCompile(`^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?$`)

func splitHostPrefix(id string) (hostname, rest string) {
	first, after, found := strings.Cut(id, "/")
	if found && hostLike.MatchString(first) && strings.ContainsAny(first, ".:") {
		return first, after
	}
	return "", id
}
