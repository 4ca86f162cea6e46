package qliksim

import (
	"sort"
	"strings"
	"time"
)

// InventoryObject is one object a tenant holds, named by its kind and its natural key, so that a fault suite can
// tell a duplicate (two objects with one key) and an orphan (an object no configuration declared) from a count.
type InventoryObject struct {
	Kind string `json:"kind"`
	Key  string `json:"key"`
	ID   string `json:"id"`
}

// TenantInventory is everything one tenant holds that a configuration can create.
type TenantInventory struct {
	TenantID string            `json:"tenant_id"`
	Name     string            `json:"name"`
	Hostname string            `json:"hostname"`
	Status   string            `json:"status"`
	Home     bool              `json:"home"`
	Objects  []InventoryObject `json:"objects"`
}

// Inventory lists every tenant with its spaces, apps, groups, space assignments, identity providers (except the
// built-in interactive one), web integrations, CSP origins, users (except those a tenant starts with), custom
// roles, brands, themes, extensions, data connections, webhooks, reload schedules and automations, including
// objects not yet visible through the API. Keys: space "<type>/<name>", app "<space id>/<name>", group "<name>",
// assignment "<space id>/<assignee id>", user "<subject>", custom role "<name>", JWT identity provider
// "<issuer>/<key id>", OIDC identity provider "<discovery URL>/<client id>", OAuth client "<client name>", web
// integration "<name>", CSP origin "<origin>", brand "<name>", theme and extension "<qext file name>", webhook
// "<name>/<url>", reload schedule "<app id>/<name>", automation "<space id>/<name>".
func (s *Server) Inventory() []TenantInventory {
	s.mu.RLock()
	tenants := append([]*tenantState(nil), s.tenants...)
	home := s.home
	s.mu.RUnlock()
	out := make([]TenantInventory, 0, len(tenants))
	for _, t := range tenants {
		snap := t.snapshot()
		inv := TenantInventory{TenantID: snap.ID, Name: snap.Name, Hostname: snap.Hostname, Status: snap.Status, Home: t == home}
		for _, kind := range inventoryKinds {
			inv.Objects = append(inv.Objects, kind(s, t)...)
		}
		sort.Slice(inv.Objects, func(i, j int) bool {
			a, b := inv.Objects[i], inv.Objects[j]
			if a.Kind != b.Kind {
				return a.Kind < b.Kind
			}
			return a.Key < b.Key
		})
		out = append(out, inv)
	}
	return out
}

// inventoryKind lists the objects of one kind that a tenant holds, hidden ones included.
type inventoryKind func(s *Server, t *tenantState) []InventoryObject

// inventoryOf is the inventoryKind of the objects list returns, each with the key and id that keyOf gives it.
func inventoryOf[T any](kind string, list func(s *Server, hostname string) []T, keyOf func(T) (key, id string)) inventoryKind {
	return func(s *Server, t *tenantState) []InventoryObject {
		var out []InventoryObject
		for _, v := range list(s, t.host.hostname) {
			key, id := keyOf(v)
			out = append(out, InventoryObject{Kind: kind, Key: key, ID: id})
		}
		return out
	}
}

// inventoryKinds are the kinds Inventory lists, one entry per kind a configuration can create.
var inventoryKinds = []inventoryKind{
	inventoryOf("space", (*Server).Spaces, func(sp Space) (key, id string) { return sp.Type + "/" + sp.Name, sp.ID }),
	func(s *Server, t *tenantState) []InventoryObject {
		var out []InventoryObject
		for _, sp := range s.Spaces(t.host.hostname) {
			for _, a := range s.SpaceAssignments(t.host.hostname, sp.ID) {
				out = append(out, InventoryObject{Kind: "space_assignment", Key: sp.ID + "/" + a.AssigneeID, ID: a.ID})
			}
		}
		return out
	},
	inventoryOf("app", (*Server).Apps, func(a AppInfo) (key, id string) {
		return a.Attributes.SpaceID + "/" + a.Attributes.Name, a.Attributes.ID
	}),
	inventoryOf("group", (*Server).Groups, func(g Group) (key, id string) { return g.Name, g.ID }),
	identityProviderInventory,
	func(_ *Server, t *tenantState) []InventoryObject {
		var out []InventoryObject
		for _, u := range t.access.users.list(time.Now(), true) {
			if !u.Val.seeded { // not one the tenant starts with
				out = append(out, InventoryObject{Kind: "user", Key: u.Val.Subject, ID: u.ID})
			}
		}
		return out
	},
	func(_ *Server, t *tenantState) []InventoryObject {
		var out []InventoryObject
		for _, r := range t.access.roleCatalogue() {
			if r.Type == "custom" {
				out = append(out, InventoryObject{Kind: "custom_role", Key: r.Name, ID: r.ID})
			}
		}
		return out
	},
	// OAuth client names are not unique in Qlik: two with one name show as a duplicate.
	inventoryOf("oauth_client", (*Server).OAuthClients, func(c OAuthClient) (key, id string) { return c.ClientName, c.ClientID }),
	inventoryOf("web_integration", (*Server).WebIntegrations, func(w WebIntegration) (key, id string) { return w.Name, w.ID }),
	inventoryOf("csp_origin", (*Server).CSPOrigins, func(c CSPEntry) (key, id string) { return c.Origin, c.ID }),
	inventoryOf("brand", (*Server).Brands, func(b Brand) (key, id string) { return b.Name, b.ID }),
	inventoryOf("theme", (*Server).Themes, func(x Extension) (key, id string) { return x.QextFilename, x.ID }),
	inventoryOf("extension", (*Server).Extensions, func(x Extension) (key, id string) { return x.QextFilename, x.ID }),
	// Webhooks have no unique name in Qlik; the name and the URL together identify one.
	inventoryOf("webhook", (*Server).Webhooks, func(w WebhookInfo) (key, id string) { return w.Name + "/" + w.URL, w.ID }),
	// An automation is named within its space.
	inventoryOf("automation", (*Server).Automations, func(a Automation) (key, id string) { return a.SpaceID + "/" + a.Name, a.ID }),
	// A reload schedule is named among the schedules of its app.
	inventoryOf("reload_schedule", (*Server).Tasks, func(task Task) (key, id string) { return task.ResourceID + "/" + task.Name, task.ID }),
	// A connection's name is unique in its space.
	inventoryOf("data_connection", (*Server).DataConnections, func(d DataConnectionInfo) (key, id string) {
		return d.Space + "/" + d.QName, d.QID
	}),
}

// identityProviderInventory lists the identity providers but the tenant's built-in Qlik Account login: an OIDC
// one keyed by its discovery URL and client id, a JWT one by its issuer and key ids.
func identityProviderInventory(s *Server, t *tenantState) []InventoryObject {
	var out []InventoryObject
	for _, p := range s.IdentityProviders(t.host.hostname) {
		switch {
		case p.Provider == "qlik":
		case p.Protocol == "OIDC":
			out = append(out, InventoryObject{Kind: "identity_provider_OIDC", Key: p.Options.DiscoveryURL + "/" + p.Options.ClientID, ID: p.ID})
		default:
			kids := make([]string, 0, len(p.Options.StaticKeys))
			for _, k := range p.Options.StaticKeys {
				kids = append(kids, k.KID)
			}
			out = append(out, InventoryObject{Kind: "identity_provider_" + p.Protocol, Key: p.Options.Issuer + "/" + strings.Join(kids, ","), ID: p.ID})
		}
	}
	return out
}
