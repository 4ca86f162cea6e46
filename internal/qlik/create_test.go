package qlik

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// faultySpaces is a fake spaces API whose first POST meets f, and a fast client of it.
func faultySpaces(t *testing.T, f fault) (*fakeSpaces, *Client) {
	t.Helper()
	fs := newFakeSpaces(t)
	fs.createFault = faultOnFirst(f)
	return fs, fastClient(t, fs)
}

func faultOnFirst(f fault) func(int) fault {
	return func(n int) fault {
		if n == 1 {
			return f
		}
		return faultNone
	}
}

func TestCreate_CommittedThenConnectionReset_Adopts(t *testing.T) {
	fs, c := faultySpaces(t, faultCommitThenHangUp)

	s, err := c.CreateSpace(t.Context(), SpaceCreateRequest{Name: "Sales", Type: "shared"})
	if err != nil {
		t.Fatalf("CreateSpace: %v", err)
	}
	if s.ID == "" || s.Name != "Sales" {
		t.Errorf("adopted space = %+v", s)
	}
	if fs.count() != 1 || fs.posts.Load() != 1 {
		t.Errorf("spaces = %d, POSTs = %d; want exactly one of each", fs.count(), fs.posts.Load())
	}
}

func TestCreate_503BeforeProcessing_RetriedOnce(t *testing.T) {
	fs, c := faultySpaces(t, fault503Before)

	s, err := c.CreateSpace(t.Context(), SpaceCreateRequest{Name: "Sales", Type: "shared"})
	if err != nil || s.Name != "Sales" {
		t.Fatalf("CreateSpace = %+v, %v", s, err)
	}
	if fs.count() != 1 || fs.posts.Load() != 2 || fs.lists.Load() != 1 {
		t.Errorf("spaces = %d, POSTs = %d, lookups = %d; want 1, 2, 1", fs.count(), fs.posts.Load(), fs.lists.Load())
	}
}

func TestCreate_CommittedThen503_Adopts(t *testing.T) {
	fs, c := faultySpaces(t, faultCommitThen503)

	if _, err := c.CreateSpace(t.Context(), SpaceCreateRequest{Name: "Sales", Type: "shared"}); err != nil {
		t.Fatal(err)
	}
	if fs.count() != 1 || fs.posts.Load() != 1 {
		t.Errorf("spaces = %d, POSTs = %d; want 1, 1", fs.count(), fs.posts.Load())
	}
}

func TestCreate_AmbiguousThenConflictWithDelayedVisibility_Adopts(t *testing.T) {
	fs := newFakeSpaces(t)
	fs.createFault = faultOnFirst(faultCommitThen503)
	fs.visibilityDelay = 200 * time.Millisecond
	cfg := fastConfig(newServer(t, fs).URL)
	cfg.RetryWaitMin = 20 * time.Millisecond
	cfg.RetryWaitMax = 400 * time.Millisecond
	c := newClient(t, cfg)

	s, err := c.CreateSpace(t.Context(), SpaceCreateRequest{Name: "Sales", Type: "shared"})
	if err != nil {
		t.Fatalf("CreateSpace: %v", err)
	}
	if s.Name != "Sales" || s.ID == "" {
		t.Errorf("adopted = %+v", s)
	}
	// POST 1 committed (503), lookup missed it, POST 2 got 409, lookups
	// continued until it became visible.
	if fs.count() != 1 || fs.posts.Load() != 2 || fs.lists.Load() < 2 {
		t.Errorf("spaces = %d, POSTs = %d, lookups = %d", fs.count(), fs.posts.Load(), fs.lists.Load())
	}
}

func TestCreate_FirstAttemptConflictReturnedAsIs(t *testing.T) {
	fs := newFakeSpaces(t)
	fs.add("Sales", "shared")
	c := fastClient(t, fs)

	_, err := c.CreateSpace(t.Context(), SpaceCreateRequest{Name: "Sales", Type: "shared"})
	if !errors.Is(err, ErrConflict) || !IsConflict(err) {
		t.Fatalf("err = %v, want ErrConflict", err)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "SpaceConflict" || apiErr.Title != "Space already exists." {
		t.Errorf("APIError = %+v", apiErr)
	}
	if fs.posts.Load() != 1 || fs.lists.Load() != 0 {
		t.Errorf("POSTs = %d, lookups = %d; want 1, 0", fs.posts.Load(), fs.lists.Load())
	}
}

func TestCreate_429RetriedBlindly(t *testing.T) {
	fs, c := faultySpaces(t, fault429)

	if _, err := c.CreateSpace(t.Context(), SpaceCreateRequest{Name: "Sales", Type: "shared"}); err != nil {
		t.Fatal(err)
	}
	if fs.count() != 1 || fs.posts.Load() != 2 || fs.lists.Load() != 0 {
		t.Errorf("spaces = %d, POSTs = %d, lookups = %d; want 1, 2, 0", fs.count(), fs.posts.Load(), fs.lists.Load())
	}
}

func TestCreate_RetryBudgetAnd500(t *testing.T) {
	fs := newFakeSpaces(t)
	fs.createFault = func(int) fault { return fault503Before }
	cfg := fastConfig(newServer(t, fs).URL)
	cfg.MaxRetries = 2
	c := newClient(t, cfg)
	_, err := c.CreateSpace(t.Context(), SpaceCreateRequest{Name: "Sales", Type: "shared"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("err = %v, want the last 503", err)
	}
	if fs.count() != 0 || fs.posts.Load() != 3 || fs.lists.Load() != 3 {
		t.Errorf("spaces = %d, POSTs = %d, lookups = %d; want 0, 3, 3", fs.count(), fs.posts.Load(), fs.lists.Load())
	}

	// A 500 that did commit is found by the lookup.
	fs2, c2 := faultySpaces(t, faultCommitThen500)
	if _, err := c2.CreateSpace(t.Context(), SpaceCreateRequest{Name: "Sales", Type: "shared"}); err != nil {
		t.Fatalf("CreateSpace after committed 500: %v", err)
	}
	if fs2.count() != 1 || fs2.posts.Load() != 1 {
		t.Errorf("spaces = %d, POSTs = %d; want 1, 1", fs2.count(), fs2.posts.Load())
	}

	// A 500 that did not commit is returned, not repeated.
	fs3 := newFakeSpaces(t)
	fs3.createFault = func(int) fault { return faultCommitThen500 }
	fs3.visibilityDelay = time.Hour // the lookup cannot see it
	c3 := fastClient(t, fs3)
	_, err = c3.CreateSpace(t.Context(), SpaceCreateRequest{Name: "Sales", Type: "shared"})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || fs3.posts.Load() != 1 {
		t.Errorf("err = %v, POSTs = %d; want the 500 after one POST", err, fs3.posts.Load())
	}
}

func TestCreateWithRecovery_CancelledDuringLookupWait(t *testing.T) {
	fs := newFakeSpaces(t)
	fs.createFault = faultOnFirst(faultCommitThen503)
	fs.visibilityDelay = time.Hour
	cfg := fastConfig(newServer(t, fs).URL)
	cfg.RetryWaitMin = 2 * time.Second
	cfg.RetryWaitMax = 4 * time.Second
	c := newClient(t, cfg)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.CreateSpace(ctx, SpaceCreateRequest{Name: "Sales", Type: "shared"})
	if err == nil || time.Since(start) > time.Second {
		t.Fatalf("err = %v after %s; want a prompt context error", err, time.Since(start))
	}
}

func TestVisibilityGrace_ReadAndDeleteRightAfterCreate(t *testing.T) {
	fs := newFakeSpaces(t)
	fs.visibilityDelay = 150 * time.Millisecond
	cfg := fastConfig(newServer(t, fs).URL)
	cfg.RetryWaitMin = 20 * time.Millisecond
	cfg.RetryWaitMax = 100 * time.Millisecond
	c := newClient(t, cfg)
	ctx := t.Context()

	s, err := c.CreateSpace(ctx, SpaceCreateRequest{Name: "Sales", Type: "shared"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetSpace(ctx, s.ID)
	if err != nil || got.ID != s.ID {
		t.Fatalf("GetSpace right after create = %+v, %v; want it once visible", got, err)
	}

	s2, err := c.CreateSpace(ctx, SpaceCreateRequest{Name: "Ops", Type: "shared"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSpace(ctx, s2.ID); err != nil {
		t.Fatalf("DeleteSpace right after create: %v", err)
	}
	// Deleted by us: a 404 now is final, without waiting.
	start := time.Now()
	if _, err := c.GetSpace(ctx, s2.ID); !IsNotFound(err) || time.Since(start) > 50*time.Millisecond {
		t.Errorf("GetSpace after delete = %v after %s; want an immediate 404", err, time.Since(start))
	}
	// Never created by this client: no grace.
	start = time.Now()
	if _, err := c.GetSpace(ctx, "unknown"); !IsNotFound(err) || time.Since(start) > 50*time.Millisecond {
		t.Errorf("GetSpace(unknown) = %v after %s; want an immediate 404", err, time.Since(start))
	}
}

func TestVisibilityGrace_Disabled(t *testing.T) {
	fs := newFakeSpaces(t)
	fs.visibilityDelay = time.Hour
	cfg := fastConfig(newServer(t, fs).URL)
	cfg.VisibilityGrace = -1
	c := newClient(t, cfg)
	s, err := c.CreateSpace(t.Context(), SpaceCreateRequest{Name: "Sales", Type: "shared"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetSpace(t.Context(), s.ID); !IsNotFound(err) {
		t.Errorf("GetSpace = %v, want an immediate 404 with the grace disabled", err)
	}
}

func TestVisibilityGrace_Expires(t *testing.T) {
	fs := newFakeSpaces(t)
	fs.visibilityDelay = time.Hour
	cfg := fastConfig(newServer(t, fs).URL)
	cfg.VisibilityGrace = 200 * time.Millisecond
	c := newClient(t, cfg)
	s, err := c.CreateSpace(t.Context(), SpaceCreateRequest{Name: "Sales", Type: "shared"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.GetSpace(t.Context(), s.ID)
	if !IsNotFound(err) {
		t.Fatalf("GetSpace = %v, want 404 once the grace is over", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("waited %s; the grace is 200ms", d)
	}
}

// TestCreate_CancelledAfterCommit_Adopts: Ctrl-C while Qlik is committing a create must not leave an orphan.
// The server commits the POST, the client's context is cancelled before the answer arrives, and the client
// finds the object with one lookup on a detached context.
func TestCreate_CancelledAfterCommit_Adopts(t *testing.T) {
	fs := newFakeSpaces(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	c := fastClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			fs.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		fs.ServeHTTP(rec, r) // committed
		cancel()
		select { // hold the answer until the client has given up on it
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	s, err := c.CreateSpace(ctx, SpaceCreateRequest{Name: "Sales", Type: "shared"})
	if err != nil {
		t.Fatalf("CreateSpace: %v", err)
	}
	if s.Name != "Sales" || fs.count() != 1 || fs.posts.Load() != 1 || fs.lists.Load() != 1 {
		t.Errorf("space %+v; spaces = %d, POSTs = %d, lookups = %d; want the one space, created once and found once", s, fs.count(), fs.posts.Load(), fs.lists.Load())
	}
}
