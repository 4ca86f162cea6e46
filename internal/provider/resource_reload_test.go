package provider_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// testAccReloadConfig sets the app's script and reloads it whenever the script changes.
func testAccReloadConfig(provider, appID, script string) string {
	return provider + fmt.Sprintf(`
resource "qlik_load_script" "test" {
  app_id = %[1]q
  script = %[2]q
}

resource "qlik_reload" "test" {
  app_id = %[1]q
  variables = {
    customer = "a"
  }
  triggers = {
    script = qlik_load_script.test.script_sha256
  }
}
`, appID, script)
}

// reloadRan checks that the reload in state succeeded in the simulator and ran script.
func (e *testEnv) reloadRan(hostname string, id *string, script string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		info, ok := e.sim.ReloadByID(hostname, *id)
		if !ok {
			return fmt.Errorf("reload %s not in the simulator", *id)
		}
		if info.Status != qliksim.ReloadSucceeded || info.Script != script || info.Variables["customer"] != "a" {
			return fmt.Errorf("reload %s: status %s, ran %q with %v; want SUCCEEDED with %q", *id, info.Status, info.Script, info.Variables, script)
		}
		return nil
	}
}

func TestAccReload_basic(t *testing.T) {
	e, home := newTestEnvWith(t, qliksim.Options{ReloadDuration: 100 * time.Millisecond})
	app := e.seedApp(home.Hostname, "Sales", "", 1024)
	v1 := "LOAD * FROM orders WHERE region = '$(customer)';"
	v2 := "LOAD * FROM orders WHERE region = '$(customer)' AND year >= 2024;"
	var first, second string
	e.test(t, []resource.TestStep{
		{
			Config: testAccReloadConfig(e.oauthProvider(), app, v1),
			ConfigStateChecks: []statecheck.StateCheck{
				hasString("qlik_reload.test", "status", "SUCCEEDED"),
				hasBool("qlik_reload.test", "partial", false),
				matches("qlik_reload.test", "log_tail", `Finished successfully`),
				matches("qlik_reload.test", "duration", `ms$|s$`),
				sameValue("qlik_reload.test", "id", "qlik_reload.test", "reload_id"),
			},
			ConfigPlanChecks: emptyPlanAfterApply(),
			Check: resource.ComposeAggregateTestCheckFunc(
				captureID("qlik_reload.test", &first),
				e.reloadRan(home.Hostname, &first, v1),
			),
		},
		{
			// A new script changes script_sha256, which replaces the reload: the new run reads the new script.
			Config: testAccReloadConfig(e.oauthProvider(), app, v2),
			ConfigPlanChecks: planThenEmpty("qlik_load_script.test", plancheck.ResourceActionUpdate,
				plancheck.ExpectResourceAction("qlik_reload.test", plancheck.ResourceActionReplace),
			),
			Check: resource.ComposeAggregateTestCheckFunc(
				captureID("qlik_reload.test", &second),
				e.reloadRan(home.Hostname, &second, v2),
				func(*terraform.State) error {
					if second == first {
						return fmt.Errorf("no new reload ran")
					}
					if n := len(e.sim.Reloads(home.Hostname)); n != 2 {
						return fmt.Errorf("%d reloads ran, want 2", n)
					}
					return nil
				},
			),
		},
		{
			// A reload that ages out of Qlik's history keeps its recorded result and plans nothing.
			PreConfig: func() { must(t, e.sim.DeleteReload(home.Hostname, second)) },
			Config:    testAccReloadConfig(e.oauthProvider(), app, v2),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				hasString("qlik_reload.test", "status", "SUCCEEDED"),
			},
		},
		{
			ResourceName:  "qlik_reload.test",
			ImportState:   true,
			ImportStateId: "5be59decca62aa00097268a4",
			// Not the framework's generic "Resource Import Not Implemented": why, and what to do instead.
			ExpectError: regexp.MustCompile(`(?s)qlik_reload cannot be imported.*records one run.*Remove the import and\s+apply`),
		},
	})
}

func TestAccReload_failedShowsLogTail(t *testing.T) {
	e, home := newTestEnv(t)
	app := e.seedApp(home.Hostname, "Sales", "", 1024)
	if err := e.sim.SetReloadBehaviour(home.Hostname, app, 50*time.Millisecond, true,
		[]string{"Connecting to orders-db", "Error: Table not found: orders_2024"}); err != nil {
		t.Fatal(err)
	}
	script := "LOAD * FROM orders_2024;"
	e.test(t, []resource.TestStep{
		{
			Config:      testAccReloadConfig(e.oauthProvider(), app, script),
			ExpectError: regexp.MustCompile(`(?s)Reload FAILED.*EngineReloadError.*Last lines of the reload log:.*Table not found: orders_2024.*tainted`),
		},
		{
			// The failed run stays in state as tainted: once the cause is fixed, the next apply reloads again.
			PreConfig:        func() { must(t, e.sim.SetReloadBehaviour(home.Hostname, app, 50*time.Millisecond, false, nil)) },
			Config:           testAccReloadConfig(e.oauthProvider(), app, script),
			ConfigPlanChecks: planAction("qlik_reload.test", plancheck.ResourceActionReplace),
			ConfigStateChecks: []statecheck.StateCheck{
				hasString("qlik_reload.test", "status", "SUCCEEDED"),
			},
			Check: func(*terraform.State) error {
				rs := e.sim.Reloads(home.Hostname)
				if len(rs) != 2 || rs[0].Status != qliksim.ReloadFailed || rs[1].Status != qliksim.ReloadSucceeded {
					return fmt.Errorf("reloads %+v, want one FAILED then one SUCCEEDED", rs)
				}
				return nil
			},
		},
	})
}

func TestAccReload_pendingReloadWaitedOut(t *testing.T) {
	e, home := newTestEnvWith(t, qliksim.Options{EnforceRateLimits: true})
	app := e.seedApp(home.Hostname, "Sales", "", 1024)
	// Long enough that Terraform's plan and apply reach the POST while it still runs, even on a loaded machine
	// running the whole suite in parallel (700 ms was not, and 3 s was not always either).
	if err := e.sim.SetReloadBehaviour(home.Hostname, app, 8*time.Second, false, nil); err != nil {
		t.Fatal(err)
	}
	var pendingID string
	e.test(t, []resource.TestStep{
		{
			// A reload started elsewhere (a schedule, the hub) is still running when Terraform queues its own.
			PreConfig: func() {
				c := e.apiClient(t)
				r, err := c.CreateReload(t.Context(), qlik.ReloadRequest{AppID: app})
				if err != nil {
					t.Fatal(err)
				}
				pendingID = r.ID
				e.sim.ResetAudit()
			},
			Config: e.oauthProvider() + fmt.Sprintf(`
resource "qlik_reload" "test" {
  app_id = %q
}
`, app),
			ConfigStateChecks: []statecheck.StateCheck{
				hasString("qlik_reload.test", "status", "SUCCEEDED"),
			},
			Check: func(*terraform.State) error {
				pending, _ := e.sim.ReloadByID(home.Hostname, pendingID)
				if pending.Status != qliksim.ReloadSucceeded {
					return fmt.Errorf("the pending reload is %s: it must run to its end, not be cancelled", pending.Status)
				}
				var refused int
				var acceptedAt time.Time
				for _, a := range e.sim.Audit() {
					if a.Method != http.MethodPost || a.Route != "/api/v1/reloads" {
						continue
					}
					switch a.Status {
					case http.StatusTooManyRequests:
						refused++
					case http.StatusCreated:
						acceptedAt = a.Time
					}
				}
				end, err := time.Parse(time.RFC3339, pending.EndTime)
				if err != nil {
					return err
				}
				if refused != 1 || acceptedAt.IsZero() || acceptedAt.Before(end) {
					return fmt.Errorf("POST /reloads refused %d times, accepted at %s; want one refusal and the retry after the pending reload ended at %s",
						refused, acceptedAt, end)
				}
				return nil
			},
		},
	})
}

func TestAccReload_validation(t *testing.T) {
	e, _ := newTestEnv(t)
	vars := make([]string, 0, 21)
	for i := range 21 {
		vars = append(vars, fmt.Sprintf("v%d = \"x\"", i))
	}
	e.test(t, []resource.TestStep{
		{
			Config: e.oauthProvider() + `
resource "qlik_reload" "test" {
  app_id    = "2f6a8a3c-52d3-4bc0-8c6e-5d1b8e4f7c21"
  variables = {
    ` + strings.Join(vars, "\n    ") + `
  }
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)variables.*at most 20`),
		},
		{
			Config: e.oauthProvider() + fmt.Sprintf(`
resource "qlik_reload" "test" {
  app_id    = "2f6a8a3c-52d3-4bc0-8c6e-5d1b8e4f7c21"
  variables = {
    region = %q
  }
}
`, strings.Repeat("x", 257)),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)variables.*256`),
		},
		{
			Config: e.oauthProvider() + `
resource "qlik_reload" "test" {
  app_id = "2f6a8a3c-52d3-4bc0-8c6e-5d1b8e4f7c21"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Unable to queue reload.*HTTP 400.*RELOADS-001`),
		},
	})
}

// TestAccReload_interruptCancels runs terraform as users do, interrupts it while the reload runs, and checks that
// terraform exits promptly and the reload is cancelled in Qlik.
func TestAccReload_interruptCancels(t *testing.T) {
	e, home := newTestEnv(t)
	app := e.seedApp(home.Hostname, "Sales", "", 1024)
	if err := e.sim.SetReloadBehaviour(home.Hostname, app, 10*time.Minute, false, nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := e.oauthProvider() + fmt.Sprintf(`
resource "qlik_reload" "test" {
  app_id = %q
}
`, app)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	tf := newTFCLI(t, dir)
	cmd, out := tf.start("apply", "-auto-approve", "-input=false", "-no-color")
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	var reloadID string
	deadline := time.Now().Add(2 * time.Minute)
	for reloadID == "" {
		for _, r := range e.sim.Reloads(home.Hostname) {
			if r.Status == qliksim.ReloadReloading {
				reloadID = r.ID
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("terraform exited before the reload started: %v\n%s", err, out)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no reload started:\n%s", out)
		}
	}
	// Give the provider a moment to pass from queuing into the wait.
	time.Sleep(500 * time.Millisecond)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	select {
	case err := <-exited:
		if err == nil {
			t.Errorf("terraform succeeded after an interrupt:\n%s", out)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("terraform still running 5s after the interrupt:\n%s", out)
	}
	t.Logf("terraform exited %s after the interrupt", time.Since(sent).Round(time.Millisecond))
	waitFor := time.Now().Add(2 * time.Second)
	for {
		info, _ := e.sim.ReloadByID(home.Hostname, reloadID)
		if info.Status == qliksim.ReloadCanceled {
			break
		}
		if time.Now().After(waitFor) {
			t.Fatalf("reload %s is %s after the interrupt, want CANCELED:\n%s", reloadID, info.Status, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "cancelled") {
		t.Errorf("terraform's output does not say the reload was cancelled:\n%s", out)
	}
}
