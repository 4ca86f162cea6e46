package qlik_test

import (
	"testing"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// TestSim_CreatedAtViewWaitsOutVisibility: a client that did not create the object (a later provider process)
// reads a 404 for a group made moments ago unless told when it was created.
func TestSim_CreatedAtViewWaitsOutVisibility(t *testing.T) {
	t.Parallel()
	sim := qliksim.StartT(t, qliksim.Options{VisibilityDelay: 500 * time.Millisecond})
	ctx := t.Context()
	g, err := simClient(t, sim, true).CreateGroup(ctx, qlik.GroupCreateRequest{Name: "quick"})
	if err != nil {
		t.Fatal(err)
	}
	created := time.Now()
	later := simClient(t, sim, true)
	if _, err := later.GetGroup(ctx, g.ID); !qlik.IsNotFound(err) {
		t.Fatalf("GetGroup without the creation time = %v, want the simulator's 404 while the group is invisible", err)
	}
	if _, err := later.CreatedAt(created).GetGroup(ctx, g.ID); err != nil {
		t.Fatalf("GetGroup on a CreatedAt view = %v, want the group once visible", err)
	}
}
