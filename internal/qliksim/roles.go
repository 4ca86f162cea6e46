package qliksim

import (
	"errors"
	"fmt"
	"net/http"
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

func (a *accessState) roleBy(match func(Role) bool) *Role {
	for i := range a.roles {
		if match(a.roles[i]) {
			r := a.roles[i]
			return &r
		}
	}
	return nil
}

func (a *accessState) roleNames() []string {
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

func (api *rolesAPI) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	role := api.a.roleBy(func(x Role) bool { return x.ID == id })
	if role == nil {
		writeError(w, http.StatusNotFound, rolesErrors, apiError{code: codeRoleNotFound, title: "Not Found", detail: "No role with id " + id + "."})
		return
	}
	writeJSON(w, http.StatusOK, api.withLinks(*role))
}

type roleList struct {
	Data         []Role    `json:"data"`
	Links        listLinks `json:"links"`
	TotalResults *int      `json:"totalResults,omitempty"`
}

// roleSortKeys are the sort fields GET /roles accepts; each key ends in the id so keys are unique.
var roleSortKeys = map[string]func(Role) []string{
	"name":      func(r Role) []string { return []string{r.Name, r.ID} },
	"type":      func(r Role) []string { return []string{r.Type, r.Name, r.ID} },
	"level":     func(r Role) []string { return []string{r.Level, r.Name, r.ID} },
	"createdAt": func(r Role) []string { return []string{r.CreatedAt, r.Name, r.ID} },
}

var roleListSpec = identityList([]string{"id", "name", "type", "level"}, roleSortKeysNames()...)

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
	for _, role := range api.a.roles {
		fields := map[string][]string{"id": {role.ID}, "name": {role.Name}, "type": {role.Type}, "level": {role.Level}}
		if lq.matches(func(n string) []string { return fields[n] }) {
			items = append(items, role)
		}
	}
	key := roleSortKeys[lq.sortField]
	pg := pageOf(lq, items, key)
	resp := roleList{Data: make([]Role, 0, len(pg.items)), Links: lq.links(api.h, r, pg.next, pg.prev)}
	for _, role := range pg.items {
		resp.Data = append(resp.Data, api.withLinks(role))
	}
	if lq.totalResults {
		n := len(items)
		resp.TotalResults = &n
	}
	writeJSON(w, http.StatusOK, resp)
}

func roleSortKeysNames() []string {
	names := make([]string, 0, len(roleSortKeys))
	for k := range roleSortKeys {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
