package qlik

import (
	"net/http"
	"sort"
	"sync"
	"testing"
	"time"
)

func TestTierFor(t *testing.T) {
	tests := []struct {
		method, path string
		want         tier
	}{
		{"GET", "/api/v1/spaces", tier1},
		{"GET", "/api/v1/reloads", tier1},
		{"GET", "/api/v1/temp-contents/abc", tier1},
		{"GET", "/oauth/authorize", tier1},
		{"POST", "/api/v1/spaces", tier2},
		{"PATCH", "/api/v1/spaces/x", tier2},
		{"PUT", "/api/v1/spaces/x", tier2},
		{"DELETE", "/api/v1/spaces/x", tier2},
		{"POST", "/oauth/token", tier2},
		{"POST", "/api/v1/reloads", tierReloads},
		{"POST", "/api/v1/reloads/", tierReloads},
		{"POST", "/api/v1/reloads/r1/actions/cancel", tierReloads},
		{"POST", "/api/v1/groups/actions/filter", tierGroupsFilter},
		{"POST", "/api/v1/users/actions/filter", tierUsersFilter},
		{"POST", "/api/v1/temp-contents/files", tierTempContents},
		{"PATCH", "/api/v1/temp-contents/files/f1", tierTempContents},
		{"DELETE", "/api/v1/temp-contents/f1", tier2},
	}
	for _, tt := range tests {
		if got := tierFor(tt.method, tt.path); got != tt.want {
			t.Errorf("tierFor(%s %s) = %s, want %s", tt.method, tt.path, got, tt.want)
		}
	}
}

// TestRateLimits_Defaults: the client starts from Qlik's real allowance, the whole 5-minute window of each tier,
// not a fraction of a minute's.
func TestRateLimits_Defaults(t *testing.T) {
	r, err := newRateLimiter(RateLimits{Tier2: TierLimit{PerMinute: 40}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[tier]TierLimit{
		tier1: {1000, 5000}, tier2: {40, 200}, tierReloads: {50, 250},
		tierGroupsFilter: {200, 1000}, tierUsersFilter: {200, 1000}, tierTempContents: {800, 4000},
	}
	for k, w := range want {
		if r.limits[k] != w {
			t.Errorf("%s = %+v, want %+v", k, r.limits[k], w)
		}
	}
}

// fakeClock is a settable clock for the limiter's window.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// clockedLimiter is a limiter whose tier 2 allows perMinute requests a minute, on a fake clock.
func clockedLimiter(t *testing.T, perMinute int) (*rateLimiter, *fakeClock) {
	t.Helper()
	r, err := newRateLimiter(RateLimits{Tier2: TierLimit{PerMinute: perMinute}})
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	r.now = clock.Now
	return r, clock
}

// TestRateLimit_WindowAllowance: a burst of the whole window's allowance leaves at once, the next request waits
// until the burst is a window old, and no more than the allowance is ever sent within one window.
func TestRateLimit_WindowAllowance(t *testing.T) {
	r, clock := clockedLimiter(t, 60)
	b := r.bucket("h", tier2)
	for i := range 300 {
		if d := r.admit(b); d != 0 {
			t.Fatalf("request %d of the window's 300 held for %s", i+1, d)
		}
	}
	if d := r.admit(b); d != RateWindow {
		t.Fatalf("301st request held %s, want until the burst is %s old", d, RateWindow)
	}
	clock.Add(time.Minute) // a one-minute window would have room again
	if d := r.admit(b); d != 4*time.Minute {
		t.Fatalf("a minute later: held %s, want 4m", d)
	}
	clock.Add(4 * time.Minute)
	if d := r.admit(b); d != 0 {
		t.Fatalf("after the window: held %s", d)
	}
}

// TestRateLimit_AIMD: a 429 halves the allowance once per block (the other answers of the same block reveal
// nothing new), never below the floor; successes grow it back one request at a time, up to Qlik's allowance.
func TestRateLimit_AIMD(t *testing.T) {
	r, clock := clockedLimiter(t, 100)
	b := r.bucket("h", tier2)
	allowance := func() float64 { r.mu.Lock(); defer r.mu.Unlock(); return b.allowance }
	if allowance() != 500 {
		t.Fatalf("starts at %v, want 500", allowance())
	}
	r.block("h", tier2, 10*time.Second)
	r.block("h", tier2, 10*time.Second) // same block: no second decrease
	if allowance() != 250 {
		t.Fatalf("after one block: %v, want 250", allowance())
	}
	clock.Add(11 * time.Second)
	r.block("h", tier2, time.Second)
	if allowance() != 125 {
		t.Fatalf("after a second block: %v, want 125", allowance())
	}
	for range 10 {
		clock.Add(2 * time.Second)
		r.block("h", tier2, time.Second)
	}
	if floor := 500 * minAllowanceShare; allowance() != floor {
		t.Fatalf("after many blocks: %v, want the floor %v", allowance(), floor)
	}
	for range 1000 {
		r.succeeded("h", tier2)
	}
	if allowance() != 500 {
		t.Fatalf("after 1000 successes: %v, want back at 500", allowance())
	}
	// Other tiers and hosts are untouched.
	if o := r.bucket("h", tier1); o.allowance != 5000 {
		t.Errorf("tier 1 allowance %v", o.allowance)
	}
}

func TestRateLimit_RetryAfterJitter(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 200 {
		d := retryAfterJitter(10 * time.Second)
		if d < 10*time.Second || d > 11*time.Second {
			t.Fatalf("jittered 10s wait = %s, want within [10s, 11s]", d)
		}
		seen[d] = true
	}
	if len(seen) < 10 {
		t.Errorf("only %d distinct waits in 200: the waits of processes refused together must spread", len(seen))
	}
	if d := retryAfterJitter(time.Hour); d > time.Hour+5*time.Second {
		t.Errorf("jitter of a long wait %s exceeds 5s", d-time.Hour)
	}
}

// arrivals records when each request reached the server.
type arrivals struct {
	mu    sync.Mutex
	times map[string][]time.Time
}

func (a *arrivals) add(key string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.times == nil {
		a.times = map[string][]time.Time{}
	}
	a.times[key] = append(a.times[key], time.Now())
}

func (a *arrivals) get(key string) []time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]time.Time(nil), a.times[key]...)
}

func TestRateLimit_PacesRequests(t *testing.T) {
	const perMinute, burst, requests = 1200, 2, 26 // 20/s
	var arr arrivals
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		arr.add("get")
		okSpace(w, nil)
	}))
	cfg := fastConfig(srv.URL)
	cfg.RateLimits = RateLimits{Tier1: TierLimit{PerMinute: perMinute, Burst: burst}}
	c := newClient(t, cfg)

	start := time.Now()
	var wg sync.WaitGroup
	for range requests {
		wg.Go(func() {
			if _, err := c.GetSpace(t.Context(), "s1"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	times := arr.get("get")
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	// In any one-second window the server sees at most rate + burst.
	perSecond := perMinute / 60
	for i := range times {
		n := 0
		for j := i; j < len(times) && times[j].Sub(times[i]) < time.Second; j++ {
			n++
		}
		if n > perSecond+burst {
			t.Fatalf("%d requests within one second from #%d; limit %d + burst %d", n, i, perSecond, burst)
		}
	}
	if minimum := time.Duration(float64(requests-burst) / float64(perSecond) * float64(time.Second) * 0.9); elapsed < minimum {
		t.Errorf("%d requests took %s; pacing needs at least %s", requests, elapsed, minimum)
	}
}

func TestRateLimit_429BlocksTierOnHostOnly(t *testing.T) {
	var arr arrivals
	var first sync.Once
	handler := func(name string) func(w http.ResponseWriter, r *http.Request) {
		return func(w http.ResponseWriter, r *http.Request) {
			key := name + " " + r.Method + " " + r.URL.Path
			arr.add(key)
			if name == "A" && r.URL.Path == "/api/v1/spaces/limited" {
				limited := false
				first.Do(func() { limited = true })
				if limited {
					w.Header().Set("Retry-After", "1")
					writeQlikError(w, http.StatusTooManyRequests, "HTTP-429", "API rate limit reached.")
					return
				}
			}
			if r.Method == http.MethodPost {
				writeJSON(w, http.StatusCreated, Space{ID: "new"})
				return
			}
			okSpace(w, r)
		}
	}
	a := newOAuthTenant(t, "A")
	a.apiHandler = handler("A")
	b := newOAuthTenant(t, "B")
	b.apiHandler = handler("B")
	srvA, srvB := newServer(t, a), newServer(t, b)
	cfg := oauthConfig(srvA.URL)
	cfg.RateLimits = RateLimits{Disabled: true} // the 429 block applies even without pacing
	log := &captureLogger{}
	cfg.Logger = log
	c := newClient(t, cfg)
	cb, err := c.ForTenant(hostOf(srvB))
	if err != nil {
		t.Fatal(err)
	}
	// Warm both token caches so token requests do not blur the timing.
	for _, v := range []*Client{c, cb} {
		if _, err := v.GetSpace(t.Context(), "warm"); err != nil {
			t.Fatal(err)
		}
	}

	start := time.Now()
	var wg sync.WaitGroup
	wg.Go(func() {
		if _, err := c.GetSpace(t.Context(), "limited"); err != nil {
			t.Error(err)
		}
	})
	time.Sleep(100 * time.Millisecond) // the 429 has arrived by now
	wg.Go(func() {                     // same host, same tier: waits
		if _, err := c.GetSpace(t.Context(), "other"); err != nil {
			t.Error(err)
		}
	})
	wg.Go(func() { // same host, tier 2: not blocked
		if _, err := c.do(t.Context(), &request{method: http.MethodPost, path: "/api/v1/things", idempotent: true}); err != nil {
			t.Error(err)
		}
	})
	wg.Go(func() { // other host, tier 1: not blocked
		if _, err := cb.GetSpace(t.Context(), "other"); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()

	at := func(key string) time.Duration {
		ts := arr.get(key)
		if len(ts) == 0 {
			t.Fatalf("no request %q", key)
		}
		return ts[len(ts)-1].Sub(start)
	}
	if d := at("A GET /api/v1/spaces/other"); d < 900*time.Millisecond {
		t.Errorf("same tier on the same host went out %s after the 429; want it held ~1s", d)
	}
	if d := at("A POST /api/v1/things"); d > 600*time.Millisecond {
		t.Errorf("tier 2 on the same host waited %s; it must not be blocked", d)
	}
	if d := at("B GET /api/v1/spaces/other"); d > 600*time.Millisecond {
		t.Errorf("tier 1 on another host waited %s; it must not be blocked", d)
	}
	if got := len(arr.get("A GET /api/v1/spaces/limited")); got != 2 {
		t.Errorf("limited request sent %d times, want 2", got)
	}
	if log.count("warn", "qlik: rate limited by Qlik Cloud (429); pausing this tier on this host") != 1 {
		t.Error("want one Warn for the 429")
	}
	if log.count("debug", "qlik: waiting for rate limit") == 0 {
		t.Error("want a Debug line for the rate-limit wait")
	}
}

// TestRateLimit_BlockRestartsTheWindow: after a 429 the tier waits for Retry-After, then sends again at the halved
// allowance; requests sent before the 429 do not hold it for the rest of the five-minute window.
func TestRateLimit_BlockRestartsTheWindow(t *testing.T) {
	r, clock := clockedLimiter(t, 100)
	b := r.bucket("h", tier2)
	// Six blocks bring the allowance to 500/64, below the 40 requests already sent in the window.
	for range 40 {
		if d := r.admit(b); d != 0 {
			t.Fatalf("held %s before any 429", d)
		}
	}
	for range 6 {
		r.block("h", tier2, time.Second)
		clock.Add(2 * time.Second)
	}
	for i := range 8 { // 500/64 = 7.8: eight requests fit
		if d := r.admit(b); d != 0 {
			t.Fatalf("request %d after the blocks held %s, want sent at the halved allowance", i+1, d)
		}
	}
	if d := r.admit(b); d <= 0 || d > RateWindow {
		t.Fatalf("the 9th request within the window held %s, want a wait for the window", d)
	}
}
