package qliksim

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Role is the simulator's wire form of a tenant role (roles.json Role).
type Role struct {
	ID             string    `json:"id"`
	TenantID       string    `json:"tenantId"`
	Name           string    `json:"name"`
	Type           string    `json:"type"`
	Level          string    `json:"level"`
	Description    string    `json:"description"`
	AssignedScopes []string  `json:"assignedScopes"`
	CanEdit        bool      `json:"canEdit"`
	CanDelete      bool      `json:"canDelete"`
	CreatedAt      string    `json:"createdAt"`
	LastUpdatedAt  string    `json:"lastUpdatedAt"`
	CreatedBy      string    `json:"createdBy,omitempty"`
	UpdatedBy      string    `json:"updatedBy,omitempty"`
	Links          roleLinks `json:"links"`
}

type roleLinks struct {
	Self Link `json:"self"`
}

// defaultRoles are the built-in roles every tenant has (qlik.dev, "Default roles",
// https://qlik.dev/manage/access-control/default-roles: names and levels; the descriptions are the simulator's).
var defaultRoles = []struct{ name, level, description string }{
	{"AnalyticsAdmin", "admin", "Manages analytics content, spaces and users' access to them."},
	{"AuditAdmin", "admin", "Reads the tenant's audit events."},
	{"AutomationCreator", "user", "Creates and runs automations."},
	{"AutomlDeploymentContributor", "user", "Deploys machine learning models."},
	{"AutomlExperimentContributor", "user", "Creates machine learning experiments."},
	{"CollaborationPlatformUser", "user", "Uses Qlik from collaboration platforms."},
	{"DataAdmin", "admin", "Manages data integration and data spaces."},
	{"DataProductManager", "user", "Manages data products."},
	{"DataServicesContributor", "user", "Creates data integration projects."},
	{"DataSpaceCreator", "user", "Creates data spaces."},
	{"EmbeddedAnalyticsUser", "user", "Views embedded analytics; a restrictive role for embedding."},
	{"ManagedSpaceCreator", "user", "Creates managed spaces."},
	{"PrivateAnalyticsContentCreator", "user", "Creates apps and other content in personal spaces."},
	{"SharedSpaceCreator", "user", "Creates shared spaces."},
	{"Steward", "user", "Manages business glossaries and data quality."},
	{"TenantAdmin", "admin", "Administers the tenant."},
}

// newRoleCatalogue returns a new tenant's roles; role ids differ per tenant, names do not.
func newRoleCatalogue(tenantID string, now time.Time) []Role {
	stamp := formatTime(now)
	out := make([]Role, 0, len(defaultRoles))
	for _, d := range defaultRoles {
		out = append(out, Role{
			ID: newObjectID(), TenantID: tenantID, Name: d.name, Type: "default", Level: d.level,
			Description: d.description, AssignedScopes: []string{}, CreatedAt: stamp, LastUpdatedAt: stamp,
		})
	}
	return out
}

// rolesErrors: roles.json's Error has no status; the body carries a traceId.
var rolesErrors = errorStyle{status: statusAbsent, traceID: true}

const (
	codeRoleNotFound   = "IDENTITIES-10402"
	codeRoleBadRequest = "IDENTITIES-10400"
)

// assignedRole is a role reference on a group or user (AssignedRoles items).
type assignedRole struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	Level string `json:"level"`
}

// roleRef is a role named by id or by name in a request (AssignedRolesRefIDs / AssignedRolesRefNames).
type roleRef struct {
	ID   *string `json:"id"`
	Name *string `json:"name"`
}

// maxRolesPerPrincipal is the limit of roles per group (groups.json: "limit of 100 roles per group").
const maxRolesPerPrincipal = 100

// resolveRoles maps role references to catalogue entries. Unknown roles are a 400: the error names them and
// lists the valid names, since the catalogue is per tenant.
func (a *accessState) resolveRoles(refs []roleRef, pointer string) ([]assignedRole, error) {
	if len(refs) > maxRolesPerPrincipal {
		return nil, &inputError{detail: fmt.Sprintf("At most %d roles can be assigned.", maxRolesPerPrincipal), pointer: pointer}
	}
	out := make([]assignedRole, 0, len(refs))
	seen := map[string]bool{}
	for i, ref := range refs {
		at := pointer + "/" + strconv.Itoa(i)
		var r *Role
		switch {
		case ref.ID != nil:
			r = a.roleBy(func(x Role) bool { return x.ID == *ref.ID })
			if r == nil {
				return nil, &inputError{detail: "Role id " + strconv.Quote(*ref.ID) + " does not exist in this tenant.", pointer: at + "/id"}
			}
		case ref.Name != nil:
			r = a.roleBy(func(x Role) bool { return x.Name == *ref.Name })
			if r == nil {
				return nil, &inputError{
					detail:  "Role " + strconv.Quote(*ref.Name) + " does not exist in this tenant. Valid roles: " + strings.Join(a.roleNames(), ", ") + ".",
					pointer: at + "/name",
				}
			}
		default:
			return nil, &inputError{detail: "Each role reference needs an id or a name.", pointer: at}
		}
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, assignedRole{ID: r.ID, Name: r.Name, Type: r.Type, Level: r.Level})
		}
	}
	return out, nil
}

// rolesNamed resolves role names, for the out-of-band hooks.
func (a *accessState) rolesNamed(names []string) ([]assignedRole, error) {
	refs := make([]roleRef, 0, len(names))
	for _, n := range names {
		refs = append(refs, roleRef{Name: &n})
	}
	return a.resolveRoles(refs, "/assignedRoles")
}

func (a *accessState) roleBy(match func(Role) bool) *Role {
	a.rolesMu.RLock()
	defer a.rolesMu.RUnlock()
	for i := range a.roles {
		if match(a.roles[i]) {
			r := a.roles[i]
			return &r
		}
	}
	return nil
}

// roleCatalogue returns a copy of the tenant's roles, default and custom.
func (a *accessState) roleCatalogue() []Role {
	a.rolesMu.RLock()
	defer a.rolesMu.RUnlock()
	return slices.Clone(a.roles)
}

func (a *accessState) roleNames() []string {
	a.rolesMu.RLock()
	defer a.rolesMu.RUnlock()
	names := make([]string, 0, len(a.roles))
	for _, r := range a.roles {
		names = append(names, r.Name)
	}
	sort.Strings(names)
	return names
}

type rolesAPI struct {
	s *Server
	h *host
	a *accessState
}

func (api *rolesAPI) withLinks(r Role) Role {
	r.Links = roleLinks{Self: Link{Href: api.h.url + "/api/v1/roles/" + r.ID}}
	return r
}

// find returns the id the path names and its role; when there is no such role it answers 404 and the role is nil.
func (api *rolesAPI) find(w http.ResponseWriter, r *http.Request) (string, *Role) {
	id := r.PathValue("id")
	role := api.a.roleBy(func(x Role) bool { return x.ID == id })
	if role == nil {
		rolesNotFound(w, id)
	}
	return id, role
}

func (api *rolesAPI) get(w http.ResponseWriter, r *http.Request) {
	if _, role := api.find(w, r); role != nil {
		writeJSON(w, http.StatusOK, api.withLinks(*role))
	}
}

// roleSortKeys are the sort fields GET /roles accepts; each key ends in the id so keys are unique.
var roleSortKeys = map[string]func(Role) []string{
	"name":      func(r Role) []string { return []string{r.Name, r.ID} },
	"type":      func(r Role) []string { return []string{r.Type, r.Name, r.ID} },
	"level":     func(r Role) []string { return []string{r.Level, r.Name, r.ID} },
	"createdAt": func(r Role) []string { return []string{r.CreatedAt, r.Name, r.ID} },
}

var roleListSpec = identityList([]string{"id", "name", "type", "level"}, slices.Sorted(maps.Keys(roleSortKeys))...)

func (api *rolesAPI) list(w http.ResponseWriter, r *http.Request) {
	bad := func(err error) {
		e := apiError{code: codeRoleBadRequest, title: "Bad Request", detail: err.Error()}
		var in *inputError
		if errors.As(err, &in) {
			e.parameter = in.parameter
		}
		writeError(w, http.StatusBadRequest, rolesErrors, e)
	}
	lq, err := parseList(r, roleListSpec, api.a)
	if err != nil {
		bad(err)
		return
	}
	var items []Role
	for _, role := range api.a.roleCatalogue() {
		fields := map[string][]string{"id": {role.ID}, "name": {role.Name}, "type": {role.Type}, "level": {role.Level}}
		if lq.matches(func(n string) []string { return fields[n] }) {
			items = append(items, role)
		}
	}
	pg := onePage(lq, api.h, r, items, roleSortKeys[lq.sortField], api.withLinks)
	writeJSON(w, http.StatusOK, pg.counted(lq, len(items)))
}

// Custom roles (roles.json createRole, updateRoleById, deleteRoleById). roles.json documents: names are unique,
// at most 500 custom roles per tenant, PATCH and DELETE apply only to roles of type custom, and a role can be
// deleted only once it is unassigned from all users and groups. It declares no 409 (a taken name is a 400, the
// status it declares for an invalid request) and no 404 on DELETE; the simulator answers an unknown id there with
// 404 like GET and PATCH do (DESIGN.md).
const (
	maxCustomRoles    = 500
	roleNameMaxLength = 256
)

type roleCreateRequest struct {
	Name           *string  `json:"name"`
	Description    *string  `json:"description"`
	AssignedScopes []string `json:"assignedScopes"`
}

func rolesBadRequest(w http.ResponseWriter, err error) {
	writeError(w, http.StatusBadRequest, rolesErrors, errorAbout(codeRoleBadRequest, "Bad Request", err))
}

func rolesNotFound(w http.ResponseWriter, id string) {
	writeError(w, http.StatusNotFound, rolesErrors, apiError{code: codeRoleNotFound, title: "Not Found", detail: "No role with id " + id + "."})
}

func validateRoleName(name, pointer string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return &inputError{detail: "name is required and must not be empty.", pointer: pointer}
	case len([]rune(name)) > roleNameMaxLength:
		return &inputError{detail: fmt.Sprintf("name must be at most %d characters long.", roleNameMaxLength), pointer: pointer}
	}
	return nil
}

func validateScopes(scopes []string, pointer string) ([]string, error) {
	out := make([]string, 0, len(scopes))
	for i, sc := range scopes {
		if strings.TrimSpace(sc) == "" {
			return nil, &inputError{detail: "A scope must not be empty.", pointer: pointer + "/" + strconv.Itoa(i)}
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	return out, nil
}

// roleNameTaken reports whether another role than id has the name; the caller holds rolesMu.
func (a *accessState) roleNameTaken(name, id string) bool {
	for _, r := range a.roles {
		if r.ID != id && strings.EqualFold(r.Name, name) {
			return true
		}
	}
	return false
}

func (api *rolesAPI) create(w http.ResponseWriter, r *http.Request) {
	var req roleCreateRequest
	if err := decodeNamed(r, &req, func() *string { return req.Name }, validateRoleName); err != nil {
		rolesBadRequest(w, err)
		return
	}
	scopes, err := validateScopes(req.AssignedScopes, "/assignedScopes")
	if err != nil {
		rolesBadRequest(w, err)
		return
	}
	now := formatTime(time.Now())
	c := callerFrom(r.Context())
	role := Role{
		ID: newObjectID(), TenantID: api.a.tenantID, Name: *req.Name, Type: "custom", Level: "user",
		AssignedScopes: scopes, CanEdit: true, CanDelete: true, CreatedAt: now, LastUpdatedAt: now,
		CreatedBy: c.userID, UpdatedBy: c.userID,
	}
	if req.Description != nil {
		role.Description = *req.Description
	}
	a := api.a
	a.rolesMu.Lock()
	custom := 0
	for _, x := range a.roles {
		if x.Type == "custom" {
			custom++
		}
	}
	switch {
	case a.roleNameTaken(role.Name, ""):
		a.rolesMu.Unlock()
		rolesBadRequest(w, &inputError{detail: "Role names must be unique: a role named " + strconv.Quote(role.Name) + " already exists.", pointer: "/name"})
		return
	case custom >= maxCustomRoles:
		a.rolesMu.Unlock()
		rolesBadRequest(w, &inputError{detail: fmt.Sprintf("The tenant already has the maximum of %d custom roles.", maxCustomRoles)})
		return
	}
	a.roles = append(a.roles, role)
	a.rolesMu.Unlock()
	writeJSON(w, http.StatusCreated, api.withLinks(role))
}

// rolePatchOp is one parsed PatchRole operation.
type rolePatchOp struct {
	op, path string
	text     string
	list     []string
}

func parseRolePatch(r *http.Request) ([]rolePatchOp, error) {
	return decodePatchOps(r, func(_ int, at string, m map[string]json.RawMessage) (rolePatchOp, error) {
		var out rolePatchOp
		if err := json.Unmarshal(m["op"], &out.op); err != nil || !slices.Contains([]string{"replace", "add", "remove-value"}, out.op) {
			return rolePatchOp{}, &inputError{detail: `op must be "replace", "add" or "remove-value".`, pointer: at + "/op"}
		}
		if err := json.Unmarshal(m["path"], &out.path); err != nil {
			return rolePatchOp{}, &inputError{detail: "path is required in every operation.", pointer: at + "/path"}
		}
		value, ok := m["value"]
		if !ok {
			return rolePatchOp{}, &inputError{detail: "value is required in every operation.", pointer: at + "/value"}
		}
		switch {
		case out.op == "replace" && (out.path == "/name" || out.path == "/description"):
			if err := json.Unmarshal(value, &out.text); err != nil {
				return rolePatchOp{}, &inputError{detail: "value of " + out.path + " must be a string.", pointer: at + "/value"}
			}
			if out.path == "/name" {
				if err := validateRoleName(out.text, at+"/value"); err != nil {
					return rolePatchOp{}, err
				}
			}
		case out.op == "replace" && out.path == "/assignedScopes":
			var list []string
			if err := json.Unmarshal(value, &list); err != nil {
				return rolePatchOp{}, &inputError{detail: "value of /assignedScopes must be an array of strings.", pointer: at + "/value"}
			}
			scopes, err := validateScopes(list, at+"/value")
			if err != nil {
				return rolePatchOp{}, err
			}
			out.list = scopes
		case (out.op == "add" && out.path == "/assignedScopes/-") || (out.op == "remove-value" && out.path == "/assignedScopes"):
			if err := json.Unmarshal(value, &out.text); err != nil || strings.TrimSpace(out.text) == "" {
				return rolePatchOp{}, &inputError{detail: "value of " + out.op + " on " + out.path + " must be a scope name.", pointer: at + "/value"}
			}
		default:
			return rolePatchOp{}, &inputError{detail: "op " + strconv.Quote(out.op) + " is not supported on path " + strconv.Quote(out.path) + ".", pointer: at + "/path"}
		}
		return out, nil
	})
}

func (api *rolesAPI) patch(w http.ResponseWriter, r *http.Request) {
	id, found := api.find(w, r)
	if found == nil {
		return
	}
	ops, err := parseRolePatch(r)
	if err != nil {
		rolesBadRequest(w, err)
		return
	}
	c := callerFrom(r.Context())
	a := api.a
	a.rolesMu.Lock()
	defer a.rolesMu.Unlock()
	i := slices.IndexFunc(a.roles, func(x Role) bool { return x.ID == id })
	if i < 0 {
		rolesNotFound(w, id)
		return
	}
	role := a.roles[i]
	if role.Type != "custom" {
		rolesBadRequest(w, &inputError{detail: "Only roles of type custom can be updated; " + role.Name + " is a default role."})
		return
	}
	role.AssignedScopes = slices.Clone(role.AssignedScopes)
	for _, op := range ops {
		switch {
		case op.path == "/name":
			role.Name = op.text
		case op.path == "/description":
			role.Description = op.text
		case op.op == "replace":
			role.AssignedScopes = op.list
		case op.op == "add":
			if !slices.Contains(role.AssignedScopes, op.text) {
				role.AssignedScopes = append(role.AssignedScopes, op.text)
			}
		case op.op == "remove-value":
			role.AssignedScopes = slices.DeleteFunc(role.AssignedScopes, func(s string) bool { return s == op.text })
		}
	}
	if a.roleNameTaken(role.Name, role.ID) {
		rolesBadRequest(w, &inputError{detail: "Role names must be unique: a role named " + strconv.Quote(role.Name) + " already exists.", pointer: "/0/value"})
		return
	}
	role.LastUpdatedAt, role.UpdatedBy = formatTime(time.Now()), c.userID
	a.roles[i] = role
	noContentJSON(w)
}

// roleHolders names the users and groups (and the Everyone group) that hold the role.
func (a *accessState) roleHolders(id string) []string {
	now := time.Now()
	var out []string
	has := func(roles []assignedRole) bool {
		return slices.ContainsFunc(roles, func(r assignedRole) bool { return r.ID == id })
	}
	for _, it := range a.users.list(now, true) {
		if has(it.Val.roles) {
			out = append(out, "user "+it.Val.Subject)
		}
	}
	for _, it := range a.groups.list(now, true) {
		if has(it.Val.AssignedRoles) {
			out = append(out, "group "+it.Val.Name)
		}
	}
	a.settingsMu.Lock()
	if has(a.everyoneRoles) {
		out = append(out, "group com.qlik.Everyone")
	}
	a.settingsMu.Unlock()
	return out
}

func (api *rolesAPI) delete(w http.ResponseWriter, r *http.Request) {
	id, role := api.find(w, r)
	if role == nil {
		return
	}
	if role.Type != "custom" {
		rolesBadRequest(w, &inputError{detail: "Only roles of type custom can be deleted; " + role.Name + " is a default role."})
		return
	}
	if holders := api.a.roleHolders(id); len(holders) > 0 {
		rolesBadRequest(w, &inputError{detail: "Role can only be deleted if it has been unassigned from all users and groups; " +
			strconv.Quote(role.Name) + " is assigned to " + strings.Join(holders, ", ") + "."})
		return
	}
	a := api.a
	a.rolesMu.Lock()
	a.roles = slices.DeleteFunc(a.roles, func(x Role) bool { return x.ID == id })
	a.rolesMu.Unlock()
	noContentJSON(w)
}

// freshRoles renders role references with the catalogue's current names (a custom role may have been renamed)
// and drops references to roles that no longer exist.
func (a *accessState) freshRoles(in []assignedRole) []assignedRole {
	a.rolesMu.RLock()
	defer a.rolesMu.RUnlock()
	out := make([]assignedRole, 0, len(in))
	for _, ref := range in {
		for _, r := range a.roles {
			if r.ID == ref.ID {
				out = append(out, assignedRole{ID: r.ID, Name: r.Name, Type: r.Type, Level: r.Level})
				break
			}
		}
	}
	return out
}

// noContentJSON answers 204 with the application/json content type that roles.json and users.json declare for it.
func noContentJSON(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNoContent)
}
