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

func TestRateLimits_Defaults(t *testing.T) {
	r, err := newRateLimiter(RateLimits{Tier2: TierLimit{PerMinute: 40}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[tier]TierLimit{
		tier1: {1000, 250}, tier2: {40, 10}, tierReloads: {50, 12},
		tierGroupsFilter: {200, 50}, tierUsersFilter: {200, 50}, tierTempContents: {800, 200},
	}
	for k, w := range want {
		if r.limits[k] != w {
			t.Errorf("%s = %+v, want %+v", k, r.limits[k], w)
		}
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
