package provider_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The examples of the schedule, automation and webhook resources, registered with TestAccExamples.

// exampleWebhookSecret and exampleWebhookToken are the webhook example's write-only values.
const (
	exampleWebhookSecret = "example-signing-secret-0123456789abcdef"
	exampleWebhookToken  = "example-endpoint-token"
)

func init() {
	exampleChecks["resources/qlik_automation"] = func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var id, token string
		decodeOutput(t, outputs, "onboarding_automation_id", &id)
		decodeOutput(t, outputs, "onboarding_execution_token", &token)
		as := e.sim.Automations(e.sim.Home().Hostname)
		if len(as) != 1 || as[0].ID != id || as[0].ExecutionToken != token || as[0].RunMode != "triggered" || as[0].SpaceID == "" {
			t.Errorf("automations %+v, want the example's triggered automation in a space, with the token in the output", as)
		}
	}
	exampleChecks["resources/qlik_automation_run"] = func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var run struct{ ID, Status string }
		decodeOutput(t, outputs, "refresh_crm_run", &run)
		as := e.sim.Automations(e.sim.Home().Hostname)
		if len(as) != 1 {
			t.Fatalf("%d automations, want 1", len(as))
		}
		runs := e.sim.AutomationRuns(e.sim.Home().Hostname, as[0].ID)
		if len(runs) != 1 || runs[0].ID != run.ID || run.Status != "finished" || runs[0].Status != "finished" {
			t.Errorf("runs %+v and output %+v, want one finished run", runs, run)
		}
	}
	exampleSetups["resources/qlik_reload_schedule"] = func(_ *testing.T, e *testEnv) {
		e.seedApp(e.sim.Home().Hostname, "Sales", "", 1024)
	}
	exampleChecks["resources/qlik_reload_schedule"] = func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var id string
		decodeOutput(t, outputs, "sales_nightly_task_id", &id)
		ts := e.sim.Tasks(e.sim.Home().Hostname)
		if len(ts) != 1 || ts[0].ID != id || !ts[0].Enabled || ts[0].Start.Schedule.Recurrence != "RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=0" || ts[0].Start.Schedule.Timezone != "Europe/Berlin" {
			t.Errorf("tasks %+v, want the example's nightly schedule", ts)
		}
	}
	exampleVars["resources/qlik_webhook"] = func(*testEnv) []string {
		return []string{"-var", "alerts_signing_secret=" + exampleWebhookSecret, "-var", "alerts_endpoint_token=" + exampleWebhookToken}
	}
	exampleFollowUps["resources/qlik_webhook"] = func(t *testing.T, _ *testEnv, tf *tfCLI, vars []string) {
		savedPlanKeepsNoSecret(t, tf, vars, exampleWebhookSecret)
	}
	exampleChecks["resources/qlik_webhook"] = func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var id string
		decodeOutput(t, outputs, "failed_reloads_webhook_id", &id)
		ws := e.sim.Webhooks(e.sim.Home().Hostname)
		if len(ws) != 1 || ws[0].ID != id || ws[0].Secret != exampleWebhookSecret ||
			ws[0].EncryptedHeaders["Authorization"] != "Bearer "+exampleWebhookToken || ws[0].Filter != `data.status eq "error"` || !ws[0].Enabled {
			t.Errorf("webhooks %+v, want the example's one with its secret and header", ws)
		}
	}
}

// oemAlertsSecret signs the OEM example's failed-reload alerts.
const oemAlertsSecret = "oem-alerts-signing-secret-2026-abcdef"

func init() {
	oemImportable += 3 // the vendor's brand, the published app's reload schedule and the webhook for failed reloads
	oemVars := exampleVars["oem-multitenant"]
	exampleVars["oem-multitenant"] = func(e *testEnv) []string {
		return append(oemVars(e), "-var", "alerts_signing_secret="+oemAlertsSecret)
	}
	oemFollowUps := exampleFollowUps["oem-multitenant"]
	exampleFollowUps["oem-multitenant"] = func(t *testing.T, e *testEnv, tf *tfCLI, vars []string) {
		checkOEMAlerting(t, e, tf)
		oemFollowUps(t, e, tf, vars)
	}
}

// checkOEMAlerting: every customer tenant has the vendor's brand active, every customer's published app has one enabled reload schedule in the customer's time zone,
// and every customer tenant holds one enabled webhook for failed reloads, to the vendor's endpoint,
// signed with the secret, which the state does not hold.
func checkOEMAlerting(t *testing.T, e *testEnv, tf *tfCLI) {
	t.Helper()
	var ids map[string]string
	decodeOutput(t, tf.outputs(), "alerts_webhooks", &ids)
	tenants := e.sim.Tenants()[1:]
	if len(ids) != len(tenants) || len(tenants) == 0 {
		t.Fatalf("alerts_webhooks %v for %d customer tenants", ids, len(tenants))
	}
	zones := map[string]string{"Acme Corp": "Europe/Berlin", "Globex": "America/New_York", "Initech": "Europe/Berlin"}
	for _, tn := range tenants {
		ts := e.sim.Tasks(tn.Hostname)
		// The published app is the one in the managed space.
		published := ""
		for _, sp := range e.sim.Spaces(tn.Hostname) {
			for _, a := range e.sim.Apps(tn.Hostname) {
				if sp.Type == "managed" && a.Attributes.SpaceID == sp.ID {
					published = a.Attributes.ID
				}
			}
		}
		if len(ts) != 1 || ts[0].ResourceID != published || published == "" || !ts[0].Enabled ||
			ts[0].Start.Schedule.Timezone != zones[tn.Name] || ts[0].Start.Schedule.Recurrence != "RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=0" {
			t.Errorf("tenant %s (%s): tasks %+v, want one enabled nightly schedule of the published app %s", tn.Hostname, tn.Name, ts, published)
		}
		if bs := e.sim.Brands(tn.Hostname); len(bs) != 1 || bs[0].Name != "Vendor Analytics" || !bs[0].Active {
			t.Errorf("tenant %s: brands %+v, want the vendor's brand, active", tn.Hostname, bs)
		}
		ws := e.sim.Webhooks(tn.Hostname)
		if len(ws) != 1 || !slices.Contains(slices.Collect(maps.Values(ids)), ws[0].ID) {
			t.Errorf("tenant %s: webhooks %+v, want the one of alerts_webhooks", tn.Hostname, ws)
			continue
		}
		w := ws[0]
		if w.URL != "https://alerts.vendor.example.com/qlik/reloads" || w.Secret != oemAlertsSecret || !w.Enabled ||
			w.Filter != `data.status eq "error"` || !slices.Equal(w.EventTypes, []string{"com.qlik.v1.app.reload.finished"}) || w.Headers["X-Customer"] == "" {
			t.Errorf("tenant %s: webhook %+v", tn.Hostname, w)
		}
	}
	state, err := os.ReadFile(filepath.Join(tf.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(state), oemAlertsSecret) {
		t.Error("the state file holds the alerts signing secret")
	}
}
