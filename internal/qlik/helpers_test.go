package qlik

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testAPIKey = "apikey-SECRET-0123456789abcdef"

// fastConfig is a client configuration for tests: API key, millisecond
// backoff and no client-side pacing.
func fastConfig(url string) Config {
	return Config{
		TenantURL:    url,
		APIKey:       testAPIKey,
		UserAgent:    "qlik-test/1.0",
		RetryWaitMin: 5 * time.Millisecond,
		RetryWaitMax: 20 * time.Millisecond,
		RateLimits:   RateLimits{Disabled: true},
	}
}

func newClient(t *testing.T, cfg Config) *Client {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func newServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// fastClient is a client with fastConfig for a test server that answers with h.
func fastClient(t *testing.T, h http.Handler) *Client {
	t.Helper()
	return newClient(t, fastConfig(newServer(t, h).URL))
}

func hostOf(srv *httptest.Server) string { return strings.TrimPrefix(srv.URL, "http://") }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeQlikError(w http.ResponseWriter, status int, code, title string) {
	writeJSON(w, status, map[string]any{
		"errors":  []map[string]any{{"code": code, "title": title}},
		"traceId": "trace-" + strconv.Itoa(status),
	})
}

// hangUp closes the client connection without a response after the
// request has been read: the client cannot tell whether it was processed.
func hangUp(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // send RST: a real "connection reset by peer"
	}
	_ = conn.Close()
}

// logEntry is one captured log line.
type logEntry struct {
	level  string
	msg    string
	fields map[string]any
}

// captureLogger records every log line.
type captureLogger struct {
	mu      sync.Mutex
	entries []logEntry
}

func (l *captureLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, logEntry{level: level, msg: msg, fields: fields})
}

func (l *captureLogger) Debug(_ context.Context, msg string, f map[string]any) {
	l.add("debug", msg, f)
}

func (l *captureLogger) Trace(_ context.Context, msg string, f map[string]any) {
	l.add("trace", msg, f)
}

func (l *captureLogger) Warn(_ context.Context, msg string, f map[string]any) { l.add("warn", msg, f) }

func (l *captureLogger) all() []logEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]logEntry(nil), l.entries...)
}

func (l *captureLogger) count(level, msg string) int {
	n := 0
	for _, e := range l.all() {
		if e.level == level && e.msg == msg {
			n++
		}
	}
	return n
}

// fault is what fakeSpaces does with one POST.
type fault int

const (
	faultNone             fault = iota
	fault503Before              // 503 without creating anything
	faultCommitThen503          // create, then answer 503
	faultCommitThenHangUp       // create, then drop the connection
	faultCommitThen500          // create, then answer 500
	fault429                    // 429 without creating anything
)

type fakeSpace struct {
	Space
	visibleAt time.Time
}

// fakeSpaces is a minimal spaces API with fault injection and delayed
// visibility of new spaces in lists and GETs.
type fakeSpaces struct {
	t *testing.T

	mu     sync.Mutex
	spaces []*fakeSpace
	nextID int

	posts, lists, gets atomic.Int32
	// createFault decides the fate of the n-th POST (1-based).
	createFault func(n int) fault
	// visibilityDelay hides a new space from lists and GETs for a while.
	visibilityDelay time.Duration
}

func newFakeSpaces(t *testing.T) *fakeSpaces { return &fakeSpaces{t: t} }

func (f *fakeSpaces) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.spaces)
}

func (f *fakeSpaces) add(name, typ string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	s := &fakeSpace{Space: Space{ID: fmt.Sprintf("sp%04d", f.nextID), Name: name, Type: typ, TenantID: "t1"}}
	f.spaces = append(f.spaces, s)
}

func (f *fakeSpaces) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if got := r.Header.Get("Authorization"); got != "Bearer "+testAPIKey {
		writeQlikError(w, http.StatusUnauthorized, "AUTH", "Unauthorized")
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/v1/spaces":
		f.create(w, r)
	case r.Method == http.MethodGet && r.URL.Path == "/api/v1/spaces":
		f.list(w, r)
	case strings.HasPrefix(r.URL.Path, "/api/v1/spaces/"):
		f.one(w, r, strings.TrimPrefix(r.URL.Path, "/api/v1/spaces/"))
	default:
		writeQlikError(w, http.StatusNotFound, "NOT_FOUND", "Not found")
	}
}

func (f *fakeSpaces) create(w http.ResponseWriter, r *http.Request) {
	n := int(f.posts.Add(1))
	fl := faultNone
	if f.createFault != nil {
		fl = f.createFault(n)
	}
	switch fl {
	case fault503Before:
		writeQlikError(w, http.StatusServiceUnavailable, "SPACES-503", "Service unavailable")
		return
	case fault429:
		w.Header().Set("Retry-After", "0")
		writeQlikError(w, http.StatusTooManyRequests, "HTTP-429", "API rate limit reached.")
		return
	}
	var req SpaceCreateRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeQlikError(w, http.StatusBadRequest, "SPACES-400", "bad body")
		return
	}
	f.mu.Lock()
	for _, s := range f.spaces {
		if s.Name == req.Name {
			f.mu.Unlock()
			// Spaces' shape: errors[] plus the deprecated top-level fields.
			writeJSON(w, http.StatusConflict, map[string]any{
				"errors":  []map[string]any{{"code": "SpaceConflict", "title": "Space already exists.", "detail": "`name` must be unique."}},
				"code":    "SpaceConflict",
				"title":   "Space already exists.",
				"traceId": "trace-409",
			})
			return
		}
	}
	f.nextID++
	s := &fakeSpace{
		Space:     Space{ID: fmt.Sprintf("sp%04d", f.nextID), Name: req.Name, Type: req.Type, Description: req.Description, TenantID: "t1", CreatedAt: time.Now().UTC().Format(time.RFC3339Nano)},
		visibleAt: time.Now().Add(f.visibilityDelay),
	}
	f.spaces = append(f.spaces, s)
	f.mu.Unlock()

	switch fl {
	case faultCommitThen503:
		writeQlikError(w, http.StatusServiceUnavailable, "SPACES-503", "Service unavailable")
	case faultCommitThen500:
		writeQlikError(w, http.StatusInternalServerError, "SPACES-500", "Internal error")
	case faultCommitThenHangUp:
		hangUp(f.t, w)
	default:
		writeJSON(w, http.StatusCreated, s.Space)
	}
}

func (f *fakeSpaces) list(w http.ResponseWriter, r *http.Request) {
	f.lists.Add(1)
	q := r.URL.Query()
	name := strings.ToLower(q.Get("name"))
	types := map[string]bool{}
	if t := q.Get("type"); t != "" {
		for _, x := range strings.Split(t, ",") {
			types[x] = true
		}
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 10
	}
	offset, _ := strconv.Atoi(q.Get("next"))
	now := time.Now()
	f.mu.Lock()
	var match []Space
	for _, s := range f.spaces {
		if now.Before(s.visibleAt) {
			continue
		}
		if name != "" && !strings.Contains(strings.ToLower(s.Name), name) {
			continue
		}
		if len(types) > 0 && !types[s.Type] {
			continue
		}
		match = append(match, s.Space)
	}
	f.mu.Unlock()
	end := min(offset+limit, len(match))
	page := []Space{}
	if offset < len(match) {
		page = match[offset:end]
	}
	links := map[string]any{"self": map[string]string{"href": "http://" + r.Host + r.URL.RequestURI()}}
	if end < len(match) {
		nq := r.URL.Query()
		nq.Set("next", strconv.Itoa(end))
		links["next"] = map[string]string{"href": "http://" + r.Host + "/api/v1/spaces?" + nq.Encode()}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": page, "links": links, "meta": map[string]int{"count": len(match)}})
}

func (f *fakeSpaces) one(w http.ResponseWriter, r *http.Request, id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	idx := -1
	for i, s := range f.spaces {
		if s.ID == id && !time.Now().Before(s.visibleAt) {
			idx = i
		}
	}
	if idx < 0 {
		writeJSON(w, http.StatusNotFound, map[string]any{
			"errors": []map[string]any{{"code": "SpaceNotFound", "title": "Space not found or access denied"}},
			"code":   "SpaceNotFound", "title": "Space not found or access denied",
		})
		return
	}
	s := f.spaces[idx]
	switch r.Method {
	case http.MethodGet:
		f.gets.Add(1)
		writeJSON(w, http.StatusOK, s.Space)
	case http.MethodPatch:
		var ops []patchOp
		if err := json.NewDecoder(r.Body).Decode(&ops); err != nil {
			writeQlikError(w, http.StatusBadRequest, "SPACES-400", "bad patch")
			return
		}
		for _, op := range ops {
			v, _ := op.Value.(string)
			switch {
			case op.Op != "replace":
				writeQlikError(w, http.StatusBadRequest, "SPACES-400", "bad op")
				return
			case op.Path == "/name":
				s.Name = v
			case op.Path == "/description":
				s.Description = v
			default:
				writeQlikError(w, http.StatusBadRequest, "SPACES-400", "bad path")
				return
			}
		}
		writeJSON(w, http.StatusOK, s.Space)
	case http.MethodDelete:
		f.spaces = append(f.spaces[:idx], f.spaces[idx+1:]...)
		w.WriteHeader(http.StatusNoContent)
	default:
		writeQlikError(w, http.StatusMethodNotAllowed, "METHOD", "Method not allowed")
	}
}

// recordingClient is a client of a server that records the method and JSON body of every request other than a
// GET, and answers a POST with created (201), a PATCH with 204 and a GET with read.
func recordingClient(t *testing.T, created, read any) (*Client, *[]string) {
	t.Helper()
	bodies := &[]string{}
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			var raw json.RawMessage
			if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
				t.Errorf("%s %s: %v", r.Method, r.URL, err)
			}
			*bodies = append(*bodies, r.Method+" "+string(raw))
		}
		switch r.Method {
		case http.MethodPost:
			writeJSON(w, http.StatusCreated, created)
		case http.MethodPatch:
			w.WriteHeader(http.StatusNoContent)
		case http.MethodGet:
			writeJSON(w, http.StatusOK, read)
		}
	}))
	return newClient(t, fastConfig(srv.URL)), bodies
}
