package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// claims records, for one configured provider, which Qlik objects a resource instance of this run manages
// exclusively: a group's roles (qlik_role_mapping), an app's script (qlik_load_script), an alias hostname
// (qlik_tenant). Two instances claiming one object would undo each other on every apply, so the second claim is a
// plan error.
//
// Terraform configures a provider once per graph walk (plan, apply) and plans each instance once per walk, except
// that a replacement is planned a second time as a create (without prior state). A claimant is therefore its
// configuration, and among claims with the same configuration only one may come without prior state: two
// different configurations for one object are the tug of war, and so are two new instances with identical
// configurations. That bounds what can be detected: instances of one configuration (and of its modules) are
// compared; another configuration, workspace or person managing the same object is not, since nothing in Qlik
// records who manages a group or a script.
type claims struct {
	mu   sync.Mutex
	keys map[string]*claimEntry
}

type claimEntry struct {
	claimant string
	creates  int
}

// registries holds one claims per configured client; a client lives for one walk.
var registries sync.Map // *qlik.Client -> *claims

// claim records key for the client c on behalf of claimant (the instance's configuration; creating when it has
// no prior state) and reports false when the key belongs to another instance.
func claim(c *qlik.Client, key, claimant string, creating bool) bool {
	if c == nil {
		return true
	}
	v, _ := registries.LoadOrStore(c, &claims{keys: map[string]*claimEntry{}})
	reg, ok := v.(*claims)
	if !ok {
		return true
	}
	reg.mu.Lock()
	defer reg.mu.Unlock()
	e := reg.keys[key]
	switch {
	case e == nil:
		e = &claimEntry{claimant: claimant}
		reg.keys[key] = e
	case e.claimant != claimant:
		return false
	case creating && e.creates > 0:
		return false
	}
	if creating {
		e.creates++
	}
	return true
}

// claimPlanned is claimInTenant for the planned value of the attribute key (a string), in the planned tenant.
func claimPlanned(ctx context.Context, c *qlik.Client, req resource.ModifyPlanRequest, key, resourceType, kind string, diags *diag.Diagnostics) {
	var host, object types.String
	diags.Append(req.Plan.GetAttribute(ctx, path.Root("tenant_hostname"), &host)...)
	diags.Append(req.Plan.GetAttribute(ctx, path.Root(key), &object)...)
	claimInTenant(c, req, host, object, resourceType, kind, path.Root(key), diags)
}

// claimInTenant claims object (of the given kind, e.g. "group") in the tenant named by hostname for a resource of
// type resourceType at plan time. A second claim in this run is an error against attr. Unknown values are not
// claimed: the apply walk plans again with them known.
func claimInTenant(c *qlik.Client, req resource.ModifyPlanRequest, hostname, object types.String, resourceType, kind string, attr path.Path, diags *diag.Diagnostics) {
	host, ok := claimIn(c, req, hostname, object, resourceType)
	if ok {
		return
	}
	diags.AddAttributeError(attr, "Two "+resourceType+" resources manage one "+kind, fmt.Sprintf(
		"Another %s in this configuration also manages %s %q in tenant %s. Each would undo the other's changes on "+
			"every apply; keep one of them (merge their settings into it). The provider compares the resources of "+
			"one Terraform run only: another configuration or workspace managing the same %s cannot be detected.",
		resourceType, kind, object.ValueString(), host, kind))
}

// claimIn claims object in the tenant named by hostname among the claims of scope (a resource type, or what
// several resource types manage) and reports false, with the tenant's hostname, when another instance of this
// run holds it. Unknown and null values are not claimed.
func claimIn(c *qlik.Client, req resource.ModifyPlanRequest, hostname, object types.String, scope string) (host string, ok bool) {
	if c == nil || hostname.IsUnknown() || object.IsUnknown() || object.IsNull() {
		return "", true
	}
	host = hostname.ValueString()
	if v, err := c.ForTenant(host); err == nil {
		host = v.Hostname()
	}
	return host, claim(c, scope+"\x00"+host+"\x00"+object.ValueString(), req.Config.Raw.String(), req.State.Raw.IsNull())
}

// claimGroupRoles claims the tenant roles of the group named name, which a qlik_custom_group always sets (its
// roles are the group's complete list) and a qlik_role_mapping sets when it lists roles: one of each on one group
// would undo each other's roles on every apply. A role mapping without roles (space roles only) may manage the
// spaces of a custom group.
func claimGroupRoles(c *qlik.Client, req resource.ModifyPlanRequest, hostname, name types.String, attr path.Path, diags *diag.Diagnostics) {
	host, ok := claimIn(c, req, hostname, name, "tenant roles of group")
	if ok {
		return
	}
	diags.AddAttributeError(attr, "Two resources set the tenant roles of one group", fmt.Sprintf(
		"A qlik_custom_group and a qlik_role_mapping with roles in this configuration both set the tenant roles of "+
			"group %q in tenant %s; each would undo the other's roles on every apply. Keep the roles in the "+
			"qlik_custom_group and remove roles from the qlik_role_mapping (its space_roles can stay).",
		name.ValueString(), host))
}
