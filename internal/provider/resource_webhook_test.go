package provider_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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

type webhookConfig struct {
	name, url, filter, secret string
	version                   int
	enabled                   bool
}

func (c webhookConfig) hcl(provider string) string {
	return testConfig(provider, "TestAccWebhook", tfVars{
		"name": c.name, "url": c.url, "filter": c.filter, "enabled": c.enabled,
		"secret": c.secret, "secret_version": c.version, "token": webhookToken,
	})
}

const webhookToken = "Bearer vendor-endpoint-token-7f3a"

func TestAccWebhook_basic(t *testing.T) {
	e, home := newTestEnv(t)
	secret1, secret2 := strings.Repeat("1", 16)+"-first-secret-abcd", strings.Repeat("2", 16)+"-second-secret-xyz"
	var id, firstID string
	stored := func(name, url, secret string, enabled bool) resource.TestCheckFunc {
		return theOnly("webhooks", e.sim.Webhooks, home.Hostname, func(w qliksim.WebhookInfo) error {
			if w.ID != id || w.Name != name || w.URL != url || w.Secret != secret || w.Enabled != enabled ||
				w.EncryptedHeaders["Authorization"] != webhookToken || w.Headers["X-Team"] != "data" {
				return fmt.Errorf("stored %+v, want %s %q %q enabled=%v with the secret %q", w, id, name, url, enabled, secret)
			}
			return nil
		})
	}
	noSecrets := resource.ComposeAggregateTestCheckFunc(noSecretInState(secret1), noSecretInState(secret2), noSecretInState(webhookToken))
	c := webhookConfig{name: "alerts", url: "https://alerts.example.com/qlik", filter: `data.status eq "error"`, secret: secret1, version: 1, enabled: true}
	eu := webhookConfig{name: "alerts-eu", url: "https://alerts.example.com/eu", filter: c.filter, secret: secret2, version: 2}.hcl(e.oauthProvider())
	newFilter := webhookConfig{name: "alerts-eu", url: "https://alerts.example.com/eu", filter: `data.status eq "ok"`, secret: secret2, version: 2}.hcl(e.oauthProvider())
	e.testCase(t, resource.TestCase{
		CheckDestroy: noneLeftAfterDestroy("webhooks", countIn(e.sim.Webhooks, home.Hostname)),
		Steps: []resource.TestStep{
			createStep(c.hcl(e.oauthProvider()), "qlik_webhook.test", &id,
				[]statecheck.StateCheck{
					isNull("qlik_webhook.test", "secret_wo"),
					isNull("qlik_webhook.test", "encrypted_headers_wo"),
					hasBool("qlik_webhook.test", "secret_added", true),
					hasString("qlik_webhook.test", "level", "tenant"),
					hasString("qlik_webhook.test", "created_by", home.BotUserID),
				},
				captureID("qlik_webhook.test", &firstID),
				stored("alerts", "https://alerts.example.com/qlik", secret1, true),
				noSecrets),
			importStep("qlik_webhook.test", "secret_wo_version", "encrypted_headers_wo_version"),
			{
				// Rename, new URL, off, a new secret: one PATCH, no PUT (which would clear the encrypted header).
				PreConfig:        e.sim.ResetAudit,
				Config:           eu,
				ConfigPlanChecks: planThenEmpty("qlik_webhook.test", plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					stored("alerts-eu", "https://alerts.example.com/eu", secret2, false),
					noSecrets,
					func(*terraform.State) error {
						patches := e.auditCount(func(a qliksim.AuditEntry) bool { return a.Method == http.MethodPatch })
						puts := e.auditCount(func(a qliksim.AuditEntry) bool { return a.Method == http.MethodPut })
						if patches != 1 || puts != 0 {
							return fmt.Errorf("%d PATCH and %d PUT requests, want 1 and 0", patches, puts)
						}
						return nil
					},
				),
			},
			// A change in the management console (turned on, another URL) shows as an update that restores it; the
			// secret is left alone.
			driftStep(t, eu,
				func() error {
					return e.sim.EditWebhook(home.Hostname, id, func(w *qliksim.Webhook) { w.Enabled, w.URL = true, "https://elsewhere.example.com" })
				},
				planThenEmpty("qlik_webhook.test", plancheck.ResourceActionUpdate),
				stored("alerts-eu", "https://alerts.example.com/eu", secret2, false)),
			// Qlik cannot change a filter: a new one replaces the webhook, which gets the secret again.
			replaceStep(newFilter, "qlik_webhook.test", &id, &firstID,
				stored("alerts-eu", "https://alerts.example.com/eu", secret2, false)),
			recreateStep(t, newFilter, "qlik_webhook.test",
				deleteByID(e.sim.DeleteWebhook, home.Hostname, &id), countIn(e.sim.Webhooks, home.Hostname)),
		},
	})
}

// Bad input fails the plan at the attribute, with no request that writes; what only Qlik can refuse comes back with
// its code and request id.
func TestAccWebhook_validation(t *testing.T) {
	e, home := newTestEnv(t)
	hook := func(body string) string { return e.badResource("qlik_webhook", body) }
	ets := `  event_types = ["com.qlik.v1.app.reload.finished"]` + "\n"
	cases := []planError{
		{"http URL", hook(ets + `  url = "http://alerts.example.com"`), regexp.MustCompile(`(?s)Invalid URL.*must start with https://`)},
		{"short secret", hook(ets + `  url = "https://a.example.com"
  secret_wo = "short"
  secret_wo_version = 1`), regexp.MustCompile(`(?s)secret_wo.*32 and 64`)},
		{"secret without version", hook(ets + `  url = "https://a.example.com"
  secret_wo = "` + strings.Repeat("s", 40) + `"`), regexp.MustCompile(`secret_wo_version`)},
		{"filter on two event types", hook(`  url = "https://a.example.com"
  event_types = ["com.qlik.v1.app.reload.finished", "com.qlik.v1.app.published"]
  filter = "data.status eq \"error\""`), regexp.MustCompile(`(?s)Filter not allowed.*exactly`)},
		{"level", hook(ets + `  url = "https://a.example.com"
  level = "space"`), regexp.MustCompile(`(?s)level.*tenant.*user`)},
		{"no event types", hook(`  url = "https://a.example.com"
  event_types = []`), regexp.MustCompile(`(?s)event_types.*at least 1`)},
		{"header twice", hook(ets + `  url = "https://a.example.com"
  headers = { Authorization = "a" }
  encrypted_headers_wo = { authorization = "b" }
  encrypted_headers_wo_version = 1`), regexp.MustCompile(`(?s)Header given twice`)},
	}
	e.expectPlanErrorsWithoutWrites(t, home.Hostname, cases, resource.TestStep{
		Config: hook(`  url = "https://a.example.com"
  event_types = ["com.qlik.v1.app.nothing"]`),
		ExpectError: regexp.MustCompile(`(?s)Unable to create webhook.*HTTP\s+400.*Code: WEBHOOKS-400.*com\.qlik\.v1\.app\.nothing.*Request ID: [0-9a-f]+`),
	})
}

// TestAccWebhook_alertsOnFailedReload is the alerting path of the OEM example: in a customer tenant, a webhook for
// failed reloads and a reload that fails. The vendor's endpoint (a local TLS receiver) gets the event, signed with
// the secret: the receiver verifies the Qlik-Signature header itself.
func TestAccWebhook_alertsOnFailedReload(t *testing.T) {
	type delivery struct {
		signature string
		body      []byte
	}
	got := make(chan delivery, 8)
	receiver := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- delivery{signature: r.Header.Get("Qlik-Signature"), body: b}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(receiver.Close)
	e, _ := newTestEnvWith(t, qliksim.Options{WebhookClient: receiver.Client()})
	customer := e.addTenant("Customer A")
	app := e.seedApp(customer.Hostname, "Sales", "", 1024)
	must(t, e.sim.SetReloadBehaviour(customer.Hostname, app, 50*time.Millisecond, true, []string{"Error: Table not found: orders_2024"}))
	secret := "alert-secret-" + strings.Repeat("9", 24)
	cfg := testConfig(e.oauthProvider(), "TestAccWebhook_alerting", tfVars{
		"tenant": customer.Hostname, "receiver": receiver.URL + "/qlik/alerts", "secret": secret, "app_id": app,
	})
	e.test(t, []resource.TestStep{{
		Config:      cfg,
		ExpectError: regexp.MustCompile(`(?s)Reload FAILED.*Table not found`),
	}})
	var d delivery
	select {
	case d = <-got:
	case <-time.After(15 * time.Second):
		t.Fatal("the failed reload was not delivered to the receiver")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(d.body)
	if want := hex.EncodeToString(mac.Sum(nil)); !hmac.Equal([]byte(d.signature), []byte(want)) {
		t.Errorf("Qlik-Signature %q does not verify with the secret (want %s)", d.signature, want)
	}
	var ev struct {
		Type     string `json:"type"`
		TenantID string `json:"tenantid"`
		Data     struct {
			Status, AppID, ErrorCode string
		} `json:"data"`
	}
	if err := json.Unmarshal(d.body, &ev); err != nil {
		t.Fatalf("delivery body %s: %v", d.body, err)
	}
	if ev.Type != "com.qlik.v1.app.reload.finished" || ev.Data.Status != "error" || ev.Data.AppID != app || ev.TenantID != customer.ID || ev.Data.ErrorCode == "" {
		t.Errorf("event %s", d.body)
	}
}
