package qliksim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	hex24     = regexp.MustCompile(`^[0-9a-f]{24}$`)
	qlikStamp = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
)

// spacesErrorBody is the spaces error shape, decoded strictly enough to notice a missing or extra field.
type spacesErrorBody struct {
	Errors []struct {
		Code   string          `json:"code"`
		Title  string          `json:"title"`
		Detail string          `json:"detail"`
		Status json.RawMessage `json:"status"`
		Meta   struct {
			Source struct {
				Pointer   string `json:"pointer"`
				Parameter string `json:"parameter"`
			} `json:"source"`
		} `json:"meta"`
	} `json:"errors"`
	TraceID string `json:"traceId"`
	Code    string `json:"code"`
	Title   string `json:"title"`
	Detail  string `json:"detail"`
}

// checkSpacesError asserts the spaces error shape and returns the first error.
func checkSpacesError(t *testing.T, r *response, status int, code, title string) spacesErrorBody {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	var b spacesErrorBody
	r.decode(t, &b)
	if len(b.Errors) != 1 {
		t.Fatalf("errors %s", r.body)
	}
	e := b.Errors[0]
	if e.Code != code || (title != "" && e.Title != title) || e.Detail == "" {
		t.Errorf("error %+v, want code %s title %q", e, code, title)
	}
	if e.Status != nil {
		t.Errorf("spaces errors carry no status: %s", r.body)
	}
	if b.TraceID == "" {
		t.Errorf("no traceId: %s", r.body)
	}
	if b.Code != e.Code || b.Title != e.Title || b.Detail != e.Detail {
		t.Errorf("deprecated top-level fields do not repeat the first error: %s", r.body)
	}
	return b
}

func TestCreateSpaceValidation(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	c := newTestClient(t)
	url := sim.Home().URL + "/api/v1/spaces"
	key := sim.Credentials().APIKey

	ok := []string{"Finance (dev)", strings.Repeat("é", 256), "a", "Name with 'quotes' & [brackets]", "  spaced  "}
	for i, name := range ok {
		body := map[string]string{"name": name, "type": []string{"shared", "managed", "data"}[i%3]}
		c.expect(http.StatusCreated, http.MethodPost, url, key, body)
	}
	for _, tc := range []struct {
		name    string
		body    any
		pointer string
	}{
		{"missing name", `{"type":"shared"}`, "/name"},
		{"empty name", `{"name":"","type":"shared"}`, "/name"},
		{"name too long", map[string]string{"name": strings.Repeat("x", 257), "type": "shared"}, "/name"},
		{"name not a string", `{"name":42,"type":"shared"}`, "/name"},
		{"missing type", `{"name":"n"}`, "/type"},
		{"bad type", `{"name":"n","type":"personal"}`, "/type"},
		{"type case", `{"name":"n","type":"Shared"}`, "/type"},
		{"not json", `name=n&type=shared`, ""},
		{"empty body", ``, ""},
		{"array body", `[]`, ""},
		{"two values", `{"name":"n","type":"shared"} {}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := checkSpacesError(t, c.do(http.MethodPost, url, key, tc.body), http.StatusBadRequest, "BadRequest", "")
			if got := b.Errors[0].Meta.Source.Pointer; got != tc.pointer {
				t.Errorf("source pointer %q, want %q", got, tc.pointer)
			}
		})
	}
	for _, ch := range []string{`"`, "*", "?", "<", ">", "/", "|", `\`, ":"} {
		r := c.do(http.MethodPost, url, key, map[string]string{"name": "a" + ch + "b", "type": "shared"})
		b := checkSpacesError(t, r, http.StatusBadRequest, "BadRequest", "")
		if b.Errors[0].Meta.Source.Pointer != "/name" {
			t.Errorf("%q: pointer %q", ch, b.Errors[0].Meta.Source.Pointer)
		}
	}
	if n := len(sim.Spaces(sim.Home().Hostname)); n != len(ok) {
		t.Errorf("%d spaces stored, want %d", n, len(ok))
	}
}

func TestSpaceLifecycle(t *testing.T) {
	t.Parallel()
	_, home, c, key := startHome(t)
	base := home.URL + "/api/v1/spaces"

	r := c.expect(http.StatusCreated, http.MethodPost, base, key, `{"name":"Finance","type":"managed","description":"d","unknown":true}`)
	var sp Space
	r.decode(t, &sp)
	switch {
	case !hex24.MatchString(sp.ID):
		t.Errorf("id %q is not 24 hex characters", sp.ID)
	case sp.Name != "Finance" || sp.Type != "managed" || sp.Description != "d":
		t.Errorf("space %+v", sp)
	case sp.TenantID != home.ID || sp.OwnerID != home.AdminUserID || sp.CreatedBy != home.AdminUserID:
		t.Errorf("tenant/owner/creator %q %q %q", sp.TenantID, sp.OwnerID, sp.CreatedBy)
	case !qlikStamp.MatchString(sp.CreatedAt) || sp.UpdatedAt != sp.CreatedAt:
		t.Errorf("timestamps %q %q", sp.CreatedAt, sp.UpdatedAt)
	case sp.Links.Self.Href != base+"/"+sp.ID || sp.Links.Assignments.Href != base+"/"+sp.ID+"/assignments":
		t.Errorf("links %+v", sp.Links)
	case sp.Meta == nil || !slices.Contains(sp.Meta.Actions, "publish") || !slices.Equal(sp.Meta.Roles, sp.Meta.AssignableRoles):
		t.Errorf("owner meta of a managed space %+v", sp.Meta)
	}
	if len(home.ID) != 32 {
		t.Errorf("tenant id %q is not 32 characters", home.ID)
	}

	var got Space
	c.expect(http.StatusOK, http.MethodGet, base+"/"+sp.ID, key, nil).decode(t, &got)
	if got.ID != sp.ID || got.Name != "Finance" {
		t.Errorf("GET %+v", got)
	}

	time.Sleep(2 * time.Millisecond) // let updatedAt move on a millisecond clock
	patch := `[{"op":"replace","path":"/name","value":"Finance EU"},{"op":"replace","path":"/description","value":""},{"op":"replace","path":"/ownerId","value":"` + home.BotUserID + `"}]`
	c.expect(http.StatusOK, http.MethodPatch, base+"/"+sp.ID, key, patch).decode(t, &got)
	if got.Name != "Finance EU" || got.Description != "" || got.OwnerID != home.BotUserID || got.UpdatedAt == sp.UpdatedAt || got.CreatedAt != sp.CreatedAt {
		t.Errorf("after PATCH %+v", got)
	}
	// The admin is no longer the owner, so holds no roles, but as tenant admin may still manage the space.
	if len(got.Meta.Roles) != 0 || !slices.Contains(got.Meta.Actions, "update") {
		t.Errorf("meta after owner change %+v", got.Meta)
	}

	// PUT: absent fields stay, type is immutable and ignored, unknown fields are ignored.
	c.expect(http.StatusOK, http.MethodPut, base+"/"+sp.ID, key, `{"name":"Finance","type":"shared","other":1}`).decode(t, &got)
	if got.Name != "Finance" || got.Type != "managed" || got.OwnerID != home.BotUserID {
		t.Errorf("after PUT %+v", got)
	}
	c.expect(http.StatusOK, http.MethodPut, base+"/"+sp.ID, key, map[string]string{"description": "new", "ownerId": home.AdminUserID}).decode(t, &got)
	if got.Description != "new" || got.OwnerID != home.AdminUserID || got.Name != "Finance" {
		t.Errorf("after second PUT %+v", got)
	}

	c.expect(http.StatusNoContent, http.MethodDelete, base+"/"+sp.ID, key, nil)
	checkSpacesError(t, c.do(http.MethodGet, base+"/"+sp.ID, key, nil), http.StatusNotFound, "SpaceNotFound", "Space not found or access denied")
	checkSpacesError(t, c.do(http.MethodDelete, base+"/"+sp.ID, key, nil), http.StatusNotFound, "SpaceNotFound", "Space not found or access denied")
	checkSpacesError(t, c.do(http.MethodPut, base+"/"+sp.ID, key, `{}`), http.StatusNotFound, "SpaceNotFound", "")
	checkSpacesError(t, c.do(http.MethodPatch, base+"/"+sp.ID, key, `[{"op":"replace","path":"/name","value":"x"}]`), http.StatusNotFound, "SpaceNotFound", "")

	var types struct {
		Data []string `json:"data"`
	}
	c.expect(http.StatusOK, http.MethodGet, base+"/types", key, nil).decode(t, &types)
	if !slices.Equal(types.Data, []string{"shared", "managed", "data"}) {
		t.Errorf("types %v", types.Data)
	}
}

func TestSpacePatchValidation(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	c := newTestClient(t)
	key := sim.Credentials().APIKey
	sp := c.createSpace(sim.Home().URL, key, "Original", "shared")
	url := sim.Home().URL + "/api/v1/spaces/" + sp.ID
	for _, tc := range []struct {
		name, body, pointer string
	}{
		{"add op", `[{"op":"add","path":"/name","value":"x"}]`, "/0/op"},
		{"remove op", `[{"op":"remove","path":"/description","value":""}]`, "/0/op"},
		{"type path", `[{"op":"replace","path":"/type","value":"managed"}]`, "/0/path"},
		{"path without slash", `[{"op":"replace","path":"name","value":"x"}]`, "/0/path"},
		{"value not a string", `[{"op":"replace","path":"/description","value":5}]`, "/0/value"},
		{"missing value", `[{"op":"replace","path":"/description"}]`, "/0/value"},
		{"null value", `[{"op":"replace","path":"/description","value":null}]`, "/0/value"},
		{"bad name", `[{"op":"replace","path":"/name","value":"a:b"}]`, "/0/value"},
		{"unknown owner", `[{"op":"replace","path":"/ownerId","value":"62716f4b39b865ece543cd45"}]`, "/0/value"},
		// A valid operation followed by an invalid one: nothing may be applied.
		{"second op invalid", `[{"op":"replace","path":"/name","value":"Changed"},{"op":"move","path":"/name","value":"x"}]`, "/1/op"},
		{"empty document", `[]`, ""},
		{"object instead of array", `{"op":"replace","path":"/name","value":"x"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := checkSpacesError(t, c.do(http.MethodPatch, url, key, tc.body), http.StatusBadRequest, "BadRequest", "")
			if got := b.Errors[0].Meta.Source.Pointer; got != tc.pointer {
				t.Errorf("pointer %q, want %q", got, tc.pointer)
			}
		})
	}
	for _, body := range []string{`{"name":""}`, `{"name":"a|b"}`, `{"ownerId":"nobody"}`, `{"name":7}`} {
		checkSpacesError(t, c.do(http.MethodPut, url, key, body), http.StatusBadRequest, "BadRequest", "")
	}
	if got := sim.Spaces(sim.Home().Hostname)[0]; got.Name != "Original" || got.UpdatedAt != sp.UpdatedAt {
		t.Errorf("a rejected change was applied: %+v", got)
	}
}

func TestSpaceNameUniqueness(t *testing.T) {
	t.Parallel()
	for _, perType := range []bool{false, true} {
		t.Run(fmt.Sprintf("perType=%v", perType), func(t *testing.T) {
			t.Parallel()
			sim := StartT(t, Options{SpaceNamesUniquePerType: perType})
			c := newTestClient(t)
			key := sim.Credentials().APIKey
			base := sim.Home().URL + "/api/v1/spaces"
			a := c.createSpace(sim.Home().URL, key, "Sales", "shared")
			c.createSpace(sim.Home().URL, key, "sales", "shared") // exact match only
			checkSpacesError(t, c.do(http.MethodPost, base, key, map[string]string{"name": "Sales", "type": "shared"}),
				http.StatusConflict, "SpaceConflict", "Space already exists. `name` must be unique.")
			r := c.do(http.MethodPost, base, key, map[string]string{"name": "Sales", "type": "managed"})
			if perType && r.status != http.StatusCreated || !perType && r.status != http.StatusConflict {
				t.Errorf("same name, other type: %d %s", r.status, r.body)
			}
			b := c.createSpace(sim.Home().URL, key, "Marketing", "shared")
			checkSpacesError(t, c.do(http.MethodPatch, base+"/"+b.ID, key, `[{"op":"replace","path":"/name","value":"Sales"}]`),
				http.StatusConflict, "SpaceConflict", "")
			checkSpacesError(t, c.do(http.MethodPut, base+"/"+b.ID, key, `{"name":"Sales"}`), http.StatusConflict, "SpaceConflict", "")
			// Renaming a space to its own name is not a conflict.
			c.expect(http.StatusOK, http.MethodPut, base+"/"+a.ID, key, `{"name":"Sales"}`)
			// A deleted name is free again.
			c.expect(http.StatusNoContent, http.MethodDelete, base+"/"+a.ID, key, nil)
			c.createSpace(sim.Home().URL, key, "Sales", "shared")
		})
	}
}

func TestConcurrentCreatesYieldOneSpace(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	c := newTestClient(t)
	key := sim.Credentials().APIKey
	var wg sync.WaitGroup
	statuses := make(chan int, 20)
	for range 20 {
		wg.Go(func() {
			r, err := c.send(http.MethodPost, sim.Home().URL+"/api/v1/spaces", key, map[string]string{"name": "Race", "type": "shared"})
			if err != nil {
				t.Error(err)
				return
			}
			statuses <- r.status
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[http.StatusCreated] != 1 || count[http.StatusConflict] != 19 {
		t.Errorf("statuses %v, want one 201 and 19 409s", count)
	}
}

// walk follows next links from first and returns the pages.
func walk(t *testing.T, c *testClient, first, token string) []spaceListWire {
	t.Helper()
	var pages []spaceListWire
	for next := first; next != ""; {
		var pg spaceListWire
		c.expect(http.StatusOK, http.MethodGet, next, token, nil).decode(t, &pg)
		pages = append(pages, pg)
		next = ""
		if pg.Links.Next != nil {
			next = pg.Links.Next.Href
		}
		if len(pages) > 100 {
			t.Fatal("pagination does not end")
		}
	}
	return pages
}

func ids(pages ...spaceListWire) []string {
	var out []string
	for _, p := range pages {
		for _, s := range p.Data {
			out = append(out, s.ID)
		}
	}
	return out
}

func TestSpacesPagination(t *testing.T) {
	t.Parallel()
	_, home, c, key := startHome(t)
	created := map[string]Space{}
	for i := range 25 {
		// Names are created out of order so that name order differs from creation order.
		sp := c.createSpace(home.URL, key, fmt.Sprintf("Space %02d", (i*7)%25), []string{"shared", "managed", "data"}[i%3])
		created[sp.ID] = sp
	}

	pages := walk(t, c, home.URL+"/api/v1/spaces?limit=10", key)
	if len(pages) != 3 || len(pages[0].Data) != 10 || len(pages[1].Data) != 10 || len(pages[2].Data) != 5 {
		t.Fatalf("page sizes %d pages", len(pages))
	}
	seen := map[string]bool{}
	for _, id := range ids(pages...) {
		if seen[id] {
			t.Errorf("space %s on two pages", id)
		}
		seen[id] = true
	}
	if len(seen) != 25 {
		t.Errorf("%d distinct spaces, want 25", len(seen))
	}
	for i, p := range pages {
		if p.Meta.Count != 25 {
			t.Errorf("page %d meta.count %d", i, p.Meta.Count)
		}
		if (p.Links.Prev == nil) != (i == 0) {
			t.Errorf("page %d prev link %v", i, p.Links.Prev)
		}
		for _, l := range []*Link{&p.Links.Self, p.Links.Next, p.Links.Prev} {
			if l != nil && !strings.HasPrefix(l.Href, home.URL+"/api/v1/spaces?") && l.Href != home.URL+"/api/v1/spaces?limit=10" {
				t.Errorf("page %d link %q is not absolute on the tenant host", i, l.Href)
			}
		}
	}
	if pages[2].Links.Next != nil {
		t.Error("last page has a next link")
	}
	// Default order is by name.
	names := make([]string, 0, 25)
	for _, p := range pages {
		for _, s := range p.Data {
			names = append(names, s.Name)
		}
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("not sorted by name: %v", names)
	}

	// Walking back with prev gives the same pages.
	var back spaceListWire
	c.expect(http.StatusOK, http.MethodGet, pages[2].Links.Prev.Href, key, nil).decode(t, &back)
	if !slices.Equal(ids(back), ids(pages[1])) {
		t.Errorf("prev of page 3 %v, want page 2 %v", ids(back), ids(pages[1]))
	}
	var front spaceListWire
	c.expect(http.StatusOK, http.MethodGet, back.Links.Prev.Href, key, nil).decode(t, &front)
	if !slices.Equal(ids(front), ids(pages[0])) || front.Links.Prev != nil || front.Links.Next == nil {
		t.Errorf("prev of page 2 %v (prev %v), want page 1 %v", ids(front), front.Links.Prev, ids(pages[0]))
	}

	// Deleting and creating between pages neither duplicates nor skips the spaces that were there all along.
	var p1 spaceListWire
	c.expect(http.StatusOK, http.MethodGet, home.URL+"/api/v1/spaces?limit=10&sort=createdAt", key, nil).decode(t, &p1)
	c.expect(http.StatusNoContent, http.MethodDelete, home.URL+"/api/v1/spaces/"+p1.Data[9].ID, key, nil)
	c.expect(http.StatusNoContent, http.MethodDelete, home.URL+"/api/v1/spaces/"+p1.Data[0].ID, key, nil)
	c.createSpace(home.URL, key, "Space 99", "shared")
	rest := walk(t, c, p1.Links.Next.Href, key)
	all := append(ids(p1), ids(rest...)...)
	if len(all) != 26 {
		t.Errorf("walk after changes saw %d spaces, want 26 (25 + 1 created, deleted ones already seen)", len(all))
	}
	dup := map[string]bool{}
	for _, id := range all {
		if dup[id] {
			t.Errorf("duplicate %s", id)
		}
		dup[id] = true
	}

	for _, tc := range []struct {
		sort string
		less func(a, b Space) bool
	}{
		{"-name", func(a, b Space) bool { return a.Name > b.Name }},
		{"+name", func(a, b Space) bool { return a.Name < b.Name }},
		{"createdAt", func(a, b Space) bool { return a.CreatedAt <= b.CreatedAt }},
		{"-createdAt", func(a, b Space) bool { return a.CreatedAt >= b.CreatedAt }},
		{"type", func(a, b Space) bool { return a.Type <= b.Type }},
	} {
		pages := walk(t, c, home.URL+"/api/v1/spaces?limit=7&sort="+url.QueryEscape(tc.sort), key)
		var list []Space
		for _, p := range pages {
			list = append(list, p.Data...)
		}
		if len(list) != 24 {
			t.Errorf("sort %s: %d spaces, want 24", tc.sort, len(list))
		}
		for i := 1; i < len(list); i++ {
			if !tc.less(list[i-1], list[i]) {
				t.Errorf("sort %s: %q before %q", tc.sort, list[i-1].Name, list[i].Name)
			}
		}
	}
}

func TestSpacesListQueryErrors(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	c := newTestClient(t)
	key := sim.Credentials().APIKey
	for range 3 {
		c.createSpace(sim.Home().URL, key, fmt.Sprint("S", time.Now().UnixNano()), "shared")
	}
	base := sim.Home().URL + "/api/v1/spaces"
	var pg spaceListWire
	c.expect(http.StatusOK, http.MethodGet, base+"?limit=1", key, nil).decode(t, &pg)
	next, err := url.Parse(pg.Links.Next.Href)
	if err != nil {
		t.Fatal(err)
	}
	cur := next.Query().Get("next")
	tampered := []byte(cur)
	tampered[2] ^= 1
	for _, tc := range []struct {
		query, parameter string
	}{
		{"limit=0", "limit"},
		{"limit=101", "limit"},
		{"limit=abc", "limit"},
		{"sort=size", "sort"},
		{"type=shared,personal", "type"},
		{"roles=owner", "roles"},
		{"action=delete", "action"},
		{"next=" + url.QueryEscape(string(tampered)) + "&limit=1", "next"},
		{"next=garbage", "next"},
		// A cursor made for one sort order does not apply to another.
		{"next=" + url.QueryEscape(cur) + "&limit=1&sort=-name", "next"},
		// A next cursor is not a prev cursor.
		{"prev=" + url.QueryEscape(cur) + "&limit=1", "prev"},
		{"next=" + url.QueryEscape(cur) + "&prev=" + url.QueryEscape(cur), "next"},
	} {
		b := checkSpacesError(t, c.do(http.MethodGet, base+"?"+tc.query, key, nil), http.StatusBadRequest, "BadRequest", "")
		if got := b.Errors[0].Meta.Source.Parameter; got != tc.parameter {
			t.Errorf("%s: parameter %q, want %q", tc.query, got, tc.parameter)
		}
	}
	c.expect(http.StatusOK, http.MethodGet, base+"?limit=100", key, nil)
	c.expect(http.StatusOK, http.MethodGet, base+"?limit=1&"+next.RawQuery, key, nil)
}

func TestSpacesListFilters(t *testing.T) {
	t.Parallel()
	sim, home, c, key := startHome(t)
	tok := c.mintToken(sim, home.URL)
	c.createSpace(home.URL, key, "finance", "shared")
	c.createSpace(home.URL, key, "Final", "managed")
	c.createSpace(home.URL, tok, "Griffin", "data")
	c.createSpace(home.URL, tok, "Sales", "managed")

	names := func(query, token string) []string {
		t.Helper()
		var pg spaceListWire
		c.expect(http.StatusOK, http.MethodGet, home.URL+"/api/v1/spaces?"+query, token, nil).decode(t, &pg)
		out := []string{}
		for _, s := range pg.Data {
			out = append(out, s.Name)
		}
		if pg.Meta.Count != len(out) {
			t.Errorf("%s: meta.count %d for %d items", query, pg.Meta.Count, len(out))
		}
		return out
	}
	for _, tc := range []struct {
		query, token string
		want         []string
	}{
		{"name=FIN", key, []string{"Final", "finance", "Griffin"}},
		{"type=managed", key, []string{"Final", "Sales"}},
		{"type=shared,data", key, []string{"finance", "Griffin"}},
		{"ownerId=" + home.BotUserID, key, []string{"Griffin", "Sales"}},
		{"name=fin&type=data", key, []string{"Griffin"}},
		// The caller holds roles only in the spaces it owns.
		{"roles=publisher", key, []string{"Final"}},
		{"roles=publisher", tok, []string{"Griffin", "Sales"}},
		{"action=publish", key, []string{"Final"}},
		{"environment.name=", key, []string{"Final", "finance", "Griffin", "Sales"}},
		{"environmentId=67f4fba37f7cbb2f04ce727a", key, []string{}},
		{"name=nothing", key, []string{}},
	} {
		if got := names(tc.query, tc.token); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
}

func TestVisibilityDelay(t *testing.T) {
	t.Parallel()
	const delay = 300 * time.Millisecond
	sim := StartT(t, Options{VisibilityDelay: delay})
	c := newTestClient(t)
	home := sim.Home()
	key := sim.Credentials().APIKey
	// The simulator stamps the space between these two readings of the clock: before bounds how long it stays
	// hidden, after when it must show.
	before := time.Now()
	sp := c.createSpace(home.URL, key, "Eventually", "shared")
	after := time.Now()
	base := home.URL + "/api/v1/spaces"

	checkSpacesError(t, c.do(http.MethodGet, base+"/"+sp.ID, key, nil), http.StatusNotFound, "SpaceNotFound", "")
	c.expect(http.StatusNotFound, http.MethodPatch, base+"/"+sp.ID, key, `[{"op":"replace","path":"/description","value":"x"}]`)
	var pg spaceListWire
	c.expect(http.StatusOK, http.MethodGet, base, key, nil).decode(t, &pg)
	if len(pg.Data) != 0 || pg.Meta.Count != 0 {
		t.Errorf("invisible space listed: %+v", pg)
	}
	// It already counts for uniqueness, so a client that retries a create after a 404 gets a conflict, not a twin.
	checkSpacesError(t, c.do(http.MethodPost, base, key, map[string]string{"name": "Eventually", "type": "shared"}), http.StatusConflict, "SpaceConflict", "")
	if got := sim.Spaces(home.Hostname); len(got) != 1 || got[0].ID != sp.ID {
		t.Errorf("store snapshot %+v", got)
	}
	if time.Since(before) >= delay {
		t.Fatal("test too slow to observe the delay")
	}

	time.Sleep(time.Until(after.Add(delay)) + 10*time.Millisecond)
	c.expect(http.StatusOK, http.MethodGet, base+"/"+sp.ID, key, nil)
	c.expect(http.StatusOK, http.MethodGet, base, key, nil).decode(t, &pg)
	if len(pg.Data) != 1 {
		t.Errorf("visible space not listed: %+v", pg)
	}
}

func TestDeleteNonEmptySpace(t *testing.T) {
	t.Parallel()
	sim, home, c, key := startHome(t)
	sp := c.createSpace(home.URL, key, "Full", "managed")
	if err := sim.SetSpaceContent(home.Hostname, sp.ID, 2); err != nil {
		t.Fatal(err)
	}
	url := home.URL + "/api/v1/spaces/" + sp.ID
	checkSpacesError(t, c.do(http.MethodDelete, url, key, nil), http.StatusPreconditionFailed, "SpaceNotEmpty",
		"Space delete precondition (space not empty) failed")
	c.expect(http.StatusOK, http.MethodGet, url, key, nil)
	if err := sim.SetSpaceContent(home.Hostname, sp.ID, 0); err != nil {
		t.Fatal(err)
	}
	c.expect(http.StatusNoContent, http.MethodDelete, url, key, nil)
	if err := sim.SetSpaceContent(home.Hostname, sp.ID, 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetSpaceContent on a deleted space: %v", err)
	}
}

func TestOutOfBandHooks(t *testing.T) {
	t.Parallel()
	sim, home, c, key := startHome(t)
	a := c.createSpace(home.URL, key, "A", "shared")
	b := c.createSpace(home.URL, key, "B", "shared")
	url := home.URL + "/api/v1/spaces/" + a.ID

	time.Sleep(2 * time.Millisecond)
	if err := sim.EditSpace(home.Hostname, a.ID, func(sp *Space) {
		sp.Name, sp.Description = "A (edited in the UI)", "drift"
		sp.ID, sp.CreatedAt = "hijacked", "never" // restored: not editable
	}); err != nil {
		t.Fatal(err)
	}
	var got Space
	c.expect(http.StatusOK, http.MethodGet, url, key, nil).decode(t, &got)
	if got.Name != "A (edited in the UI)" || got.Description != "drift" || got.ID != a.ID || got.CreatedAt != a.CreatedAt || got.UpdatedAt == a.UpdatedAt {
		t.Errorf("after EditSpace %+v", got)
	}

	for name, err := range map[string]error{
		"conflict":       sim.EditSpace(home.Hostname, a.ID, func(sp *Space) { sp.Name = "B" }),
		"bad name":       sim.EditSpace(home.Hostname, a.ID, func(sp *Space) { sp.Name = "x/y" }),
		"unknown space":  sim.EditSpace(home.Hostname, "62716f4b39b865ece543cd45", func(*Space) {}),
		"unknown tenant": sim.EditSpace("127.0.0.1:1", a.ID, func(*Space) {}),
		"register host":  sim.DeleteSpace(strings.TrimPrefix(sim.RegistrationURL(), "http://"), a.ID),
	} {
		want := map[string]error{"conflict": ErrConflict, "unknown space": ErrNotFound, "unknown tenant": ErrUnknownTenant, "register host": ErrUnknownTenant}[name]
		if err == nil || (want != nil && !errors.Is(err, want)) {
			t.Errorf("%s: error %v, want %v", name, err, want)
		}
	}

	// An out-of-band delete ignores content, so tests can make any space disappear.
	if err := sim.SetSpaceContent(home.Hostname, b.ID, 5); err != nil {
		t.Fatal(err)
	}
	if err := sim.DeleteSpace(home.Hostname, b.ID); err != nil {
		t.Fatal(err)
	}
	c.expect(http.StatusNotFound, http.MethodGet, home.URL+"/api/v1/spaces/"+b.ID, key, nil)
	if err := sim.DeleteSpace(home.Hostname, b.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second DeleteSpace: %v", err)
	}
	if sim.Spaces("127.0.0.1:1") != nil {
		t.Error("Spaces of an unknown host is not nil")
	}
	snap := sim.Spaces(home.Hostname)
	if len(snap) != 1 || snap[0].Meta != nil || snap[0].Links.Self.Href != url {
		t.Errorf("snapshot %+v", snap)
	}
}
