package bench

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// reloadQueued is how long qliksim keeps a reload QUEUED before it runs.
const reloadQueued = 20 * time.Millisecond

// FloorConfig renders the estate's graph with terraform_data instead of the provider's resources: the same
// resources, for_each counts and dependencies (each instance's input refers to the instances it depends on), so
// that applying it measures what Terraform itself costs for this graph on this machine.
func FloorConfig(n int, kinds []Kind) string {
	var b strings.Builder
	b.WriteString("variable \"customers\" {\n  type = map(object({ name = string }))\n  default = {\n")
	for i := range n {
		fmt.Fprintf(&b, "    %s = { name = %q }\n", CustomerKey(i), "Customer "+CustomerKey(i))
	}
	b.WriteString("  }\n}\n")
	local := func(addr string) string { return strings.ReplaceAll(addr, ".", "_") }
	for _, k := range kinds {
		deps := make([]string, 0, len(k.DependsOn))
		for _, d := range k.DependsOn {
			deps = append(deps, fmt.Sprintf("terraform_data.%s[each.key].id", local(d)))
		}
		fmt.Fprintf(&b, "\nresource \"terraform_data\" %q {\n  for_each = var.customers\n  input    = { name = each.value.name, after = [%s] }\n}\n",
			local(k.Address), strings.Join(deps, ", "))
	}
	return b.String()
}

// FloorResult is Terraform's own cost of the estate's graph.
type FloorResult struct {
	ApplySeconds float64 `json:"apply_seconds"`
	PlanSeconds  float64 `json:"plan_seconds"`
}

// MeasureFloor applies (then plans) FloorConfig in dir with the benchmark's parallelism.
func MeasureFloor(ctx context.Context, bins Binaries, dir string, n int, kinds []Kind) (FloorResult, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return FloorResult{}, fmt.Errorf("floor workspace: %w", err)
	}
	ws, err := NewWorkspace(dir, bins, FloorConfig(n, kinds), Settings{})
	if err != nil {
		return FloorResult{}, err
	}
	apply, err := ws.Terraform(ctx, RunOptions{}, "apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", Parallelism))
	if err != nil {
		return FloorResult{}, err
	}
	if apply.ExitCode != 0 {
		return FloorResult{}, fmt.Errorf("floor apply failed:\n%s", excerpt(apply.Output))
	}
	plan, err := ws.Terraform(ctx, RunOptions{}, "plan", "-detailed-exitcode", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", Parallelism))
	if err != nil {
		return FloorResult{}, err
	}
	if plan.ExitCode != 0 {
		return FloorResult{}, fmt.Errorf("floor plan not empty (exit %d):\n%s", plan.ExitCode, excerpt(plan.Output))
	}
	return FloorResult{ApplySeconds: apply.Duration.Seconds(), PlanSeconds: plan.Duration.Seconds()}, nil
}

// APIBound is how fast a provider whose only cost were Qlik's answers could apply the estate under Terraform's
// schedule: every resource instance makes its Kind.Calls requests one after another at the simulated latency (plus
// a reload's run time), Terraform runs at most Parallelism instances at once and starts an instance only when every
// instance of the resources it refers to is done (references are per resource, so the apply runs in waves: all
// tenants, then all spaces, ...), and Qlik's windows admit at most the window's allowance per user and tier.
type APIBound struct {
	// ScheduleSeconds is the length of a greedy schedule of the waves on Parallelism slots, after the template
	// lookup that precedes the walk.
	ScheduleSeconds float64 `json:"schedule_seconds"`
	// RateWindowSeconds is the least time Qlik's windows force: n requests through one (host, user, tier) whose
	// window admits A take at least floor((n-1)/A) windows.
	RateWindowSeconds float64 `json:"rate_window_seconds"`
	// RateWindowBucket names the bucket of RateWindowSeconds.
	RateWindowBucket string `json:"rate_window_bucket"`
	// Seconds is the larger of the two.
	Seconds float64 `json:"seconds"`
}

// ComputeAPIBound derives the bound for n customers of kinds from the latency, the reload run time, the
// parallelism, the apply's audit (for the requests per rate-limit bucket; 429s and injected faults are left out)
// and the tier limits (nil: not enforced).
func ComputeAPIBound(kinds []Kind, n int, latency, reloadRun time.Duration, parallelism int, apply []qliksim.AuditEntry, limits map[qliksim.Tier]int) APIBound {
	var b APIBound
	b.ScheduleSeconds = waveSchedule(kinds, n, latency, reloadRun, parallelism).Seconds()
	if limits != nil {
		counts := map[string]int{}
		tiers := map[string]qliksim.Tier{}
		for _, e := range apply {
			if e.Fault != "" || e.Status == http.StatusTooManyRequests {
				continue
			}
			t := qliksim.TierOf(e.Method, e.Route)
			key := e.Host + " " + e.Identity + " " + string(t)
			counts[key]++
			tiers[key] = t
		}
		for _, key := range sortedKeys(counts) {
			allowance := limits[tiers[key]] * int(qliksim.RateWindow/time.Minute)
			if allowance <= 0 {
				continue
			}
			if s := float64((counts[key]-1)/allowance) * qliksim.RateWindow.Seconds(); s > b.RateWindowSeconds {
				b.RateWindowSeconds, b.RateWindowBucket = s, key
			}
		}
	}
	b.Seconds = max(b.ScheduleSeconds, b.RateWindowSeconds)
	return b
}

// waveSchedule list-schedules the instances of kinds on parallelism slots: a kind's instances become ready when
// every instance of its dependencies has finished, and a free slot takes the earliest ready instance (kinds in
// their declared order).
func waveSchedule(kinds []Kind, n int, latency, reloadRun time.Duration, parallelism int) time.Duration {
	duration := func(k Kind) time.Duration {
		d := time.Duration(k.Calls) * latency
		if strings.HasPrefix(k.Address, "qlik_reload.") {
			d += reloadQueued + reloadRun
		}
		return d
	}
	start := time.Duration(rootCalls) * latency
	slots := make([]time.Duration, max(1, parallelism))
	for i := range slots {
		slots[i] = start
	}
	type item struct {
		kind  int
		ready time.Duration
	}
	assigned := make([]int, len(kinds))
	finish := make([]time.Duration, len(kinds))
	released := make([]bool, len(kinds))
	index := map[string]int{}
	for i, k := range kinds {
		index[k.Address] = i
	}
	var queue []item
	release := func() {
		for i, k := range kinds {
			if released[i] {
				continue
			}
			ready, ok := start, true
			for _, d := range k.DependsOn {
				j, known := index[d]
				if !known {
					continue
				}
				if assigned[j] < n {
					ok = false
					break
				}
				ready = max(ready, finish[j])
			}
			if ok {
				released[i] = true
				for range n {
					queue = append(queue, item{kind: i, ready: ready})
				}
			}
		}
	}
	end := start
	for {
		release()
		if len(queue) == 0 {
			break
		}
		s := 0
		for i := range slots {
			if slots[i] < slots[s] {
				s = i
			}
		}
		pick := -1
		for i, it := range queue {
			if it.ready <= slots[s] {
				pick = i
				break
			}
		}
		if pick < 0 {
			pick = 0
			for i, it := range queue {
				if it.ready < queue[pick].ready {
					pick = i
				}
			}
		}
		it := queue[pick]
		queue = append(queue[:pick], queue[pick+1:]...)
		t := max(slots[s], it.ready) + duration(kinds[it.kind])
		slots[s] = t
		assigned[it.kind]++
		finish[it.kind] = max(finish[it.kind], t)
		end = max(end, t)
	}
	return end
}

// floorDir is where the floor of n customers is measured.
func floorDir(dir string, n int) string { return filepath.Join(dir, fmt.Sprintf("floor-%d", n)) }

// ratio is a / b, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b <= 0 || math.IsNaN(b) {
		return 0
	}
	return a / b
}
