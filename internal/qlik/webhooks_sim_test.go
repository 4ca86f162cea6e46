package qlik_test

import (
	"strings"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// The webhook's secret and encrypted header values reach Qlik on create and PATCH and never a log line; updates
// are PATCH operations for what changed only, so the secret survives a rename.
func TestSim_WebhookLifecycle(t *testing.T) {
	t.Parallel()
	log := &lineLogger{}
	sim, c, home := startReloadSim(t, qliksim.Options{}, log)
	ctx := t.Context()
	secret, token := "whsec-"+strings.Repeat("a", 30), "Bearer tok-"+strings.Repeat("b", 20)
	wh, err := c.CreateWebhook(ctx, qlik.WebhookCreateRequest{
		Name: "alerts", URL: "https://alerts.example.com/qlik", EventTypes: []string{"com.qlik.v1.app.reload.finished"},
		Filter: `data.status eq "error"`, Enabled: true, Secret: secret, EncryptedHeaders: map[string]string{"Authorization": token},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !wh.SecretKeyAdded || len(wh.EncryptedHeaders) != 1 || wh.Filter != `data.status eq "error"` || !wh.Enabled {
		t.Fatalf("created %+v", wh)
	}
	found, err := c.FindWebhook(ctx, "alerts", "https://alerts.example.com/qlik")
	if err != nil || found.ID != wh.ID {
		t.Fatalf("find %+v %v", found, err)
	}
	if _, err := c.FindWebhook(ctx, "alerts", "https://other.example.com"); !qlik.IsNotFound(err) {
		t.Fatalf("find with another URL: %v, want not found", err)
	}
	name, off := "alerts-eu", false
	wh, err = c.UpdateWebhook(ctx, wh.ID, qlik.WebhookUpdate{Name: &name, Enabled: &off})
	if err != nil || wh.Name != "alerts-eu" || wh.Enabled {
		t.Fatalf("update %+v %v", wh, err)
	}
	stored := sim.Webhooks(home)
	if len(stored) != 1 || stored[0].Secret != secret || stored[0].EncryptedHeaders["Authorization"] != token {
		t.Fatalf("stored %+v", stored)
	}
	secret2 := "whsec-" + strings.Repeat("c", 30)
	if _, err := c.UpdateWebhook(ctx, wh.ID, qlik.WebhookUpdate{Secret: &secret2}); err != nil {
		t.Fatal(err)
	}
	if got := sim.Webhooks(home)[0].Secret; got != secret2 {
		t.Errorf("secret after PATCH %q", got)
	}
	deleteThenGone(t, wh.ID, c.DeleteWebhook, c.GetWebhook)
	log.mu.Lock()
	defer log.mu.Unlock()
	if len(log.lines) == 0 {
		t.Fatal("nothing was logged, so nothing was checked")
	}
	for _, l := range log.lines {
		for _, s := range []string{secret, secret2, token} {
			if strings.Contains(l, s) {
				t.Errorf("a log line holds a secret: %s", l)
			}
		}
	}
}
