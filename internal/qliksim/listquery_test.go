package qliksim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestListQueryErrors pins each list operation's answer to a bad limit, sort, filter or cursor: the status, the
// API's own error code and the detail, and the parameter where the API's error names one.
func TestListQueryErrors(t *testing.T) {
	t.Parallel()
	_, home, c, key := startHome(t)
	sp := c.createSpace(home.URL, key, "Assignments", "shared")

	type want struct{ detail, param string }
	limit100 := want{detail: "limit must be an integer from 1 to 100.", param: "limit"}
	for _, tc := range []struct {
		path, query string
		code        string // the API's bad-request code
		want        want
	}{
		{"/api/v1/groups", "limit=0", "GROUPS-BadRequest", limit100},
		{"/api/v1/groups", "sort=owner", "GROUPS-BadRequest", want{detail: "sort must be one of name, createdAt, lastUpdatedAt, status, optionally prefixed with + or -.", param: "sort"}},
		{"/api/v1/groups", "totalResults=yes", "GROUPS-BadRequest", want{detail: "totalResults must be true or false.", param: "totalResults"}},
		{"/api/v1/groups", "next=a&prev=b", "GROUPS-BadRequest", want{detail: "Use either next or prev, not both.", param: "next"}},
		{"/api/v1/groups", "next=a", "GROUPS-BadRequest", want{detail: "The next cursor is invalid for this query; follow the links returned by the API.", param: "next"}},
		{"/api/v1/groups", "filter=owner+eq+%22x%22", "GROUPS-BadRequest", want{detail: `filter cannot use the field "owner".`, param: "filter"}},
		{"/api/v1/users", "limit=101", "", limit100},
		{"/api/v1/users", "sort=email", "", want{detail: "sort must be one of createdAt, id, name, status, subject, optionally prefixed with + or -.", param: "sort"}},
		{"/api/v1/users", "prev=a", "", want{detail: "The prev cursor is invalid for this query; follow the links returned by the API.", param: "prev"}},
		{"/api/v1/roles", "limit=x", "", limit100},
		{"/api/v1/roles", "filter=name+gt+%22x%22", "", want{detail: `filter operator "gt" is not supported; use eq, ne, co or sw.`, param: "filter"}},
		{"/api/v1/spaces", "limit=0", "BadRequest", limit100},
		{"/api/v1/spaces", "sort=-owner", "BadRequest", want{detail: "sort must be one of name, createdAt, type, optionally prefixed with + or -.", param: "sort"}},
		{"/api/v1/spaces", "next=a&prev=b", "BadRequest", want{detail: "Use either next or prev, not both.", param: "next"}},
		{"/api/v1/spaces", "sort=name&next=a", "BadRequest", want{detail: "The next cursor is invalid for this query; follow the links returned by the API.", param: "next"}},
		{"/api/v1/spaces/" + sp.ID + "/assignments", "limit=101", "BadRequest", limit100},
		{"/api/v1/spaces/" + sp.ID + "/assignments", "type=robot&next=a", "BadRequest", want{detail: "type must be user, group or bot.", param: "type"}},
		{"/api/v1/spaces/" + sp.ID + "/assignments", "next=a", "BadRequest", want{detail: "The next cursor is invalid; follow the links returned by the API.", param: "next"}},
		{"/api/v1/csp-origins", "limit=0", "", want{detail: "limit must be an integer from 1 to 100."}},
		{"/api/v1/csp-origins", "sort=%2Bname", "", want{detail: "sort must be one of name, origin, createdDate, modifiedDate, optionally prefixed with -."}},
		{"/api/v1/csp-origins", "prev=a", "", want{detail: "The prev cursor is invalid for this query; follow the links returned by the API."}},
		{"/api/v1/data-connections", "limit=0", "", want{detail: "limit must be an integer from 1 to 100."}},
		{"/api/v1/data-connections", "sort=name", "", want{detail: "sort must be _id, qName, created or updated, optionally prefixed with + or -."}},
		{"/api/v1/data-connections", "page=a", "", want{detail: "page is not a cursor of this query; follow the links returned by the API."}},
		{"/api/v1/identity-providers", "limit=101", "", limit100},
		{"/api/v1/identity-providers", "next=a", "", want{detail: "The next cursor is invalid; follow the links returned by the API.", param: "next"}},
		{"/api/v1/items", "limit=0", "ITEMS-400", want{detail: "limit must be a number from 1 to 100."}},
		{"/api/v1/items", "next=a", "ITEMS-400", want{detail: "next is not a cursor this API issued."}},
		{"/api/v1/reloads", "limit=101", "", want{detail: "limit must be an integer from 1 to 100."}},
		{"/api/v1/reloads", "sort=appId", "", want{detail: "sort must be creationTime, status, startTime or endTime, optionally prefixed with + or -."}},
		{"/api/v1/reloads", "log=maybe&next=a", "", want{detail: "log must be true or false."}},
		{"/api/v1/reloads", "filter=appId+eq+%22x%22", "", want{detail: `filter cannot use the field "appId".`}},
		{"/api/v1/reloads", "next=a&prev=b", "", want{detail: "Provide either the next or the prev cursor, not both."}},
		{"/api/v1/reloads", "next=a", "", want{detail: "The next cursor is invalid for this query; follow the links returned by the API."}},
		{"/api/v1/web-integrations", "limit=-1", "", want{detail: "limit must be an integer from 0 to 100.", param: "limit"}},
		{"/api/v1/web-integrations", "sort=origin", "", want{detail: "sort must be name, +name or -name.", param: "sort"}},
	} {
		t.Run(tc.path+"?"+tc.query, func(t *testing.T) {
			r := c.do(http.MethodGet, home.URL+tc.path+"?"+tc.query, key, nil)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", r.status, r.body)
			}
			var body struct {
				Errors []struct {
					Code   string `json:"code"`
					Detail string `json:"detail"`
					Source *struct {
						Parameter string `json:"parameter"`
					} `json:"source"`
					Meta *struct {
						Source struct {
							Parameter string `json:"parameter"`
						} `json:"source"`
					} `json:"meta"`
				} `json:"errors"`
			}
			r.decode(t, &body)
			if len(body.Errors) != 1 {
				t.Fatalf("errors: %s", r.body)
			}
			e := body.Errors[0]
			param := ""
			if e.Source != nil {
				param = e.Source.Parameter
			}
			if e.Meta != nil && e.Meta.Source.Parameter != "" {
				param = e.Meta.Source.Parameter
			}
			if e.Detail != tc.want.detail || (tc.code != "" && e.Code != tc.code) || param != tc.want.param {
				t.Errorf("error %s\nwant code %q detail %q parameter %q", r.body, tc.code, tc.want.detail, tc.want.param)
			}
		})
	}
}

// TestListQueryWalks pages through every list operation with a cursor forwards to the end and back, keeping the
// query's other parameters, and checks that the pages hold every object once, in the same order both ways.
func TestListQueryWalks(t *testing.T) {
	t.Parallel()
	sim, home, c, key := startHome(t)
	sp := c.createSpace(home.URL, key, "Walk", "shared")
	for i := range 5 {
		c.expect(http.StatusCreated, http.MethodPost, home.URL+"/api/v1/groups", key, map[string]string{"name": fmt.Sprintf("g%d", i)})
		c.createSpace(home.URL, key, fmt.Sprintf("s%d", i), "shared")
		c.expect(http.StatusCreated, http.MethodPost, home.URL+"/api/v1/csp-origins", key, map[string]any{"origin": fmt.Sprintf("o%d.example.com", i), "imgSrc": true})
		c.expect(http.StatusCreated, http.MethodPost, home.URL+"/api/v1/data-connections", key,
			map[string]any{"qName": fmt.Sprintf("db-%d", i), "qType": "t", "datasourceID": "postgres", "qConnectStatement": "CONNECT"})
		c.expect(http.StatusCreated, http.MethodPost, home.URL+"/api/v1/web-integrations", key,
			map[string]any{"name": fmt.Sprintf("w%d", i), "validOrigins": []string{"https://portal.example.com"}})
		if _, err := sim.AddUser(home.Hostname, fmt.Sprintf("auth0|u%d", i)); err != nil {
			t.Fatal(err)
		}
		if _, err := sim.SeedApp(home.Hostname, fmt.Sprintf("a%d", i), sp.ID, 10); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		query      string
		next, prev string // link names; prev empty: the API has no backward link
		idField    string
	}{
		{"/api/v1/groups?limit=2&sort=-name", "next", "prev", "id"},
		{"/api/v1/users?limit=2&sort=subject", "next", "prev", "id"},
		{"/api/v1/roles?limit=3&sort=-name", "next", "prev", "id"},
		{"/api/v1/spaces?limit=2&sort=-createdAt&type=shared", "next", "prev", "id"},
		{"/api/v1/csp-origins?limit=2&sort=-origin&imgSrc=true", "next", "prev", "id"},
		{"/api/v1/data-connections?limit=2&sort=-qName", "next", "prev", "qID"},
		{"/api/v1/items?limit=2&spaceId=" + sp.ID, "next", "", "resourceId"},
		{"/api/v1/web-integrations?limit=2&sort=-name", "next", "prev", "id"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			all := c.expect(http.StatusOK, http.MethodGet, home.URL+setLimit(tc.query, 100), key, nil)
			want := pageIDs(t, all, tc.idField)
			if len(want) < 5 {
				t.Fatalf("only %d objects: %s", len(want), all.body)
			}
			var fwd, back []string
			var last *response
			for href := home.URL + tc.query; href != ""; href = linkOf(t, last, tc.next) {
				last = c.expect(http.StatusOK, http.MethodGet, href, key, nil)
				fwd = append(fwd, pageIDs(t, last, tc.idField)...)
				if !strings.Contains(href, "limit=2") && !strings.Contains(href, "limit=3") {
					t.Errorf("link %s lost the query's limit", href)
				}
			}
			if !slices.Equal(fwd, want) {
				t.Errorf("forwards %v, want %v", fwd, want)
			}
			if tc.prev == "" {
				return
			}
			back = pageIDs(t, last, tc.idField)
			for href := linkOf(t, last, tc.prev); href != ""; href = linkOf(t, last, tc.prev) {
				last = c.expect(http.StatusOK, http.MethodGet, href, key, nil)
				back = append(pageIDs(t, last, tc.idField), back...)
			}
			if !slices.Equal(back, want) {
				t.Errorf("backwards %v, want %v", back, want)
			}
		})
	}
}

func setLimit(query string, n int) string {
	u, _ := url.Parse(query)
	q := u.Query()
	q.Set("limit", fmt.Sprint(n))
	u.RawQuery = q.Encode()
	return u.String()
}

func pageIDs(t *testing.T, r *response, field string) []string {
	t.Helper()
	var body struct {
		Data []map[string]any `json:"data"`
	}
	r.decode(t, &body)
	out := make([]string, 0, len(body.Data))
	for _, d := range body.Data {
		out = append(out, fmt.Sprint(d[field]))
	}
	return out
}

func linkOf(t *testing.T, r *response, name string) string {
	t.Helper()
	var body struct {
		Links map[string]json.RawMessage `json:"links"`
	}
	r.decode(t, &body)
	var l *Link
	if raw, ok := body.Links[name]; ok {
		if err := json.Unmarshal(raw, &l); err != nil {
			t.Fatal(err)
		}
	}
	if l == nil {
		return ""
	}
	return l.Href
}
