package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

type automationConfig struct {
	name, workspace string
	interval        int
	inSpace         bool
	enabled         bool
}

func (c automationConfig) hcl(provider string) string {
	return testConfig(provider, "TestAccAutomation", tfVars{
		"name": c.name, "workspace": c.workspace, "interval": c.interval, "in_space": c.inSpace, "enabled": c.enabled,
	})
}

const (
	workspaceTriggered = `{"runMode": "triggered", "blocks": [{"id": "start", "type": "StartBlock"}]}`
	// The same workspace, laid out and ordered differently: not a change.
	workspaceTriggeredReformatted = "{\n  \"blocks\": [ { \"type\": \"StartBlock\", \"id\": \"start\" } ],\n  \"runMode\": \"triggered\"\n}"
	workspaceManual               = `{"runMode": "manual", "blocks": []}`
)

func TestAccAutomation_basic(t *testing.T) {
	e, home := newTestEnv(t)
	var id, token string
	stored := func(name, runMode string, inSpace, enabled bool, interval int) resource.TestCheckFunc {
		return theOnly("automations", e.sim.Automations, home.Hostname, func(a qliksim.Automation) error {
			if a.ID != id || a.Name != name || a.RunMode != runMode || (a.SpaceID != "") != inSpace || (a.State == "available") != enabled ||
				len(a.Schedules) != 1 || a.Schedules[0].Interval != interval || a.Schedules[0].Timezone != "Europe/Stockholm" {
				return fmt.Errorf("stored %+v, want %s %q %s in space=%v enabled=%v every %ds", a, id, name, runMode, inSpace, enabled, interval)
			}
			return nil
		})
	}
	nightly := automationConfig{name: "Sync CRM nightly", workspace: workspaceManual, interval: 86400}.hcl(e.oauthProvider())
	first := automationConfig{name: "Sync CRM", workspace: workspaceTriggered, interval: 3600, inSpace: true, enabled: true}
	e.testCase(t, resource.TestCase{
		CheckDestroy: noneLeftAfterDestroy("automations", countIn(e.sim.Automations, home.Hostname)),
		Steps: []resource.TestStep{
			createStep(first.hcl(e.oauthProvider()), "qlik_automation.test", &id,
				[]statecheck.StateCheck{
					hasString("qlik_automation.test", "run_mode", "triggered"),
					statecheck.ExpectSensitiveValue("qlik_automation.test", tfjsonpath.New("execution_token")),
				},
				stored("Sync CRM", "triggered", true, true, 3600),
				func(s *terraform.State) error {
					token = s.RootModule().Resources["qlik_automation.test"].Primary.Attributes["execution_token"]
					if token == "" || token != e.sim.Automations(home.Hostname)[0].ExecutionToken {
						return fmt.Errorf("execution_token %q is not the automation's", token)
					}
					return nil
				}),
			// The imported workspace is Qlik's copy, compared by value.
			importStep("qlik_automation.test", "workspace_json"),
			{
				// A reformatted export is not a change.
				Config:           automationConfig{name: "Sync CRM", workspace: workspaceTriggeredReformatted, interval: 3600, inSpace: true, enabled: true}.hcl(e.oauthProvider()),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Rename, a new workspace (manual), another interval, out of the space and disabled: in place.
				Config:           nightly,
				ConfigPlanChecks: planThenEmpty("qlik_automation.test", plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					stored("Sync CRM nightly", "manual", false, false, 86400),
					resource.TestCheckResourceAttr("qlik_automation.test", "run_mode", "manual"),
				),
			},
			// Enabled in the editor and renamed: the plan restores both.
			driftStep(t, nightly,
				func() error {
					return e.sim.EditAutomation(home.Hostname, id, func(a *qliksim.Automation) { a.State, a.Name = "available", "renamed" })
				},
				planThenEmpty("qlik_automation.test", plancheck.ResourceActionUpdate),
				stored("Sync CRM nightly", "manual", false, false, 86400)),
			recreateStep(t, nightly, "qlik_automation.test",
				deleteByID(e.sim.DeleteAutomation, home.Hostname, &id), countIn(e.sim.Automations, home.Hostname)),
		},
	})
}

// Bad input fails the plan at the attribute with no write; a space Qlik does not know comes back with its code.
func TestAccAutomation_validation(t *testing.T) {
	e, home := newTestEnv(t)
	automation := func(body string) string { return e.badResource("qlik_automation", body) }
	cases := []planError{
		{"workspace not an object", automation(`  workspace_json = "[1]"`), regexp.MustCompile(`(?s)Invalid JSON.*not a JSON object`)},
		{"interval", automation(`  workspace_json = "{}"
  schedules = [{ interval = 90 }]`), regexp.MustCompile(`(?s)Invalid interval.*use 60 or 120`)},
		{"start_at", automation(`  workspace_json = "{}"
  schedules = [{ interval = 60, start_at = "2026-01-01T02:00:00Z" }]`), regexp.MustCompile(`(?s)start_at.*2026-01-01\s+02:00:00`)},
		{"time zone", automation(`  workspace_json = "{}"
  schedules = [{ interval = 60, timezone = "Mars/Olympus" }]`), regexp.MustCompile(`(?s)Invalid time zone`)},
	}
	e.expectPlanErrorsWithoutWrites(t, home.Hostname, cases, resource.TestStep{
		Config: automation(`  workspace_json = "{}"
  space_id = "no-such-space"`),
		ExpectError: regexp.MustCompile(`(?s)Unable to create automation.*HTTP\s+400.*Code: AUTOMATIONS-400.*no-such-space does not exist.*Request ID: [0-9a-f]+`),
	})
}

func automationRunConfig(provider, trigger string) string {
	return provider + fmt.Sprintf(`
resource "qlik_automation" "sync" {
  name           = "Sync CRM"
  workspace_json = %q
}

resource "qlik_automation_run" "sync" {
  automation_id = qlik_automation.sync.id
  triggers = {
    release = %q
  }
  timeouts {
    create = "20s"
  }
}
`, workspaceTriggered, trigger)
}

// A run is a step of the apply: it waits for the run, fails with the run's errors (tainted, run again by the next
// apply), and a new trigger runs the automation again.
func TestAccAutomationRun(t *testing.T) {
	e, home := newTestEnv(t)
	automationID := func() string { return e.sim.Automations(home.Hostname)[0].ID }
	runs := func() []qliksim.AutomationRun { return e.sim.AutomationRuns(home.Hostname, automationID()) }
	e.test(t, []resource.TestStep{
		{
			Config: automationRunConfig(e.oauthProvider(), "1"),
			ConfigStateChecks: []statecheck.StateCheck{
				hasString("qlik_automation_run.sync", "status", "finished"),
			},
			ConfigPlanChecks: emptyPlanAfterApply(),
			Check: func(*terraform.State) error {
				if rs := runs(); len(rs) != 1 || rs[0].Status != qliksim.AutomationRunFinished {
					return fmt.Errorf("runs %+v, want one finished", rs)
				}
				return nil
			},
		},
		{
			PreConfig: func() {
				must(t, e.sim.SetAutomationBehaviour(home.Hostname, automationID(), 20*time.Millisecond, true, "The CRM answered 401 Unauthorized"))
			},
			Config:      automationRunConfig(e.oauthProvider(), "2"),
			ExpectError: regexp.MustCompile(`(?s)Automation run failed.*The CRM answered 401\s+Unauthorized.*tainted`),
		},
		{
			// The failed run is tainted: once fixed, the next apply runs the automation again.
			PreConfig: func() {
				must(t, e.sim.SetAutomationBehaviour(home.Hostname, automationID(), 20*time.Millisecond, false, ""))
			},
			Config:           automationRunConfig(e.oauthProvider(), "2"),
			ConfigPlanChecks: planThenEmpty("qlik_automation_run.sync", plancheck.ResourceActionReplace),
			Check: func(*terraform.State) error {
				rs := runs()
				if len(rs) != 3 || rs[1].Status != qliksim.AutomationRunFailed || rs[2].Status != qliksim.AutomationRunFinished {
					return fmt.Errorf("runs %+v, want finished, failed, finished", rs)
				}
				return nil
			},
		},
		{
			// A run longer than the create timeout is stopped in Qlik.
			PreConfig: func() {
				must(t, e.sim.SetAutomationBehaviour(home.Hostname, automationID(), time.Hour, false, ""))
			},
			Config:      strings.Replace(automationRunConfig(e.oauthProvider(), "3"), `create = "20s"`, `create = "2s"`, 1),
			ExpectError: regexp.MustCompile(`(?s)Automation run did not finish.*create timeout and was stopped`),
			Check:       func(*terraform.State) error { return nil },
		},
		{
			PreConfig: func() {
				deadline := time.Now().Add(5 * time.Second)
				for {
					rs := runs()
					if rs[len(rs)-1].Status == qliksim.AutomationRunStopped {
						return
					}
					if time.Now().After(deadline) {
						t.Fatalf("the timed-out run was not stopped: %+v", rs[len(rs)-1])
					}
					time.Sleep(20 * time.Millisecond)
				}
			},
			Config:        automationRunConfig(e.oauthProvider(), "3"),
			ResourceName:  "qlik_automation_run.sync",
			ImportState:   true,
			ImportStateId: "some-run",
			ExpectError:   regexp.MustCompile(`cannot be imported`),
		},
	})
}
