package bench

import (
	"net/http"
	"sort"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// RouteCount is how often one method and route was called.
type RouteCount struct {
	Method string `json:"method"`
	Route  string `json:"route"`
	Count  int    `json:"count"`
}

// ByRoute counts audit entries by method and route, most called first.
func ByRoute(entries []qliksim.AuditEntry) []RouteCount {
	counts := map[[2]string]int{}
	for _, e := range entries {
		counts[[2]string{e.Method, e.Route}]++
	}
	out := make([]RouteCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, RouteCount{Method: k[0], Route: k[1], Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Method+out[i].Route < out[j].Method+out[j].Route
	})
	return out
}

// PhaseStats summarises the requests of one terraform run.
type PhaseStats struct {
	Requests int `json:"requests"`
	// Reads are GET requests.
	Reads int `json:"reads"`
	// Writes are requests that may change an object: every method but GET and HEAD, except OAuth token requests.
	Writes int `json:"writes"`
	// Tokens are OAuth token requests.
	Tokens int `json:"tokens"`
	// RateLimited are 429 answers of the rate limiter (not injected ones).
	RateLimited int `json:"rate_limited"`
	// Injected are answers replaced by fault injection.
	Injected int `json:"injected_faults"`
}

// Stats summarises entries.
func Stats(entries []qliksim.AuditEntry) PhaseStats {
	var s PhaseStats
	for _, e := range entries {
		s.Requests++
		switch {
		case e.Fault != "":
			s.Injected++
		case e.Status == http.StatusTooManyRequests:
			s.RateLimited++
		}
		switch {
		case e.Route == "/oauth/token":
			s.Tokens++
		case e.Method == http.MethodGet || e.Method == http.MethodHead:
			s.Reads++
		default:
			s.Writes++
		}
	}
	return s
}

// rootCalls are the requests every create waits for before the first resource starts: the OAuth token of
// the home tenant and the lookup of the template app by the qlik_app data source (item search, app read).
const rootCalls = 3

// LowerBound is how fast any client could apply the estate, given the latency, the dependency graph, the
// parallelism and the rate limits; each bound below holds on its own, so their maximum does too.
type LowerBound struct {
	// CriticalPathCalls is the longest chain of requests that must run one after another: the root calls plus
	// the Calls of the kinds on the longest dependency path.
	CriticalPathCalls int `json:"critical_path_calls"`
	// CriticalPathSeconds is CriticalPathCalls times the latency.
	CriticalPathSeconds float64 `json:"critical_path_seconds"`
	// WorkSeconds is every request of the apply times the latency, divided by the parallelism: terraform runs
	// at most that many resource operations at once, and each makes one request at a time.
	WorkSeconds float64 `json:"work_seconds"`
	// RateLimitSeconds is the longest wait any rate-limit bucket forces: a bucket (host, identity, tier) of
	// limit L per minute admits 5·L requests per 5-minute window, so n requests through it take at least
	// floor((n-1)/(5·L)) windows.
	RateLimitSeconds float64 `json:"rate_limit_seconds"`
	// RateLimitBucket names that bucket.
	RateLimitBucket string `json:"rate_limit_bucket"`
	// Seconds is the largest of the three.
	Seconds float64 `json:"seconds"`
	// ClientPacingSeconds is the rate-limit bound under the provider's own limiter. The limiter starts from
	// Qlik's whole window allowance, so it equals RateLimitSeconds; the key stays for older readers.
	ClientPacingSeconds float64 `json:"client_pacing_seconds"`
}

// ComputeLowerBound derives the bound for the kinds, the requests the apply made (injected faults and 429s
// are left out: a perfect client makes neither), the latency, the parallelism and the tier limits.
func ComputeLowerBound(kinds []Kind, apply []qliksim.AuditEntry, latency time.Duration, parallelism int, limits map[qliksim.Tier]int) LowerBound {
	byAddr := map[string]Kind{}
	for _, k := range kinds {
		byAddr[k.Address] = k
	}
	memo := map[string]int{}
	var longest func(addr string) int
	longest = func(addr string) int {
		if v, ok := memo[addr]; ok {
			return v
		}
		k := byAddr[addr]
		deps := 0
		for _, d := range k.DependsOn {
			deps = max(deps, longest(d))
		}
		memo[addr] = deps + k.Calls
		return memo[addr]
	}
	var lb LowerBound
	for _, k := range kinds {
		lb.CriticalPathCalls = max(lb.CriticalPathCalls, rootCalls+longest(k.Address))
	}
	lb.CriticalPathSeconds = float64(lb.CriticalPathCalls) * latency.Seconds()

	buckets := map[string]int{}
	tiers := map[string]qliksim.Tier{}
	work := 0
	for _, e := range apply {
		if e.Fault != "" || e.Status == http.StatusTooManyRequests {
			continue
		}
		work++
		tier := qliksim.TierOf(e.Method, e.Route)
		key := e.Host + " " + e.Identity + " " + string(tier)
		buckets[key]++
		tiers[key] = tier
	}
	lb.WorkSeconds = float64(work) * latency.Seconds() / float64(parallelism)
	for _, key := range sortedKeys(buckets) {
		limit := float64(limits[tiers[key]])
		if limit <= 0 {
			continue
		}
		// A window admits five minutes of the limit; n requests need floor((n-1)/allowance) further windows.
		allowance := int(limit) * int(qliksim.RateWindow/time.Minute)
		if wait := float64((buckets[key]-1)/allowance) * qliksim.RateWindow.Seconds(); wait > lb.RateLimitSeconds {
			lb.RateLimitSeconds, lb.RateLimitBucket = wait, key
		}
	}
	lb.ClientPacingSeconds = lb.RateLimitSeconds
	lb.Seconds = max(lb.CriticalPathSeconds, lb.WorkSeconds, lb.RateLimitSeconds)
	return lb
}

// ReplayResult is the sequential baseline as the earlier bench-results.json key "sequential" reports it: seconds,
// requests served and 429s met (see RunSequentialClient).
type ReplayResult struct {
	Seconds   float64 `json:"seconds"`
	Requests  int     `json:"requests"`
	Throttled int     `json:"throttled"`
}
