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
// roles, brands, themes and extensions, including objects not yet visible through the API. Keys: space
// "<type>/<name>", app "<space id>/<name>", group "<name>", assignment "<space id>/<assignee id>", user "<subject>",
// custom role "<name>", JWT identity provider "<issuer>/<key id>", OIDC identity provider "<discovery URL>/<client
// id>", OAuth client "<client name>", web integration "<name>", CSP origin "<origin>", brand "<name>", theme and
// extension "<qext file name>".
func (s *Server) Inventory() []TenantInventory {
	s.mu.RLock()
	tenants := append([]*tenantState(nil), s.tenants...)
	home := s.home
	s.mu.RUnlock()
	out := make([]TenantInventory, 0, len(tenants))
	for _, t := range tenants {
		snap := t.snapshot()
		inv := TenantInventory{TenantID: snap.ID, Name: snap.Name, Hostname: snap.Hostname, Status: snap.Status, Home: t == home}
		add := func(kind, key, id string) {
			inv.Objects = append(inv.Objects, InventoryObject{Kind: kind, Key: key, ID: id})
		}
		for _, sp := range s.Spaces(snap.Hostname) {
			add("space", sp.Type+"/"+sp.Name, sp.ID)
			for _, a := range s.SpaceAssignments(snap.Hostname, sp.ID) {
				add("space_assignment", sp.ID+"/"+a.AssigneeID, a.ID)
			}
		}
		for _, a := range s.Apps(snap.Hostname) {
			add("app", a.Attributes.SpaceID+"/"+a.Attributes.Name, a.Attributes.ID)
		}
		for _, g := range s.Groups(snap.Hostname) {
			add("group", g.Name, g.ID)
		}
		for _, p := range s.IdentityProviders(snap.Hostname) {
			if p.Provider == "qlik" {
				continue // the tenant's built-in Qlik Account login
			}
			if p.Protocol == "OIDC" {
				add("identity_provider_OIDC", p.Options.DiscoveryURL+"/"+p.Options.ClientID, p.ID)
				continue
			}
			kids := make([]string, 0, len(p.Options.StaticKeys))
			for _, k := range p.Options.StaticKeys {
				kids = append(kids, k.KID)
			}
			add("identity_provider_"+p.Protocol, p.Options.Issuer+"/"+strings.Join(kids, ","), p.ID)
		}
		for _, u := range t.access.users.list(time.Now(), true) {
			if !u.Val.seeded {
				add("user", u.Val.Subject, u.ID)
			}
		}
		for _, r := range t.access.roleCatalogue() {
			if r.Type == "custom" {
				add("custom_role", r.Name, r.ID)
			}
		}
		// OAuth client names are not unique in Qlik: two with one name show as a duplicate.
		for _, c := range s.OAuthClients(snap.Hostname) {
			add("oauth_client", c.ClientName, c.ClientID)
		}
		for _, w := range s.WebIntegrations(snap.Hostname) {
			add("web_integration", w.Name, w.ID)
		}
		for _, c := range s.CSPOrigins(snap.Hostname) {
			add("csp_origin", c.Origin, c.ID)
		}
		for _, b := range s.Brands(snap.Hostname) {
			add("brand", b.Name, b.ID)
		}
		for _, x := range s.Themes(snap.Hostname) {
			add("theme", x.QextFilename, x.ID)
		}
		for _, x := range s.Extensions(snap.Hostname) {
			add("extension", x.QextFilename, x.ID)
		}
		// A connection's name is unique in its space.
		for _, d := range s.DataConnections(snap.Hostname) {
			add("data_connection", d.Space+"/"+d.QName, d.QID)
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
