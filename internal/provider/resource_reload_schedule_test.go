package provider_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

type scheduleConfig struct {
	appID, name, recurrence, timeZone string
	enabled                           bool
}

func (c scheduleConfig) hcl(provider string) string {
	return testConfig(provider, "TestAccReloadSchedule", tfVars{
		"app_id": c.appID, "name": c.name, "recurrence": c.recurrence, "time_zone": c.timeZone, "enabled": c.enabled,
	})
}

func TestAccReloadSchedule_basic(t *testing.T) {
	e, home := newTestEnvWith(t, qliksim.Options{ReloadDuration: 20 * time.Millisecond})
	app := e.seedApp(home.Hostname, "Sales", "", 1024)
	other := e.seedApp(home.Hostname, "Finance", "", 1024)
	var id, firstID string
	stored := func(appID, name, rrule, tz string, enabled bool) resource.TestCheckFunc {
		return theOnly("tasks", e.sim.Tasks, home.Hostname, func(task qliksim.Task) error {
			sc := task.Start.Schedule
			if task.ID != id || task.ResourceID != appID || task.Name != name || sc.Recurrence != rrule || sc.Timezone != tz || task.Enabled != enabled {
				return fmt.Errorf("stored %+v with schedule %+v, want %s on %s %q %q %q enabled=%v", task, sc, id, appID, name, rrule, tz, enabled)
			}
			return nil
		})
	}
	weekly := scheduleConfig{appID: app, name: "Weekly", recurrence: "RRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=6", timeZone: "America/New_York"}.hcl(e.oauthProvider())
	otherApp := scheduleConfig{appID: other, name: "Weekly", recurrence: "RRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=6", timeZone: "America/New_York"}.hcl(e.oauthProvider())
	nightly := scheduleConfig{appID: app, name: "Nightly", recurrence: "RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=0", timeZone: "Europe/Berlin", enabled: true}
	e.testCase(t, resource.TestCase{
		CheckDestroy: noneLeftAfterDestroy("tasks", countIn(e.sim.Tasks, home.Hostname)),
		Steps: []resource.TestStep{
			createStep(nightly.hcl(e.oauthProvider()), "qlik_reload_schedule.test", &id,
				[]statecheck.StateCheck{
					hasString("qlik_reload_schedule.test", "owner_id", home.BotUserID),
					hasBool("qlik_reload_schedule.test", "partial", false),
				},
				captureID("qlik_reload_schedule.test", &firstID),
				stored(app, "Nightly", nightly.recurrence, "Europe/Berlin", true),
				// The scheduler fires the enabled task: it reloads the app.
				func(*terraform.State) error {
					run, fired, err := e.sim.FireTask(home.Hostname, id)
					if err != nil || !fired {
						return fmt.Errorf("the enabled schedule did not fire: %w", err)
					}
					for range 300 {
						if runs := e.sim.TaskRuns(home.Hostname, id); runs[len(runs)-1].Status == qliksim.TaskRunSucceeded {
							return nil
						}
						time.Sleep(10 * time.Millisecond)
					}
					return fmt.Errorf("run %s of the schedule did not succeed", run.ID)
				}),
			importStep("qlik_reload_schedule.test"),
			{
				// Another recurrence, time zone and name, and disabled: in place, and a disabled task does not fire.
				PreConfig:        e.sim.ResetAudit,
				Config:           weekly,
				ConfigPlanChecks: planThenEmpty("qlik_reload_schedule.test", plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					stored(app, "Weekly", "RRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=6", "America/New_York", false),
					func(*terraform.State) error {
						if _, fired, _ := e.sim.FireTask(home.Hostname, id); fired {
							return fmt.Errorf("the disabled schedule fired")
						}
						if n := e.auditCount(func(a qliksim.AuditEntry) bool { return a.Method == http.MethodPut }); n != 1 {
							return fmt.Errorf("%d PUT requests, want 1", n)
						}
						return nil
					},
				),
			},
			// Qlik turns the task on and changes its rule (an edit in the hub): the plan restores both.
			driftStep(t, weekly,
				func() error {
					return e.sim.EditTask(home.Hostname, id, func(task *qliksim.Task) {
						task.Enabled = true
						task.Start.Schedule.Recurrence = "RRULE:FREQ=HOURLY"
					})
				},
				planThenEmpty("qlik_reload_schedule.test", plancheck.ResourceActionUpdate),
				stored(app, "Weekly", "RRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=6", "America/New_York", false)),
			// Another app replaces the schedule.
			replaceStep(otherApp, "qlik_reload_schedule.test", &id, &firstID,
				stored(other, "Weekly", "RRULE:FREQ=WEEKLY;BYDAY=MO;BYHOUR=6", "America/New_York", false)),
			recreateStep(t, otherApp, "qlik_reload_schedule.test",
				deleteByID(e.sim.DeleteTask, home.Hostname, &id), countIn(e.sim.Tasks, home.Hostname)),
		},
	})
}

// Bad input fails the plan at the attribute with no write; an app that does not exist comes back with Qlik's
// answer and request id.
func TestAccReloadSchedule_validation(t *testing.T) {
	e, home := newTestEnv(t)
	schedule := func(body string) string { return e.badResource("qlik_reload_schedule", body) }
	cases := []planError{
		{"recurrence without RRULE:", schedule(`  app_id = "a"
  recurrence = "FREQ=DAILY"`), regexp.MustCompile(`(?s)Invalid recurrence.*must start with RRULE:`)},
		{"time zone", schedule(`  app_id = "a"
  recurrence = "RRULE:FREQ=DAILY"
  time_zone = "Mars/Olympus"`), regexp.MustCompile(`(?s)Invalid time zone.*IANA`)},
		{"start date-time", schedule(`  app_id = "a"
  recurrence = "RRULE:FREQ=DAILY"
  start_date_time = "tomorrow"`), regexp.MustCompile(`(?s)Invalid date-time`)},
		{"end before start", schedule(`  app_id = "a"
  recurrence = "RRULE:FREQ=DAILY"
  start_date_time = "2026-02-01T00:00:00Z"
  end_date_time = "2026-01-01T00:00:00Z"`), regexp.MustCompile(`(?s)End before start`)},
		{"long name", schedule(`  app_id = "a"
  recurrence = "RRULE:FREQ=DAILY"
  name = "` + strings.Repeat("n", 101) + `"`), regexp.MustCompile(`(?s)name`)},
	}
	e.expectPlanErrorsWithoutWrites(t, home.Hostname, cases, resource.TestStep{
		Config: schedule(`  app_id = "no-such-app"
  recurrence = "RRULE:FREQ=DAILY"`),
		ExpectError: regexp.MustCompile(`(?s)Unable to create reload schedule.*HTTP\s+404.*no-such-app does not exist.*Request ID: [0-9a-f]+`),
	})
}
