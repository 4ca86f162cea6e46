package qlik

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"
)

// An app published a moment ago may not be visible to the scheduling service yet: a 404 on create is tried again
// within the visibility grace, and after it the 404 is the answer.
func TestCreateReloadSchedule_RetriesAnAppNotVisibleYet(t *testing.T) {
	var posts atomic.Int32
	notFoundFor := int32(2)
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeJSON(w, http.StatusOK, map[string]any{"data": []any{}})
			return
		}
		if posts.Add(1) <= notFoundFor {
			writeJSON(w, http.StatusNotFound, map[string]any{"errors": []map[string]any{{"code": 404, "title": "Not Found", "context": "app a1 does not exist"}}})
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{
			"id": "t1", "name": "Nightly", "specVersion": "1.16.0", "resourceId": "a1", "enabled": true,
			"start": map[string]any{"schedule": map[string]any{"recurrence": "RRULE:FREQ=DAILY", "timezone": "UTC"}},
		})
	}))
	cfg := fastConfig(srv.URL)
	cfg.VisibilityGrace = 5 * time.Second
	c := newClient(t, cfg)
	req := ReloadScheduleRequest{Name: "Nightly", AppID: "a1", Recurrence: "RRULE:FREQ=DAILY", Timezone: "UTC", Enabled: true}
	s, err := c.CreateReloadSchedule(t.Context(), req)
	if err != nil || s.ID != "t1" || s.AppID != "a1" || posts.Load() != 3 {
		t.Fatalf("create: %+v %v after %d POSTs, want t1 after 3", s, err, posts.Load())
	}

	// Without a grace period the first 404 is the answer.
	posts.Store(0)
	cfg.VisibilityGrace = -1
	c = newClient(t, cfg)
	if _, err := c.CreateReloadSchedule(t.Context(), req); !IsNotFound(err) || posts.Load() != 1 {
		t.Fatalf("without grace: %v after %d POSTs, want a 404 after 1", err, posts.Load())
	}
}
