package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// Options configure a benchmark run.
type Options struct {
	// Customers are the estate sizes to measure, e.g. 10, 50, 100.
	Customers []int
	// Latency is added by the simulator to every request.
	Latency time.Duration
	// RateLimits enforces Qlik's tier limits in the simulator.
	RateLimits bool
	// FaultCustomers is the size of the estate for the fault and interrupt suites; 0 skips them.
	FaultCustomers int
	// Workspaces are the numbers of single-customer workspaces to apply at once, e.g. 10, 50, 100.
	Workspaces []int
	// PlanOnly are estate sizes (beyond Customers) whose plan is measured from an empty state, where an apply
	// would not fit the benchmark's time, e.g. 1000.
	PlanOnly []int
	// PlanTimeout bounds each of those plans; a plan still running then is interrupted and reported as such.
	PlanTimeout time.Duration
	// CopySize is the app size of the cross-tenant copy measurement; 0 skips it.
	CopySize int64
	// Seed drives fault injection and the interrupt point.
	Seed int64
	// Dir holds the workspaces.
	Dir string
}

// Result is one estate size.
type Result struct {
	Customers                int          `json:"customers"`
	Resources                int          `json:"resources"`
	ApplySeconds             float64      `json:"apply_seconds"`
	PlanSeconds              float64      `json:"plan_seconds"`
	PlanEmpty                bool         `json:"plan_empty"`
	PlanGetsPerResource      float64      `json:"plan_gets_per_resource"`
	PlanWrites               int          `json:"plan_writes"`
	ApplyVsLowerBound        float64      `json:"apply_vs_lower_bound"`
	ApplySpeedupVsSequential float64      `json:"apply_speedup_vs_sequential"`
	RateLimitedResponses     int          `json:"rate_limited_responses"`
	ProviderPeakRSSMiB       float64      `json:"provider_peak_rss_mib"`
	LowerBound               LowerBound   `json:"lower_bound"`
	Sequential               ReplayResult `json:"sequential"`
	ApplyRequests            PhaseStats   `json:"apply_requests"`
	PlanRequests             PhaseStats   `json:"plan_requests"`
	ApplyCalls               []RouteCount `json:"apply_calls"`
	PlanCalls                []RouteCount `json:"plan_calls"`
	InventoryProblems        []string     `json:"inventory_problems"`

	// TerraformFloorSeconds is the apply of the same graph built from terraform_data (FloorConfig).
	TerraformFloorSeconds float64 `json:"terraform_floor_seconds"`
	// APIBoundSeconds is APIBound.Seconds.
	APIBoundSeconds float64 `json:"api_bound_seconds"`
	// ApplyVsBound is the apply over the larger of the floor and the API bound.
	ApplyVsBound float64 `json:"apply_vs_bound"`
	// SequentialClientSeconds is the fair sequential baseline (RunSequentialClient).
	SequentialClientSeconds float64 `json:"sequential_client_seconds"`
	// ApplySpeedupVsSequentialClient is the sequential client's time over the apply's.
	ApplySpeedupVsSequentialClient float64     `json:"apply_speedup_vs_sequential_client"`
	APIBound                       APIBound    `json:"api_bound"`
	Floor                          FloorResult `json:"terraform_floor"`
	// ApplyBreakdown splits the apply's slot-seconds (see Breakdown).
	ApplyBreakdown Breakdown `json:"apply_breakdown"`
	// SequentialClientProblems are differences between what the sequential client built and the estate.
	SequentialClientProblems []string `json:"sequential_client_problems"`
}

// PlanPoint is the time of one plan in the plan-growth series.
type PlanPoint struct {
	Customers int     `json:"customers"`
	Resources int     `json:"resources"`
	Seconds   float64 `json:"seconds"`
	// FromEmptyState marks a plan of an estate never applied (every resource planned for creation, no refresh),
	// measured where an apply would not fit.
	FromEmptyState bool `json:"from_empty_state"`
	// TimedOut marks a plan interrupted at Options.PlanTimeout: Seconds is then a lower bound.
	TimedOut bool `json:"timed_out"`
}

// CopyResult is the memory measurement of a cross-tenant app copy through the provider.
type CopyResult struct {
	AppBytes int64 `json:"app_bytes"`
	// BaselinePeakRSSMiB is the provider's peak RSS applying the same configuration with a 1 MiB app.
	BaselinePeakRSSMiB float64 `json:"baseline_peak_rss_mib"`
	PeakRSSMiB         float64 `json:"peak_rss_mib"`
	GrowthMiB          float64 `json:"growth_mib"`
	ApplySeconds       float64 `json:"apply_seconds"`
}

// Machine describes where the figures were taken.
type Machine struct {
	CPUs      int    `json:"cpus"`
	OS        string `json:"os"`
	Go        string `json:"go"`
	Terraform string `json:"terraform"`
}

// RunSettings are the simulator settings of the measured runs.
type RunSettings struct {
	LatencyMS   float64 `json:"latency_ms"`
	RateLimits  bool    `json:"rate_limits"`
	Parallelism int     `json:"parallelism"`
	Seed        int64   `json:"seed"`
}

// Report is bench-results.json: the largest estate's figures at the top level, then everything else.
type Report struct {
	Result
	Copy1GiBPeakRSSGrowthMiB float64            `json:"copy_1gib_peak_rss_growth_mib"`
	Copy                     *CopyResult        `json:"copy_1gib,omitempty"`
	Machine                  Machine            `json:"machine"`
	Settings                 RunSettings        `json:"settings"`
	PerN                     []Result           `json:"per_n"`
	FaultSuites              []SuiteResult      `json:"fault_suites"`
	Workspaces               []WorkspacesResult `json:"workspaces"`
	PlanGrowth               []PlanPoint        `json:"plan_growth"`
	Targets                  []Target           `json:"targets"`
	Seconds                  float64            `json:"seconds"`
}

// Target is one row of DESIGN.md's targets, checked against the figures.
type Target struct {
	What string `json:"what"`
	Want string `json:"want"`
	Got  string `json:"got"`
	Met  bool   `json:"met"`
}

// Run measures every estate size, the app copy and the fault suites, printing progress to log.
func Run(ctx context.Context, bins Binaries, o Options, log io.Writer) (*Report, error) {
	start := time.Now()
	rep := &Report{
		Machine:  machine(ctx),
		Settings: RunSettings{LatencyMS: float64(o.Latency) / float64(time.Millisecond), RateLimits: o.RateLimits, Parallelism: Parallelism, Seed: o.Seed},
	}
	for _, n := range o.Customers {
		fmt.Fprintf(log, "== %d customers\n", n)
		r, err := measure(ctx, bins, filepath.Join(o.Dir, fmt.Sprintf("estate-%d", n)), n, o, log)
		if err != nil {
			return rep, fmt.Errorf("%d customers: %w", n, err)
		}
		rep.PerN = append(rep.PerN, r)
		if r.Customers >= rep.Customers {
			rep.Result = r
		}
	}
	for _, r := range rep.PerN {
		rep.PlanGrowth = append(rep.PlanGrowth, PlanPoint{Customers: r.Customers, Resources: r.Resources, Seconds: r.PlanSeconds})
	}
	for _, n := range o.PlanOnly {
		fmt.Fprintf(log, "== plan of %d customers from an empty state\n", n)
		p, err := measurePlanOnly(ctx, bins, filepath.Join(o.Dir, fmt.Sprintf("plan-%d", n)), n, o)
		if err != nil {
			return rep, fmt.Errorf("plan of %d customers: %w", n, err)
		}
		if p.TimedOut {
			fmt.Fprintf(log, "   plan still running after %.0fs: interrupted\n", p.Seconds)
		} else {
			fmt.Fprintf(log, "   plan %.1fs\n", p.Seconds)
		}
		rep.PlanGrowth = append(rep.PlanGrowth, p)
	}
	for _, k := range o.Workspaces {
		fmt.Fprintf(log, "== %d single-customer workspaces at once\n", k)
		w, err := RunWorkspaces(ctx, bins, filepath.Join(o.Dir, fmt.Sprintf("workspaces-%d", k)), k,
			SimOptions{Latency: o.Latency, RateLimits: o.RateLimits, Seed: o.Seed})
		if err != nil {
			return rep, fmt.Errorf("%d workspaces: %w", k, err)
		}
		fmt.Fprintf(log, "   %.1fs, %d requests, %d 429s, %d failed, %d non-empty plans, %d duplicates\n",
			w.Seconds, w.Requests, w.RateLimited, w.Failed, w.NonEmptyPlans, w.Duplicates)
		rep.Workspaces = append(rep.Workspaces, w)
	}
	if o.CopySize > 0 {
		fmt.Fprintf(log, "== cross-tenant copy of %d MiB\n", o.CopySize>>20)
		c, err := measureCopy(ctx, bins, filepath.Join(o.Dir, "copy"), o.CopySize)
		if err != nil {
			return rep, fmt.Errorf("copy: %w", err)
		}
		rep.Copy = &c
		rep.Copy1GiBPeakRSSGrowthMiB = c.GrowthMiB
	}
	if o.FaultCustomers > 0 {
		fmt.Fprintf(log, "== fault suites at %d customers\n", o.FaultCustomers)
		for _, suite := range []func(context.Context, Binaries, string, int, int64) (SuiteResult, error){RunFaultSuite, RunInterruptSuite} {
			r, err := suite(ctx, bins, filepath.Join(o.Dir, fmt.Sprintf("suite-%d", len(rep.FaultSuites))), o.FaultCustomers, o.Seed)
			if err != nil {
				return rep, fmt.Errorf("%s suite: %w", r.Name, err)
			}
			fmt.Fprintf(log, "   %s: %d problems in %.0fs. %s\n", r.Name, len(r.Problems), r.Seconds, r.Detail)
			rep.FaultSuites = append(rep.FaultSuites, r)
		}
	}
	rep.Targets = targets(rep)
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}

// measure applies and plans one estate and replays its apply sequentially.
func measure(ctx context.Context, bins Binaries, dir string, n int, o Options, log io.Writer) (Result, error) {
	simOpts := SimOptions{Latency: o.Latency, RateLimits: o.RateLimits, Seed: o.Seed}
	e, err := NewEstate(ctx, bins, dir, n, Kinds, simOpts, TemplateSize)
	if err != nil {
		return Result{}, err
	}
	defer e.Close()
	r := Result{Customers: n, Resources: e.Resources()}

	logPath := filepath.Join(dir, "provider-apply.log")
	apply, err := e.Apply(ctx, RunOptions{Env: providerLogEnv(logPath)})
	if err != nil {
		return r, err
	}
	if apply.ExitCode != 0 {
		return r, fmt.Errorf("apply failed:\n%s", excerpt(apply.Output))
	}
	applyAudit, err := e.Sim.Audit(ctx, 0)
	if err != nil {
		return r, err
	}
	fmt.Fprintf(log, "   apply %.1fs, %d requests\n", apply.Duration.Seconds(), len(applyAudit))
	if r.ApplyBreakdown, err = ParseBreakdown(logPath, apply.Duration, Parallelism); err != nil {
		return r, err
	}
	_ = os.Remove(logPath)
	plan, err := e.Plan(ctx, RunOptions{})
	if err != nil {
		return r, err
	}
	planAudit, err := e.Sim.Audit(ctx, len(applyAudit))
	if err != nil {
		return r, err
	}
	fmt.Fprintf(log, "   plan %.1fs, %d requests, exit %d\n", plan.Duration.Seconds(), len(planAudit), plan.ExitCode)
	_, limited, err := e.Sim.Stats(ctx)
	if err != nil {
		return r, err
	}
	if r.InventoryProblems, err = e.CheckInventory(ctx); err != nil {
		return r, err
	}

	r.ApplySeconds, r.PlanSeconds, r.PlanEmpty = apply.Duration.Seconds(), plan.Duration.Seconds(), plan.ExitCode == 0
	r.ApplyRequests, r.PlanRequests = Stats(applyAudit), Stats(planAudit)
	r.ApplyCalls, r.PlanCalls = ByRoute(applyAudit), ByRoute(planAudit)
	r.PlanWrites = r.PlanRequests.Writes
	r.PlanGetsPerResource = float64(r.PlanRequests.Reads) / float64(r.Resources)
	r.RateLimitedResponses = limited
	r.ProviderPeakRSSMiB = mib(max(apply.ProviderPeakRSS, plan.ProviderPeakRSS))
	r.LowerBound = ComputeLowerBound(Kinds, applyAudit, o.Latency, Parallelism, limitsFor(o.RateLimits))
	r.ApplyVsLowerBound = ratio(r.ApplySeconds, r.LowerBound.Seconds)
	r.APIBound = ComputeAPIBound(Kinds, n, o.Latency, qliksim.DefaultReloadDuration, Parallelism, applyAudit, limitsFor(o.RateLimits))
	r.APIBoundSeconds = r.APIBound.Seconds

	if r.Floor, err = MeasureFloor(ctx, bins, floorDir(o.Dir, n), n, Kinds); err != nil {
		return r, err
	}
	r.TerraformFloorSeconds = r.Floor.ApplySeconds
	r.ApplyVsBound = ratio(r.ApplySeconds, max(r.TerraformFloorSeconds, r.APIBoundSeconds))
	fmt.Fprintf(log, "   terraform floor %.1fs, API bound %.1fs: apply / bound %.2f\n", r.TerraformFloorSeconds, r.APIBoundSeconds, r.ApplyVsBound)

	// The sequential client builds the same estate against a fresh simulator with the same settings.
	seq, err := measureSequential(ctx, bins, n, o)
	if err != nil {
		return r, err
	}
	r.SequentialClientSeconds = seq.result.Seconds
	r.SequentialClientProblems = seq.problems
	r.ApplySpeedupVsSequentialClient = ratio(r.SequentialClientSeconds, r.ApplySeconds)
	// The earlier keys carry the same baseline.
	r.Sequential = ReplayResult{Seconds: seq.result.Seconds, Requests: seq.requests, Throttled: seq.result.RateLimited}
	r.ApplySpeedupVsSequential = r.ApplySpeedupVsSequentialClient
	fmt.Fprintf(log, "   sequential client %.1fs, %d requests: apply %.1fx faster\n", seq.result.Seconds, seq.requests, r.ApplySpeedupVsSequentialClient)
	return r, nil
}

type sequentialRun struct {
	result   SequentialResult
	requests int
	problems []string
}

// measureSequential runs RunSequentialClient for n customers against a fresh simulator and checks that it built
// what the estate declares.
func measureSequential(ctx context.Context, bins Binaries, n int, o Options) (sequentialRun, error) {
	var out sequentialRun
	sim, template, home, err := startSeeded(ctx, bins.Qliksim, SimOptions{Latency: o.Latency, RateLimits: o.RateLimits, Seed: o.Seed}, TemplateSize)
	if err != nil {
		return out, err
	}
	defer sim.Stop()
	if out.result, err = RunSequentialClient(ctx, sim.Settings, n, template); err != nil {
		return out, err
	}
	if out.requests, _, err = sim.Stats(ctx); err != nil {
		return out, err
	}
	inv, err := sim.Inventory(ctx)
	if err != nil {
		return out, err
	}
	out.problems = checkInventory(inv, home, n, ExpectedObjects(Kinds))
	return out, nil
}

// measurePlanOnly plans n customers from an empty state: the provider is configured and the template looked up,
// and every resource is planned for creation.
func measurePlanOnly(ctx context.Context, bins Binaries, dir string, n int, o Options) (PlanPoint, error) {
	e, err := NewEstate(ctx, bins, dir, n, Kinds, SimOptions{Latency: o.Latency, RateLimits: o.RateLimits, Seed: o.Seed}, TemplateSize)
	if err != nil {
		return PlanPoint{}, err
	}
	defer e.Close()
	start := time.Now()
	plan, err := e.Plan(ctx, RunOptions{Interrupt: func() bool { return o.PlanTimeout > 0 && time.Since(start) > o.PlanTimeout }})
	if err != nil {
		return PlanPoint{}, err
	}
	if plan.Interrupted {
		return PlanPoint{Customers: n, Resources: e.Resources(), Seconds: plan.Duration.Seconds(), FromEmptyState: true, TimedOut: true}, nil
	}
	if plan.ExitCode != 2 {
		return PlanPoint{}, fmt.Errorf("plan from an empty state exited %d, want 2 (changes):\n%s", plan.ExitCode, excerpt(plan.Output))
	}
	return PlanPoint{Customers: n, Resources: e.Resources(), Seconds: plan.Duration.Seconds(), FromEmptyState: true}, nil
}

func limitsFor(enforced bool) map[qliksim.Tier]int {
	if !enforced {
		return nil
	}
	return qliksim.DefaultLimits()
}

// copyKinds are the kinds a cross-tenant copy needs: a tenant, a space in it and the copy.
func copyKinds() []Kind {
	var out []Kind
	for _, k := range Kinds {
		switch k.Address {
		case "qlik_tenant.customer", "qlik_space.work", "qlik_app_copy.sales":
			out = append(out, k)
		}
	}
	return out
}

// measureCopy applies a one-customer configuration copying the template across tenants twice, with a 1 MiB
// template and with one of size bytes, and compares the provider's peak RSS of the two runs.
func measureCopy(ctx context.Context, bins Binaries, dir string, size int64) (CopyResult, error) {
	c := CopyResult{AppBytes: size}
	for i, sz := range []int64{1 << 20, size} {
		e, err := NewEstate(ctx, bins, filepath.Join(dir, fmt.Sprint(sz)), 1, copyKinds(), SimOptions{}, sz)
		if err != nil {
			return c, err
		}
		r, err := e.Apply(ctx, RunOptions{})
		e.Close()
		if err != nil {
			return c, err
		}
		if r.ExitCode != 0 {
			return c, fmt.Errorf("apply failed:\n%s", excerpt(r.Output))
		}
		if i == 0 {
			c.BaselinePeakRSSMiB = mib(r.ProviderPeakRSS)
		} else {
			c.PeakRSSMiB, c.ApplySeconds = mib(r.ProviderPeakRSS), r.Duration.Seconds()
		}
	}
	c.GrowthMiB = c.PeakRSSMiB - c.BaselinePeakRSSMiB
	return c, nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func machine(ctx context.Context) Machine {
	m := Machine{CPUs: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH, Go: runtime.Version()}
	if out, err := exec.CommandContext(ctx, terraformPath(), "version").Output(); err == nil {
		m.Terraform, _, _ = strings.Cut(strings.TrimSpace(string(out)), "\n")
	}
	return m
}

// targets checks the figures against DESIGN.md's targets. The apply target is stated for 50 customers; the
// row uses that size when it was measured, else the largest.
func targets(rep *Report) []Target {
	var out []Target
	add := func(what, want, got string, met bool) {
		out = append(out, Target{What: what, Want: want, Got: got, Met: met})
	}
	for _, r := range rep.PerN {
		add(fmt.Sprintf("zero-change plan, %d customers", r.Customers), "empty, 1 GET per resource, 0 writes",
			fmt.Sprintf("empty=%v, %.2f GETs per resource, %d writes", r.PlanEmpty, r.PlanGetsPerResource, r.PlanWrites),
			r.PlanEmpty && r.PlanGetsPerResource == 1 && r.PlanWrites == 0)
	}
	for _, r := range rep.PerN {
		if r.Customers != 50 && r.Customers != 100 {
			continue
		}
		add(fmt.Sprintf("apply, %d customers, vs reachable bound", r.Customers), "<= 1.5x max(terraform floor, API bound)",
			fmt.Sprintf("%.2fx (%.1fs vs floor %.1fs, API bound %.1fs), %d 429s", r.ApplyVsBound, r.ApplySeconds, r.TerraformFloorSeconds, r.APIBoundSeconds, r.RateLimitedResponses),
			r.ApplyVsBound > 0 && r.ApplyVsBound <= 1.5)
		if r.Customers == 50 {
			add("apply, 50 customers, vs sequential client", ">= 3x faster",
				fmt.Sprintf("%.1fx (%.1fs vs %.1fs)", r.ApplySpeedupVsSequentialClient, r.ApplySeconds, r.SequentialClientSeconds),
				r.ApplySpeedupVsSequentialClient >= 3)
		}
	}
	for _, w := range rep.Workspaces {
		add(fmt.Sprintf("%d single-customer workspaces at once", w.K), "0 failed, 0 non-empty plans, 0 duplicates",
			fmt.Sprintf("%d failed, %d non-empty plans, %d duplicates, %.1fs, %d 429s", w.Failed, w.NonEmptyPlans, w.Duplicates, w.Seconds, w.RateLimited),
			w.Passed())
	}
	if rep.Copy != nil {
		add("cross-tenant copy of a 1 GiB app", "provider peak RSS grows < 64 MiB",
			fmt.Sprintf("%.1f MiB (%.1f -> %.1f)", rep.Copy.GrowthMiB, rep.Copy.BaselinePeakRSSMiB, rep.Copy.PeakRSSMiB), rep.Copy.GrowthMiB < 64)
	}
	for _, s := range rep.FaultSuites {
		add(fmt.Sprintf("%s suite, %d customers", s.Name, s.Customers), "converges, empty plan, no duplicate or orphan",
			fmt.Sprintf("%d problems", len(s.Problems)), s.Passed())
	}
	return out
}

// WriteTable prints the report as a table.
func (rep *Report) WriteTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(name string, f func(Result) string) {
		fmt.Fprint(tw, name+"\t")
		for _, r := range rep.PerN {
			fmt.Fprint(tw, f(r)+"\t")
		}
		fmt.Fprintln(tw)
	}
	row("customers", func(r Result) string { return fmt.Sprint(r.Customers) })
	row("resources", func(r Result) string { return fmt.Sprint(r.Resources) })
	row("apply s", func(r Result) string { return fmt.Sprintf("%.1f", r.ApplySeconds) })
	row("apply requests", func(r Result) string { return fmt.Sprint(r.ApplyRequests.Requests) })
	row("terraform floor s", func(r Result) string { return fmt.Sprintf("%.1f", r.TerraformFloorSeconds) })
	row("API bound s", func(r Result) string { return fmt.Sprintf("%.1f", r.APIBoundSeconds) })
	row("  waves on 10 slots s", func(r Result) string { return fmt.Sprintf("%.1f", r.APIBound.ScheduleSeconds) })
	row("  Qlik's windows s", func(r Result) string { return fmt.Sprintf("%.1f", r.APIBound.RateWindowSeconds) })
	row("apply / max(floor, bound)", func(r Result) string { return fmt.Sprintf("%.2f", r.ApplyVsBound) })
	row("apply slot-s: API", func(r Result) string { return fmt.Sprintf("%.1f", r.ApplyBreakdown.APISeconds) })
	row("  limiter waits", func(r Result) string { return fmt.Sprintf("%.1f", r.ApplyBreakdown.LimiterWaitSeconds) })
	row("  429 waits", func(r Result) string { return fmt.Sprintf("%.1f", r.ApplyBreakdown.RateLimitWaitSeconds) })
	row("  polling waits", func(r Result) string { return fmt.Sprintf("%.1f", r.ApplyBreakdown.PollingWaitSeconds) })
	row("  other retry waits", func(r Result) string { return fmt.Sprintf("%.1f", r.ApplyBreakdown.RetryWaitSeconds) })
	row("  the rest", func(r Result) string { return fmt.Sprintf("%.1f", r.ApplyBreakdown.RestSeconds) })
	row("sequential client s", func(r Result) string { return fmt.Sprintf("%.1f", r.SequentialClientSeconds) })
	row("speed-up vs sequential", func(r Result) string { return fmt.Sprintf("%.1f", r.ApplySpeedupVsSequentialClient) })
	row("plan s", func(r Result) string { return fmt.Sprintf("%.1f", r.PlanSeconds) })
	row("plan empty", func(r Result) string { return fmt.Sprint(r.PlanEmpty) })
	row("plan GETs / resource", func(r Result) string { return fmt.Sprintf("%.2f", r.PlanGetsPerResource) })
	row("plan writes", func(r Result) string { return fmt.Sprint(r.PlanWrites) })
	row("429s served", func(r Result) string { return fmt.Sprint(r.RateLimitedResponses) })
	row("provider peak RSS MiB", func(r Result) string { return fmt.Sprintf("%.0f", r.ProviderPeakRSSMiB) })
	row("inventory problems", func(r Result) string { return fmt.Sprint(len(r.InventoryProblems)) })
	_ = tw.Flush()

	if len(rep.PerN) > 0 {
		fmt.Fprintf(w, "\nAPI calls of the %d-customer apply (plan) by method and route:\n", rep.Customers)
		plan := map[string]int{}
		for _, c := range rep.PlanCalls {
			plan[c.Method+" "+c.Route] = c.Count
		}
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, c := range rep.ApplyCalls {
			fmt.Fprintf(tw, "  %s %s\t%d\t(%d)\n", c.Method, c.Route, c.Count, plan[c.Method+" "+c.Route])
			delete(plan, c.Method+" "+c.Route)
		}
		for _, k := range sortedKeys(plan) {
			fmt.Fprintf(tw, "  %s\t0\t(%d)\n", k, plan[k])
		}
		_ = tw.Flush()
	}
	if len(rep.PlanGrowth) > 0 {
		fmt.Fprintln(w, "\nPlan growth:")
		for _, p := range rep.PlanGrowth {
			how := "after the apply (refresh of every resource)"
			switch {
			case p.TimedOut:
				how = "from an empty state: interrupted, still planning after this long"
			case p.FromEmptyState:
				how = "from an empty state (no apply: it would not fit)"
			}
			fmt.Fprintf(w, "  %5d customers, %6d resources: %.1fs %s\n", p.Customers, p.Resources, p.Seconds, how)
		}
	}
	if len(rep.Workspaces) > 0 {
		fmt.Fprintln(w, "\nSingle-customer workspaces applied at once:")
		for _, ws := range rep.Workspaces {
			fmt.Fprintf(w, "  K=%-4d %6.1fs (slowest apply %.1fs), %6d requests, %4d 429s, %d failed, %d non-empty plans, %d duplicates\n",
				ws.K, ws.Seconds, ws.SlowestApplySeconds, ws.Requests, ws.RateLimited, ws.Failed, ws.NonEmptyPlans, ws.Duplicates)
		}
	}
	fmt.Fprintln(w, "\nTargets (DESIGN.md):")
	for _, t := range rep.Targets {
		mark := "met "
		if !t.Met {
			mark = "MISS"
		}
		fmt.Fprintf(w, "  %s  %s: want %s, got %s\n", mark, t.What, t.Want, t.Got)
	}
	for _, s := range rep.FaultSuites {
		for _, p := range s.Problems {
			fmt.Fprintf(w, "  %s suite problem: %s\n", s.Name, p)
		}
	}
	fmt.Fprintf(w, "\n%d CPUs, %s, %s, %s; latency %.0f ms, rate limits %v, parallelism %d; %.0fs in all\n",
		rep.Machine.CPUs, rep.Machine.OS, rep.Machine.Go, rep.Machine.Terraform, rep.Settings.LatencyMS, rep.Settings.RateLimits, rep.Settings.Parallelism, rep.Seconds)
}
