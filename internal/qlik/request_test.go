package qlik

import (
	"net/http"
	"sync/atomic"
	"testing"
)

// Qlik answers GET /users/me with a redirect on the same host: the hop carries the credential, and the call
// returns what the hop answers.
func TestRequest_sameHostRedirectKeepsCredential(t *testing.T) {
	var withAuth atomic.Int32
	c := fastClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer "+testAPIKey {
			withAuth.Add(1)
		}
		switch r.URL.Path {
		case "/api/v1/users/me":
			http.Redirect(w, r, "/api/v1/users/u1", http.StatusMovedPermanently)
		case "/api/v1/users/u1":
			writeJSON(w, http.StatusOK, User{ID: "u1"})
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	var u User
	if _, err := c.do(t.Context(), &request{method: http.MethodGet, path: "/api/v1/users/me", out: &u}); err != nil {
		t.Fatal(err)
	}
	if u.ID != "u1" || withAuth.Load() != 2 {
		t.Errorf("user %q, %d of 2 requests carried the credential", u.ID, withAuth.Load())
	}
}
