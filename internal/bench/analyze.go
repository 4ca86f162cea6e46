package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
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
	// limit L per minute starts full, so n requests through it take at least (n - L) / (L / 60) seconds.
	RateLimitSeconds float64 `json:"rate_limit_seconds"`
	// RateLimitBucket names that bucket.
	RateLimitBucket string `json:"rate_limit_bucket"`
	// Seconds is the largest of the three.
	Seconds float64 `json:"seconds"`
	// ClientPacingSeconds is the rate-limit bound under the provider's own limiter, which starts each bucket
	// with a quarter of the minute's allowance to leave room for other processes with the same credentials.
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
		n := float64(buckets[key])
		if wait := (n - limit) / (limit / 60); wait > lb.RateLimitSeconds {
			lb.RateLimitSeconds, lb.RateLimitBucket = wait, key
		}
		lb.ClientPacingSeconds = max(lb.ClientPacingSeconds, (n-limit/4)/(limit/60))
	}
	lb.Seconds = max(lb.CriticalPathSeconds, lb.WorkSeconds, lb.RateLimitSeconds)
	return lb
}

// ReplayResult is the sequential client's run.
type ReplayResult struct {
	Seconds   float64 `json:"seconds"`
	Requests  int     `json:"requests"`
	Throttled int     `json:"throttled"`
}

// Replay makes the calls of an apply one by one with one HTTP client, in the order the audit recorded them, as a
// script looping over qlik-cli would: each request waits for the previous answer, and a 429 waits for its
// Retry-After. It leaves out injected faults and 429s of the original run. The fresh simulator must run with
// the same latency and limits and with as many extra tenants as the estate created: the estate's tenants map
// onto them in order of first use, the register host and the home tenant onto their counterparts. Request
// bodies are not recorded, so writes send an empty JSON object: the simulator answers them with an error
// instead of creating the object, after the same latency and rate-limit accounting, which is what the
// sequential time is made of.
func Replay(ctx context.Context, fresh *Sim, orig Settings, apply []qliksim.AuditEntry) (ReplayResult, error) {
	inv, err := fresh.Inventory(ctx)
	if err != nil {
		return ReplayResult{}, err
	}
	var spare []string
	for _, t := range inv {
		if !t.Home {
			spare = append(spare, t.Hostname)
		}
	}
	hostOf := func(u string) string { p, _ := url.Parse(u); return p.Host }
	mapped := map[string]string{
		hostOf(orig.RegistrationURL): hostOf(fresh.RegistrationURL),
		hostOf(orig.TenantURL):       hostOf(fresh.TenantURL),
	}
	client := &http.Client{Timeout: time.Minute}
	tokens := map[string]string{}
	var res ReplayResult
	send := func(req *http.Request) (*http.Response, error) {
		for {
			res.Requests++
			resp, err := client.Do(req)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL, err)
			}
			if resp.StatusCode != http.StatusTooManyRequests {
				return resp, nil
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			res.Throttled++
			wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(max(wait, 1)) * time.Second):
			}
			if req.GetBody != nil {
				req.Body, _ = req.GetBody()
			}
		}
	}
	token := func(host string) error {
		body, _ := json.Marshal(map[string]string{"client_id": fresh.ClientID, "client_secret": fresh.ClientSecret, "grant_type": "client_credentials"})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+host+"/oauth/token", bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("token request: %w", err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := send(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
			return fmt.Errorf("token on %s: %s", host, resp.Status)
		}
		tokens[host] = tok.AccessToken
		return nil
	}
	start := time.Now()
	for _, e := range apply {
		if e.Fault != "" || e.Status == http.StatusTooManyRequests {
			continue
		}
		host, ok := mapped[e.Host]
		if !ok {
			if len(spare) == 0 {
				return res, fmt.Errorf("replay: more tenant hosts than the fresh simulator has tenants (at %s)", e.Host)
			}
			host, spare = spare[0], spare[1:]
			mapped[e.Host] = host
		}
		if e.Route == "/oauth/token" || tokens[host] == "" {
			if err := token(host); err != nil {
				return res, err
			}
			if e.Route == "/oauth/token" {
				continue
			}
		}
		var body io.Reader
		if e.Method != http.MethodGet && e.Method != http.MethodHead && e.Method != http.MethodDelete {
			body = strings.NewReader("{}")
		}
		req, err := http.NewRequestWithContext(ctx, e.Method, "http://"+host+e.Path, body)
		if err != nil {
			return res, fmt.Errorf("replay request: %w", err)
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("Authorization", "Bearer "+tokens[host])
		resp, err := send(req)
		if err != nil {
			return res, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}
