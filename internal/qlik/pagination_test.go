package qlik

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// recorder collects strings from handler goroutines.
type recorder struct {
	mu   sync.Mutex
	vals []string
}

func (r *recorder) add(v string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.vals = append(r.vals, v)
}

func (r *recorder) joined(sep string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.vals, sep)
}

type item struct {
	ID string `json:"id"`
}

func items(from, to int) []item {
	var out []item
	for i := from; i < to; i++ {
		out = append(out, item{ID: fmt.Sprintf("i%02d", i)})
	}
	return out
}

func TestListAllByNextLink(t *testing.T) {
	var requests recorder
	var srvURL string
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.add(r.URL.RequestURI())
		switch r.URL.Query().Get("next") {
		case "":
			// Absolute link with an opaque cursor and odd parameter order,
			// which must be followed byte for byte.
			writeJSON(w, 200, map[string]any{"data": items(0, 2), "links": map[string]any{
				"self": map[string]string{"href": srvURL + r.URL.RequestURI()},
				"next": map[string]string{"href": srvURL + "/api/v1/things?z=1&next=c%2F2&limit=2"},
				"prev": nil,
			}})
		case "c/2":
			// A relative link works too.
			writeJSON(w, 200, map[string]any{"data": items(2, 4), "links": map[string]any{
				"next": map[string]string{"href": "/api/v1/things?next=c3&limit=2"},
			}})
		case "c3":
			writeJSON(w, 200, map[string]any{"data": items(4, 5), "links": map[string]any{"next": map[string]any{"href": nil}}})
		default:
			t.Errorf("unexpected cursor %q", r.URL.Query().Get("next"))
		}
	}))
	srvURL = srv.URL
	c := newClient(t, fastConfig(srv.URL))
	got, err := listAllByNextLink[item](t.Context(), c, "/api/v1/things", map[string][]string{"limit": {"2"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || got[4].ID != "i04" {
		t.Errorf("got %+v", got)
	}
	want := []string{"/api/v1/things?limit=2", "/api/v1/things?z=1&next=c%2F2&limit=2", "/api/v1/things?next=c3&limit=2"}
	if requests.joined(" ") != strings.Join(want, " ") {
		t.Errorf("requests = %q, want %q", requests.joined(" "), want)
	}
}

func TestListAllByNextLink_RefusesOtherHost(t *testing.T) {
	var otherHits atomic.Int32
	other := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		otherHits.Add(1)
		writeJSON(w, 200, map[string]any{"data": items(0, 1)})
	}))
	c := fastClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"data": items(0, 2), "links": map[string]any{
			"next": map[string]string{"href": other.URL + "/api/v1/things?next=x"},
		}})
	}))
	_, err := listAllByNextLink[item](t.Context(), c, "/api/v1/things", nil)
	if err == nil || !strings.Contains(err.Error(), "refusing to follow a pagination link") {
		t.Fatalf("err = %v", err)
	}
	if otherHits.Load() != 0 {
		t.Error("the other host was contacted")
	}
}

func TestListAllByNextLink_Loop(t *testing.T) {
	c := fastClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"data": items(0, 1), "links": map[string]any{"next": map[string]string{"href": "/api/v1/things?next=same"}}})
	}))
	if _, err := listAllByNextLink[item](t.Context(), c, "/api/v1/things", nil); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Fatalf("err = %v, want a loop error", err)
	}
}

func TestListAllStartingAfter(t *testing.T) {
	all := items(0, 7)
	var seen recorder
	c := fastClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		seen.add(q.Get("startingAfter"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		start := 0
		if after := q.Get("startingAfter"); after != "" {
			for i, it := range all {
				if it.ID == after {
					start = i + 1
				}
			}
		}
		end := min(start+limit, len(all))
		writeJSON(w, 200, map[string]any{"data": all[start:end]})
	}))
	got, err := listAllStartingAfter(t.Context(), c, "/api/v1/web-integrations", nil, 3, func(i item) string { return i.ID })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 7 || seen.joined(",") != ",i02,i05" {
		t.Errorf("got %d items, cursors %q", len(got), seen.joined(","))
	}
}

func TestListAllByPage(t *testing.T) {
	all := items(0, 5)
	var pages recorder
	c := fastClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		pages.add(q.Get("page"))
		page, _ := strconv.Atoi(q.Get("page"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		start := min((page-1)*limit, len(all))
		end := min(start+limit, len(all))
		writeJSON(w, 200, map[string]any{"data": all[start:end], "meta": map[string]int{"count": len(all)}})
	}))
	got, err := listAllByPage[item](t.Context(), c, "/api/v1/data-connections", nil, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 || pages.joined(",") != "1,2,3" {
		t.Errorf("got %d items, pages %q", len(got), pages.joined(","))
	}
}

func TestListAllByPage_ExactMultipleEndsOnEmptyPage(t *testing.T) {
	all := items(0, 4)
	var calls atomic.Int32
	c := fastClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		start := min((page-1)*2, len(all))
		writeJSON(w, 200, map[string]any{"data": all[start:min(start+2, len(all))]})
	}))
	got, err := listAllByPage[item](t.Context(), c, "/api/v1/data-connections", nil, 2, 1)
	if err != nil || len(got) != 4 || calls.Load() != 3 {
		t.Errorf("got %d items, %d calls, err %v", len(got), calls.Load(), err)
	}
}
