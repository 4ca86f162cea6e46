package qlik_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func TestSim_ScriptThenReload(t *testing.T) {
	t.Parallel()
	sim, c, home := startReloadSim(t, qliksim.Options{ReloadDuration: 50 * time.Millisecond}, nil)
	ctx := t.Context()
	app, err := sim.SeedApp(home, "Sales", "", 1024)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetScript(ctx, app, "LOAD * FROM orders;\n", "customer A"); err != nil {
		t.Fatal(err)
	}
	cur, err := c.GetCurrentScript(ctx, app)
	if err != nil || cur.Script != "LOAD * FROM orders;\n" || cur.VersionMessage != "customer A" {
		t.Fatalf("current script %+v %v", cur, err)
	}
	versions, err := c.ListScriptVersions(ctx, app)
	if err != nil || len(versions) != 2 || versions[0].VersionMessage != "customer A" {
		t.Fatalf("versions %+v %v", versions, err)
	}
	r, err := c.CreateReload(ctx, qlik.ReloadRequest{AppID: app, Variables: map[string]string{"customer": "a"}})
	if err != nil || r.Status != qlik.ReloadQueued {
		t.Fatalf("create reload %+v %v", r, err)
	}
	done, err := c.WaitForReload(ctx, r.ID)
	if err != nil || done.Status != qlik.ReloadSucceeded || done.Duration() <= 0 {
		t.Fatalf("wait %+v %v", done, err)
	}
	info, _ := sim.ReloadByID(home, r.ID)
	if info.ScriptVersion != versions[0].ScriptID || info.Variables["customer"] != "a" {
		t.Errorf("the reload ran version %s with %v, want %s", info.ScriptVersion, info.Variables, versions[0].ScriptID)
	}
	if _, err := c.GetCurrentScript(ctx, "00000000-0000-0000-0000-000000000000"); !qlik.IsNotFound(err) {
		t.Errorf("script of a missing app: %v", err)
	}
}

func TestSim_ReloadPendingIsWaitedOutNotRateLimited(t *testing.T) {
	t.Parallel()
	log := &warnLogger{}
	sim, c, home := startReloadSim(t, qliksim.Options{EnforceRateLimits: true}, log)
	ctx := t.Context()
	app, _ := sim.SeedApp(home, "Sales", "", 1024)
	if err := sim.SetReloadBehaviour(home, app, 400*time.Millisecond, false, nil); err != nil {
		t.Fatal(err)
	}
	first, err := c.CreateReload(ctx, qlik.ReloadRequest{AppID: app})
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.CreateReload(ctx, qlik.ReloadRequest{AppID: app, Partial: true})
	if err != nil {
		t.Fatalf("second reload: %v", err)
	}
	firstDone, _ := sim.ReloadByID(home, first.ID)
	if firstDone.Status != qlik.ReloadSucceeded {
		t.Fatalf("the second reload was queued while the first is %s", firstDone.Status)
	}
	if second.CreationTime < firstDone.EndTime {
		t.Errorf("second reload created at %s, before the first ended at %s", second.CreationTime, firstDone.EndTime)
	}
	var refused, accepted int
	for _, a := range sim.Audit() {
		if a.Method == http.MethodPost && a.Route == "/api/v1/reloads" {
			switch a.Status {
			case http.StatusTooManyRequests:
				refused++
			case http.StatusCreated:
				accepted++
			}
		}
	}
	if refused != 1 || accepted != 2 {
		t.Errorf("POST /reloads: %d refused, %d accepted; want 1 and 2", refused, accepted)
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	for _, w := range log.warns {
		if strings.Contains(w, "rate limited") {
			t.Errorf("the pending-reload 429 was taken for a rate limit: %q", w)
		}
	}
}

func TestSim_ReloadFailedLogAndAmbiguousCreate(t *testing.T) {
	t.Parallel()
	sim, c, home := startReloadSim(t, qliksim.Options{}, nil)
	ctx := t.Context()
	app, _ := sim.SeedApp(home, "Sales", "", 1024)
	if err := sim.SetReloadBehaviour(home, app, 30*time.Millisecond, true, []string{"Connecting to orders-db", "Field 'region' not found"}); err != nil {
		t.Fatal(err)
	}
	// The POST commits but its answer is lost: the client adopts the reload instead of queuing a second.
	sim.FailRoute(home, http.MethodPost, "/api/v1/reloads", 1, qliksim.RouteFault{})
	r, err := c.CreateReload(ctx, qlik.ReloadRequest{AppID: app})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(sim.Reloads(home)); n != 1 {
		t.Fatalf("%d reloads after an ambiguous create, want 1", n)
	}
	done, err := c.WaitForReload(ctx, r.ID)
	if err != nil || done.Status != qlik.ReloadFailed || done.ErrorMessage == "" {
		t.Fatalf("wait %+v %v", done, err)
	}
	log, err := c.ReloadLog(ctx, app, r.ID)
	if err != nil || !strings.Contains(log, "Field 'region' not found") {
		t.Fatalf("log %q %v", log, err)
	}
	if err := c.CancelReload(ctx, r.ID); !qlik.IsConflict(err) {
		t.Errorf("cancel of an ended reload: %v", err)
	}
}

func TestSim_WaitForReloadCancelsOnContextEnd(t *testing.T) {
	t.Parallel()
	sim, c, home := startReloadSim(t, qliksim.Options{}, nil)
	app, _ := sim.SeedApp(home, "Sales", "", 1024)
	if err := sim.SetReloadBehaviour(home, app, time.Minute, false, nil); err != nil {
		t.Fatal(err)
	}
	r, err := c.CreateReload(t.Context(), qlik.ReloadRequest{AppID: app})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.WaitForReload(ctx, r.ID)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the wait returned %s after its context ended", d)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		info, _ := sim.ReloadByID(home, r.ID)
		if info.Status == qliksim.ReloadCanceled {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reload is %s, want CANCELED", info.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSim_DataConnectionLifecycle(t *testing.T) {
	t.Parallel()
	sim, c, home := startReloadSim(t, qliksim.Options{}, nil)
	ctx := t.Context()
	sp := newSpace(t, c, "Customer A", "shared")
	user, pass := "loader", "s3cret"
	req := qlik.DataConnectionCreateRequest{
		Name: "orders", Type: "QvOdbcConnectorPackage.exe", DatasourceID: "postgres",
		ConnectStatement: "CUSTOM CONNECT TO \"host=db;database=orders\"", SpaceID: sp.ID, Username: &user, Password: &pass,
	}
	// The create commits but the answer is lost: it is adopted by name and space, not repeated.
	sim.FailRoute(home, http.MethodPost, "/api/v1/data-connections", 1, qliksim.RouteFault{})
	dc, err := c.CreateDataConnection(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(sim.DataConnections(home)); n != 1 {
		t.Fatalf("%d data connections, want 1", n)
	}
	if _, err := c.CreateDataConnection(ctx, req); !qlik.IsConflict(err) {
		t.Errorf("duplicate name: %v", err)
	}
	got, err := c.GetDataConnection(ctx, dc.ID)
	if err != nil || got.Name != "orders" || got.SpaceID != sp.ID || got.DatasourceID != "postgres" {
		t.Fatalf("get %+v %v", got, err)
	}
	if stored, _ := sim.DataConnectionByID(home, dc.ID); stored.Password != pass || stored.Username != user {
		t.Errorf("stored credentials %q/%q", stored.Username, stored.Password)
	}
	newPass, newName := "n3w", "orders-eu"
	if err := c.UpdateDataConnection(ctx, dc.ID, qlik.DataConnectionUpdate{Name: &newName, Password: &newPass}); err != nil {
		t.Fatal(err)
	}
	if stored, _ := sim.DataConnectionByID(home, dc.ID); stored.Password != newPass || stored.QName != newName {
		t.Errorf("after update: %+v", stored)
	}
	deleteThenGone(t, dc.ID, c.DeleteDataConnection, c.GetDataConnection)
}
