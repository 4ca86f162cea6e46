package qliksim

import (
	"slices"
	"sync"
	"time"
)

// accessState is a tenant's identity and access data: the role catalogue, groups, users, group settings and
// space assignments.
type accessState struct {
	tenantID    string
	rolesMu     sync.RWMutex
	roles       []Role // the default roles, then custom roles in creation order
	groups      *collection[groupRecord]
	users       *collection[userRecord]
	assignments *collection[Assignment]
	licenses    *licenseState
	settings    *tenantSettings

	settingsMu       sync.Mutex
	autoCreateGroups bool
	everyoneRoles    []assignedRole
	settingsCreated  string
	settingsUpdated  string
	// refusedPatches are user PATCH operations tests asked to refuse (RefuseUserPatch), by path.
	refusedPatches map[string]refusal

	// Cursors of the identity APIs are declared with format uid, so they are short opaque tokens that stand for
	// a cursor kept here rather than signed cursors, which would not fit the format.
	cursorMu    sync.Mutex
	cursors     map[string]cursor
	cursorOrder []string
}

// maxCursorTokens bounds the cursors a tenant remembers; the oldest are forgotten first.
const maxCursorTokens = 10000

func newAccessState(tenantID string) *accessState {
	now := time.Now()
	return &accessState{
		tenantID:    tenantID,
		roles:       newRoleCatalogue(tenantID, now),
		groups:      newCollection[groupRecord](),
		users:       newCollection[userRecord](),
		assignments: newCollection[Assignment](),
		licenses:    newLicenseState(),
		settings:    newTenantSettings(now),
		// Groups arrive from the identity provider at login, which is what embedding tenants rely on.
		autoCreateGroups: true,
		everyoneRoles:    []assignedRole{},
		settingsCreated:  formatTime(now),
		settingsUpdated:  formatTime(now),
		cursors:          map[string]cursor{},
	}
}

// initAccess gives a new tenant its role catalogue and directory entries for the users it starts with.
func (s *Server) initAccess(t *tenantState) {
	t.access = newAccessState(t.id)
	now := time.Now()
	client := s.creds.ClientID
	if r := s.region(t.info.region); r != nil {
		client = r.client.ClientID
	}
	bot := userRecord{User: User{ID: t.botUserID, Subject: "qlikbot\\" + client, Name: "OAuth client " + client, Status: "active"}, seeded: true}
	if r := t.access.roleBy(func(r Role) bool { return r.Name == "TenantAdmin" }); r != nil {
		bot.roles = []assignedRole{{ID: r.ID, Name: r.Name, Type: r.Type, Level: r.Level}}
	}
	seed := []userRecord{bot}
	if t.adminUserID != "" {
		admin := bot
		admin.User = User{ID: t.adminUserID, Subject: "auth0|admin", Name: "Tenant admin", Email: "admin@example.com", Status: "active"}
		seed = append(seed, admin)
	}
	for _, u := range seed {
		u.TenantID, u.CreatedAt, u.LastUpdatedAt = t.id, formatTime(now), formatTime(now)
		_ = t.access.users.insert(u.ID, u, now, nil) // fresh ids in an empty store cannot clash
	}
}

// encodeCursor keeps c and returns the token that stands for it.
func (a *accessState) encodeCursor(c cursor) string {
	a.cursorMu.Lock()
	defer a.cursorMu.Unlock()
	tok := newObjectID()
	a.cursors[tok] = c
	a.cursorOrder = append(a.cursorOrder, tok)
	if len(a.cursorOrder) > maxCursorTokens {
		for _, old := range a.cursorOrder[:len(a.cursorOrder)-maxCursorTokens] {
			delete(a.cursors, old)
		}
		a.cursorOrder = slices.Clone(a.cursorOrder[len(a.cursorOrder)-maxCursorTokens:])
	}
	return tok
}

// decodeCursor returns the cursor a token stands for.
func (a *accessState) decodeCursor(tok string) (cursor, error) {
	a.cursorMu.Lock()
	defer a.cursorMu.Unlock()
	c, ok := a.cursors[tok]
	if !ok {
		return c, errBadCursor
	}
	return c, nil
}

// identityList is the list query of the groups, roles and users APIs (groups.json, roles.json, users.json:
// limit 1-100, default 20; next and prev are uids).
func identityList(filterFields []string, sortFields ...string) *listSpec {
	return &listSpec{
		filterFields: filterFields,
		limitDefault: 20, limitMin: 1,
		sortFields: sortFields, sortDefault: "name",
		totalResults: true,
		bothDetail:   "Use either next or prev, not both.",
	}
}
