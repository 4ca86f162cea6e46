package qliksim

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

// The pending-reload 429 and the reload tier's rate-limit 429 must stay distinguishable: only the latter carries
// Retry-After and code HTTP-429.
func TestReloadPendingAndReloadTier(t *testing.T) {
	t.Parallel()
	// One per minute is five per 5-minute window.
	sim := StartT(t, Options{EnforceRateLimits: true, Limits: map[Tier]int{TierReloads: 1}})
	home := sim.Home()
	key := sim.Credentials().APIKey
	c := newTestClient(t)
	a, _ := sim.SeedApp(home.Hostname, "A", "", 1)
	b, _ := sim.SeedApp(home.Hostname, "B", "", 1)
	if err := sim.SetReloadBehaviour(home.Hostname, a, time.Minute, false, nil); err != nil {
		t.Fatal(err)
	}
	post := func(app string) *response {
		t.Helper()
		r, err := c.send(http.MethodPost, home.URL+"/api/v1/reloads", key, map[string]string{"appId": app})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := post(a); r.status != http.StatusCreated {
		t.Fatalf("first reload: %d %s", r.status, r)
	}
	pending := post(a)
	if pending.status != http.StatusTooManyRequests || pending.header.Get("Retry-After") != "" || !slices.Equal(pending.errorCodes(t), []string{codeReloadPending}) {
		t.Errorf("pending reload: %d %v %s", pending.status, pending.header, pending)
	}
	if r := post(b); r.status != http.StatusCreated {
		t.Fatalf("reload of another app: %d %s", r.status, r)
	}
	// Pending answers count against the tier too: the fourth and fifth requests of the window use it up.
	for range 2 {
		if r := post(b); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "" {
			t.Fatalf("pending reload of B: %d %v %s", r.status, r.header, r)
		}
	}
	limited := post(b)
	if limited.status != http.StatusTooManyRequests || limited.header.Get("Retry-After") == "" || !slices.Equal(limited.errorCodes(t), []string{"HTTP-429"}) {
		t.Errorf("sixth POST within the tier's window: %d %v %s", limited.status, limited.header, limited)
	}
}

func TestEditScriptAndReloadRecordsVersion(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{ReloadDuration: 10 * time.Millisecond})
	home := sim.Home()
	app, _ := sim.SeedApp(home.Hostname, "A", "", 1)
	id, err := sim.EditScript(home.Hostname, app, "LOAD 42 AS answer AUTOGENERATE 1;")
	if err != nil {
		t.Fatal(err)
	}
	versions, _ := sim.Scripts(home.Hostname, app)
	if len(versions) != 2 || versions[0].Script != defaultAppScript || versions[1].ID != id {
		t.Fatalf("versions %+v", versions)
	}
	c := newTestClient(t)
	r, err := c.send(http.MethodPost, home.URL+"/api/v1/reloads", sim.Credentials().APIKey, map[string]string{"appId": app})
	if err != nil || r.status != http.StatusCreated {
		t.Fatalf("reload: %v %v", r, err)
	}
	var rl Reload
	r.decode(t, &rl)
	deadline := time.Now().Add(3 * time.Second)
	for {
		info, _ := sim.ReloadByID(home.Hostname, rl.ID)
		if info.Status == ReloadSucceeded {
			if info.ScriptVersion != id {
				t.Errorf("reload ran version %s, want %s", info.ScriptVersion, id)
			}
			a, _ := sim.App(home.Hostname, app)
			if a.Attributes.LastReloadTime == "" {
				t.Error("lastReloadTime not set")
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("reload is %s", info.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
