package qliksim

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// User is the simulator's wire form of a user (users.json User).
type User struct {
	ID       string `json:"id"`
	TenantID string `json:"tenantId"`
	Subject  string `json:"subject"`
	Name     string `json:"name"`
	Email    string `json:"email,omitempty"`
	Status   string `json:"status"`
	// InviteExpiry is the Unix time an invited user's invitation expires.
	InviteExpiry      int64           `json:"inviteExpiry,omitempty"`
	PreferredLocale   string          `json:"preferredLocale,omitempty"`
	PreferredZoneinfo string          `json:"preferredZoneinfo,omitempty"`
	AssignedRoles     []assignedRole  `json:"assignedRoles"`
	AssignedGroups    []assignedGroup `json:"assignedGroups"`
	CreatedAt         string          `json:"createdAt"`
	LastUpdatedAt     string          `json:"lastUpdatedAt"`
	Links             groupLinks      `json:"links"`
}

// assignedGroup is a group reference on a user (AssignedGroups items).
type assignedGroup struct {
	ID            string         `json:"id"`
	Name          string         `json:"name"`
	ProviderType  string         `json:"providerType"`
	AssignedRoles []assignedRole `json:"assignedRoles"`
}

// GroupNames returns the names of the user's groups.
func (u User) GroupNames() []string {
	out := make([]string, 0, len(u.AssignedGroups))
	for _, g := range u.AssignedGroups {
		out = append(out, g.Name)
	}
	return out
}

// userRecord is a stored user: its own roles and the ids of its groups, resolved when rendered.
type userRecord struct {
	User
	roles    []assignedRole
	groupIDs []string
	// seeded marks the users a tenant starts with (the OAuth client's bot user, the tenant admin).
	seeded bool
}

// usersErrors: users.json's Error carries a numeric status; the body has a traceId.
var usersErrors = errorStyle{status: statusNumber, traceID: true}

const (
	codeUserNotFound   = "USERS-7"
	codeUserBadRequest = "USERS-BadRequest"
	codeUserConflict   = "USERS-Conflict"
)

// signInMu serialises sign-ins, which read groups and write users.
var signInMu sync.Mutex

type usersAPI struct {
	s     *Server
	h     *host
	a     *accessState
	users byID[userRecord]
}

func userNotFound(w http.ResponseWriter, id string) {
	usersErrors.writeAbout(w, http.StatusNotFound, codeUserNotFound, "Not found", errors.New("No user with id "+id+"."))
}

// render resolves the user's groups (dropping ids of groups deleted meanwhile) for the wire.
func (a *accessState) renderUser(h *host, rec userRecord) User {
	u := rec.User
	u.AssignedRoles = a.freshRoles(rec.roles)
	u.AssignedGroups = []assignedGroup{}
	for _, id := range rec.groupIDs {
		if g, ok := a.groups.get(id, time.Now(), true); ok {
			roles := a.freshRoles(g.AssignedRoles)
			u.AssignedGroups = append(u.AssignedGroups, assignedGroup{ID: g.ID, Name: g.Name, ProviderType: g.ProviderType, AssignedRoles: roles})
		}
	}
	u.Links = groupLinks{Self: Link{Href: h.url + "/api/v1/users/" + u.ID}}
	return u
}

func (api *usersAPI) get(w http.ResponseWriter, r *http.Request) {
	if _, rec, ok := api.users.find(w, r); ok {
		writeJSON(w, http.StatusOK, api.a.renderUser(api.h, rec))
	}
}

type userCreateRequest struct {
	Subject       *string   `json:"subject"`
	Name          *string   `json:"name"`
	Email         *string   `json:"email"`
	Status        *string   `json:"status"`
	AssignedRoles []roleRef `json:"assignedRoles"`
}

// create is POST /users, which "Creates an invited user"; a subject already in use is a 409.
func (api *usersAPI) create(w http.ResponseWriter, r *http.Request) {
	var req userCreateRequest
	if err := decodeJSON(r, &req); err != nil {
		usersErrors.writeAbout(w, http.StatusBadRequest, codeUserBadRequest, "Invalid request", err)
		return
	}
	if req.Subject == nil || strings.TrimSpace(*req.Subject) == "" {
		usersErrors.writeAbout(w, http.StatusBadRequest, codeUserBadRequest, "Invalid request", &inputError{detail: "subject is required.", pointer: "/subject"})
		return
	}
	if req.Status != nil && *req.Status != "invited" {
		usersErrors.writeAbout(w, http.StatusBadRequest, codeUserBadRequest, "Invalid request", &inputError{detail: `status must be "invited".`, pointer: "/status"})
		return
	}
	roles, err := api.a.resolveRoles(req.AssignedRoles, "/assignedRoles")
	if err != nil {
		usersErrors.writeAbout(w, http.StatusBadRequest, codeUserBadRequest, "Invalid request", err)
		return
	}
	now := time.Now()
	u := User{
		ID: newObjectID(), TenantID: api.a.tenantID, Subject: *req.Subject, Name: *req.Subject, Status: "invited",
		InviteExpiry: now.Add(inviteValidity).Unix(), CreatedAt: formatTime(now), LastUpdatedAt: formatTime(now),
	}
	if req.Name != nil {
		u.Name = *req.Name
	}
	if req.Email != nil {
		u.Email = *req.Email
	}
	rec := userRecord{User: u, roles: roles}
	if err := api.a.users.insert(u.ID, rec, now.Add(api.s.opts.VisibilityDelay), func(o userRecord) bool { return o.Subject == u.Subject }); err != nil {
		usersErrors.writeAbout(w, http.StatusConflict, codeUserConflict, "User conflict", errors.New("A user with subject "+strconv.Quote(u.Subject)+" already exists."))
		return
	}
	api.h.tenant.addUserID(u.ID)
	writeJSON(w, http.StatusCreated, api.a.renderUser(api.h, rec))
}

func (api *usersAPI) delete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("userId")
	if err := api.s.removeUser(api.h.tenant, id, false); err != nil {
		userNotFound(w, id)
		return
	}
	// users.json declares this 204 with an application/json content type (and no body).
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNoContent)
}

// removeUser deletes a user with its space assignments and frees its license assignment: "deleting a user frees
// up a user entitlement" (Qlik Help, deleting users).
func (s *Server) removeUser(t *tenantState, id string, includeHidden bool) error {
	a := t.access
	now := time.Now()
	rec, ok := a.users.get(id, now, includeHidden)
	if !ok {
		return ErrNotFound
	}
	if err := a.users.remove(id, now, includeHidden, nil); err != nil {
		return err
	}
	for _, as := range a.assignments.list(now, true) {
		if as.Val.AssigneeID == id {
			_ = a.assignments.remove(as.ID, now, true, nil)
		}
	}
	a.licenses.release(rec.Subject)
	return nil
}

var userSortKeys = map[string]func(userRecord) []string{
	"name":      func(u userRecord) []string { return []string{u.Name, u.ID} },
	"id":        func(u userRecord) []string { return []string{u.ID} },
	"subject":   func(u userRecord) []string { return []string{u.Subject, u.ID} },
	"status":    func(u userRecord) []string { return []string{u.Status, u.Name, u.ID} },
	"createdAt": func(u userRecord) []string { return []string{u.CreatedAt, u.Name, u.ID} },
}

var userListSpec = identityList([]string{"id", "subject", "name", "email", "status", "assignedGroups.id", "assignedRoles.name"},
	"createdAt", "id", "name", "status", "subject")

func (api *usersAPI) list(w http.ResponseWriter, r *http.Request) {
	bad := func(err error) {
		usersErrors.writeAbout(w, http.StatusBadRequest, codeUserBadRequest, "Invalid request", err)
	}
	lq, err := parseList(r, userListSpec, api.a)
	if err != nil {
		bad(err)
		return
	}
	var items []userRecord
	for _, it := range api.a.users.list(time.Now(), false) {
		u := api.a.renderUser(api.h, it.Val)
		if lq.matches(userFields(u)) {
			items = append(items, it.Val)
		}
	}
	pg := onePage(lq, api.h, r, items, userSortKeys[lq.sortField], func(u userRecord) User { return api.a.renderUser(api.h, u) })
	writeJSON(w, http.StatusOK, pg.counted(lq, len(items)))
}

// userFields gives a user's values of the filter fields of userListSpec; a user has many group ids and role names.
func userFields(u User) func(string) []string {
	one := map[string]string{"id": u.ID, "subject": u.Subject, "name": u.Name, "email": u.Email, "status": u.Status}
	return func(name string) []string {
		var out []string
		switch name {
		case "assignedGroups.id":
			for _, g := range u.AssignedGroups {
				out = append(out, g.ID)
			}
		case "assignedRoles.name":
			out = roleNames(u.AssignedRoles)
		default:
			out = []string{one[name]}
		}
		return out
	}
}

func (t *tenantState) addUserID(id string) {
	t.usersMu.Lock()
	defer t.usersMu.Unlock()
	t.users[id] = true
}

// signIn is what a login through the identity provider does to the directory: it finds the user by subject or
// creates it (active), and replaces its group membership with the groups named in the token's groups claim.
// Groups that do not exist are created (as identity-provider groups) when autoCreateGroups is on, and ignored
// otherwise. The user's own roles are left as they are.
func (s *Server) signIn(t *tenantState, subject, name, email string, groupNames []string) (User, error) {
	if strings.TrimSpace(subject) == "" {
		return User{}, errors.New("qliksim: a sign-in needs a subject")
	}
	signInMu.Lock()
	defer signInMu.Unlock()
	a := t.access
	now := time.Now()
	a.settingsMu.Lock()
	autoCreate := a.autoCreateGroups
	a.settingsMu.Unlock()

	var groupIDs []string
	for _, gn := range groupNames {
		if validateGroupName(gn, "") != nil {
			continue
		}
		id := ""
		for _, it := range a.groups.list(now, true) {
			if it.Val.Name == gn {
				id = it.ID
				break
			}
		}
		if id == "" {
			if !autoCreate {
				continue
			}
			g := Group{
				ID: newObjectID(), TenantID: a.tenantID, Name: gn, Status: "active", ProviderType: "idp",
				AssignedRoles: []assignedRole{}, CreatedAt: formatTime(now), LastUpdatedAt: formatTime(now),
			}
			if err := a.insertGroup(g, now); err != nil {
				return User{}, err
			}
			id = g.ID
		}
		if !slices.Contains(groupIDs, id) {
			groupIDs = append(groupIDs, id)
		}
	}

	var existing *userRecord
	for _, it := range a.users.list(now, true) {
		if it.Val.Subject == subject {
			v := it.Val
			existing = &v
			break
		}
	}
	if existing == nil {
		u := User{
			ID: newObjectID(), TenantID: a.tenantID, Subject: subject, Name: name, Email: email, Status: "active",
			CreatedAt: formatTime(now), LastUpdatedAt: formatTime(now),
		}
		if u.Name == "" {
			u.Name = subject
		}
		rec := userRecord{User: u, groupIDs: groupIDs}
		if err := a.users.insert(u.ID, rec, now, func(o userRecord) bool { return o.Subject == subject }); err != nil {
			return User{}, err
		}
		t.addUserID(u.ID)
		// A first login takes a license when the tenant assigns them automatically; a user deleted earlier
		// comes back as a new user and may take one again (Qlik Help, deleting users).
		a.licenses.autoAssign(subject, now)
		return a.renderUser(t.host, rec), nil
	}
	if existing.Status == "disabled" {
		return User{}, errUserDisabled
	}
	rec, err := a.users.update(existing.ID, now, true, func(cur userRecord) (userRecord, error) {
		cur.groupIDs = groupIDs
		cur.Status, cur.InviteExpiry = "active", 0
		if name != "" {
			cur.Name = name
		}
		if email != "" {
			cur.Email = email
		}
		cur.LastUpdatedAt = formatTime(now)
		return cur, nil
	}, nil)
	if err != nil {
		return User{}, err
	}
	return a.renderUser(t.host, rec), nil
}
