package qliksim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// WebIntegration is the simulator's wire form of a web integration (web-integrations.json WebIntegration). Its id
// is what an embedding page sends as Qlik-Web-Integration-ID.
type WebIntegration struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	ValidOrigins []string `json:"validOrigins"`
	TenantID     string   `json:"tenantId"`
	Created      string   `json:"created"`
	LastUpdated  string   `json:"lastUpdated"`
	CreatedBy    string   `json:"createdBy"`
	// Links is sent only in the answer to POST (WebIntegrationPost).
	Links *webIntegrationLinks `json:"links,omitempty"`
}

type webIntegrationLinks struct {
	Self Link `json:"self"`
}

// Codes documented in web-integrations.json, plus WEBINTEGRATIONS-CONFLICT for a duplicate name, which Qlik does
// not document (the simulator's assumption).
const (
	codeWebIntegrationNotFound = "WEBINTEGRATIONS_NOT_FOUND"
	codeWebIntegrationPatch    = "WEBINTEGRATIONS-4"
	codeWebIntegrationRequired = "WEBINTEGRATIONS-5"
	codeWebIntegrationInvalid  = "WEBINTEGRATIONS-6"
	codeWebIntegrationConflict = "WEBINTEGRATIONS-CONFLICT"
	codeWebIntegrationBody     = "BAD_REQUEST"
)

// webIntegrationErrors: web-integrations.json's Error has a string status, and the body a traceId.
var webIntegrationErrors = errorStyle{status: statusString, traceID: true}

type webIntegrationsAPI struct {
	tenantAPI
	integrations byID[WebIntegration]
}

func (s *Server) registerWebIntegrationRoutes(h *host) {
	api := &webIntegrationsAPI{s.apiOn(h), byID[WebIntegration]{h.tenant.webIntegrations, "id", webIntegrationNotFound}}
	h.handleObjects("/api/v1/web-integrations", "id", objectRoutes{list: api.list, create: api.create, get: api.get, patch: api.patch, delete: api.delete})
}

// webIntegrationNotFound answers 404 for any id: Qlik's answer names none.
func webIntegrationNotFound(w http.ResponseWriter, _ string) {
	webIntegrationErrors.writeAbout(w, http.StatusNotFound, codeWebIntegrationNotFound, "Not found", nil)
}

func webIntegrationInvalid(w http.ResponseWriter, err error) {
	webIntegrationErrors.writeAbout(w, http.StatusBadRequest, codeWebIntegrationInvalid, "Invalid property value", err)
}

// normalizeOrigin checks that s is an origin (http or https scheme, a host, an optional port, nothing else) and
// returns it as the simulator stores it: scheme and host in lower case, a default port (80 for http, 443 for https)
// dropped and no trailing slash. Qlik documents the field only as a URI; this normalisation is the simulator's
// choice [INF], and the provider asks for origins already in this form so that nothing diffs.
func normalizeOrigin(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a URL: %w", s, err)
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme != "http" && scheme != "https":
		return "", fmt.Errorf("%q must start with http:// or https://", s)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("%q has no host", s)
	case u.User != nil:
		return "", fmt.Errorf("%q must not hold user information", s)
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return "", fmt.Errorf("%q is not an origin: it has a path, query or fragment", s)
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("%q has an invalid port", s)
		}
		if (scheme == "http" && n == 80) || (scheme == "https" && n == 443) {
			port = ""
		}
	}
	if port != "" {
		return scheme + "://" + net.JoinHostPort(host, port), nil
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host, nil
}

func normalizeOrigins(origins []string, pointer string) ([]string, error) {
	out := make([]string, 0, len(origins))
	for i, o := range origins {
		n, err := normalizeOrigin(o)
		if err != nil {
			return nil, &inputError{detail: "validOrigins: " + err.Error() + ".", pointer: pointer + "/" + strconv.Itoa(i)}
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

type webIntegrationCreateRequest struct {
	Name         *string  `json:"name"`
	ValidOrigins []string `json:"validOrigins"`
}

func (api *webIntegrationsAPI) conflict(w http.ResponseWriter, name string) {
	webIntegrationErrors.writeAbout(w, http.StatusConflict, codeWebIntegrationConflict, "Conflict",
		&inputError{detail: fmt.Sprintf("A web integration named %q already exists.", name), pointer: "/name"})
}

func (api *webIntegrationsAPI) create(w http.ResponseWriter, r *http.Request) {
	var req webIntegrationCreateRequest
	if err := decodeJSON(r, &req); err != nil {
		webIntegrationErrors.writeAbout(w, http.StatusBadRequest, codeWebIntegrationBody, "Bad Request", err)
		return
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		writeError(w, http.StatusBadRequest, webIntegrationErrors, apiError{
			code: codeWebIntegrationRequired, title: "Missing required fields", detail: "name is required.", pointer: "/name",
		})
		return
	}
	origins, err := normalizeOrigins(req.ValidOrigins, "/validOrigins")
	if err != nil {
		webIntegrationInvalid(w, err)
		return
	}
	c := callerFrom(r.Context())
	now := time.Now()
	wi := WebIntegration{
		ID:           randomToken(16),
		Name:         *req.Name,
		ValidOrigins: origins,
		TenantID:     api.t.id,
		Created:      formatTime(now),
		CreatedBy:    c.userID,
	}
	wi.LastUpdated = wi.Created
	err = api.t.webIntegrations.insert(wi.ID, wi, now.Add(api.s.opts.VisibilityDelay), func(existing WebIntegration) bool {
		return existing.Name == wi.Name
	})
	if err != nil {
		api.conflict(w, wi.Name)
		return
	}
	wi.Links = &webIntegrationLinks{Self: Link{Href: api.h.url + "/api/v1/web-integrations/" + wi.ID}}
	writeJSON(w, http.StatusCreated, wi)
}

func (api *webIntegrationsAPI) get(w http.ResponseWriter, r *http.Request) {
	if _, wi, ok := api.integrations.find(w, r); ok {
		writeJSON(w, http.StatusOK, wi)
	}
}

// webIntegrationChange is a parsed PATCH document.
type webIntegrationChange struct {
	name    *string
	origins []string
	setOrig bool
}

// parseWebIntegrationPatch accepts replace /name with a string and replace /validOrigins with an array of origins.
// web-integrations.json types every value as a string, even for /validOrigins, an array on the resource
// (updateWebIntegrationById). The simulator accepts the array, which is what the resource holds and what the provider
// sends, and also a single string, taken as a one-origin list, so a client that follows the schema literally works too.
func parseWebIntegrationPatch(r *http.Request) (webIntegrationChange, error) {
	var ch webIntegrationChange
	ops, err := decodePatch[rawPatchOp](r)
	if err != nil {
		return ch, err
	}
	for i, op := range ops {
		at := "/" + strconv.Itoa(i)
		if op.Op == nil || *op.Op != "replace" {
			return ch, &inputError{detail: "Only the replace operation is supported.", pointer: at + "/op"}
		}
		if len(op.Value) == 0 {
			return ch, &inputError{detail: "value is required.", pointer: at + "/value"}
		}
		path := ""
		if op.Path != nil {
			path = *op.Path
		}
		switch path {
		case "/name":
			var name string
			if err := json.Unmarshal(op.Value, &name); err != nil || strings.TrimSpace(name) == "" {
				return ch, &inputError{detail: "value for /name must be a non-empty string.", pointer: at + "/value"}
			}
			ch.name = &name
		case "/validOrigins":
			var origins []string
			if err := json.Unmarshal(op.Value, &origins); err != nil {
				var one string
				if err := json.Unmarshal(op.Value, &one); err != nil {
					return ch, &inputError{detail: "value for /validOrigins must be an array of origins.", pointer: at + "/value"}
				}
				origins = []string{one}
			}
			norm, err := normalizeOrigins(origins, at+"/value")
			if err != nil {
				return ch, err
			}
			ch.origins, ch.setOrig = norm, true
		default:
			return ch, &inputError{detail: "path " + strconv.Quote(path) + " cannot be patched; use /name or /validOrigins.", pointer: at + "/path"}
		}
	}
	return ch, nil
}

func (api *webIntegrationsAPI) patch(w http.ResponseWriter, r *http.Request) {
	id, _, ok := api.integrations.find(w, r)
	if !ok {
		return
	}
	ch, err := parseWebIntegrationPatch(r)
	var in *inputError
	switch {
	case errors.As(err, &in) && (in.pointer == "" || strings.HasSuffix(in.pointer, "/op") || strings.HasSuffix(in.pointer, "/path")):
		webIntegrationErrors.writeAbout(w, http.StatusBadRequest, codeWebIntegrationPatch, "Invalid patch", err)
		return
	case err != nil:
		webIntegrationInvalid(w, err)
		return
	}
	if _, ok := api.integrations.edit(w, id, func(cur WebIntegration, now time.Time) (WebIntegration, error) {
		if ch.name != nil {
			cur.Name = *ch.name
		}
		if ch.setOrig {
			cur.ValidOrigins = ch.origins
		}
		cur.LastUpdated = formatTime(now)
		return cur, nil
	}, func(updated, other WebIntegration) bool { return updated.Name == other.Name },
		func(w http.ResponseWriter, _ error) { api.conflict(w, *ch.name) }); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

func (api *webIntegrationsAPI) delete(w http.ResponseWriter, r *http.Request) {
	if _, ok := api.integrations.remove(w, r); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

// webIntegrationListSpec is the list query of GET /web-integrations (web-integrations.json getWebIntegrations:
// limit 0-100, default 10; sort by name). Its pages are named by object ids, not cursors (list, below).
var webIntegrationListSpec = &listSpec{
	limitDefault: 10,
	sortFields:   []string{"name"}, sortDefault: "name",
	sortDetail:   "sort must be name, +name or -name.",
	cursorParams: []string{},
}

// list pages by object id, as web-integrations.json documents: startingAfter and endingBefore name the id of the
// last (first) object of the neighbouring page, in the chosen name order.
func (api *webIntegrationsAPI) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	bad := func(detail, param string) {
		webIntegrationErrors.writeAbout(w, http.StatusBadRequest, codeWebIntegrationBody, "Bad Request", &inputError{detail: detail, parameter: param})
	}
	lq, err := parseList(r, webIntegrationListSpec, api.s)
	if err != nil {
		webIntegrationErrors.writeAbout(w, http.StatusBadRequest, codeWebIntegrationBody, "Bad Request", err)
		return
	}
	limit, desc := lq.limit, lq.desc
	after, before := q.Get("startingAfter"), q.Get("endingBefore")
	if after != "" && before != "" {
		bad("Use either startingAfter or endingBefore, not both.", "startingAfter")
		return
	}
	if v := q.Get("tenantId"); v != "" && v != api.t.id {
		bad("tenantId must be the id of this tenant.", "tenantId")
		return
	}
	all := api.t.webIntegrations.list(time.Now(), false)
	less := func(a, b WebIntegration) bool {
		if a.Name != b.Name {
			return (a.Name < b.Name) != desc
		}
		return a.ID < b.ID
	}
	items := make([]WebIntegration, 0, len(all))
	for _, it := range all {
		items = append(items, it.Val)
	}
	sort.Slice(items, func(i, j int) bool { return less(items[i], items[j]) })
	start, end, unknown := idPage(items, func(wi WebIntegration) string { return wi.ID }, limit, after, before)
	if unknown != "" {
		bad(unknown+" names no web integration of this tenant.", unknown)
		return
	}
	page := items[start:end]
	resp := listPage[WebIntegration]{Data: page, Links: listLinks{Self: Link{Href: api.h.url + r.URL.RequestURI()}}}
	link := func(param, id string) *Link {
		lq := r.URL.Query()
		lq.Del("startingAfter")
		lq.Del("endingBefore")
		lq.Set(param, id)
		return &Link{Href: api.h.url + r.URL.Path + "?" + lq.Encode()}
	}
	if len(page) > 0 && end < len(items) {
		resp.Links.Next = link("startingAfter", page[len(page)-1].ID)
	}
	if len(page) > 0 && start > 0 {
		resp.Links.Prev = link("endingBefore", page[0].ID)
	}
	if resp.Data == nil {
		resp.Data = []WebIntegration{}
	}
	writeJSON(w, http.StatusOK, resp)
}
