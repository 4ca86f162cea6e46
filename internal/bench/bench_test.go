package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// The fault suites run here at a small size in `make test` (TF_ACC=1), against qliksim and the provider built
// and run as their own processes; `make bench` runs them at a larger size.

const suiteCustomers = 3

var built struct {
	once sync.Once
	dir  string
	bins Binaries
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// binaries builds the provider and qliksim once per test process.
func binaries(t *testing.T) Binaries {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("the fault suites run terraform: set TF_ACC=1 (make test does)")
	}
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "qlik-bench-bin-") //nolint:usetesting // shared by all tests, removed in TestMain
		if built.err == nil {
			built.bins, built.err = Build(context.Background(), built.dir)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bins
}

func requirePassed(t *testing.T, res SuiteResult, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s suite: %d customers, %d resources, seed %d, %.1fs, %d injected faults. %s", res.Name, res.Customers, res.Resources, res.Seed, res.Seconds, res.Injected, res.Detail)
	for _, p := range res.Problems {
		t.Error(p)
	}
}

// TestAccFaultSuite: under 20 % 429, 10 % 503, 2 % resets and delayed visibility the apply converges, the next
// plan is empty and every tenant holds exactly the declared objects.
func TestAccFaultSuite(t *testing.T) {
	t.Parallel()
	res, err := RunFaultSuite(t.Context(), binaries(t), t.TempDir(), suiteCustomers, 7)
	requirePassed(t, res, err)
	if err == nil && res.Injected == 0 {
		t.Error("no fault was injected: the suite tested nothing")
	}
}

// TestAccInterruptSuite: an apply interrupted with SIGINT at a seeded point, then applied again, converges with no
// duplicate and an empty plan.
func TestAccInterruptSuite(t *testing.T) {
	t.Parallel()
	res, err := RunInterruptSuite(t.Context(), binaries(t), t.TempDir(), suiteCustomers, 11)
	requirePassed(t, res, err)
}

// TestAccSecretsSuite: a TF_LOG=TRACE apply and plan with every secret kind log no secret value, and no state
// file holds one.
func TestAccSecretsSuite(t *testing.T) {
	t.Parallel()
	res, err := RunSecretsSuite(t.Context(), binaries(t), t.TempDir(), 5)
	requirePassed(t, res, err)
}

// TestKindsCoverEveryResourceType keeps the estate complete: a resource type added to the provider must be added
// to Kinds, so that the benchmark and the fault suites exercise it.
func TestKindsCoverEveryResourceType(t *testing.T) {
	t.Parallel()
	p := provider.New("test")()
	covered := map[string]bool{}
	for _, k := range Kinds {
		typ, _, _ := strings.Cut(k.Address, ".")
		covered[typ] = true
	}
	for _, f := range p.Resources(t.Context()) {
		var resp resource.MetadataResponse
		f().Metadata(t.Context(), resource.MetadataRequest{ProviderTypeName: "qlik"}, &resp)
		if !covered[resp.TypeName] {
			t.Errorf("resource type %s is not in Kinds", resp.TypeName)
		}
	}
	for _, k := range Kinds {
		for _, d := range k.DependsOn {
			if !strings.Contains(k.Body, d+"[each.key]") {
				t.Errorf("%s depends on %s but its body does not refer to it", k.Address, d)
			}
		}
		for _, s := range k.Secrets {
			if !strings.Contains(k.Body, "var."+s) {
				t.Errorf("%s declares secret %s but its body does not use var.%s", k.Address, s, s)
			}
		}
	}
	cfg := Config(2, Kinds)
	for _, want := range []string{`c001 = { name = "Customer c001" }`, `c002 = { name = "Customer c002" }`, `resource "qlik_app_publish" "sales" {`} {
		if !strings.Contains(cfg, want) {
			t.Errorf("the configuration lacks %q", want)
		}
	}
}

func TestCheckInventory(t *testing.T) {
	t.Parallel()
	want := map[string]int{"space": 2, "app": 1}
	home := qliksim.TenantInventory{Home: true, Objects: []qliksim.InventoryObject{{Kind: "app", Key: "/Template", ID: "t"}}}
	customer := func(name string, objs ...qliksim.InventoryObject) qliksim.TenantInventory {
		return qliksim.TenantInventory{Name: name, Status: "active", Objects: objs}
	}
	good := []qliksim.InventoryObject{{Kind: "space", Key: "shared/A", ID: "1"}, {Kind: "space", Key: "managed/B", ID: "2"}, {Kind: "app", Key: "1/Sales", ID: "3"}}
	cases := []struct {
		name string
		inv  []qliksim.TenantInventory
		want string
	}{
		{"exact", []qliksim.TenantInventory{home, customer("c1", good...)}, ""},
		{"duplicate", []qliksim.TenantInventory{home, customer("c1", append(good, qliksim.InventoryObject{Kind: "app", Key: "1/Sales", ID: "4"})...)}, `duplicate app "1/Sales"; tenant c1 holds 2 app objects, want 1`},
		{"orphan kind", []qliksim.TenantInventory{home, customer("c1", append(good, qliksim.InventoryObject{Kind: "group", Key: "x", ID: "5"})...)}, "tenant c1 holds 1 group objects, want 0"},
		{"missing", []qliksim.TenantInventory{home, customer("c1", good[1:]...)}, "tenant c1 holds 1 space objects, want 2"},
		{"orphan in home", []qliksim.TenantInventory{{Home: true, Objects: append(home.Objects, qliksim.InventoryObject{Kind: "app", Key: "/Sales [copying 1]"})}, customer("c1", good...)}, "home tenant holds"},
		{"extra tenant", []qliksim.TenantInventory{home, customer("c1", good...), customer("c2", good...)}, "holds 2 customer tenants"},
	}
	for _, tc := range cases {
		got := strings.Join(checkInventory(tc.inv, home, 1, want), "; ")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: problems %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestComputeLowerBound(t *testing.T) {
	t.Parallel()
	kinds := []Kind{
		{Address: "a.x", Calls: 4},
		{Address: "b.x", Calls: 2, DependsOn: []string{"a.x"}},
		{Address: "c.x", Calls: 5, DependsOn: []string{"a.x"}},
		{Address: "d.x", Calls: 1, DependsOn: []string{"b.x", "c.x"}},
	}
	// 600 writes through one bucket of 100/min (500 per 5-minute window), plus a 429 and an injected fault that do
	// not count.
	var audit []qliksim.AuditEntry
	for range 600 {
		audit = append(audit, qliksim.AuditEntry{Method: "POST", Route: "/api/v1/spaces", Host: "h", Identity: "u", Status: 201})
	}
	audit = append(audit, qliksim.AuditEntry{Method: "POST", Route: "/api/v1/spaces", Host: "h", Identity: "u", Status: 429},
		qliksim.AuditEntry{Method: "GET", Route: "/api/v1/spaces", Host: "h", Identity: "u", Status: 503, Fault: "503"})
	lb := ComputeLowerBound(kinds, audit, 20*time.Millisecond, 10, qliksim.DefaultLimits())
	if lb.CriticalPathCalls != rootCalls+4+5+1 {
		t.Errorf("critical path %d calls, want %d", lb.CriticalPathCalls, rootCalls+10)
	}
	if got := fmt.Sprintf("%.2f %.1f %.1f %.1f", lb.WorkSeconds, lb.RateLimitSeconds, lb.ClientPacingSeconds, lb.Seconds); got != "1.20 300.0 300.0 300.0" {
		t.Errorf("work, rate limit, client pacing, bound = %s, want 1.20 300.0 300.0 300.0", got)
	}
	if lb.RateLimitBucket != "h u tier2" {
		t.Errorf("binding bucket %q", lb.RateLimitBucket)
	}
}

// TestAccWorkspacesAtOnce applies K single-customer workspaces (the OEM example's customer module, one terraform
// process and state each) at once against one simulator with Qlik's rate limits, evaluated over a 10-second window
// so that 429s are served within the test's time: every apply must succeed, every plan after it be empty, and
// the simulator hold exactly K customer tenants and no duplicate. BENCH_WORKSPACES_K overrides K (default 6).
func TestAccWorkspacesAtOnce(t *testing.T) {
	t.Parallel()
	k := 6
	if v := os.Getenv("BENCH_WORKSPACES_K"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("BENCH_WORKSPACES_K=%q", v)
		}
		k = n
	}
	res, err := RunWorkspaces(t.Context(), binaries(t), t.TempDir(), k,
		SimOptions{Latency: 20 * time.Millisecond, RateLimits: true, RateWindow: 10 * time.Second, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d workspaces at once: %.1fs (slowest apply %.1fs), plans %.1fs, %d requests, %d 429s served, %d failed, %d non-empty plans, %d duplicates",
		res.K, res.Seconds, res.SlowestApplySeconds, res.PlanSeconds, res.Requests, res.RateLimited, res.Failed, res.NonEmptyPlans, res.Duplicates)
	for _, p := range res.Problems {
		t.Error(p)
	}
	if res.Failed+res.NonEmptyPlans+res.Duplicates > 0 && len(res.Problems) == 0 {
		t.Errorf("failures counted without a problem listed: %+v", res)
	}
}

// TestWaveSchedule: instances of a resource start only when every instance of the resources they refer to is
// done, and at most parallelism run at once.
func TestWaveSchedule(t *testing.T) {
	t.Parallel()
	kinds := []Kind{
		{Address: "a.x", Calls: 1},
		{Address: "b.x", Calls: 1, DependsOn: []string{"a.x"}},
		{Address: "qlik_reload.x", Calls: 2, DependsOn: []string{"b.x"}},
	}
	// 20 customers on 10 slots at 1 s a call, after the 3 root calls: a in two rounds (3 s to 5 s), b in two (to
	// 7 s), the reloads in two rounds of 2 s + 20 ms queued + 300 ms run (to 11.64 s).
	if got := waveSchedule(kinds, 20, time.Second, 300*time.Millisecond, 10); got != 11640*time.Millisecond {
		t.Errorf("schedule %s, want 11.64s", got)
	}
	// Independent resources share the slots: two kinds of 10 instances on 10 slots take two rounds.
	flat := []Kind{{Address: "a.x", Calls: 1}, {Address: "b.x", Calls: 1}}
	if got := waveSchedule(flat, 10, time.Second, 0, 10); got != 5*time.Second {
		t.Errorf("flat schedule %s, want 5s", got)
	}
	b := ComputeAPIBound(kinds, 20, time.Second, 300*time.Millisecond, 10, nil, nil)
	if b.Seconds != b.ScheduleSeconds || b.RateWindowSeconds != 0 {
		t.Errorf("bound %+v without limits", b)
	}
}

func TestFloorConfigKeepsTheGraph(t *testing.T) {
	t.Parallel()
	cfg := FloorConfig(2, Kinds)
	for _, k := range Kinds {
		local := strings.ReplaceAll(k.Address, ".", "_")
		if !strings.Contains(cfg, `resource "terraform_data" "`+local+`"`) {
			t.Errorf("no terraform_data for %s", k.Address)
		}
		for _, d := range k.DependsOn {
			if !strings.Contains(cfg, "terraform_data."+strings.ReplaceAll(d, ".", "_")+"[each.key].id") {
				t.Errorf("%s: dependency on %s lost", k.Address, d)
			}
		}
	}
	if strings.Count(cfg, "for_each = var.customers") != len(Kinds) {
		t.Errorf("want one for_each per kind:\n%s", cfg)
	}
}

// TestAccApplyBreakdown reads the breakdown from a real provider debug log: a one-customer apply spends time in
// HTTP attempts and between the polls of its reload, and the parts never exceed the slots.
func TestAccApplyBreakdown(t *testing.T) {
	t.Parallel()
	bins := binaries(t)
	dir := t.TempDir()
	e, err := NewEstate(t.Context(), bins, dir, 1, Kinds, SimOptions{Latency: 5 * time.Millisecond, Seed: 3}, TemplateSize)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	logPath := filepath.Join(dir, "provider.log")
	r, err := e.Apply(t.Context(), RunOptions{Env: providerLogEnv(logPath)})
	if err != nil {
		t.Fatal(err)
	}
	if r.ExitCode != 0 {
		t.Fatalf("apply failed:\n%s", excerpt(r.Output))
	}
	b, err := ParseBreakdown(logPath, r.Duration, Parallelism)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", b)
	audit, err := e.Sim.Audit(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	// Every request takes at least the latency.
	if minAPI := float64(len(audit)) * 0.005; b.APISeconds < minAPI {
		t.Errorf("API time %.3fs for %d requests, want at least %.3fs: attempts missing from the log parse", b.APISeconds, len(audit), minAPI)
	}
	if b.PollingWaitSeconds <= 0 {
		t.Error("no polling wait found: the reload's waits are missing from the log parse")
	}
	if sum := b.APISeconds + b.LimiterWaitSeconds + b.RateLimitWaitSeconds + b.PollingWaitSeconds + b.RetryWaitSeconds + b.RestSeconds; sum > b.SlotSeconds*1.0001 {
		t.Errorf("parts %.2fs exceed the slots %.2fs", sum, b.SlotSeconds)
	}
}

func TestParseBreakdown(t *testing.T) {
	t.Parallel()
	p := "provider.terraform-provider-qlik: "
	log := strings.Join([]string{
		`2026-12-02T09:00:00.000Z [DEBUG] ` + p + `qlik: HTTP request: @module=qlik attempt=1 duration_ms=120 method=GET status=200 url=http://h/api`,
		`2026-12-02T09:00:00.000Z [DEBUG] ` + p + `qlik: HTTP request failed: @module=qlik attempt=1 duration_ms=30 error="reset" method=GET`,
		`2026-12-02T09:00:00.000Z [DEBUG] ` + p + `qlik: waiting for rate limit: @module=qlik host=h method=POST reason="client-side pacing" tier=tier2 wait_ms=200`,
		`2026-12-02T09:00:00.000Z [DEBUG] ` + p + `qlik: waiting for rate limit: @module=qlik host=h method=POST reason="tier blocked after 429" tier=tier2 wait_ms=4000`,
		`2026-12-02T09:00:00.000Z [DEBUG] ` + p + `qlik: retrying request: @module=qlik attempt=1 host=h reason="status 429, Retry-After with jitter 1.1s" wait_ms=1100`,
		`2026-12-02T09:00:00.000Z [DEBUG] ` + p + `qlik: retrying request: @module=qlik attempt=1 host=h reason="status 503" wait_ms=50`,
		`2026-12-02T09:00:00.000Z [DEBUG] ` + p + `qlik: waiting for reload: @module=qlik reload_id=r status=RELOADING wait_ms=400`,
		`2026-12-02T09:00:00.000Z [DEBUG] sdk.proto: something else: duration_ms=99999`,
	}, "\n")
	path := filepath.Join(t.TempDir(), "log")
	if err := os.WriteFile(path, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := ParseBreakdown(path, 2*time.Second, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := Breakdown{SlotSeconds: 20, APISeconds: 0.15, LimiterWaitSeconds: 0.2, RateLimitWaitSeconds: 5.1, PollingWaitSeconds: 0.4, RetryWaitSeconds: 0.05, RestSeconds: 14.1}
	got := fmt.Sprintf("%.2f %.2f %.2f %.2f %.2f %.2f %.2f", b.SlotSeconds, b.APISeconds, b.LimiterWaitSeconds, b.RateLimitWaitSeconds, b.PollingWaitSeconds, b.RetryWaitSeconds, b.RestSeconds)
	if w := fmt.Sprintf("%.2f %.2f %.2f %.2f %.2f %.2f %.2f", want.SlotSeconds, want.APISeconds, want.LimiterWaitSeconds, want.RateLimitWaitSeconds, want.PollingWaitSeconds, want.RetryWaitSeconds, want.RestSeconds); got != w {
		t.Errorf("breakdown %s, want %s", got, w)
	}
}
