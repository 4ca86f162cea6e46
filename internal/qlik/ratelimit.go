package qlik

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// TierLimit is the client-side pace of one rate-limit tier.
type TierLimit struct {
	// PerMinute is the sustained rate. Zero selects Qlik's published limit.
	PerMinute int
	// Burst is the bucket size. Zero selects a quarter of PerMinute, which
	// leaves headroom for other processes using the same credentials (Qlik
	// counts per user, per tenant, per tier over a 5-minute window).
	Burst int
}

// RateLimits configures client-side pacing, one token bucket per (host,
// tier) shared by every view of a Client. The zero value applies Qlik's
// published limits (REFERENCE Appendix A).
type RateLimits struct {
	// Disabled turns client-side pacing off. A 429's Retry-After still
	// blocks the tier on that host, because Qlik blocks it server-side too.
	Disabled bool

	// Tier1 covers GET requests: 1,000/min.
	Tier1 TierLimit
	// Tier2 covers POST, PUT, PATCH, DELETE and /oauth/token: 100/min.
	Tier2 TierLimit
	// Reloads covers POST /api/v1/reloads and its cancel action: 50/min.
	Reloads TierLimit
	// Filter covers POST /api/v1/groups/actions/filter and
	// /api/v1/users/actions/filter, each with its own bucket: 200/min.
	Filter TierLimit
	// TempContents covers POST and PATCH /api/v1/temp-contents/files: 800/min.
	TempContents TierLimit
}

// tier names a rate-limit bucket class.
type tier string

const (
	tier1            tier = "tier1"
	tier2            tier = "tier2"
	tierReloads      tier = "reloads"
	tierGroupsFilter tier = "groups-filter"
	tierUsersFilter  tier = "users-filter"
	tierTempContents tier = "temp-contents"
)

// tierFor maps a request to its Qlik rate-limit tier (REFERENCE Appendix A).
func tierFor(method, path string) tier {
	path = strings.TrimSuffix(path, "/")
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return tier1
	case http.MethodPost:
		switch {
		case path == "/api/v1/reloads":
			return tierReloads
		case strings.HasPrefix(path, "/api/v1/reloads/") && strings.HasSuffix(path, "/actions/cancel"):
			return tierReloads
		case path == "/api/v1/groups/actions/filter":
			return tierGroupsFilter
		case path == "/api/v1/users/actions/filter":
			return tierUsersFilter
		case path == "/api/v1/temp-contents/files":
			return tierTempContents
		}
	case http.MethodPatch:
		if strings.HasPrefix(path, "/api/v1/temp-contents/files/") {
			return tierTempContents
		}
	}
	return tier2
}

type bucketKey struct {
	host string
	tier tier
}

// bucket paces one (host, tier). blockedUntil is set from a 429's
// Retry-After: Qlik then blocks every endpoint of the tier, so every request
// of the tier on that host waits, not only the one that was refused.
type bucket struct {
	lim          *rate.Limiter // nil when pacing is disabled
	blockedUntil time.Time     // guarded by rateLimiter.mu
}

type rateLimiter struct {
	mu       sync.Mutex
	disabled bool
	limits   map[tier]TierLimit
	buckets  map[bucketKey]*bucket
	now      func() time.Time
}

func newRateLimiter(cfg RateLimits) (*rateLimiter, error) {
	defaults := map[tier]int{
		tier1: 1000, tier2: 100, tierReloads: 50,
		tierGroupsFilter: 200, tierUsersFilter: 200, tierTempContents: 800,
	}
	given := map[tier]TierLimit{
		tier1: cfg.Tier1, tier2: cfg.Tier2, tierReloads: cfg.Reloads,
		tierGroupsFilter: cfg.Filter, tierUsersFilter: cfg.Filter, tierTempContents: cfg.TempContents,
	}
	limits := make(map[tier]TierLimit, len(defaults))
	for t, def := range defaults {
		l := given[t]
		if l.PerMinute < 0 || l.Burst < 0 {
			return nil, fmt.Errorf("qlik: rate limit for %s must not be negative", t)
		}
		if l.PerMinute == 0 {
			l.PerMinute = def
		}
		if l.Burst == 0 {
			l.Burst = max(1, l.PerMinute/4)
		}
		limits[t] = l
	}
	return &rateLimiter{
		disabled: cfg.Disabled,
		limits:   limits,
		buckets:  map[bucketKey]*bucket{},
		now:      time.Now,
	}, nil
}

func (r *rateLimiter) bucket(host string, t tier) *bucket {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := bucketKey{host: host, tier: t}
	b := r.buckets[k]
	if b == nil {
		b = &bucket{}
		if !r.disabled {
			l := r.limits[t]
			b.lim = rate.NewLimiter(rate.Limit(float64(l.PerMinute)/60), l.Burst)
		}
		r.buckets[k] = b
	}
	return b
}

// waitReason tells the logger why a request was held back.
type waitReason string

const (
	waitBlocked waitReason = "tier blocked after 429"
	waitPacing  waitReason = "client-side pacing"
)

// wait holds a request until its tier on host is neither blocked by a 429
// nor over its pace. Every wait watches ctx.
func (r *rateLimiter) wait(ctx context.Context, host string, t tier, onWait func(time.Duration, waitReason)) error {
	b := r.bucket(host, t)
	if err := r.waitBlocked(ctx, b, onWait); err != nil {
		return err
	}
	if b.lim == nil {
		return nil
	}
	res := b.lim.Reserve()
	if d := res.Delay(); d > 0 {
		onWait(d, waitPacing)
		if err := sleepCtx(ctx, d); err != nil {
			res.Cancel()
			return err
		}
	}
	// A 429 may have arrived while this request was being paced.
	return r.waitBlocked(ctx, b, onWait)
}

func (r *rateLimiter) waitBlocked(ctx context.Context, b *bucket, onWait func(time.Duration, waitReason)) error {
	for {
		r.mu.Lock()
		d := b.blockedUntil.Sub(r.now())
		r.mu.Unlock()
		if d <= 0 {
			return nil
		}
		onWait(d, waitBlocked)
		if err := sleepCtx(ctx, d); err != nil {
			return err
		}
	}
}

// block makes every request of tier t on host wait for d.
func (r *rateLimiter) block(host string, t tier, d time.Duration) {
	b := r.bucket(host, t)
	r.mu.Lock()
	defer r.mu.Unlock()
	if until := r.now().Add(d); until.After(b.blockedUntil) {
		b.blockedUntil = until
	}
}

// maxRetryAfter caps a Retry-After so a bogus header cannot park an apply
// for hours; Qlik's windows are 5 minutes.
const maxRetryAfter = 15 * time.Minute

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP-date.
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		secs = min(max(secs, 0), int64(maxRetryAfter/time.Second))
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = max(t.Sub(now), 0)
	} else {
		return 0, false
	}
	return min(d, maxRetryAfter), true
}

// sleepCtx sleeps for d or until ctx is done, whichever comes first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
