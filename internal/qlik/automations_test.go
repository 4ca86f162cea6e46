package qlik

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

// A run whose POST answered 503 after Qlik had started it is adopted, not started twice; a run from before the
// request is not taken for it.
func TestRunAutomation_AdoptsARunStartedByAnAmbiguousPOST(t *testing.T) {
	var mu sync.Mutex
	posts := 0
	runs := []map[string]any{{"id": "old", "status": "finished", "createdAt": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339Nano)}}
	c := fastClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.Method {
		case http.MethodPost:
			posts++
			runs = append(runs, map[string]any{"id": "r1", "status": "queued", "createdAt": time.Now().UTC().Format(time.RFC3339Nano)})
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"errors": []map[string]any{{"code": "HTTP-503", "title": "Service Unavailable"}}})
		default:
			writeJSON(w, http.StatusOK, map[string]any{"data": runs})
		}
	}))
	run, err := c.RunAutomation(t.Context(), "a1")
	mu.Lock()
	defer mu.Unlock()
	if err != nil || run.ID != "r1" || posts != 1 {
		t.Fatalf("run %+v %v after %d POSTs, want r1 adopted after one POST", run, err, posts)
	}
}
