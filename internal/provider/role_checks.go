package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// Role names given to users, custom groups and the Everyone group are checked at plan against the tenant's
// catalogue (one request per tenant and run). A qlik_custom_role planned in the same run is not in the catalogue
// yet, so its ModifyPlan notes its name, and the checks accept it: a user that references the role
// (qlik_custom_role.x.name) is planned after it.

// plannedRoles holds, per configured client (one graph walk), the custom role names planned per tenant host.
var plannedRoles sync.Map // *qlik.Client -> *sync.Map of host+"\x00"+name -> true

func notePlannedRole(c *qlik.Client, host, name string) {
	if c == nil {
		return
	}
	v, _ := plannedRoles.LoadOrStore(c, &sync.Map{})
	if m, ok := v.(*sync.Map); ok {
		m.Store(host+"\x00"+name, true)
	}
}

func rolePlanned(c *qlik.Client, host, name string) bool {
	v, ok := plannedRoles.Load(c)
	if !ok {
		return false
	}
	m, ok := v.(*sync.Map)
	if !ok {
		return false
	}
	_, ok = m.Load(host + "\x00" + name)
	return ok
}

// checkRolesAtPlan reports role names in roles that the tenant does not have against attr, when roles is known
// and differs from prior (unchanged roles are not checked again).
func checkRolesAtPlan(ctx context.Context, client *qlik.Client, hostname types.String, roles, prior types.Set, attr path.Path, diags *diag.Diagnostics) {
	if client == nil || hostname.IsUnknown() || roles.IsUnknown() || roles.IsNull() || roles.Equal(prior) {
		return
	}
	c, err := client.ForTenant(hostname.ValueString())
	if err != nil {
		return // reported against tenant_hostname
	}
	names, ok := stringSet(ctx, roles, diags)
	if !ok {
		return
	}
	var unplanned []string
	for _, n := range names {
		if !rolePlanned(client, c.Hostname(), n) {
			unplanned = append(unplanned, n)
		}
	}
	if len(unplanned) == 0 {
		return
	}
	catalogue, err := c.CachedRoles(ctx)
	if err != nil {
		tflog.Debug(ctx, "role catalogue not readable at plan time; roles are checked at apply", map[string]any{"error": err.Error()})
		return
	}
	if !reportUnknownRolesAt(attr, unplanned, catalogue, c.Hostname(), &diag.Diagnostics{}) {
		// A role created since the catalogue was cached (another tenant's apply, a console edit) is not unknown.
		if catalogue, err = c.RefreshCachedRoles(ctx); err == nil {
			reportUnknownRolesAt(attr, unplanned, catalogue, c.Hostname(), diags)
		}
	}
}

// planRolesHolder is the plan-time check of a resource that holds tenant roles and is unique by a key in its tenant
// (a user by subject, a custom group by name): a second claim of the key in this run and unknown role names are
// errors against their attributes.
func planRolesHolder(
	ctx context.Context, client *qlik.Client, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse,
	host, key types.String, resourceType, kind, keyAttr string, roles types.Set,
) {
	claimInTenant(client, req, host, key, resourceType, kind, path.Root(keyAttr), &resp.Diagnostics)
	prior := types.SetNull(types.StringType)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("roles"), &prior)...)
	}
	checkRolesAtPlan(ctx, client, host, roles, prior, path.Root("roles"), &resp.Diagnostics)
}

// rolesToApply returns the planned tenant roles of a user or custom group for a create or update, after checking
// them against a fresh catalogue (checkRolesAtApply). ok is false when the set cannot be read or names a role the
// tenant does not have; diags say which.
func rolesToApply(ctx context.Context, c *qlik.Client, planned types.Set, diags *diag.Diagnostics) (roles []string, ok bool) {
	roles = setStrings(ctx, planned, diags)
	return roles, !diags.HasError() && checkRolesAtApply(ctx, c, roles, diags)
}
