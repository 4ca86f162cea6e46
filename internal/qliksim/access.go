package qliksim

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
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

func (a *accessState) saveCursor(c cursor) string {
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

func (a *accessState) loadCursor(tok string) (cursor, bool) {
	a.cursorMu.Lock()
	defer a.cursorMu.Unlock()
	c, ok := a.cursors[tok]
	return c, ok
}

// identityListQuery is a parsed list query of the groups, roles and users APIs (limit 1–100, default 20).
type identityListQuery struct {
	limit        int
	sortField    string
	desc         bool
	sortName     string
	cur          *cursor
	totalResults bool
}

const identityLimitDefault = 20

func (a *accessState) parseIdentityListQuery(r *http.Request, sortFields []string, defaultSort string) (identityListQuery, error) {
	q := r.URL.Query()
	out := identityListQuery{limit: identityLimitDefault, sortField: defaultSort}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > listLimitMax {
			return out, &inputError{detail: fmt.Sprintf("limit must be an integer from 1 to %d.", listLimitMax), parameter: "limit"}
		}
		out.limit = n
	}
	if v := q.Get("sort"); v != "" {
		field := strings.TrimPrefix(v, "+")
		if rest, ok := strings.CutPrefix(v, "-"); ok {
			field, out.desc = rest, true
		}
		if !slices.Contains(sortFields, field) {
			return out, &inputError{detail: "sort must be one of " + strings.Join(sortFields, ", ") + ", optionally prefixed with + or -.", parameter: "sort"}
		}
		out.sortField = field
	}
	out.sortName = out.sortField
	if out.desc {
		out.sortName = "-" + out.sortName
	}
	switch v := q.Get("totalResults"); v {
	case "", "false":
	case "true":
		out.totalResults = true
	default:
		return out, &inputError{detail: "totalResults must be true or false.", parameter: "totalResults"}
	}
	next, prev := q.Get("next"), q.Get("prev")
	if next != "" && prev != "" {
		return out, &inputError{detail: "Use either next or prev, not both.", parameter: "next"}
	}
	for param, v := range map[string]string{"next": next, "prev": prev} {
		if v == "" {
			continue
		}
		c, ok := a.loadCursor(v)
		if !ok || c.Prev != (param == "prev") || c.Sort != out.sortName {
			return out, &inputError{detail: "The " + param + " cursor is invalid for this query; follow the links returned by the API.", parameter: param}
		}
		out.cur = &c
	}
	return out, nil
}

// sortAndPage sorts items by key and cuts the page the query asks for.
func sortAndPage[T any](items []T, key func(T) []string, lq identityListQuery) page[T] {
	sort.Slice(items, func(i, j int) bool {
		if lq.desc {
			return compareKeys(key(items[j]), key(items[i])) < 0
		}
		return compareKeys(key(items[i]), key(items[j])) < 0
	})
	return paginate(items, key, lq.desc, lq.sortName, lq.cur, lq.limit)
}

// identityLinks builds list links whose cursors are short tokens, keeping every other query parameter.
func (a *accessState) identityLinks(h *host, r *http.Request, next, prev *cursor) listLinks {
	links := listLinks{Self: Link{Href: h.url + r.URL.RequestURI()}}
	with := func(param string, c *cursor) *Link {
		q := r.URL.Query()
		q.Del("next")
		q.Del("prev")
		q.Set(param, a.saveCursor(*c))
		return &Link{Href: h.url + r.URL.Path + "?" + q.Encode()}
	}
	if next != nil {
		links.Next = with("next", next)
	}
	if prev != nil {
		links.Prev = with("prev", prev)
	}
	return links
}
