package qliksim

import (
	"math"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Tier is a Qlik rate-limit tier. Qlik counts requests per tier, per user, per tenant.
type Tier string

// Rate-limit tiers (REFERENCE Appendix A).
const (
	// Tier1 covers GET requests.
	Tier1 Tier = "tier1"
	// Tier2 covers POST, PUT, PATCH and DELETE, and /oauth/token.
	Tier2 Tier = "tier2"
	// TierReloads covers POST /api/v1/reloads and its cancel action.
	TierReloads Tier = "reloads"
	// TierGroupsFilter covers POST /api/v1/groups/actions/filter.
	TierGroupsFilter Tier = "groups-filter"
	// TierUsersFilter covers POST /api/v1/users/actions/filter.
	TierUsersFilter Tier = "users-filter"
	// TierTempContents covers the temp-contents upload endpoints.
	TierTempContents Tier = "temp-contents"
)

// DefaultLimits returns Qlik's requests per minute for each tier.
func DefaultLimits() map[Tier]int {
	return map[Tier]int{
		Tier1:            1000,
		Tier2:            100,
		TierReloads:      50,
		TierGroupsFilter: 200,
		TierUsersFilter:  200,
		TierTempContents: 800,
	}
}

// specialTiers maps "METHOD route" to the endpoints whose spec declares their own limit.
var specialTiers = map[string]Tier{
	"POST /api/v1/reloads":                           TierReloads,
	"POST /api/v1/reloads/{reloadId}/actions/cancel": TierReloads,
	"POST /api/v1/groups/actions/filter":             TierGroupsFilter,
	"POST /api/v1/users/actions/filter":              TierUsersFilter,
	"POST /api/v1/temp-contents/files":               TierTempContents,
	"PATCH /api/v1/temp-contents/files/{id}":         TierTempContents,
}

// tierFor classifies a routed request.
func tierFor(method, route string) Tier {
	if t, ok := specialTiers[method+" "+route]; ok {
		return t
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return Tier1
	default:
		return Tier2
	}
}

// rateLimiter keeps one token bucket per (host, identity, tier). A bucket holds a minute's allowance and refills
// continuously; once it runs dry the whole tier is blocked until the announced retry time, as Qlik does ("all
// endpoints in the same tier are blocked until the retry-after time expires"), so a client that retries early is
// refused again rather than slipping through on a partly refilled bucket.
type rateLimiter struct {
	mu      sync.Mutex
	limits  map[Tier]int
	buckets map[bucketKey]*bucket
	served  atomic.Int64
}

type bucketKey struct {
	host     string
	identity string
	tier     Tier
}

type bucket struct {
	tokens       float64
	last         time.Time
	blockedUntil time.Time
}

func newRateLimiter(overrides map[Tier]int) *rateLimiter {
	limits := DefaultLimits()
	for t, n := range overrides {
		if n > 0 {
			limits[t] = n
		}
	}
	return &rateLimiter{limits: limits, buckets: map[bucketKey]*bucket{}}
}

// allow takes one request from the bucket, or reports how many whole seconds (at least 1) the tier stays blocked.
func (rl *rateLimiter) allow(key bucketKey, now time.Time) (bool, int) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	limit := float64(rl.limits[key.tier])
	if limit <= 0 {
		limit = float64(rl.limits[Tier2])
	}
	perSecond := limit / 60
	b, ok := rl.buckets[key]
	if !ok {
		b = &bucket{tokens: limit, last: now}
		rl.buckets[key] = b
	}
	if now.Before(b.blockedUntil) {
		rl.served.Add(1)
		return false, int(math.Ceil(b.blockedUntil.Sub(now).Seconds()))
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(limit, b.tokens+elapsed*perSecond)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := max(1, int(math.Ceil((1-b.tokens)/perSecond)))
	b.blockedUntil = now.Add(time.Duration(wait) * time.Second)
	rl.served.Add(1)
	return false, wait
}

// RateLimitedCount returns how many requests the rate limiter (not fault injection) answered with 429.
func (s *Server) RateLimitedCount() int { return int(s.limiter.served.Load()) }

// TierOf tells which rate-limit tier a request to route counts against, so that a harness reading the audit can
// account for the limits the way the simulator does.
func TierOf(method, route string) Tier { return tierFor(method, route) }
