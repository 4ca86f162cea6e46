package provider_test

import (
	"encoding/json"
	"testing"
)

// The examples of the schedule, automation and webhook resources, registered with TestAccExamples.

// exampleWebhookSecret and exampleWebhookToken are the webhook example's write-only values.
const (
	exampleWebhookSecret = "example-signing-secret-0123456789abcdef"
	exampleWebhookToken  = "example-endpoint-token"
)

func init() {
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
