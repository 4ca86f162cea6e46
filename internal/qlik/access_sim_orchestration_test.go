package qlik_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func simGroupRoles(t *testing.T, sim *qliksim.Server, name string) []string {
	t.Helper()
	g, ok := sim.GroupByName(sim.Home().Hostname, name)
	if !ok {
		t.Fatalf("no group %q on the server", name)
	}
	var out []string
	for _, r := range g.AssignedRoles {
		out = append(out, r.Name)
	}
	slices.Sort(out)
	return out
}

func TestSim_FindOrCreateGroupAndGiveBackRoles(t *testing.T) {
	sim, c, home := startSim(t)
	ctx := t.Context()

	g, created, err := c.FindOrCreateGroup(ctx, "Sales", []string{"SharedSpaceCreator"})
	if err != nil || !created || g.ProviderType != qlik.GroupProviderIDP {
		t.Fatalf("first call = %+v, created %v, %v; want a new idp group", g, created, err)
	}
	again, created, err := c.FindOrCreateGroup(ctx, "Sales", []string{"TenantAdmin", "SharedSpaceCreator"})
	if err != nil || created || again.ID != g.ID {
		t.Fatalf("second call = %+v, created %v, %v; want the same group, found", again, created, err)
	}
	if got := simGroupRoles(t, sim, "Sales"); fmt.Sprint(got) != "[SharedSpaceCreator TenantAdmin]" {
		t.Errorf("a found group's roles = %v, want the complete list given", got)
	}
	patches := sim.AuditCount("PATCH", "", home)
	if _, created, err := c.FindOrCreateGroup(ctx, "Sales", nil); err != nil || created {
		t.Fatalf("unmanaged roles: created %v, %v", created, err)
	}
	if n := sim.AuditCount("PATCH", "", home); n != patches {
		t.Errorf("roles left alone, yet %d PATCH requests were sent", n-patches)
	}
	if n := sim.AuditCount("POST", "/api/v1/groups", home); n != 1 {
		t.Errorf("%d group creates, want 1", n)
	}

	// Roles added by hand stay when the mapping gives its own back.
	if err := sim.EditGroup(home, g.ID, func(_ *qliksim.Group, roles *[]string) { *roles = append(*roles, "AnalyticsAdmin") }); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveGroupRoles(ctx, g.ID, []string{"TenantAdmin", "SharedSpaceCreator"}); err != nil {
		t.Fatal(err)
	}
	if got := simGroupRoles(t, sim, "Sales"); fmt.Sprint(got) != "[AnalyticsAdmin]" {
		t.Errorf("after giving back = %v, want only the hand-made role", got)
	}
	patches = sim.AuditCount("PATCH", "", home)
	if err := c.RemoveGroupRoles(ctx, g.ID, []string{"TenantAdmin"}); err != nil {
		t.Fatal(err)
	}
	if n := sim.AuditCount("PATCH", "", home); n != patches {
		t.Errorf("nothing to give back, yet %d PATCH requests were sent", n-patches)
	}
	if err := sim.DeleteGroup(home, g.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveGroupRoles(ctx, g.ID, []string{"AnalyticsAdmin"}); err != nil {
		t.Errorf("a group that is gone has nothing to give back: %v", err)
	}
}

func TestSim_ReconcileSpaceRoles(t *testing.T) {
	sim, c, home := startSim(t)
	ctx := t.Context()
	var spaces []string
	for _, name := range []string{"One", "Two", "Three"} {
		s, err := c.CreateSpace(ctx, qlik.SpaceCreateRequest{Name: name, Type: qlik.SpaceTypeShared})
		if err != nil {
			t.Fatal(err)
		}
		spaces = append(spaces, s.ID)
	}
	s1, s2, s3 := spaces[0], spaces[1], spaces[2]
	g, err := c.CreateGroup(ctx, qlik.GroupCreateRequest{Name: "Viewers"})
	if err != nil {
		t.Fatal(err)
	}
	// An assignment made by hand in s2 is adopted, not answered with 409.
	byHand, err := c.CreateSpaceAssignment(ctx, s2, qlik.SpaceAssignmentCreateRequest{Type: qlik.AssigneeGroup, AssigneeID: g.ID, Roles: []string{"consumer"}})
	if err != nil {
		t.Fatal(err)
	}

	want := []qlik.SpaceGrant{{SpaceID: s1, Roles: []string{"consumer"}}, {SpaceID: s2, Roles: []string{"producer", "consumer"}}}
	held, errs := c.ReconcileSpaceRoles(ctx, qlik.AssigneeGroup, g.ID, nil, want)
	if len(errs) != 0 || fmt.Sprint(held) != fmt.Sprint(want) {
		t.Fatalf("held %v, errors %v; want %v", held, errs, want)
	}
	if a := sim.SpaceAssignments(home, s2); len(a) != 1 || a[0].ID != byHand.ID || fmt.Sprint(a[0].Roles) != "[consumer producer]" {
		t.Errorf("s2 assignments = %+v, want the hand-made one with the new roles", a)
	}

	// Nothing changed: nothing is sent.
	before := len(sim.Audit())
	if held, errs := c.ReconcileSpaceRoles(ctx, qlik.AssigneeGroup, g.ID, want, want); len(errs) != 0 || fmt.Sprint(held) != fmt.Sprint(want) {
		t.Errorf("unchanged: held %v, errors %v", held, errs)
	}
	if n := len(sim.Audit()) - before; n != 0 {
		t.Errorf("unchanged roles sent %d requests", n)
	}

	// s2 no longer wanted, s3 wanted with a role a shared space refuses: s2 goes, s3 fails and is not held.
	next := []qlik.SpaceGrant{{SpaceID: s1, Roles: []string{"consumer"}}, {SpaceID: s3, Roles: []string{"publisher"}}}
	held, errs = c.ReconcileSpaceRoles(ctx, qlik.AssigneeGroup, g.ID, want, next)
	if fmt.Sprint(held) != fmt.Sprint(next[:1]) {
		t.Errorf("held %v, want only s1", held)
	}
	if len(errs) != 1 || errs[0].SpaceID != s3 || errs[0].Removing || !errors.Is(errs[0], qlik.ErrBadRequest) {
		t.Errorf("errors %v, want s3's 400", errs)
	}
	if a := sim.SpaceAssignments(home, s2); len(a) != 0 {
		t.Errorf("s2 still has %+v", a)
	}

	// A failed change keeps what the space held.
	held, errs = c.ReconcileSpaceRoles(ctx, qlik.AssigneeGroup, g.ID, next[:1], []qlik.SpaceGrant{{SpaceID: s1, Roles: []string{"publisher"}}})
	if len(errs) != 1 || fmt.Sprint(held) != fmt.Sprint(next[:1]) {
		t.Errorf("failed change: held %v, errors %v; want s1 as it was", held, errs)
	}

	// Reading: a space without assignment, or gone, is left out.
	if err := sim.DeleteSpace(home, s3); err != nil {
		t.Fatal(err)
	}
	got, err := c.SpaceRolesOf(ctx, g.ID, []string{s1, s2, s3})
	if err != nil || fmt.Sprint(got) != fmt.Sprint(next[:1]) {
		t.Errorf("SpaceRolesOf = %v, %v; want only s1", got, err)
	}
	// Removing everything, a space that is gone included.
	held, errs = c.ReconcileSpaceRoles(ctx, qlik.AssigneeGroup, g.ID, []qlik.SpaceGrant{next[0], {SpaceID: s3, Roles: []string{"consumer"}}}, nil)
	if len(errs) != 0 || len(held) != 0 {
		t.Errorf("removing all: held %v, errors %v", held, errs)
	}
	if a := sim.SpaceAssignments(home, s1); len(a) != 0 {
		t.Errorf("s1 still has %+v", a)
	}
}
