package qliksim

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestTierFor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method, route string
		want          Tier
	}{
		{http.MethodGet, "/api/v1/spaces", Tier1},
		{http.MethodHead, "/api/v1/spaces/{spaceId}", Tier1},
		{http.MethodPost, "/api/v1/spaces", Tier2},
		{http.MethodPatch, "/api/v1/spaces/{spaceId}", Tier2},
		{http.MethodPut, "/api/v1/spaces/{spaceId}", Tier2},
		{http.MethodDelete, "/api/v1/spaces/{spaceId}", Tier2},
		{http.MethodPost, "/oauth/token", Tier2},
		{http.MethodPost, "/api/v1/reloads", TierReloads},
		{http.MethodPost, "/api/v1/reloads/{reloadId}/actions/cancel", TierReloads},
		{http.MethodPost, "/api/v1/reloads/{id}/actions/cancel", TierReloads}, // parameter names do not matter
		{http.MethodGet, "/api/v1/reloads", Tier1},
		{http.MethodPost, "/api/v1/groups/actions/filter", TierGroupsFilter},
		{http.MethodPost, "/api/v1/users/actions/filter", TierUsersFilter},
		{http.MethodPost, "/api/v1/temp-contents/files", TierTempContents},
		{http.MethodPatch, "/api/v1/temp-contents/files/{id}", TierTempContents},
		{http.MethodGet, "/api/v1/apps/{appId}/insight-analyses", Tier("special:apps")},
		{http.MethodGet, "/api/v1/not-in-any-spec", Tier1},
		{http.MethodPost, "/api/v1/not-in-any-spec", Tier2},
	} {
		if got := tierFor(tc.method, tc.route); got != tc.want {
			t.Errorf("tierFor(%s %s) = %s, want %s", tc.method, tc.route, got, tc.want)
		}
	}
	d := DefaultLimits()
	if d[TierReloads] != 50 || d[Tier1] != 1000 || d[Tier2] != 100 || d[TierGroupsFilter] != 200 || d[TierTempContents] != 800 {
		t.Errorf("DefaultLimits %v", d)
	}
}

// TestRateWindowIsFiveMinutes pins Qlik's documented window on a synthetic clock: a tier of L per minute admits a
// burst of 5·L, then stays blocked until the oldest requests are five minutes old. A one-minute window fails it
// at the 61st request and again after 61 seconds.
func TestRateWindowIsFiveMinutes(t *testing.T) {
	t.Parallel()
	rl := newRateLimiter(map[Tier]int{Tier2: 60}, 0)
	key := bucketKey{host: "h", identity: "u", tier: Tier2}
	t0 := time.Unix(1_700_000_000, 0)
	for i := range 300 {
		if ok, _ := rl.allow(key, 0, t0); !ok {
			t.Fatalf("request %d of a 300-request burst refused: the window must hold five minutes of allowance", i+1)
		}
	}
	ok, retry := rl.allow(key, 0, t0)
	if ok || retry != 300 {
		t.Fatalf("301st request: ok=%v retry=%d, want refused until the burst is five minutes old (300)", ok, retry)
	}
	for _, after := range []time.Duration{time.Second, 61 * time.Second, 299 * time.Second} {
		if ok, retry := rl.allow(key, 0, t0.Add(after)); ok || retry != int((300*time.Second-after)/time.Second) {
			t.Fatalf("%s after the burst: ok=%v retry=%d, want blocked until the five minutes are over", after, ok, retry)
		}
	}
	if ok, _ := rl.allow(key, 0, t0.Add(RateWindow)); !ok {
		t.Fatal("refused at the announced retry time")
	}
	if got := rl.served.Load(); got != 4 {
		t.Errorf("served %d 429s, want 4", got)
	}
}

// TestRateWindowSlides: requests leave the window five minutes after they were made, second by second, so the
// retry time is when enough of the oldest ones have left.
func TestRateWindowSlides(t *testing.T) {
	t.Parallel()
	rl := newRateLimiter(map[Tier]int{Tier2: 20}, 0) // 100 per window
	key := bucketKey{host: "h", identity: "u", tier: Tier2}
	t0 := time.Unix(1_700_000_000, 0)
	allowN := func(at time.Time, n int) {
		t.Helper()
		for i := range n {
			if ok, retry := rl.allow(key, 0, at); !ok {
				t.Fatalf("request %d at +%s refused (retry %d)", i+1, at.Sub(t0), retry)
			}
		}
	}
	allowN(t0, 40)
	allowN(t0.Add(2*time.Minute), 60)
	// Full at +2m30s: the 40 of t0 leave at +5m.
	if ok, retry := rl.allow(key, 0, t0.Add(150*time.Second)); ok || retry != 150 {
		t.Fatalf("at +2m30s: ok=%v retry=%d, want 150", ok, retry)
	}
	// At +5m the first 40 have left: 40 more fit, the 41st waits for the 60 of +2m to leave at +7m.
	allowN(t0.Add(RateWindow), 40)
	if ok, retry := rl.allow(key, 0, t0.Add(RateWindow)); ok || retry != 120 {
		t.Fatalf("at +5m after 40: ok=%v retry=%d, want 120", ok, retry)
	}
	// Ten minutes of silence empties the window.
	allowN(t0.Add(15*time.Minute), 100)
}

// TestTenantWideLimit: a tenant of n users admits user allowance × n × 0.5 per window, whoever makes the requests;
// a lone user is held to half its own allowance.
func TestTenantWideLimit(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1_700_000_000, 0)
	for _, tc := range []struct {
		users, admitted int
	}{{1, 50}, {2, 100}, {4, 200}} {
		rl := newRateLimiter(map[Tier]int{Tier2: 20}, 0) // 100 per user and window
		n := 0
		for u := 0; u < 4; u++ {
			key := bucketKey{host: "tenant", identity: "user" + strconv.Itoa(u), tier: Tier2}
			for range 100 {
				if ok, _ := rl.allow(key, tc.users, t0); ok {
					n++
				}
			}
		}
		if n != tc.admitted {
			t.Errorf("%d users: the tenant admitted %d requests, want %d", tc.users, n, tc.admitted)
		}
		// The tenant's tier is blocked for everyone, Tier 1 is not.
		if ok, _ := rl.allow(bucketKey{host: "tenant", identity: "fresh", tier: Tier2}, tc.users, t0); ok {
			t.Errorf("%d users: a new user got through a full tenant window", tc.users)
		}
		if ok, _ := rl.allow(bucketKey{host: "tenant", identity: "fresh", tier: Tier1}, tc.users, t0); !ok {
			t.Errorf("%d users: Tier 1 blocked by Tier 2's tenant limit", tc.users)
		}
	}
}

// TestRateLimitBlocksWholeTier: once a tier's window is full, every endpoint of that tier is refused on that host
// with Qlik's 429 until the announced time, while Tier 1 and other hosts carry on. The home tenant has two users
// (the API key's admin and the OAuth client's bot), so its tenant-wide allowance equals one user's.
func TestRateLimitBlocksWholeTier(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{EnforceRateLimits: true, Limits: map[Tier]int{Tier2: 3}}) // 15 per window
	var clockMu sync.Mutex
	now := time.Now()
	sim.limiter.now = func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	advance := func(d time.Duration) { clockMu.Lock(); now = now.Add(d); clockMu.Unlock() }

	other := addTenant(t, sim, "")
	c := newTestClient(t)
	home, key := sim.Home(), sim.Credentials().APIKey
	spaces := home.URL + "/api/v1/spaces"
	botToken := c.mintToken(sim, home.URL) // Tier 2 on the home tenant: the first of 15
	otherToken := c.mintToken(sim, other.URL)

	var first Space
	for i := range 14 { // a one-minute window would refuse the fourth
		sp := c.createSpace(home.URL, key, "S"+strconv.Itoa(i), "shared")
		if i == 0 {
			first = sp
		}
	}
	r := c.expect(http.StatusTooManyRequests, http.MethodPost, spaces, key, map[string]string{"name": "S14", "type": "shared"})
	if got := r.header.Get("Retry-After"); got != "300" {
		t.Errorf("retry-after %q, want 300: the window is five minutes", got)
	}
	if codes := r.errorCodes(t); len(codes) != 1 || codes[0] != "HTTP-429" {
		t.Errorf("codes %v", codes)
	}
	// Another Tier 2 endpoint is blocked too, a minute later as well.
	advance(time.Minute)
	c.expect(http.StatusTooManyRequests, http.MethodDelete, spaces+"/"+first.ID, key, nil)
	// Tier 1 is not.
	c.expect(http.StatusOK, http.MethodGet, spaces+"/"+first.ID, key, nil)
	// The other user of the tenant is held by the tenant-wide limit.
	c.expect(http.StatusTooManyRequests, http.MethodPost, spaces, botToken, map[string]string{"name": "Bot", "type": "shared"})
	// Another tenant is not.
	c.createSpace(other.URL, otherToken, "Elsewhere", "shared")
	// Five minutes after the burst the window has room again.
	advance(4 * time.Minute)
	c.createSpace(home.URL, botToken, "Bot", "shared")

	if n := sim.RateLimitedCount(); n != 3 {
		t.Errorf("RateLimitedCount %d, want 3", n)
	}
	if n := len(sim.Spaces(home.Hostname)); n != 15 {
		t.Errorf("%d spaces, want 15: refused requests must not be handled", n)
	}
}

func TestRateLimitTokenEndpoint(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{EnforceRateLimits: true, Limits: map[Tier]int{Tier2: 1}}) // 5 per window
	c := newTestClient(t)
	for range 5 {
		c.mintToken(sim, sim.Home().URL)
	}
	c.expect(http.StatusTooManyRequests, http.MethodPost, sim.Home().URL+"/oauth/token", "", map[string]string{
		"client_id": sim.Credentials().ClientID, "client_secret": sim.Credentials().ClientSecret, "grant_type": "client_credentials",
	})
	// Each host counts separately.
	c.mintToken(sim, sim.RegistrationURL())
}

func TestRateLimitsOffByDefault(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{Limits: map[Tier]int{Tier1: 1}})
	c := newTestClient(t)
	for range 10 {
		c.expect(http.StatusOK, http.MethodGet, sim.Home().URL+"/api/v1/spaces", sim.Credentials().APIKey, nil)
	}
}

// TestShortRateWindow: a window of W admits limit × W/1m per user and clears W after the burst.
func TestShortRateWindow(t *testing.T) {
	t.Parallel()
	rl := newRateLimiter(map[Tier]int{Tier2: 60}, 10*time.Second) // 10 per 10 s
	key := bucketKey{host: "h", identity: "u", tier: Tier2}
	t0 := time.Unix(1_700_000_000, 0)
	for i := range 10 {
		if ok, _ := rl.allow(key, 0, t0); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	if ok, retry := rl.allow(key, 0, t0); ok || retry != 10 {
		t.Fatalf("11th: ok=%v retry=%d, want refused for 10 s", ok, retry)
	}
	if ok, _ := rl.allow(key, 0, t0.Add(10*time.Second)); !ok {
		t.Fatal("refused after the window")
	}
}
