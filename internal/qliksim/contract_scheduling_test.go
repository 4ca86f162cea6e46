package qliksim

import (
	"net/http"
	"testing"
	"time"
)

// reloadTaskBody is a time-scheduled reload task as the provider sends it.
func reloadTaskBody(appID, rrule string, enabled bool) map[string]any {
	return map[string]any{
		"name": "Nightly reload", "description": "Reloads the published app", "specVersion": "1.16.0", "version": "1.0.0",
		"enabled": enabled,
		"start":   map[string]any{"schedule": map[string]any{"recurrence": rrule, "timezone": "Europe/Berlin", "startDateTime": "2026-01-01T02:00:00Z"}},
		"states": []map[string]any{{
			"name": "reload", "type": "EVENT", "end": true,
			"onEvents": []map[string]any{{
				"eventRefs": []string{"schedule"},
				"actions":   []map[string]any{{"name": "app.reload", "functionRef": map[string]any{"refName": "app.reload", "arguments": map[string]any{"appId": appID, "partial": false}}}},
			}},
		}},
	}
}

// TestContractScheduling drives reload tasks through the validating transport: create, read, list, PATCH, PUT,
// runs that follow their reloads to SUCCEEDED and FAILED, the scheduler hook, delete and the error answers.
func TestContractScheduling(t *testing.T) {
	t.Parallel()
	sim, home, c, calls := startContract(t, Options{ReloadDuration: 30 * time.Millisecond}, "scheduling-tasks.json")
	call := calls.call
	appID, err := sim.SeedApp(home.Hostname, "Sales", "", 1024)
	if err != nil {
		t.Fatal(err)
	}
	tasks := home.URL + tasksPath
	var task Task
	call(http.MethodPost, tasks, http.StatusCreated, reloadTaskBody(appID, "RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=0", false)).decode(t, &task)
	if task.ResourceID != appID || task.Enabled || task.Metadata.DisabledCode != "MANUALLY" || task.Metadata.OwnerID == "" || task.Start.Schedule.Timezone != "Europe/Berlin" {
		t.Fatalf("created %+v", task)
	}
	call(http.MethodGet, tasks+"/"+task.ID, http.StatusOK, nil)
	var list struct{ Data []Task }
	call(http.MethodGet, tasks+"?resourceId="+appID+"&limit=5", http.StatusOK, nil).decode(t, &list)
	if len(list.Data) != 1 {
		t.Fatalf("list %+v", list.Data)
	}
	// A disabled task does not fire; an enabled one does.
	if _, fired, err := sim.FireTask(home.Hostname, task.ID); fired || err != nil {
		t.Fatalf("a disabled task fired (%v)", err)
	}
	id := task.ID
	task = Task{}
	call(http.MethodPatch, tasks+"/"+id, http.StatusOK, []map[string]any{
		{"op": "replace", "path": "/enabled", "value": true}, {"op": "replace", "path": "/start/schedule/recurrence", "value": "RRULE:FREQ=WEEKLY;BYDAY=MO"},
	}).decode(t, &task)
	if !task.Enabled || task.Start.Schedule.Recurrence != "RRULE:FREQ=WEEKLY;BYDAY=MO" || task.Metadata.DisabledCode != "" {
		t.Fatalf("patched %+v", task)
	}
	run, fired, err := sim.FireTask(home.Hostname, task.ID)
	if !fired || err != nil || run.Status != TaskRunRunning || run.TriggeredBy != "schedule" {
		t.Fatalf("fire: %+v %v %v", run, fired, err)
	}
	waitRun := func(want string) TaskRun {
		t.Helper()
		for range 300 {
			runs := sim.TaskRuns(home.Hostname, task.ID)
			if last := runs[len(runs)-1]; last.Status != TaskRunRunning {
				if last.Status != want {
					t.Fatalf("run ended %s, want %s", last.Status, want)
				}
				return last
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatal("the run did not end")
		return TaskRun{}
	}
	waitRun(TaskRunSucceeded)
	if err := sim.SetReloadBehaviour(home.Hostname, appID, 10*time.Millisecond, true, nil); err != nil {
		t.Fatal(err)
	}
	call(http.MethodPost, tasks+"/"+task.ID+"/actions/start", http.StatusOK, nil)
	failed := waitRun(TaskRunFailed)
	var runs struct{ Data []TaskRun }
	call(http.MethodGet, tasks+"/"+task.ID+"/runs", http.StatusOK, nil).decode(t, &runs)
	if len(runs.Data) != 2 || runs.Data[0].Status != TaskRunFailed || runs.Data[0].TriggeredBy != "manual" {
		t.Fatalf("runs %+v", runs.Data)
	}
	call(http.MethodGet, tasks+"/"+task.ID+"/runs/last", http.StatusOK, nil)
	call(http.MethodGet, tasks+"/"+task.ID+"/runs/"+failed.ID+"/log", http.StatusOK, nil)

	// PUT replaces the definition.
	body := reloadTaskBody(appID, "RRULE:FREQ=HOURLY;INTERVAL=6", true)
	body["name"] = "Every six hours"
	call(http.MethodPut, tasks+"/"+task.ID, http.StatusOK, body).decode(t, &task)
	if task.Name != "Every six hours" || task.Start.Schedule.Recurrence != "RRULE:FREQ=HOURLY;INTERVAL=6" {
		t.Fatalf("put %+v", task)
	}

	// Errors.
	call(http.MethodPost, tasks, http.StatusBadRequest, reloadTaskBody(appID, "FREQ=DAILY", true))
	call(http.MethodPost, tasks, http.StatusBadRequest, reloadTaskBody(appID, "RRULE:FREQ=SOMETIMES", true))
	bad := reloadTaskBody(appID, "RRULE:FREQ=DAILY", true)
	bad["start"] = map[string]any{"schedule": map[string]any{"recurrence": "RRULE:FREQ=DAILY", "timezone": "Mars/Olympus"}}
	call(http.MethodPost, tasks, http.StatusBadRequest, bad)
	call(http.MethodPost, tasks, http.StatusNotFound, reloadTaskBody("no-such-app", "RRULE:FREQ=DAILY", true))
	call(http.MethodPatch, tasks+"/"+task.ID, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/states", "value": []any{}}})
	call(http.MethodDelete, tasks+"/"+task.ID, http.StatusNoContent, nil)
	call(http.MethodGet, tasks+"/"+task.ID, http.StatusNotFound, nil)
	calls.allValidated(c)
}
