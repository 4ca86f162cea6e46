package qliksim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestContractAutomations drives automations through the validating transport: create, read, list, PUT, enable
// and disable, change of space, runs that finish, fail and are stopped, delete and the error answers.
func TestContractAutomations(t *testing.T) {
	t.Parallel()
	sim, home, c, calls := startContract(t, Options{}, "workflows-automations.json", "spaces.json")
	call := calls.call
	var space struct{ ID string }
	call(http.MethodPost, home.URL+"/api/v1/spaces", http.StatusCreated, map[string]any{"name": "Ops", "type": "shared"}).decode(t, &space)
	autos := home.URL + automationsPath
	var a Automation
	call(http.MethodPost, autos, http.StatusCreated, map[string]any{
		"name": "Refresh CRM", "spaceId": space.ID, "workspace": map[string]any{"runMode": "triggered", "blocks": []any{}},
		"schedules": []map[string]any{{"startAt": "2026-01-01 00:00:00", "interval": 3600, "timezone": "Europe/Stockholm"}},
	}).decode(t, &a)
	if a.RunMode != "triggered" || a.ExecutionToken == "" || a.SpaceID != space.ID || a.State != "available" || len(a.Schedules) != 1 || a.MaxConcurrentRuns != 1 {
		t.Fatalf("created %+v", a)
	}
	call(http.MethodGet, autos+"/"+a.ID, http.StatusOK, nil)
	var list struct{ Data []Automation }
	call(http.MethodGet, autos+"?filter="+url.QueryEscape(`name eq "Refresh CRM"`)+"&limit=150", http.StatusOK, nil).decode(t, &list)
	if len(list.Data) != 1 || list.Data[0].ID != a.ID {
		t.Fatalf("list %+v", list.Data)
	}
	var updated Automation
	call(http.MethodPut, autos+"/"+a.ID, http.StatusOK, map[string]any{"name": "Refresh CRM nightly", "workspace": map[string]any{}, "maxConcurrentRuns": 2}).decode(t, &updated)
	if updated.Name != "Refresh CRM nightly" || updated.RunMode != "manual" || len(updated.Schedules) != 0 || updated.ExecutionToken != a.ExecutionToken {
		t.Fatalf("put %+v", updated)
	}
	call(http.MethodPost, autos+"/"+a.ID+"/actions/change-space", http.StatusNoContent, map[string]any{"spaceId": ""})

	run := func() AutomationRun {
		t.Helper()
		var r AutomationRun
		call(http.MethodPost, autos+"/"+a.ID+"/runs", http.StatusCreated, map[string]any{"context": "api"}).decode(t, &r)
		return r
	}
	wait := func(r AutomationRun, want string) AutomationRun {
		t.Helper()
		for range 300 {
			var got AutomationRun
			call(http.MethodGet, autos+"/"+a.ID+"/runs/"+r.ID, http.StatusOK, nil).decode(t, &got)
			if got.Status == want {
				return got
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("run %s never reached %q", r.ID, want)
		return r
	}
	if r := run(); r.Status != AutomationRunQueued {
		t.Fatalf("new run %+v", r)
	} else {
		wait(r, AutomationRunFinished)
	}
	if err := sim.SetAutomationBehaviour(home.Hostname, a.ID, 20*time.Millisecond, true, "The CRM answered 401"); err != nil {
		t.Fatal(err)
	}
	failed := wait(run(), AutomationRunFailed)
	if b, _ := json.Marshal(failed.Error); len(failed.Error) != 1 || !json.Valid(b) {
		t.Fatalf("failed run errors %+v", failed.Error)
	}
	if err := sim.SetAutomationBehaviour(home.Hostname, a.ID, 5*time.Second, false, ""); err != nil {
		t.Fatal(err)
	}
	long := wait(run(), AutomationRunRunning)
	call(http.MethodPost, autos+"/"+a.ID+"/runs/"+long.ID+"/actions/stop", http.StatusNoContent, nil)
	wait(long, AutomationRunStopped)
	call(http.MethodPost, autos+"/"+a.ID+"/runs/"+long.ID+"/actions/stop", http.StatusBadRequest, nil)
	var runs struct{ Data []AutomationRun }
	call(http.MethodGet, autos+"/"+a.ID+"/runs", http.StatusOK, nil).decode(t, &runs)
	if len(runs.Data) != 3 || runs.Data[0].Status != AutomationRunStopped {
		t.Fatalf("runs %+v", runs.Data)
	}

	call(http.MethodPost, autos+"/"+a.ID+"/actions/disable", http.StatusNoContent, nil)
	call(http.MethodPost, autos+"/"+a.ID+"/runs", http.StatusBadRequest, map[string]any{"context": "api"})
	call(http.MethodPost, autos+"/"+a.ID+"/actions/enable", http.StatusNoContent, nil)

	call(http.MethodPost, autos, http.StatusBadRequest, map[string]any{"name": "x", "schedules": []map[string]any{{"interval": 90}}})
	call(http.MethodPost, autos, http.StatusBadRequest, map[string]any{"name": "x", "spaceId": "nope"})
	call(http.MethodDelete, autos+"/"+a.ID, http.StatusNoContent, nil)
	call(http.MethodGet, autos+"/"+a.ID, http.StatusNotFound, nil)
	calls.allValidated(c)
}
