package qliksim

import (
	"math"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

//go:generate env QLIKSIM_WRITE_TIER_TABLE=1 go test -run ^TestTierTableMatchesSpecs$ .

// Tier is a Qlik rate-limit tier. Qlik counts requests per tier, per user, per tenant (qlik.dev, "Rate limiting").
type Tier string

// Rate-limit tiers. Tier 1 and Tier 2 are shared by most endpoints; a Special tier belongs to the endpoints of one
// API whose spec declares `x-qlik-tier: {tier: special, limit: N}` (tier_table.go, generated from the OpenAPI files
// in testdata/openapi).
const (
	// Tier1 covers most GET requests: 1,000 per minute.
	Tier1 Tier = "tier1"
	// Tier2 covers most POST, PUT, PATCH and DELETE requests, /oauth/token included: 100 per minute.
	Tier2 Tier = "tier2"
	// TierReloads covers POST /api/v1/reloads and its cancel action (reloads.json, Special, 50 per minute).
	TierReloads Tier = "special:reloads"
	// TierGroupsFilter covers POST /api/v1/groups/actions/filter (groups.json, Special, 200 per minute).
	TierGroupsFilter Tier = "special:groups"
	// TierUsersFilter covers POST /api/v1/users/actions/filter (users.json, Special, 200 per minute).
	TierUsersFilter Tier = "special:users"
	// TierTempContents covers the temp-contents upload endpoints (temp-contents.json, Special, 800 per minute).
	TierTempContents Tier = "special:temp-contents"
)

// RateWindow is the period over which Qlik evaluates its per-minute limits: "evaluated over a 5-minute window to
// support bursts of requests" (qlik.dev, "Rate limiting"). A tier of L requests per minute admits 5·L requests in
// any 5 minutes, however they are spread.
const RateWindow = 5 * time.Minute

// TenantLimitFactor is the tenant-wide limit's factor: tenantRateLimit = user rate limit × users in the tenant ×
// 0.5 (qlik.dev, "Rate limiting").
const TenantLimitFactor = 0.5

// DefaultLimits returns Qlik's requests per minute for each tier: Tier 1 and Tier 2 from qlik.dev, the Special
// tiers from the specs' x-qlik-tier.
func DefaultLimits() map[Tier]int {
	out := map[Tier]int{Tier1: 1000, Tier2: 100}
	for _, e := range tierTable {
		if e.tier != Tier1 && e.tier != Tier2 {
			out[e.tier] = e.limit
		}
	}
	return out
}

// tierEntry is one operation's x-qlik-tier.
type tierEntry struct {
	tier  Tier
	limit int
}

// tierFor classifies a routed request by the spec's x-qlik-tier of its operation; operations the specs do not list
// fall back to Tier 1 for reads and Tier 2 for writes, which is what every listed Tier 1/2 operation follows.
func tierFor(method, route string) Tier {
	if e, ok := tierTable[method+" "+normaliseRoute(route)]; ok {
		return e.tier
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return Tier1
	default:
		return Tier2
	}
}

// normaliseRoute blanks the names of path parameters, so that "/apps/{appId}" in a spec and "/apps/{id}" in a route
// name the same operation.
func normaliseRoute(route string) string {
	if !strings.Contains(route, "{") {
		return route
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(route, '{')
		if i < 0 {
			b.WriteString(route)
			return b.String()
		}
		j := strings.IndexByte(route[i:], '}')
		if j < 0 {
			b.WriteString(route)
			return b.String()
		}
		b.WriteString(route[:i])
		b.WriteString("{}")
		route = route[i+j+1:]
	}
}

// rateLimiter enforces Qlik's limits: one window per (host, user, tier) holding the user's 5-minute allowance,
// and on tenant hosts one per (host, tier) for the tenant-wide limit. Once a window is full the whole tier is
// blocked for that user (or, for the tenant limit, for everyone on the host) until the announced retry time, as
// Qlik does ("all endpoints in the same tier are blocked until the retry-after time expires"), so a client that
// retries early is refused again.
type rateLimiter struct {
	mu      sync.Mutex
	span    time.Duration // RateWindow unless Options.RateWindow says otherwise
	limits  map[Tier]int
	windows map[bucketKey]*window
	served  atomic.Int64
	now     func() time.Time // the clock of the middleware; tests may replace it
}

type bucketKey struct {
	host     string
	identity string // empty for the tenant-wide window
	tier     Tier
}

// window is a sliding count in one-second slots: requests are counted per second, and a second's requests leave
// the window together.
type window struct {
	counts       []int // one per second of the window, indexed by Unix second modulo its length
	head         int64 // the Unix second of the newest slot
	total        int
	blockedUntil time.Time
}

func (w *window) slots() int64 { return int64(len(w.counts)) }

// advance drops the slots that have left the window by now.
func (w *window) advance(now time.Time) {
	sec := now.Unix()
	if w.total == 0 || sec-w.head >= w.slots() {
		clear(w.counts)
		w.total = 0
		w.head = sec
		return
	}
	for ; w.head < sec; w.head++ {
		slot := &w.counts[(w.head+1)%w.slots()]
		w.total -= *slot
		*slot = 0
	}
}

// retryAfter is how long until the window has room for one more request: until enough of its oldest seconds have
// left it.
func (w *window) retryAfter(now time.Time, allowance int) time.Duration {
	span := time.Duration(w.slots()) * time.Second
	excess := w.total - allowance + 1
	for s := w.head - w.slots() + 1; s <= w.head; s++ {
		excess -= w.counts[s%w.slots()]
		if excess <= 0 {
			return time.Unix(s, 0).Add(span).Sub(now)
		}
	}
	return span
}

func (w *window) add(now time.Time) {
	w.counts[now.Unix()%w.slots()]++
	w.total++
}

// newRateLimiter applies overrides (requests per minute by tier) to Qlik's limits; span is the window, whole
// seconds, 0 for RateWindow.
func newRateLimiter(overrides map[Tier]int, span time.Duration) *rateLimiter {
	limits := DefaultLimits()
	for t, n := range overrides {
		if n > 0 {
			limits[t] = n
		}
	}
	if span <= 0 {
		span = RateWindow
	}
	return &rateLimiter{span: span, limits: limits, windows: map[bucketKey]*window{}, now: time.Now}
}

// allowance is the requests of tier t a user may make in one window: the per-minute limit times the window's
// minutes, at least one.
func (rl *rateLimiter) allowance(t Tier) int {
	limit := rl.limits[t]
	if limit <= 0 {
		limit = rl.limits[Tier2]
	}
	return max(1, int(int64(limit)*int64(rl.span)/int64(time.Minute)))
}

func (rl *rateLimiter) window(key bucketKey, now time.Time) *window {
	w, ok := rl.windows[key]
	if !ok {
		w = &window{counts: make([]int, rl.span/time.Second), head: now.Unix()}
		rl.windows[key] = w
	}
	w.advance(now)
	return w
}

// allow counts one request of key's user against the user's window and, when tenantUsers > 0, against the
// tenant-wide window of key's host, whose allowance is the user allowance × tenantUsers × 0.5. It reports how many
// whole seconds (at least 1) the tier stays blocked when the request is refused.
func (rl *rateLimiter) allow(key bucketKey, tenantUsers int, now time.Time) (bool, int) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	perUser := rl.allowance(key.tier)
	user := rl.window(key, now)
	var tenant *window
	perTenant := 0
	if tenantUsers > 0 {
		tenant = rl.window(bucketKey{host: key.host, tier: key.tier}, now)
		perTenant = max(1, int(float64(perUser)*float64(tenantUsers)*TenantLimitFactor))
	}
	refuse := func(until time.Time) (bool, int) {
		rl.served.Add(1)
		return false, max(1, int(math.Ceil(until.Sub(now).Seconds())))
	}
	for _, w := range []*window{user, tenant} {
		if w != nil && now.Before(w.blockedUntil) {
			return refuse(w.blockedUntil)
		}
	}
	if user.total >= perUser {
		user.blockedUntil = now.Add(user.retryAfter(now, perUser))
		return refuse(user.blockedUntil)
	}
	if tenant != nil && tenant.total >= perTenant {
		tenant.blockedUntil = now.Add(tenant.retryAfter(now, perTenant))
		return refuse(tenant.blockedUntil)
	}
	user.add(now)
	if tenant != nil {
		tenant.add(now)
	}
	return true, 0
}

// RateLimitedCount returns how many requests the rate limiter (not fault injection) answered with 429.
func (s *Server) RateLimitedCount() int { return int(s.limiter.served.Load()) }

// TierOf tells which rate-limit tier a request to route counts against, so that a harness reading the audit can
// account for the limits the way the simulator does.
func TierOf(method, route string) Tier { return tierFor(method, route) }
