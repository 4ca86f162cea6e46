package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// TestAdminEndpoint seeds an app through the admin endpoint of a running simulator, then reads it back in the
// inventory and finds the calls of a client in the audit.
func TestAdminEndpoint(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stderr lockedBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-admin", "127.0.0.1:0", "-audit-max", "0"}, io.Discard, &stderr) }()

	re := regexp.MustCompile(`qliksim: admin (http://127\.0\.0\.1:\d+)`)
	var admin string
	for deadline := time.Now().Add(10 * time.Second); admin == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			admin = m[1]
		}
	}
	if admin == "" {
		t.Fatalf("no admin URL on stderr:\n%s", stderr.String())
	}

	var seeded struct{ ID string }
	adminCall(t, http.MethodPost, admin+"/apps?name=Sales+template&size=1024", &seeded)
	if seeded.ID == "" {
		t.Fatal("POST /apps answered no id")
	}
	var bad *http.Response
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, admin+"/apps?name=x&size=-1", nil)
	bad, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = bad.Body.Close()
	if bad.StatusCode != http.StatusBadRequest {
		t.Errorf("POST /apps with a negative size answered %d, want 400", bad.StatusCode)
	}

	var inv []qliksim.TenantInventory
	adminCall(t, http.MethodGet, admin+"/inventory", &inv)
	if len(inv) != 1 || !inv[0].Home || len(inv[0].Objects) != 1 || inv[0].Objects[0].ID != seeded.ID || inv[0].Objects[0].Key != "/Sales template" {
		t.Fatalf("inventory = %+v, want the home tenant with the seeded app", inv)
	}

	// Users' private content is seeded into an app and read back; bad input and missing apps are refused.
	var sheet qliksim.PrivateObject
	adminCall(t, http.MethodPost, admin+"/private-objects?app="+seeded.ID+"&type=sheet&owner=user-ann&title=Margins", &sheet)
	var objs []qliksim.PrivateObject
	adminCall(t, http.MethodGet, admin+"/private-objects?app="+seeded.ID, &objs)
	if sheet.ID == "" || len(objs) != 1 || objs[0] != sheet || sheet.Type != "sheet" || sheet.OwnerID != "user-ann" || sheet.Title != "Margins" {
		t.Errorf("private objects %+v after seeding %+v", objs, sheet)
	}
	for q, want := range map[string]int{
		"POST app=" + seeded.ID + "&type=widget&owner=u":                   http.StatusBadRequest,
		"POST app=" + seeded.ID + "&type=sheet":                            http.StatusBadRequest,
		"POST app=00000000-0000-0000-0000-000000000000&type=sheet&owner=u": http.StatusNotFound,
		"GET app=00000000-0000-0000-0000-000000000000":                     http.StatusNotFound,
		"GET tenant=127.0.0.1:1&app=" + seeded.ID:                          http.StatusNotFound,
	} {
		method, query, _ := strings.Cut(q, " ")
		req, _ := http.NewRequestWithContext(t.Context(), method, admin+"/private-objects?"+query, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s /private-objects?%s answered %d, want %d", method, query, resp.StatusCode, want)
		}
	}

	// A request to the home tenant is audited and visible from the admin endpoint.
	home := "http://" + inv[0].Hostname
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodGet, home+"/api/v1/spaces", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	var audit []qliksim.AuditEntry
	adminCall(t, http.MethodGet, admin+"/audit?since=0", &audit)
	if len(audit) != 1 || audit[0].Method != http.MethodGet || audit[0].Route != "/api/v1/spaces" || audit[0].Status != http.StatusUnauthorized {
		t.Fatalf("audit = %+v, want the one unauthenticated GET /api/v1/spaces", audit)
	}
	adminCall(t, http.MethodGet, admin+"/audit?since=1", &audit)
	if len(audit) != 0 {
		t.Errorf("audit since 1 = %+v, want nothing", audit)
	}
	var stats map[string]int
	adminCall(t, http.MethodGet, admin+"/stats", &stats)
	if stats["audit_entries"] != 1 || stats["rate_limited"] != 0 {
		t.Errorf("stats = %v", stats)
	}

	// Faults set through the admin endpoint hit the next request.
	var empty struct{}
	adminCall(t, http.MethodPost, admin+"/faults?503=1", &empty)
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodGet, home+"/api/v1/spaces", nil)
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("with 503=1 a request answered %d", resp.StatusCode)
	}
	adminCall(t, http.MethodPost, admin+"/faults?503=0", &empty)
	for _, q := range []string{"429=0.7&503=0.7", "reset=2", "429=x", "retry-after=-1"} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, admin+"/faults?"+q, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("POST /faults?%s answered %d, want 400", q, resp.StatusCode)
		}
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestAdminRefusesNonLoopback(t *testing.T) {
	t.Parallel()
	err := run(t.Context(), []string{"-admin", "0.0.0.0:0"}, io.Discard, io.Discard)
	if !errors.Is(err, errAdminNotLoopback) {
		t.Fatalf("run with -admin 0.0.0.0:0 = %v, want %v", err, errAdminNotLoopback)
	}
}

func adminCall(t *testing.T, method, url string, out any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("%s %s: %v: %s", method, url, err, body)
	}
}
