// Command qlikbench measures the provider on generated estates of N customers against qliksim, both built with
// go build and run as their own processes, and writes bench-results.json. `make bench` runs it.
//
// Settings come from the environment: BENCH_N (comma-separated customer counts, default 10,50,100),
// BENCH_WORKSPACES (comma-separated numbers of single-customer workspaces applied at once, default 10,50,100;
// "0" skips them), BENCH_PLAN_ONLY (customer counts planned from an empty state only, default 1000; "0" skips),
// BENCH_PLAN_TIMEOUT (default 8m: such a plan still running then is interrupted and reported as at least that),
// BENCH_LATENCY (default 20ms), BENCH_RATE_LIMITS (default true), BENCH_FAULT_N (customers of the fault and
// interrupt suites, default 20; 0 skips them), BENCH_COPY_MIB (size of the cross-tenant copy, default 1024; 0
// skips it), BENCH_SEED (default 1) and BENCH_OUT (default bench-results.json). A quick run:
// BENCH_N=10 BENCH_WORKSPACES=10 BENCH_PLAN_ONLY=0 BENCH_FAULT_N=0 BENCH_COPY_MIB=0.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "qlikbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	o := bench.Options{Latency: 20 * time.Millisecond, RateLimits: true, FaultCustomers: 20, CopySize: 1 << 30, Seed: 1}
	var err error
	if o.Customers, err = counts("BENCH_N", "10,50,100"); err != nil {
		return err
	}
	if o.Workspaces, err = counts("BENCH_WORKSPACES", "10,50,100"); err != nil {
		return err
	}
	if o.PlanOnly, err = counts("BENCH_PLAN_ONLY", "1000"); err != nil {
		return err
	}
	if o.PlanTimeout, err = time.ParseDuration(env("BENCH_PLAN_TIMEOUT", "8m")); err != nil {
		return fmt.Errorf("BENCH_PLAN_TIMEOUT: %w", err)
	}
	if o.Latency, err = time.ParseDuration(env("BENCH_LATENCY", "20ms")); err != nil {
		return fmt.Errorf("BENCH_LATENCY: %w", err)
	}
	if o.RateLimits, err = strconv.ParseBool(env("BENCH_RATE_LIMITS", "true")); err != nil {
		return fmt.Errorf("BENCH_RATE_LIMITS: %w", err)
	}
	if o.FaultCustomers, err = strconv.Atoi(env("BENCH_FAULT_N", "20")); err != nil {
		return fmt.Errorf("BENCH_FAULT_N: %w", err)
	}
	copyMiB, err := strconv.ParseInt(env("BENCH_COPY_MIB", "1024"), 10, 64)
	if err != nil {
		return fmt.Errorf("BENCH_COPY_MIB: %w", err)
	}
	o.CopySize = copyMiB << 20
	if o.Seed, err = strconv.ParseInt(env("BENCH_SEED", "1"), 10, 64); err != nil {
		return fmt.Errorf("BENCH_SEED: %w", err)
	}
	dir, err := os.MkdirTemp("", "qlikbench-")
	if err != nil {
		return fmt.Errorf("work directory: %w", err)
	}
	defer os.RemoveAll(dir)
	o.Dir = dir

	fmt.Fprintln(os.Stderr, "== building the provider and qliksim")
	bins, err := bench.Build(ctx, dir)
	if err != nil {
		return err
	}
	rep, err := bench.Run(ctx, bins, o, os.Stderr)
	if err != nil {
		return err
	}
	fmt.Println()
	rep.WriteTable(os.Stdout)
	out := env("BENCH_OUT", "bench-results.json")
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil { //nolint:gosec // a results file for people to read
		return fmt.Errorf("write %s: %w", out, err)
	}
	fmt.Printf("wrote %s\n", out)
	// Broken correctness (a non-empty plan, a duplicate, an orphan, a failed suite) fails the run; a missed
	// performance target is reported above but does not.
	var broken []string
	for _, r := range rep.PerN {
		if !r.PlanEmpty || len(r.InventoryProblems) > 0 {
			broken = append(broken, fmt.Sprintf("%d customers: plan empty %v, %d inventory problems %v", r.Customers, r.PlanEmpty, len(r.InventoryProblems), r.InventoryProblems))
		}
	}
	for _, r := range rep.PerN {
		if len(r.SequentialClientProblems) > 0 {
			broken = append(broken, fmt.Sprintf("%d customers: the sequential client built a different estate: %v", r.Customers, r.SequentialClientProblems))
		}
	}
	for _, s := range rep.FaultSuites {
		if !s.Passed() {
			broken = append(broken, s.Name+" suite failed")
		}
	}
	for _, w := range rep.Workspaces {
		if !w.Passed() {
			broken = append(broken, fmt.Sprintf("%d workspaces at once: %d failed, %d non-empty plans, %d duplicates: %v", w.K, w.Failed, w.NonEmptyPlans, w.Duplicates, w.Problems))
		}
	}
	if len(broken) > 0 {
		return fmt.Errorf("%s", strings.Join(broken, "; "))
	}
	return nil
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// counts reads a comma-separated list of positive numbers from the environment; "0" is the empty list.
func counts(name, def string) ([]int, error) {
	v := env(name, def)
	if strings.TrimSpace(v) == "0" {
		return nil, nil
	}
	var out []int
	for _, s := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive number", name, s)
		}
		out = append(out, n)
	}
	return out, nil
}
