package bench

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Breakdown splits an apply's Parallelism slots over its wall time (slot-seconds) into what filled them, from the
// provider's debug log: time in HTTP attempts (Qlik's answers, the simulated latency included), waits of the
// client's own pacing, waits for a tier Qlik blocked with a 429 (and the jittered Retry-After before the retry),
// waits between polls of a reload, backoff before other retries, and the rest: Terraform's and the provider's own
// work, and slots left idle while a wave waits for the previous one.
type Breakdown struct {
	SlotSeconds          float64 `json:"slot_seconds"`
	APISeconds           float64 `json:"api_seconds"`
	LimiterWaitSeconds   float64 `json:"limiter_wait_seconds"`
	RateLimitWaitSeconds float64 `json:"rate_limit_wait_seconds"`
	PollingWaitSeconds   float64 `json:"polling_wait_seconds"`
	RetryWaitSeconds     float64 `json:"retry_wait_seconds"`
	RestSeconds          float64 `json:"rest_seconds"`
}

// providerLogEnv makes terraform write the provider's debug log (and only it) to path.
func providerLogEnv(path string) []string {
	return []string{"TF_LOG_PROVIDER=DEBUG", "TF_LOG_PATH=" + path}
}

var (
	logMessage = regexp.MustCompile(`provider\.terraform-provider-qlik: (qlik: [^:]+):`)
	logField   = regexp.MustCompile(`\b(duration_ms|wait_ms)=(\d+)`)
	logReason  = regexp.MustCompile(`\breason="?([^"=]*?)"?(?: [a-z_@]+=|$)`)
)

// ParseBreakdown reads the provider's debug log of an apply that took wall with parallelism slots.
func ParseBreakdown(path string, wall time.Duration, parallelism int) (Breakdown, error) {
	f, err := os.Open(path)
	if err != nil {
		return Breakdown{}, fmt.Errorf("provider log: %w", err)
	}
	defer f.Close()
	var b Breakdown
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		m := logMessage.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var ms float64
		for _, fm := range logField.FindAllStringSubmatch(line, -1) {
			v, _ := strconv.ParseFloat(fm[2], 64)
			ms = v
		}
		sec := ms / 1000
		reason := ""
		if r := logReason.FindStringSubmatch(line); r != nil {
			reason = r[1]
		}
		switch m[1] {
		case "qlik: HTTP request":
			// One debug line per attempt carries its duration; the trace lines and failures without status too.
			if strings.Contains(line, "duration_ms=") {
				b.APISeconds += sec
			}
		case "qlik: HTTP request failed":
			b.APISeconds += sec
		case "qlik: waiting for rate limit":
			if strings.Contains(reason, "429") {
				b.RateLimitWaitSeconds += sec
			} else {
				b.LimiterWaitSeconds += sec
			}
		case "qlik: retrying request":
			if strings.Contains(reason, "status 429") {
				b.RateLimitWaitSeconds += sec
			} else {
				b.RetryWaitSeconds += sec
			}
		case "qlik: waiting for reload":
			b.PollingWaitSeconds += sec
		}
	}
	if err := sc.Err(); err != nil {
		return b, fmt.Errorf("provider log: %w", err)
	}
	b.SlotSeconds = wall.Seconds() * float64(parallelism)
	b.RestSeconds = max(0, b.SlotSeconds-b.APISeconds-b.LimiterWaitSeconds-b.RateLimitWaitSeconds-b.PollingWaitSeconds-b.RetryWaitSeconds)
	return b, nil
}
