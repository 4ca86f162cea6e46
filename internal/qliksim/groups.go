package qliksim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Group is the simulator's wire form of a group (groups.json Group).
type Group struct {
	ID            string         `json:"id"`
	TenantID      string         `json:"tenantId"`
	Name          string         `json:"name"`
	Description   string         `json:"description,omitempty"`
	Status        string         `json:"status"`
	ProviderType  string         `json:"providerType"`
	AssignedRoles []assignedRole `json:"assignedRoles"`
	CreatedAt     string         `json:"createdAt"`
	LastUpdatedAt string         `json:"lastUpdatedAt"`
	CreatedBy     string         `json:"createdBy,omitempty"`
	UpdatedBy     string         `json:"updatedBy,omitempty"`
	Links         groupLinks     `json:"links"`
}

type groupLinks struct {
	Self Link `json:"self"`
}

// RoleNames returns the names of the group's assigned roles.
func (g Group) RoleNames() []string { return roleNames(g.AssignedRoles) }

// roleNames returns the names of assigned roles, in their order.
func roleNames(roles []assignedRole) []string {
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		out = append(out, r.Name)
	}
	return out
}

// groupRecord is a stored group; links are filled when rendered.
type groupRecord struct {
	Group
}

// groupsErrors: groups.json's Error carries a numeric status; the body has a traceId.
var groupsErrors = errorStyle{status: statusNumber, traceID: true}

// Groups error codes. GROUPS-7 (404) is documented; groups.json names no code for the other answers, so these
// are descriptive.
const (
	codeGroupNotFound   = "GROUPS-7"
	codeGroupBadRequest = "GROUPS-BadRequest"
	codeGroupConflict   = "GROUPS-Conflict"
	groupNameMaxLength  = 256
	// maxGroupsPerTenant is Qlik's documented limit ("The maximum number of groups a tenant can have is 10,000").
	maxGroupsPerTenant = 10000
	// everyoneGroupID is the fixed id of the Everyone system group.
	everyoneGroupID = "000000000000000000000001"
)

var errTooManyGroups = errors.New("too many groups")

type groupsAPI struct {
	s      *Server
	h      *host
	a      *accessState
	groups byID[groupRecord]
}

func (s *Server) registerAccessRoutes(h *host) {
	a := h.tenant.access
	g := &groupsAPI{s: s, h: h, a: a, groups: byID[groupRecord]{a.groups, "groupId", groupNotFound}}
	h.handleObjects("/api/v1/groups", "groupId", objectRoutes{list: g.list, create: g.create, get: g.get, patch: g.patch, delete: g.delete})
	h.mux.HandleFunc("POST /api/v1/groups/actions/filter", g.filter)
	h.mux.HandleFunc("GET /api/v1/groups/settings", g.getSettings)
	h.mux.HandleFunc("PATCH /api/v1/groups/settings", g.patchSettings)

	ro := &rolesAPI{s: s, h: h, a: a}
	h.handleObjects("/api/v1/roles", "id", objectRoutes{list: ro.list, create: ro.create, get: ro.get, patch: ro.patch, delete: ro.delete})

	u := &usersAPI{s: s, h: h, a: a, users: byID[userRecord]{a.users, "userId", userNotFound}}
	h.handleObjects("/api/v1/users", "userId", objectRoutes{list: u.list, create: u.create, get: u.get, patch: u.patch, delete: u.delete})

	as := &assignmentsAPI{s.apiOn(h), byID[spaceRecord]{h.tenant.spaces, "spaceId", spaceNotFound}}
	h.handleObjects("/api/v1/spaces/{spaceId}/assignments", "assignmentId", objectRoutes{
		list: as.list, create: as.create, get: as.get, put: as.put, delete: as.delete,
	})
}

func groupBadRequest(w http.ResponseWriter, err error) {
	groupsErrors.writeAbout(w, http.StatusBadRequest, codeGroupBadRequest, "Invalid request", err)
}

func groupNotFound(w http.ResponseWriter, id string) {
	groupsErrors.writeAbout(w, http.StatusNotFound, codeGroupNotFound, "Not found", errors.New("Group ID not found or invalid format: "+id+"."))
}

func groupConflict(w http.ResponseWriter, name string) {
	groupsErrors.writeAbout(w, http.StatusConflict, codeGroupConflict, "Conflict",
		errors.New("Name conflict: a group named "+strconv.Quote(name)+" already exists."))
}

func validateGroupName(name, pointer string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return &inputError{detail: "name is required and must not be empty.", pointer: pointer}
	case utf8.RuneCountInString(name) > groupNameMaxLength:
		return &inputError{detail: fmt.Sprintf("name must be at most %d characters long.", groupNameMaxLength), pointer: pointer}
	}
	return nil
}

func (api *groupsAPI) render(g Group) Group {
	g.Links = groupLinks{Self: Link{Href: api.h.url + "/api/v1/groups/" + g.ID}}
	g.AssignedRoles = api.a.freshRoles(g.AssignedRoles)
	return g
}

type groupCreateRequest struct {
	Name          *string   `json:"name"`
	Description   *string   `json:"description"`
	ProviderType  *string   `json:"providerType"`
	Status        *string   `json:"status"`
	AssignedRoles []roleRef `json:"assignedRoles"`
}

// insertGroup stores a new group under the tenant's limits and the case-sensitive uniqueness of names.
func (a *accessState) insertGroup(g Group, visibleAt time.Time) error {
	n := 0
	err := a.groups.insert(g.ID, groupRecord{Group: g}, visibleAt, func(existing groupRecord) bool {
		n++
		return existing.Name == g.Name
	})
	if err == nil && n >= maxGroupsPerTenant {
		_ = a.groups.remove(g.ID, time.Now(), true, nil)
		return errTooManyGroups
	}
	return err
}

func (api *groupsAPI) create(w http.ResponseWriter, r *http.Request) {
	var req groupCreateRequest
	if err := decodeNamed(r, &req, func() *string { return req.Name }, validateGroupName); err != nil {
		groupBadRequest(w, err)
		return
	}
	provider := "idp"
	if req.ProviderType != nil {
		if *req.ProviderType != "idp" && *req.ProviderType != "custom" {
			groupBadRequest(w, &inputError{detail: `providerType must be "idp" or "custom".`, pointer: "/providerType"})
			return
		}
		provider = *req.ProviderType
	}
	if req.Status != nil && *req.Status != "active" {
		groupBadRequest(w, &inputError{detail: `status must be "active".`, pointer: "/status"})
		return
	}
	roles, err := api.a.resolveRoles(req.AssignedRoles, "/assignedRoles")
	if err != nil {
		groupBadRequest(w, err)
		return
	}
	c := callerFrom(r.Context())
	now := time.Now()
	g := Group{
		ID: newObjectID(), TenantID: api.a.tenantID, Name: *req.Name, Status: "active", ProviderType: provider,
		AssignedRoles: roles, CreatedAt: formatTime(now), LastUpdatedAt: formatTime(now), CreatedBy: c.userID, UpdatedBy: c.userID,
	}
	if req.Description != nil {
		g.Description = *req.Description
	}
	switch err := api.a.insertGroup(g, now.Add(api.s.opts.VisibilityDelay)); {
	case errors.Is(err, ErrConflict):
		groupConflict(w, g.Name)
	case errors.Is(err, errTooManyGroups):
		groupBadRequest(w, &inputError{detail: fmt.Sprintf("The tenant already has the maximum of %d groups.", maxGroupsPerTenant)})
	default:
		writeJSON(w, http.StatusCreated, api.render(g))
	}
}

func (api *groupsAPI) get(w http.ResponseWriter, r *http.Request) {
	if _, rec, ok := api.groups.find(w, r); ok {
		writeJSON(w, http.StatusOK, api.render(rec.Group))
	}
}

// groupPatchOp is one parsed GroupPatch operation.
type groupPatchOp struct {
	path  string // without the leading slash
	roles []assignedRole
	text  string
}

// parseGroupPatch validates a whole GroupPatch document before anything changes. groups.json lists the paths
// without a leading slash while every qlik.dev example sends one; both are accepted.
func (api *groupsAPI) parseGroupPatch(r *http.Request, provider string) ([]groupPatchOp, error) {
	return decodePatchOps(r, func(_ int, at string, m map[string]json.RawMessage) (groupPatchOp, error) {
		var op, p string
		if err := json.Unmarshal(m["op"], &op); err != nil || op != "replace" {
			return groupPatchOp{}, &inputError{detail: `op must be "replace".`, pointer: at + "/op"}
		}
		if err := json.Unmarshal(m["path"], &p); err != nil {
			return groupPatchOp{}, &inputError{detail: "path is required in every operation.", pointer: at + "/path"}
		}
		value, ok := m["value"]
		if !ok {
			return groupPatchOp{}, &inputError{detail: "value is required in every operation.", pointer: at + "/value"}
		}
		out := groupPatchOp{path: strings.TrimPrefix(p, "/")}
		switch out.path {
		case "assignedRoles":
			var refs []roleRef
			if err := json.Unmarshal(value, &refs); err != nil {
				return groupPatchOp{}, &inputError{detail: "value of assignedRoles must be an array of {id} or {name} role references.", pointer: at + "/value"}
			}
			roles, err := api.a.resolveRoles(refs, at+"/value")
			if err != nil {
				return groupPatchOp{}, err
			}
			out.roles = roles
		case "name", "description":
			if provider != "custom" {
				return groupPatchOp{}, &inputError{detail: out.path + " can be changed only on custom groups; this group comes from the identity provider.", pointer: at + "/path"}
			}
			if err := json.Unmarshal(value, &out.text); err != nil {
				return groupPatchOp{}, &inputError{detail: "value of " + out.path + " must be a string.", pointer: at + "/value"}
			}
			if out.path == "name" {
				if err := validateGroupName(out.text, at+"/value"); err != nil {
					return groupPatchOp{}, err
				}
			}
		default:
			return groupPatchOp{}, &inputError{detail: "path " + strconv.Quote(p) + " cannot be patched; use assignedRoles, name or description.", pointer: at + "/path"}
		}
		return out, nil
	})
}

func (api *groupsAPI) patch(w http.ResponseWriter, r *http.Request) {
	id, cur, ok := api.groups.find(w, r)
	if !ok {
		return
	}
	ops, err := api.parseGroupPatch(r, cur.ProviderType)
	if err != nil {
		groupBadRequest(w, err)
		return
	}
	c := callerFrom(r.Context())
	var attempted string
	if _, ok := api.groups.edit(w, id, func(rec groupRecord, now time.Time) (groupRecord, error) {
		for _, op := range ops {
			switch op.path {
			case "assignedRoles":
				rec.AssignedRoles = op.roles
			case "name":
				rec.Name = op.text
			case "description":
				rec.Description = op.text
			}
		}
		attempted = rec.Name
		rec.LastUpdatedAt, rec.UpdatedBy = formatTime(now), c.userID
		return rec, nil
	}, func(updated, other groupRecord) bool { return updated.Name == other.Name },
		func(w http.ResponseWriter, _ error) { groupConflict(w, attempted) }); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

func (api *groupsAPI) delete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("groupId")
	if err := api.s.removeGroup(api.h.tenant, id, false); err != nil {
		groupNotFound(w, id)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// removeGroup deletes a group, its members' membership of it and its space assignments.
func (s *Server) removeGroup(t *tenantState, id string, includeHidden bool) error {
	a := t.access
	now := time.Now()
	if err := a.groups.remove(id, now, includeHidden, nil); err != nil {
		return err
	}
	for _, u := range a.users.list(now, true) {
		if slices.Contains(u.Val.groupIDs, id) {
			_, _ = a.users.update(u.ID, now, true, func(cur userRecord) (userRecord, error) {
				cur.groupIDs = slices.DeleteFunc(slices.Clone(cur.groupIDs), func(g string) bool { return g == id })
				return cur, nil
			}, nil)
		}
	}
	for _, as := range a.assignments.list(now, true) {
		if as.Val.AssigneeID == id {
			_ = a.assignments.remove(as.ID, now, true, nil)
		}
	}
	return nil
}

var groupSortKeys = map[string]func(groupRecord) []string{
	"name":          func(g groupRecord) []string { return []string{g.Name, g.ID} },
	"createdAt":     func(g groupRecord) []string { return []string{g.CreatedAt, g.Name, g.ID} },
	"lastUpdatedAt": func(g groupRecord) []string { return []string{g.LastUpdatedAt, g.Name, g.ID} },
	"status":        func(g groupRecord) []string { return []string{g.Status, g.Name, g.ID} },
}

var groupFilterFields = []string{"id", "name", "status", "providerType", "createdAt", "lastUpdatedAt"}

func groupFields(g groupRecord) map[string]string {
	return map[string]string{
		"id": g.ID, "name": g.Name, "status": g.Status, "providerType": g.ProviderType,
		"createdAt": g.CreatedAt, "lastUpdatedAt": g.LastUpdatedAt,
	}
}

var (
	groupListSpec   = identityList(groupFilterFields, "name", "createdAt", "lastUpdatedAt", "status")
	groupFilterSpec = identityList(groupFilterFields, "name") // the filter action sorts by name only
)

// listGroups answers GET /groups and POST /groups/actions/filter, which differ only in where the filter is
// (filter holds the body's) and in the sort fields.
func (api *groupsAPI) listGroups(w http.ResponseWriter, r *http.Request, spec *listSpec, filter ...string) {
	lq, err := parseList(r, spec, api.a, filter...)
	if err != nil {
		groupBadRequest(w, err)
		return
	}
	var items []groupRecord
	for _, it := range api.a.groups.list(time.Now(), false) {
		if lq.matchesFields(groupFields(it.Val)) {
			items = append(items, it.Val)
		}
	}
	pg := onePage(lq, api.h, r, items, groupSortKeys[lq.sortField], func(g groupRecord) Group { return api.render(g.Group) })
	writeJSON(w, http.StatusOK, pg.counted(lq, len(items)))
}

func (api *groupsAPI) list(w http.ResponseWriter, r *http.Request) {
	api.listGroups(w, r, groupListSpec)
}

func (api *groupsAPI) filter(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Filter string `json:"filter"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &body); err != nil {
			groupBadRequest(w, err)
			return
		}
	}
	api.listGroups(w, r, groupFilterSpec, body.Filter)
}

// groupSettings is GroupSettings.
type groupSettings struct {
	TenantID         string                 `json:"tenantId"`
	AutoCreateGroups bool                   `json:"autoCreateGroups"`
	SyncIdpGroups    bool                   `json:"syncIdpGroups"`
	SystemGroups     map[string]systemGroup `json:"systemGroups"`
	Links            groupLinks             `json:"links"`
}

type systemGroup struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	Enabled       bool           `json:"enabled"`
	AssignedRoles []assignedRole `json:"assignedRoles"`
	CreatedAt     string         `json:"createdAt"`
	LastUpdatedAt string         `json:"lastUpdatedAt"`
}

func (api *groupsAPI) getSettings(w http.ResponseWriter, _ *http.Request) {
	a := api.a
	a.settingsMu.Lock()
	defer a.settingsMu.Unlock()
	everyone := a.freshRoles(a.everyoneRoles)
	writeJSON(w, http.StatusOK, groupSettings{
		TenantID: a.tenantID, AutoCreateGroups: a.autoCreateGroups, SyncIdpGroups: a.autoCreateGroups,
		SystemGroups: map[string]systemGroup{everyoneGroupID: {
			ID: everyoneGroupID, Name: "com.qlik.Everyone", Enabled: true, AssignedRoles: everyone,
			CreatedAt: a.settingsCreated, LastUpdatedAt: a.settingsUpdated,
		}},
		Links: groupLinks{Self: Link{Href: api.h.url + "/api/v1/groups/settings"}},
	})
}

func (api *groupsAPI) patchSettings(w http.ResponseWriter, r *http.Request) {
	var raw []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	}
	if err := decodeJSON(r, &raw); err != nil {
		groupBadRequest(w, err)
		return
	}
	auto := -1
	var everyone []assignedRole
	for i, op := range raw {
		at := "/" + strconv.Itoa(i)
		if op.Op != "replace" {
			groupBadRequest(w, &inputError{detail: `op must be "replace".`, pointer: at + "/op"})
			return
		}
		switch op.Path {
		case "/autoCreateGroups", "/syncIdpGroups":
			var b bool
			if err := json.Unmarshal(op.Value, &b); err != nil {
				groupBadRequest(w, &inputError{detail: op.Path + " takes a boolean.", pointer: at + "/value"})
				return
			}
			auto = 0
			if b {
				auto = 1
			}
		case "/systemGroups/" + everyoneGroupID + "/assignedRoles":
			var refs []roleRef
			if err := json.Unmarshal(op.Value, &refs); err != nil {
				groupBadRequest(w, &inputError{detail: "assignedRoles takes role references.", pointer: at + "/value"})
				return
			}
			roles, err := api.a.resolveRoles(refs, at+"/value")
			if err != nil {
				groupBadRequest(w, err)
				return
			}
			everyone = roles
		default:
			groupBadRequest(w, &inputError{detail: "path " + strconv.Quote(op.Path) + " cannot be patched.", pointer: at + "/path"})
			return
		}
	}
	a := api.a
	a.settingsMu.Lock()
	defer a.settingsMu.Unlock()
	if auto >= 0 {
		a.autoCreateGroups = auto == 1
	}
	if everyone != nil {
		a.everyoneRoles = everyone
	}
	a.settingsUpdated = formatTime(time.Now())
	w.WriteHeader(http.StatusNoContent)
}
