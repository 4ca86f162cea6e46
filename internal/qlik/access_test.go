package qlik

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
)

// A group made by someone else (a first login) between the lookup and the create answers the create with 409:
// FindOrCreateGroup finds it then, as not created by this call, and gives it the roles.
func TestFindOrCreateGroup_raceWithFirstLogin(t *testing.T) {
	var lists, posts, patches atomic.Int32
	c := fastClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == groupsPath:
			if lists.Add(1) == 1 {
				writeJSON(w, http.StatusOK, map[string]any{"data": []any{}})
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"data": []any{map[string]any{"id": "g1", "name": "Sales"}}})
		case r.Method == http.MethodPost && r.URL.Path == groupsPath:
			posts.Add(1)
			writeQlikError(w, http.StatusConflict, "GROUPS-7", "Group already exists")
		case r.Method == http.MethodPatch && r.URL.Path == groupsPath+"/g1":
			patches.Add(1)
			w.WriteHeader(http.StatusNoContent)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL)
			w.WriteHeader(http.StatusTeapot)
		}
	}))
	g, created, err := c.FindOrCreateGroup(t.Context(), "Sales", []string{"TenantAdmin"})
	if err != nil {
		t.Fatal(err)
	}
	if g.ID != "g1" || created {
		t.Errorf("got %+v, created %v; want the group g1, found", g, created)
	}
	if posts.Load() != 1 || lists.Load() != 2 || patches.Load() != 1 {
		t.Errorf("requests: %d lists, %d creates, %d role updates; want 2, 1, 1", lists.Load(), posts.Load(), patches.Load())
	}
}

// A lookup that fails is not taken for "no such group": nothing is created.
func TestFindOrCreateGroup_lookupFailureCreatesNothing(t *testing.T) {
	c := fastClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			t.Errorf("created a group after a failed lookup")
		}
		writeQlikError(w, http.StatusForbidden, "HTTP-403", "Forbidden")
	}))
	if _, _, err := c.FindOrCreateGroup(t.Context(), "Sales", nil); !errors.Is(err, ErrForbidden) {
		t.Errorf("err = %v, want the lookup's 403", err)
	}
}
