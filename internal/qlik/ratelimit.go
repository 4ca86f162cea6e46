package qlik

import (
	"context"
	"fmt"
	"math/rand/v2"
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
	// Burst is how many requests may leave at once. Zero selects Qlik's whole
	// window allowance (RateWindow's worth of PerMinute): Qlik evaluates its
	// per-minute limits over a 5-minute window "to support bursts".
	Burst int
}

// RateLimits configures client-side pacing, one limiter per (host, tier)
// shared by every view of a Client. The zero value starts from Qlik's
// published limits (qlik.dev, "Rate limiting"; Special tiers from the specs'
// x-qlik-tier) and adapts to what a 429 reveals about other processes using
// the same credentials.
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

// RateWindow is the period over which Qlik evaluates its per-minute limits.
const RateWindow = 5 * time.Minute

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

// tierFor maps a request to its Qlik rate-limit tier: the x-qlik-tier of the
// operation in Qlik's specs (Special for reloads, the filter actions and
// temp-contents uploads; otherwise Tier 1 for reads and Tier 2 for writes).
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

// bucket paces one (host, tier) with two rules: a token bucket (the
// sustained rate and the burst) and a sliding window that never lets this
// process send more than its allowance in any RateWindow, as Qlik counts.
//
// The allowance adapts (additive increase, multiplicative decrease): it
// starts at Qlik's whole window allowance, halves on a 429 (other processes
// with the same credentials use the same window) and grows back by one
// request per success. blockedUntil is set from a 429's Retry-After: Qlik then
// blocks every endpoint of the tier, so every request of the tier on that host
// waits, not only the one that was refused. All fields but lim are guarded by
// rateLimiter.mu.
type bucket struct {
	lim          *rate.Limiter // nil when pacing is disabled
	full         float64       // Qlik's window allowance: the most the allowance grows to
	allowance    float64
	sent         []time.Time // this process's requests within the last RateWindow, oldest first
	blockedUntil time.Time
}

// minAllowanceShare bounds the multiplicative decrease: a process keeps at
// least this share of the window, so it always makes progress.
const minAllowanceShare = 1.0 / 64

type rateLimiter struct {
	mu       sync.Mutex
	disabled bool
	limits   map[tier]TierLimit
	buckets  map[bucketKey]*bucket
	now      func() time.Time
	stats    *RateStats
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
			l.Burst = windowAllowance(l.PerMinute)
		}
		limits[t] = l
	}
	return &rateLimiter{
		disabled: cfg.Disabled,
		limits:   limits,
		buckets:  map[bucketKey]*bucket{},
		now:      time.Now,
		stats:    &RateStats{},
	}, nil
}

// windowAllowance is how many requests a tier of perMinute admits in one
// RateWindow.
func windowAllowance(perMinute int) int { return perMinute * int(RateWindow/time.Minute) }

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
			b.full = float64(windowAllowance(l.PerMinute))
			b.allowance = b.full
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
// nor over its pace, then counts it in the window. Every wait watches ctx.
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
		r.pacingWait(d, onWait)
		if err := sleepCtx(ctx, d); err != nil {
			res.Cancel()
			return err
		}
	}
	for {
		// A 429 may have arrived while this request was being paced.
		if err := r.waitBlocked(ctx, b, onWait); err != nil {
			return err
		}
		d := r.admit(b)
		if d <= 0 {
			return nil
		}
		r.pacingWait(d, onWait)
		if err := sleepCtx(ctx, d); err != nil {
			return err
		}
	}
}

func (r *rateLimiter) pacingWait(d time.Duration, onWait func(time.Duration, waitReason)) {
	r.stats.addPacing(d)
	onWait(d, waitPacing)
}

// admit counts a request in b's window when the window has room under the
// allowance, or returns how long until its oldest request leaves the window.
func (r *rateLimiter) admit(b *bucket) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	cut := 0
	for cut < len(b.sent) && now.Sub(b.sent[cut]) >= RateWindow {
		cut++
	}
	b.sent = b.sent[cut:]
	if float64(len(b.sent)) < max(1, b.allowance) {
		b.sent = append(b.sent, now)
		return 0
	}
	excess := len(b.sent) - int(max(1, b.allowance)) // requests that must leave before this one fits
	return b.sent[excess].Add(RateWindow).Sub(now)
}

// waitBlocked holds a request while Qlik blocks its tier. Each waiter adds its own jitter to the block's end,
// so the requests held by one block return to a window that has just room for a few one by one rather than
// all at once, which would be refused again but for the first.
func (r *rateLimiter) waitBlocked(ctx context.Context, b *bucket, onWait func(time.Duration, waitReason)) error {
	for {
		r.mu.Lock()
		d := b.blockedUntil.Sub(r.now())
		r.mu.Unlock()
		if d <= 0 {
			return nil
		}
		d = retryAfterJitter(d)
		r.stats.addBlocked(d)
		onWait(d, waitBlocked)
		if err := sleepCtx(ctx, d); err != nil {
			return err
		}
	}
}

// block makes every request of tier t on host wait for d, and halves the
// allowance once per block: the requests already in flight when the tier
// filled up answer 429 too, and they reveal nothing new.
func (r *rateLimiter) block(host string, t tier, d time.Duration) {
	b := r.bucket(host, t)
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if b.full > 0 && !now.Before(b.blockedUntil) {
		b.allowance = max(b.full*minAllowanceShare, b.allowance/2)
		if b.lim != nil {
			b.lim.SetLimitAt(now, b.lim.Limit()/2)
		}
	}
	if until := now.Add(d); until.After(b.blockedUntil) {
		b.blockedUntil = until
	}
	// Qlik's own count is what refused the request, and Retry-After says when its window has room again: the
	// sliding count restarts from the block, so the halved allowance paces what follows instead of holding the
	// tier until requests sent before the 429 age out of a full five-minute window.
	b.sent = b.sent[:0]
}

// succeeded grows the allowance of tier t on host by one request after an
// answer that was not a 429, up to Qlik's full allowance, and the sustained
// rate with it.
func (r *rateLimiter) succeeded(host string, t tier) {
	b := r.bucket(host, t)
	r.mu.Lock()
	defer r.mu.Unlock()
	if b.full == 0 || b.allowance >= b.full {
		return
	}
	b.allowance = min(b.full, b.allowance+1)
	if b.lim != nil {
		l := r.limits[t]
		b.lim.SetLimit(rate.Limit(float64(l.PerMinute) / 60 * b.allowance / b.full))
	}
}

// retryAfterJitter spreads the retries of processes that were refused
// together, so they do not all return in the same second: up to a tenth of
// the wait, at most 5 s, on top of it.
func retryAfterJitter(d time.Duration) time.Duration {
	j := min(d/10, 5*time.Second)
	if j <= 0 {
		return d
	}
	return d + rand.N(j+1)
}

// RateStats counts what the client's rate limiting cost, for benchmarks and
// logs: time requests waited for the client's own pacing, for a tier blocked
// by a 429, and how many 429s Qlik's limiter sent.
type RateStats struct {
	mu          sync.Mutex
	pacing      time.Duration
	blocked     time.Duration
	rateLimited int
}

func (s *RateStats) addPacing(d time.Duration) {
	s.mu.Lock()
	s.pacing += d
	s.mu.Unlock()
}

func (s *RateStats) addBlocked(d time.Duration) {
	s.mu.Lock()
	s.blocked += d
	s.mu.Unlock()
}

func (s *RateStats) add429() {
	s.mu.Lock()
	s.rateLimited++
	s.mu.Unlock()
}

// RateStatsSnapshot is a copy of a client's RateStats.
type RateStatsSnapshot struct {
	// PacingWait is the summed wait of requests held by the client's own pacing.
	PacingWait time.Duration
	// BlockedWait is the summed wait of requests held because Qlik blocked their tier (429).
	BlockedWait time.Duration
	// RateLimited is the number of 429 answers of Qlik's rate limiter.
	RateLimited int
}

// RateStats returns what rate limiting has cost this client (all views) so far.
func (c *Client) RateStats() RateStatsSnapshot {
	s := c.core.limits.stats
	s.mu.Lock()
	defer s.mu.Unlock()
	return RateStatsSnapshot{PacingWait: s.pacing, BlockedWait: s.blocked, RateLimited: s.rateLimited}
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
