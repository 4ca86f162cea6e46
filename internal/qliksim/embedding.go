package qliksim

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The embedding surface: what a browser sees when a vendor's portal signs a user in with a JWT and frames a
// sheet of the tenant (identity-providers.json
// createIdp, web-integrations.json, csp-origins.json; Qlik's "Embed content using iframes" and "Web integrations"
// help):
//
//   - Every tenant response carries a Content-Security-Policy whose frame-ancestors list the tenant's CSP origins
//     flagged frameAncestors, so a browser refuses to frame the tenant in any other page. Qlik sends more
//     directives than this; the simulator models frame-ancestors only [INF: the other directives govern what
//     Qlik's own pages load, which the simulator does not serve].
//   - A cross-origin call carries the web integration id (qlik-web-integration-id header, or the query parameter
//     of the same name, which is how a preflight names it) and its Origin must be one of that integration's
//     valid origins; the answer then allows the origin with credentials (CORS). A call without an Origin (a
//     backend, curl) or from the tenant's own origin needs no integration [INF: Qlik checks the integration for
//     browser calls; that server-side logins need none is the simulator's reading].
//   - /single/?appid=...&sheet=... (the Single Integration API) answers a minimal page naming the app, the sheet
//     and the signed-in user with their groups and roles, or refuses a user without a role in the app's space.

const (
	webIntegrationHeader = "qlik-web-integration-id"
	singleRoute          = "/single/"
	// codeEmbeddingForbidden is the simulator's code for a refused origin or web integration; Qlik documents
	// none [INF].
	codeEmbeddingForbidden = "HTTP-403"
)

// contentSecurityPolicy is the policy header of the tenant's responses: frame-ancestors 'self' and every CSP
// origin flagged frameAncestors, in creation order.
func (t *tenantState) contentSecurityPolicy(now time.Time) string {
	sources := []string{"'self'"}
	for _, it := range t.cspOrigins.list(now, false) {
		if it.Val.FrameAncestors {
			sources = append(sources, it.Val.Origin)
		}
	}
	return "frame-ancestors " + strings.Join(sources, " ")
}

// errOriginRefused explains why a browser call from another origin is refused.
type errOriginRefused struct{ detail string }

func (e *errOriginRefused) Error() string { return e.detail }

// crossOrigin checks the Origin of a request against the web integration it names. It returns the origin to
// allow with credentials ("" for a call without Origin or from the tenant itself) or why the call is refused.
// anyIntegration lets a preflight that names no integration pass when some integration lists the origin.
func (t *tenantState) crossOrigin(r *http.Request, now time.Time, anyIntegration bool) (string, error) {
	raw := r.Header.Get("Origin")
	if raw == "" {
		if id := webIntegrationID(r); id != "" {
			if _, ok := t.webIntegrations.get(id, now, false); !ok {
				return "", &errOriginRefused{detail: fmt.Sprintf("No web integration with id %q.", id)}
			}
		}
		return "", nil
	}
	origin, err := normalizeOrigin(raw)
	if err != nil {
		return "", &errOriginRefused{detail: "Origin " + err.Error() + "."}
	}
	if own, err := normalizeOrigin(t.host.url); err == nil && own == origin {
		return "", nil
	}
	id := webIntegrationID(r)
	if id == "" {
		if anyIntegration {
			for _, it := range t.webIntegrations.list(now, false) {
				if slices.Contains(it.Val.ValidOrigins, origin) {
					return origin, nil
				}
			}
			return "", &errOriginRefused{detail: fmt.Sprintf("No web integration of this tenant lists the origin %s.", origin)}
		}
		return "", &errOriginRefused{detail: fmt.Sprintf("A call from %s must send the %s header of a web integration that lists the origin.", origin, webIntegrationHeader)}
	}
	wi, ok := t.webIntegrations.get(id, now, false)
	if !ok {
		return "", &errOriginRefused{detail: fmt.Sprintf("No web integration with id %q.", id)}
	}
	if !slices.Contains(wi.ValidOrigins, origin) {
		return "", &errOriginRefused{detail: fmt.Sprintf("The origin %s is not a valid origin of web integration %q (%s).", origin, wi.Name, wi.ID)}
	}
	return origin, nil
}

func webIntegrationID(r *http.Request) string {
	if id := r.Header.Get(webIntegrationHeader); id != "" {
		return id
	}
	return r.URL.Query().Get(webIntegrationHeader)
}

// allowOrigin sets the CORS headers that let the page at origin read the answer and keep its cookies.
func allowOrigin(w http.ResponseWriter, origin string) {
	h := w.Header()
	h.Add("Vary", "Origin")
	if origin == "" {
		return
	}
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Credentials", "true")
}

func refuseOrigin(w http.ResponseWriter, err error) {
	writeError(w, http.StatusForbidden, gatewayErrors, apiError{code: codeEmbeddingForbidden, title: "Forbidden", detail: err.Error()})
}

// handleLoginPreflight answers the browser's CORS preflight of a JWT login.
func (s *Server) handleLoginPreflight(h *host, w http.ResponseWriter, r *http.Request) {
	origin, err := h.tenant.crossOrigin(r, time.Now(), true)
	if err != nil || origin == "" {
		w.Header().Add("Vary", "Origin")
		w.WriteHeader(http.StatusForbidden)
		return
	}
	allowOrigin(w, origin)
	w.Header().Set("Access-Control-Allow-Methods", "POST")
	w.Header().Set("Access-Control-Allow-Headers", "authorization, content-type, "+webIntegrationHeader+", "+csrfHeader)
	w.Header().Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// viewerSpaceRoles are the space roles that open an app in the space (spaces.json RoleType): every role but
// dataconsumer, which reaches data files only.
var viewerSpaceRoles = []string{"consumer", "basicconsumer", "contributor", "facilitator", "producer", "publisher", "operator", "codeveloper"}

// appAccess is what the /single/ page shows and decides on.
type appAccess struct {
	App        AppAttributes
	SpaceName  string
	Sheet      string
	User       User
	Groups     []string
	Roles      []string // tenant roles, the user's own and its groups'
	SpaceRoles []string // the user's and its groups' roles in the app's space
	Allowed    bool
	Reason     string
}

// accessToApp works out whether the signed-in user may open the app: as its owner, as the owner of its space,
// or through a space role (its own or a group's) that opens apps. Tenant roles alone open no app in a space
// [INF: Qlik's access model gives admins management, not content, of spaces they are not members of].
func (t *tenantState) accessToApp(userID, appID string, now time.Time) (appAccess, bool) {
	rec, ok := t.apps.get(appID, now, false)
	if !ok {
		return appAccess{}, false
	}
	urec, ok := t.access.users.get(userID, now, true)
	if !ok {
		return appAccess{}, false
	}
	u := t.access.renderUser(t.host, urec)
	acc := appAccess{App: rec.attrs, User: u}
	ids := []string{u.ID}
	for _, r := range u.AssignedRoles {
		acc.Roles = append(acc.Roles, r.Name)
	}
	for _, g := range u.AssignedGroups {
		acc.Groups = append(acc.Groups, g.Name)
		ids = append(ids, g.ID)
		for _, r := range g.AssignedRoles {
			acc.Roles = append(acc.Roles, r.Name)
		}
	}
	slices.Sort(acc.Roles)
	acc.Roles = slices.Compact(acc.Roles)
	spaceID := rec.attrs.SpaceID
	if spaceID == "" {
		acc.Allowed = rec.attrs.OwnerID == u.ID
		acc.Reason = "the app is in its owner's personal space"
	} else {
		sp, _ := t.spaces.get(spaceID, now, true)
		acc.SpaceName = sp.space.Name
		for _, it := range t.access.assignments.list(now, true) {
			if as := it.Val; as.SpaceID == spaceID && slices.Contains(ids, as.AssigneeID) {
				acc.SpaceRoles = append(acc.SpaceRoles, as.Roles...)
			}
		}
		slices.Sort(acc.SpaceRoles)
		acc.SpaceRoles = slices.Compact(acc.SpaceRoles)
		acc.Allowed = sp.space.OwnerID == u.ID || slices.ContainsFunc(acc.SpaceRoles, func(r string) bool { return slices.Contains(viewerSpaceRoles, r) })
		acc.Reason = fmt.Sprintf("no role that opens apps in space %q (has: %s)", acc.SpaceName, orNone(acc.SpaceRoles))
	}
	return acc, true
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

var singlePage = template.Must(template.New("single").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0;padding:16px;background:{{if .Acc.Allowed}}#f4f8f4{{else}}#fbf1f1{{end}};color:#222}
h1{font-size:18px;margin:0 0 8px}dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0}
dt{color:#666}dd{margin:0;font-family:ui-monospace,monospace}
</style></head><body>
{{- if .Acc.Allowed}}
<h1 id="sheet">Sheet {{.Acc.Sheet}} of {{.Acc.App.Name}}</h1>
{{- else}}
<h1 id="refused">Access denied</h1>
<p id="reason">{{.Acc.User.Name}} may not open {{.Acc.App.Name}}: {{.Acc.Reason}}.</p>
{{- end}}
<dl>
<dt>App</dt><dd id="app">{{.Acc.App.Name}} ({{.Acc.App.ID}})</dd>
<dt>Space</dt><dd id="space">{{if .Acc.SpaceName}}{{.Acc.SpaceName}}{{else}}personal{{end}}</dd>
<dt>Sheet</dt><dd id="sheet-id">{{if .Acc.Sheet}}{{.Acc.Sheet}}{{else}}(app overview){{end}}</dd>
<dt>User</dt><dd id="user">{{.Acc.User.Name}} ({{.Acc.User.Subject}})</dd>
<dt>Groups</dt><dd id="groups">{{range $i, $g := .Acc.Groups}}{{if $i}}, {{end}}{{$g}}{{end}}</dd>
<dt>Tenant roles</dt><dd id="roles">{{range $i, $r := .Acc.Roles}}{{if $i}}, {{end}}{{$r}}{{end}}</dd>
<dt>Space roles</dt><dd id="space-roles">{{range $i, $r := .Acc.SpaceRoles}}{{if $i}}, {{end}}{{$r}}{{end}}</dd>
<dt>Tenant</dt><dd id="tenant">{{.Tenant}}</dd>
</dl>
</body></html>
`))

var singleMessagePage = template.Must(template.New("message").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font:14px system-ui,sans-serif;padding:16px"><h1 id="refused" style="font-size:18px">{{.Title}}</h1><p id="reason">{{.Detail}}</p></body></html>
`))

// handleSingle serves /single/?appid=...&sheet=...: the framed page of the Single Integration API.
func (s *Server) handleSingle(h *host, w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	message := func(status int, title, detail string) {
		w.WriteHeader(status)
		_ = singleMessagePage.Execute(w, map[string]string{"Title": title, "Detail": detail})
	}
	q := r.URL.Query()
	appID := q.Get("appid")
	if appID == "" {
		message(http.StatusBadRequest, "No app", "The URL names no app: /single/?appid=<app id>&sheet=<sheet id>.")
		return
	}
	who := callerFrom(r.Context())
	if who == nil || who.userID == "" || !who.session {
		message(http.StatusUnauthorized, "Not signed in", "Sign in to this tenant first (a JWT login sets the session cookie).")
		return
	}
	now := time.Now()
	acc, ok := h.tenant.accessToApp(who.userID, appID, now)
	if !ok {
		message(http.StatusNotFound, "App not found", fmt.Sprintf("No app with id %s in this tenant.", appID))
		return
	}
	acc.Sheet = q.Get("sheet")
	status := http.StatusOK
	title := acc.App.Name
	if !acc.Allowed {
		status, title = http.StatusForbidden, "Access denied"
	}
	w.WriteHeader(status)
	_ = singlePage.Execute(w, map[string]any{"Title": title, "Acc": acc, "Tenant": h.hostname})
}
