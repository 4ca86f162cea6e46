package qlik_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// An automation's lifecycle and runs through the client: the execution token never reaches a log line, a failed
// run carries its errors, and a wait interrupted by its context stops the run.
func TestSim_AutomationLifecycleAndRuns(t *testing.T) {
	t.Parallel()
	log := &lineLogger{}
	sim, c, home := startReloadSim(t, qliksim.Options{}, log)
	ctx := t.Context()
	a, err := c.CreateAutomation(ctx, qlik.AutomationRequest{Name: "Sync CRM", Workspace: json.RawMessage(`{"runMode":"triggered"}`)})
	if err != nil {
		t.Fatal(err)
	}
	if a.RunMode != "triggered" || a.ExecutionToken == "" || a.State != "available" {
		t.Fatalf("created %+v", a)
	}
	if found, err := c.FindAutomation(ctx, "Sync CRM", ""); err != nil || found.ID != a.ID {
		t.Fatalf("find %+v %v", found, err)
	}
	a2, err := c.UpdateAutomation(ctx, a.ID, qlik.AutomationRequest{Name: "Sync CRM", Description: "nightly", Workspace: json.RawMessage(`{"runMode":"triggered"}`)})
	if err != nil || a2.Description != "nightly" || a2.ExecutionToken != a.ExecutionToken {
		t.Fatalf("update %+v %v", a2, err)
	}

	run, err := c.RunAutomation(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	done, err := c.WaitForAutomationRun(ctx, a.ID, run.ID)
	if err != nil || !done.Succeeded() {
		t.Fatalf("run %+v %v", done, err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(sim.SetAutomationBehaviour(home, a.ID, 20*time.Millisecond, true, "The CRM answered 401"))
	run, err = c.RunAutomation(ctx, a.ID)
	must(err)
	done, err = c.WaitForAutomationRun(ctx, a.ID, run.ID)
	if err != nil || done.Status != qlik.AutomationRunFailed || !strings.Contains(done.ErrorText(), "The CRM answered 401") {
		t.Fatalf("failed run %+v (%s) %v", done, done.ErrorText(), err)
	}
	must(sim.SetAutomationBehaviour(home, a.ID, time.Minute, false, ""))
	run, err = c.RunAutomation(ctx, a.ID)
	must(err)
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if _, err := c.WaitForAutomationRun(short, a.ID, run.ID); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("interrupted wait: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		runs := sim.AutomationRuns(home, a.ID)
		if runs[len(runs)-1].Status == qliksim.AutomationRunStopped {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the interrupted run was not stopped: %+v", runs[len(runs)-1])
		}
		time.Sleep(20 * time.Millisecond)
	}

	must(c.SetAutomationEnabled(ctx, a.ID, false))
	if _, err := c.RunAutomation(ctx, a.ID); err == nil || !strings.Contains(err.Error(), "disabled") {
		t.Fatalf("run of a disabled automation: %v", err)
	}
	must(c.DeleteAutomation(ctx, a.ID))
	log.mu.Lock()
	defer log.mu.Unlock()
	for _, l := range log.lines {
		if strings.Contains(l, a.ExecutionToken) {
			t.Errorf("a log line holds the execution token: %s", l)
		}
	}
}
