package qliksim

import (
	"net/http"
	"strconv"
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
		{http.MethodGet, "/api/v1/reloads", Tier1},
		{http.MethodPost, "/api/v1/groups/actions/filter", TierGroupsFilter},
		{http.MethodPost, "/api/v1/users/actions/filter", TierUsersFilter},
		{http.MethodPost, "/api/v1/temp-contents/files", TierTempContents},
	} {
		if got := tierFor(tc.method, tc.route); got != tc.want {
			t.Errorf("tierFor(%s %s) = %s, want %s", tc.method, tc.route, got, tc.want)
		}
	}
	if DefaultLimits()[TierReloads] != 50 || DefaultLimits()[Tier1] != 1000 || DefaultLimits()[Tier2] != 100 {
		t.Errorf("DefaultLimits %v", DefaultLimits())
	}
}

// TestBucketBlocksUntilRetryTime checks the bucket arithmetic on a synthetic clock.
func TestBucketBlocksUntilRetryTime(t *testing.T) {
	t.Parallel()
	rl := newRateLimiter(map[Tier]int{Tier2: 60}) // one request per second, a burst of 60
	key := bucketKey{host: "h", identity: "u", tier: Tier2}
	t0 := time.Unix(1_700_000_000, 0)
	for i := range 60 {
		if ok, _ := rl.allow(key, t0); !ok {
			t.Fatalf("request %d of the burst refused", i)
		}
	}
	ok, retry := rl.allow(key, t0)
	if ok || retry != 1 {
		t.Fatalf("61st request: ok=%v retry=%d, want refused with retry 1", ok, retry)
	}
	// 0.6 s later the bucket has refilled 0.6 of a request: still blocked, now for the rest of the announced second.
	if ok, retry := rl.allow(key, t0.Add(600*time.Millisecond)); ok || retry != 1 {
		t.Fatalf("during block: ok=%v retry=%d", ok, retry)
	}
	if ok, _ := rl.allow(key, t0.Add(time.Second)); !ok {
		t.Fatal("refused at the announced retry time")
	}
	// Refill is continuous: 30 s after that, 30 more requests pass and the 31st is refused.
	later := t0.Add(31 * time.Second)
	for i := range 30 {
		if ok, _ := rl.allow(key, later); !ok {
			t.Fatalf("refill: request %d refused", i)
		}
	}
	if ok, _ := rl.allow(key, later); ok {
		t.Fatal("refill gave more than elapsed time allows")
	}
	if got := rl.served.Load(); got != 3 {
		t.Errorf("served %d 429s, want 3", got)
	}
}

// TestRateLimitBlocksWholeTier: once a tier's bucket is empty every endpoint of that tier is refused for that
// identity on that host, while other tiers, identities and hosts carry on.
func TestRateLimitBlocksWholeTier(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{EnforceRateLimits: true, Limits: map[Tier]int{Tier2: 3}})
	other, err := sim.AddTenant("")
	if err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t)
	home, key := sim.Home(), sim.Credentials().APIKey
	spaces := home.URL + "/api/v1/spaces"

	var first Space
	for i := range 3 {
		sp := c.createSpace(home.URL, key, "S"+strconv.Itoa(i), "shared")
		if i == 0 {
			first = sp
		}
	}
	r := c.expect(http.StatusTooManyRequests, http.MethodPost, spaces, key, map[string]string{"name": "S3", "type": "shared"})
	retry, err := strconv.Atoi(r.header.Get("Retry-After"))
	// 3 per minute refills one request every 20 s.
	if err != nil || retry < 19 || retry > 20 {
		t.Errorf("retry-after %q, want 20", r.header.Get("Retry-After"))
	}
	if codes := r.errorCodes(t); len(codes) != 1 || codes[0] != "HTTP-429" {
		t.Errorf("codes %v", codes)
	}
	// Another Tier 2 endpoint is blocked too.
	c.expect(http.StatusTooManyRequests, http.MethodDelete, spaces+"/"+first.ID, key, nil)
	// Tier 1 is not.
	c.expect(http.StatusOK, http.MethodGet, spaces+"/"+first.ID, key, nil)
	// Another identity on the same host is not (its token mint is Tier 2 for the client, not for the admin).
	tok := c.mintToken(sim, home.URL)
	c.createSpace(home.URL, tok, "Bot", "shared")
	// The same client on another host is not.
	c.createSpace(other.URL, c.mintToken(sim, other.URL), "Elsewhere", "shared")

	if n := sim.RateLimitedCount(); n != 2 {
		t.Errorf("RateLimitedCount %d, want 2", n)
	}
	if n := len(sim.Spaces(home.Hostname)); n != 4 {
		t.Errorf("%d spaces, want 4: refused requests must not be handled", n)
	}
}

func TestRateLimitRecoversAfterRetryAfter(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{EnforceRateLimits: true, Limits: map[Tier]int{Tier1: 60}})
	c := newTestClient(t)
	list := sim.Home().URL + "/api/v1/spaces"
	key := sim.Credentials().APIKey
	for range 60 {
		c.expect(http.StatusOK, http.MethodGet, list, key, nil)
	}
	r := c.expect(http.StatusTooManyRequests, http.MethodGet, list, key, nil)
	if r.header.Get("Retry-After") != "1" {
		t.Fatalf("retry-after %q, want 1", r.header.Get("Retry-After"))
	}
	time.Sleep(1100 * time.Millisecond)
	c.expect(http.StatusOK, http.MethodGet, list, key, nil)
}

func TestRateLimitTokenEndpoint(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{EnforceRateLimits: true, Limits: map[Tier]int{Tier2: 2}})
	c := newTestClient(t)
	c.mintToken(sim, sim.Home().URL)
	c.mintToken(sim, sim.Home().URL)
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
	for range 5 {
		c.expect(http.StatusOK, http.MethodGet, sim.Home().URL+"/api/v1/spaces", sim.Credentials().APIKey, nil)
	}
}
