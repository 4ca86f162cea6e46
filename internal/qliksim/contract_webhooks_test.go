package qliksim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// receiver is a TLS endpoint that records what webhooks deliver to it.
type receiver struct {
	srv        *httptest.Server
	deliveries chan receivedDelivery
}

type receivedDelivery struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{deliveries: make(chan receivedDelivery, 16)}
	rc.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.deliveries <- receivedDelivery{header: r.Header.Clone(), body: b}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) next(t *testing.T) receivedDelivery {
	t.Helper()
	select {
	case d := <-rc.deliveries:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook delivery arrived")
		return receivedDelivery{}
	}
}

// TestContractWebhooks drives the webhooks API through the validating transport: create, read, list, PATCH, PUT
// (which clears what it omits), the deliveries of a failed reload, resend, delete and the error answers.
func TestContractWebhooks(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	sim, home, c, calls := startContract(t, Options{ReloadDuration: 50 * time.Millisecond, WebhookClient: rc.srv.Client()}, "webhooks.json", "reloads.json")
	call := calls.call
	bad := calls.callInvalid
	hooks := home.URL + webhooksPath
	secret := strings.Repeat("s", 40)

	var types struct{ Data []EventType }
	call(http.MethodGet, hooks+"/event-types", http.StatusOK, nil).decode(t, &types)
	if len(types.Data) == 0 || !strings.Contains(string(mustJSON(t, types)), EventReloadFinished) {
		t.Fatalf("event types %+v", types.Data)
	}

	var wh Webhook
	call(http.MethodPost, hooks, http.StatusCreated, map[string]any{
		"name": "alerts", "url": rc.srv.URL + "/qlik", "eventTypes": []string{EventReloadFinished},
		"filter": `data.status eq "error"`, "secret": secret, "enabled": true,
		"headers": map[string]string{"X-Team": "data"}, "encryptedHeaders": map[string]string{"Authorization": "Bearer hidden"},
	}).decode(t, &wh)
	if !wh.SecretKeyAdded || wh.Level != "tenant" || wh.Origin != "api" || len(wh.EncryptedHeaders) != 1 || wh.EncryptedHeaders[0] != "Authorization" {
		t.Fatalf("created %+v", wh)
	}
	got := call(http.MethodGet, hooks+"/"+wh.ID, http.StatusOK, nil)
	if strings.Contains(string(got.body), secret) || strings.Contains(string(got.body), "hidden") {
		t.Fatalf("GET serves a secret: %s", got.body)
	}
	var list struct{ Data []Webhook }
	call(http.MethodGet, hooks+"?name=ALER&limit=5", http.StatusOK, nil).decode(t, &list)
	if len(list.Data) != 1 || list.Data[0].ID != wh.ID {
		t.Fatalf("list %+v", list.Data)
	}

	// A successful reload does not match the filter; a failed one is delivered, signed.
	appID, err := sim.SeedApp(home.Hostname, "Sales", "", 1024)
	if err != nil {
		t.Fatal(err)
	}
	reload := func() {
		t.Helper()
		var r Reload
		call(http.MethodPost, home.URL+reloadsPath, http.StatusCreated, map[string]any{"appId": appID}).decode(t, &r)
		for range 200 {
			if info, _ := sim.ReloadByID(home.Hostname, r.ID); info.EndTime != "" {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatal("the reload did not end")
	}
	reload()
	if err := sim.SetReloadBehaviour(home.Hostname, appID, 20*time.Millisecond, true, []string{"Table not found"}); err != nil {
		t.Fatal(err)
	}
	reload()
	d := rc.next(t)
	if sig := d.header.Get("Qlik-Signature"); sig != WebhookSignature(secret, d.body) {
		t.Errorf("signature %q does not verify", sig)
	}
	if d.header.Get("Authorization") != "Bearer hidden" || d.header.Get("X-Team") != "data" {
		t.Errorf("headers %v", d.header)
	}
	var ev struct {
		Type string
		Data struct{ Status, AppID, ErrorCode string }
	}
	if err := json.Unmarshal(d.body, &ev); err != nil || ev.Type != EventReloadFinished || ev.Data.Status != "error" || ev.Data.AppID != appID || ev.Data.ErrorCode == "" {
		t.Fatalf("event %s (%v)", d.body, err)
	}
	select {
	case extra := <-rc.deliveries:
		t.Fatalf("the successful reload was delivered too: %s", extra.body)
	default:
	}
	var dl struct{ Data []WebhookDelivery }
	deadline := time.Now().Add(5 * time.Second)
	for len(dl.Data) == 0 && time.Now().Before(deadline) {
		call(http.MethodGet, hooks+"/"+wh.ID+"/deliveries?status=success", http.StatusOK, nil).decode(t, &dl)
	}
	if len(dl.Data) != 1 || dl.Data[0].Request.Headers["Authorization"] != "**OMITTED**" {
		t.Fatalf("deliveries %+v", dl.Data)
	}
	call(http.MethodGet, hooks+"/"+wh.ID+"/deliveries/"+dl.Data[0].ID, http.StatusOK, nil)
	call(http.MethodPost, hooks+"/"+wh.ID+"/deliveries/"+dl.Data[0].ID+"/actions/resend", http.StatusCreated, nil)
	if again := rc.next(t); string(again.body) != string(d.body) {
		t.Errorf("resend delivered %s, want the same event", again.body)
	}

	// PATCH changes what it names; the secret stays.
	call(http.MethodPatch, hooks+"/"+wh.ID, http.StatusNoContent, []map[string]any{
		{"op": "replace", "path": "/name", "value": "alerts-2"}, {"op": "replace", "path": "/enabled", "value": false},
	})
	if infos := sim.Webhooks(home.Hostname); len(infos) != 1 || infos[0].Name != "alerts-2" || infos[0].Enabled || infos[0].Secret != secret {
		t.Fatalf("after PATCH %+v", infos)
	}
	// PUT clears what it omits: the secret, the filter and the encrypted headers.
	call(http.MethodPut, hooks+"/"+wh.ID, http.StatusOK, map[string]any{"name": "alerts-3", "url": rc.srv.URL}).decode(t, &wh)
	if infos := sim.Webhooks(home.Hostname); infos[0].Secret != "" || infos[0].Filter != "" || len(infos[0].EncryptedHeaders) != 0 || wh.SecretKeyAdded {
		t.Fatalf("after PUT %+v", infos[0])
	}

	// Errors.
	bad(http.MethodPost, hooks, http.StatusBadRequest, map[string]any{"name": "x", "url": "https://example.com", "secret": "short"})
	call(http.MethodPost, hooks, http.StatusBadRequest, map[string]any{"name": "x", "url": "http://example.com"})
	call(http.MethodPost, hooks, http.StatusBadRequest, map[string]any{"name": "x", "url": "https://example.com", "eventTypes": []string{"com.qlik.v1.nothing"}})
	call(http.MethodPost, hooks, http.StatusBadRequest, map[string]any{
		"name": "x", "url": "https://example.com",
		"eventTypes": []string{EventReloadFinished, "com.qlik.v1.app.created"}, "filter": `data.status eq "error"`,
	})
	call(http.MethodPatch, hooks+"/"+wh.ID, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/enableCloudEventDelivery", "value": false}})
	bad(http.MethodPatch, hooks+"/"+wh.ID, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/filter", "value": "id eq \"x\""}})
	call(http.MethodDelete, hooks+"/"+wh.ID, http.StatusNoContent, nil)
	call(http.MethodGet, hooks+"/"+wh.ID, http.StatusNotFound, nil)
	call(http.MethodDelete, hooks+"/"+wh.ID, http.StatusNotFound, nil)
	calls.allValidated(c)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
