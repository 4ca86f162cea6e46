package qliksim

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"syscall"
	"testing"
)

// outcome is what a client observed: a status, or "reset".
func outcome(r *response, err error) string {
	if err != nil {
		if errors.Is(err, syscall.ECONNRESET) {
			return "reset"
		}
		return "error: " + err.Error()
	}
	return strconv.Itoa(r.status)
}

// faultRun sends n sequential GETs to a fresh simulator and returns what the client saw.
func faultRun(t *testing.T, seed int64, f Faults, n int) []string {
	t.Helper()
	sim := StartT(t, Options{Seed: seed, Faults: f})
	c := newTestClient(t)
	key := sim.Credentials().APIKey
	out := make([]string, 0, n)
	for range n {
		out = append(out, outcome(c.send(http.MethodGet, sim.Home().URL+"/api/v1/spaces", key, nil)))
	}
	// The audit must agree with what the client saw.
	for i, e := range sim.Audit() {
		want := map[string]string{"200": "", "429": "429", "503": "503", "reset": "reset"}[out[i]]
		if e.Fault != want {
			t.Errorf("request %d: client saw %s, audit fault %q", i, out[i], e.Fault)
		}
	}
	return out
}

func TestFaultInjectionIsDeterministic(t *testing.T) {
	t.Parallel()
	f := Faults{RateLimit: 0.2, Unavailable: 0.2, Reset: 0.1}
	a := faultRun(t, 42, f, 60)
	b := faultRun(t, 42, f, 60)
	other := faultRun(t, 7, f, 60)
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different outcomes:\n%v\n%v", a, b)
	}
	if slices.Equal(a, other) {
		t.Errorf("different seeds, same outcomes: %v", a)
	}
	counts := map[string]int{}
	for _, o := range a {
		counts[o]++
	}
	for _, kind := range []string{"200", "429", "503", "reset"} {
		if counts[kind] == 0 {
			t.Errorf("no %s in 60 requests at these rates: %v", kind, counts)
		}
	}
	for o := range counts {
		if o != "200" && o != "429" && o != "503" && o != "reset" {
			t.Errorf("unexpected outcome %q", o)
		}
	}
}

func TestInjectedStatusBodies(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{Faults: Faults{RateLimit: 1, RetryAfterSeconds: 3}})
	c := newTestClient(t)
	r := c.expect(http.StatusTooManyRequests, http.MethodGet, sim.Home().URL+"/api/v1/spaces", sim.Credentials().APIKey, nil)
	if r.header.Get("Retry-After") != "3" {
		t.Errorf("retry-after %q, want 3", r.header.Get("Retry-After"))
	}
	const want = `{"errors":[{"code":"HTTP-429","title":"API rate limit reached.","detail":"You need to wait 3 seconds until limit is lifted."}]}` + "\n"
	if string(r.body) != want {
		t.Errorf("429 body\n%s\nwant\n%s", r.body, want)
	}

	sim.SetFaults(Faults{Unavailable: 1})
	r = c.expect(http.StatusServiceUnavailable, http.MethodGet, sim.Home().URL+"/api/v1/spaces", sim.Credentials().APIKey, nil)
	if codes := r.errorCodes(t); len(codes) != 1 || codes[0] != "HTTP-503" {
		t.Errorf("503 codes %v", codes)
	}
	// Injected failures are not rate-limiter answers.
	if n := sim.RateLimitedCount(); n != 0 {
		t.Errorf("RateLimitedCount %d after injected 429", n)
	}
}

func TestFaultsSpareTokenEndpointByDefault(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{Faults: Faults{Unavailable: 1}})
	c := newTestClient(t)
	tok := c.mintToken(sim, sim.Home().URL)
	c.expect(http.StatusServiceUnavailable, http.MethodGet, sim.Home().URL+"/api/v1/spaces", tok, nil)

	sim.SetFaults(Faults{Unavailable: 1, IncludeToken: true})
	c.expect(http.StatusServiceUnavailable, http.MethodPost, sim.Home().URL+"/oauth/token", "", map[string]string{
		"client_id": sim.Credentials().ClientID, "client_secret": sim.Credentials().ClientSecret, "grant_type": "client_credentials",
	})
}

// TestResetAfterCommit: a write whose connection is reset has still happened, which is the ambiguous failure a
// client must resolve by looking the object up rather than creating it again.
func TestResetAfterCommit(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{Faults: Faults{Reset: 1}})
	c := newTestClient(t)
	home, key := sim.Home(), sim.Credentials().APIKey

	_, err := c.send(http.MethodPost, home.URL+"/api/v1/spaces", key, map[string]string{"name": "Ambiguous", "type": "shared"})
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("POST error %v, want connection reset", err)
	}
	spaces := sim.Spaces(home.Hostname)
	if len(spaces) != 1 || spaces[0].Name != "Ambiguous" {
		t.Fatalf("store after reset POST: %+v", spaces)
	}

	_, err = c.send(http.MethodDelete, home.URL+"/api/v1/spaces/"+spaces[0].ID, key, nil)
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("DELETE error %v, want connection reset", err)
	}
	if n := len(sim.Spaces(home.Hostname)); n != 0 {
		t.Fatalf("%d spaces after reset DELETE, want 0", n)
	}

	// A read is reset before it is handled.
	_, err = c.send(http.MethodGet, home.URL+"/api/v1/spaces", key, nil)
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("GET error %v, want connection reset", err)
	}

	audit := sim.Audit()
	want := []struct {
		method string
		status int
	}{{http.MethodPost, 201}, {http.MethodDelete, 204}, {http.MethodGet, 0}}
	if len(audit) != len(want) {
		t.Fatalf("audit %+v", audit)
	}
	for i, w := range want {
		if audit[i].Method != w.method || audit[i].Status != w.status || audit[i].Fault != "reset" {
			t.Errorf("audit[%d] = %+v, want %s status %d fault reset", i, audit[i], w.method, w.status)
		}
	}
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	sim, home, c, key := startHome(t)
	list := home.URL + "/api/v1/spaces"

	sim.FailNext(2, http.StatusInternalServerError)
	// Token requests are not eligible and do not consume the instruction.
	tok := c.mintToken(sim, home.URL)
	for range 2 {
		r := c.expect(http.StatusInternalServerError, http.MethodGet, list, tok, nil)
		if codes := r.errorCodes(t); len(codes) != 1 || codes[0] != "HTTP-500" {
			t.Errorf("codes %v", codes)
		}
	}
	c.expect(http.StatusOK, http.MethodGet, list, tok, nil)

	sim.FailNext(1, http.StatusTooManyRequests)
	r := c.expect(http.StatusTooManyRequests, http.MethodGet, list, key, nil)
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("retry-after %q, want the default 1", r.header.Get("Retry-After"))
	}

	sim.FailNext(1, 0)
	if _, err := c.send(http.MethodPost, list, key, map[string]string{"name": "Committed", "type": "managed"}); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("error %v, want reset", err)
	}
	c.expect(http.StatusConflict, http.MethodPost, list, key, map[string]string{"name": "Committed", "type": "managed"})

	faults := map[string]int{}
	for _, e := range sim.Audit() {
		faults[e.Fault]++
	}
	if faults["500"] != 2 || faults["429"] != 1 || faults["reset"] != 1 {
		t.Errorf("audit faults %v", faults)
	}

	assertPanics(t, "FailNext status 200", func() { sim.FailNext(1, http.StatusOK) })
	assertPanics(t, "SetFaults above 1", func() { sim.SetFaults(Faults{RateLimit: 0.6, Reset: 0.6}) })
	assertPanics(t, "SetFaults negative", func() { sim.SetFaults(Faults{Unavailable: -0.1}) })
}

func assertPanics(t *testing.T, name string, fn func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", name)
		}
	}()
	fn()
}
