package bench

import (
	"context"
	"fmt"
	"io"
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
	Copy1GiBPeakRSSGrowthMiB float64       `json:"copy_1gib_peak_rss_growth_mib"`
	Copy                     *CopyResult   `json:"copy_1gib,omitempty"`
	Machine                  Machine       `json:"machine"`
	Settings                 RunSettings   `json:"settings"`
	PerN                     []Result      `json:"per_n"`
	FaultSuites              []SuiteResult `json:"fault_suites"`
	Targets                  []Target      `json:"targets"`
	Seconds                  float64       `json:"seconds"`
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

	apply, err := e.Apply(ctx, RunOptions{})
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
	if r.LowerBound.Seconds > 0 {
		r.ApplyVsLowerBound = r.ApplySeconds / r.LowerBound.Seconds
	}

	// The sequential client replays the apply against a fresh simulator with the same settings.
	fresh, err := StartSim(ctx, bins.Qliksim, SimOptions{Latency: o.Latency, RateLimits: o.RateLimits, Seed: o.Seed, Tenants: n})
	if err != nil {
		return r, err
	}
	defer fresh.Stop()
	if r.Sequential, err = Replay(ctx, fresh, e.Sim.Settings, applyAudit); err != nil {
		return r, err
	}
	r.ApplySpeedupVsSequential = r.Sequential.Seconds / r.ApplySeconds
	fmt.Fprintf(log, "   sequential %.1fs, %d requests\n", r.Sequential.Seconds, r.Sequential.Requests)
	return r, nil
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
	ref := rep.Result
	for _, r := range rep.PerN {
		if r.Customers == 50 {
			ref = r
		}
	}
	if ref.Customers > 0 {
		add(fmt.Sprintf("apply, %d customers, vs critical-path lower bound", ref.Customers), "<= 1.5x, no 429 served",
			fmt.Sprintf("%.2fx (%.1fs vs %.1fs), %d 429s", ref.ApplyVsLowerBound, ref.ApplySeconds, ref.LowerBound.Seconds, ref.RateLimitedResponses),
			ref.ApplyVsLowerBound <= 1.5 && ref.RateLimitedResponses == 0)
		add(fmt.Sprintf("apply, %d customers, vs sequential client", ref.Customers), ">= 5x faster",
			fmt.Sprintf("%.1fx (%.1fs vs %.1fs)", ref.ApplySpeedupVsSequential, ref.ApplySeconds, ref.Sequential.Seconds),
			ref.ApplySpeedupVsSequential >= 5)
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
	row("lower bound s", func(r Result) string { return fmt.Sprintf("%.1f", r.LowerBound.Seconds) })
	row("  critical path s", func(r Result) string { return fmt.Sprintf("%.2f", r.LowerBound.CriticalPathSeconds) })
	row("  work / parallelism s", func(r Result) string { return fmt.Sprintf("%.1f", r.LowerBound.WorkSeconds) })
	row("  rate limits s", func(r Result) string { return fmt.Sprintf("%.1f", r.LowerBound.RateLimitSeconds) })
	row("  client pacing s", func(r Result) string { return fmt.Sprintf("%.1f", r.LowerBound.ClientPacingSeconds) })
	row("apply / lower bound", func(r Result) string { return fmt.Sprintf("%.2f", r.ApplyVsLowerBound) })
	row("sequential s", func(r Result) string { return fmt.Sprintf("%.1f", r.Sequential.Seconds) })
	row("speed-up vs sequential", func(r Result) string { return fmt.Sprintf("%.1f", r.ApplySpeedupVsSequential) })
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
