package qlik_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// TestSim_AmbiguousAssignmentCreateNeverAdoptsForeignAssignment: an assignment of the same assignee in the same
// space, made earlier by another user, is not taken for the one a failed create made.
func TestSim_AmbiguousAssignmentCreateNeverAdoptsForeignAssignment(t *testing.T) {
	t.Parallel()
	sim, byHand, provider := simWithTwoUsers(t)
	ctx := t.Context()
	home := sim.Home()
	sp := newSpace(t, byHand, "Shared", "shared")
	req := qlik.SpaceAssignmentCreateRequest{Type: "user", AssigneeID: home.BotUserID, Roles: []string{"consumer"}}
	existing, err := byHand.CreateSpaceAssignment(ctx, sp.ID, req)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	sim.FailRoute(home.Hostname, http.MethodPost, "/api/v1/spaces/{spaceId}/assignments", 1, qliksim.RouteFault{Status: http.StatusServiceUnavailable})
	_, err = provider.CreateSpaceAssignment(ctx, sp.ID, req)
	var ex *qlik.ExistingObjectError
	if !errors.As(err, &ex) || ex.ID != existing.ID {
		t.Fatalf("create = %v, want an ExistingObjectError naming %s", err, existing.ID)
	}
	wantNoWritesTo(t, sim, existing.ID, "the existing assignment")
}

// TestSim_AmbiguousReloadCreateWaitsOutForeignReload: after a 503 on POST /reloads the app's active reload is
// someone else's; it is neither adopted nor cancelled, and the provider's own reload is queued once it ends.
func TestSim_AmbiguousReloadCreateWaitsOutForeignReload(t *testing.T) {
	t.Parallel()
	sim, byHand, provider := simWithTwoUsers(t)
	ctx := t.Context()
	home := sim.Home()
	app, err := sim.SeedApp(home.Hostname, "Sales", "", 1024)
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.SetReloadBehaviour(home.Hostname, app, 1500*time.Millisecond, false, nil); err != nil {
		t.Fatal(err)
	}
	theirs, err := byHand.CreateReload(ctx, qlik.ReloadRequest{AppID: app})
	if err != nil {
		t.Fatal(err)
	}
	sim.FailRoute(home.Hostname, http.MethodPost, "/api/v1/reloads", 1, qliksim.RouteFault{Status: http.StatusServiceUnavailable})
	ours, err := provider.CreateReload(ctx, qlik.ReloadRequest{AppID: app})
	if err != nil {
		t.Fatal(err)
	}
	if ours.ID == theirs.ID {
		t.Fatalf("the provider adopted the reload another user queued (%s)", theirs.ID)
	}
	got, ok := sim.ReloadByID(home.Hostname, theirs.ID)
	if !ok || got.Status != "SUCCEEDED" {
		t.Errorf("the other user's reload is %+v, want it left to succeed", got.Reload)
	}
}
