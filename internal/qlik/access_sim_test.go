package qlik_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func TestSim_GroupsAndRoles(t *testing.T) {
	sim, c, home := startSim(t)
	ctx := t.Context()

	roles, err := c.CachedRoles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(roles) != len(sim.Roles(home)) || !slices.ContainsFunc(roles, func(r qlik.Role) bool { return r.Name == "TenantAdmin" && r.Type == "default" }) {
		t.Errorf("catalogue = %+v", roles)
	}
	if _, err := c.CachedRoles(ctx); err != nil {
		t.Fatal(err)
	}
	if n := sim.AuditCount("GET", "/api/v1/roles", home); n != 1 {
		t.Errorf("two CachedRoles calls made %d list requests, want 1", n)
	}
	if _, err := c.RefreshCachedRoles(ctx); err != nil || sim.AuditCount("GET", "/api/v1/roles", home) != 2 {
		t.Errorf("RefreshCachedRoles did not fetch again: %v", err)
	}
	if r, err := c.GetRole(ctx, roles[0].ID); err != nil || r.Name != roles[0].Name {
		t.Errorf("GetRole = %+v, %v", r, err)
	}

	g, err := c.CreateGroup(ctx, qlik.GroupCreateRequest{Name: `Sales "EU"`, Roles: []string{"SharedSpaceCreator"}})
	if err != nil {
		t.Fatal(err)
	}
	if g.ProviderType != "idp" || fmt.Sprint(g.RoleNames()) != "[SharedSpaceCreator]" {
		t.Errorf("created = %+v", g)
	}
	if _, err := c.CreateGroup(ctx, qlik.GroupCreateRequest{Name: "sales \"eu\""}); err != nil {
		t.Errorf("a name differing only in case is another group: %v", err)
	}
	_, err = c.CreateGroup(ctx, qlik.GroupCreateRequest{Name: `Sales "EU"`})
	var apiErr *qlik.APIError
	if !qlik.IsConflict(err) || !errors.As(err, &apiErr) || apiErr.Code == "" || apiErr.TraceID == "" {
		t.Errorf("duplicate create = %v, want Qlik's 409 with code and trace id", err)
	}
	_, err = c.CreateGroup(ctx, qlik.GroupCreateRequest{Name: "Other", Roles: []string{"Developer"}})
	if !errors.Is(err, qlik.ErrBadRequest) || !errors.As(err, &apiErr) || apiErr.Detail == "" {
		t.Errorf("unknown role = %v, want a 400 with detail", err)
	}

	found, err := c.FindGroupByName(ctx, `Sales "EU"`)
	if err != nil || found.ID != g.ID {
		t.Errorf("FindGroupByName = %+v, %v", found, err)
	}
	if _, err := c.FindGroupByName(ctx, "Nobody"); !qlik.IsNotFound(err) {
		t.Errorf("FindGroupByName(missing) = %v", err)
	}
	if err := c.SetGroupRoles(ctx, g.ID, []string{"Steward", "TenantAdmin"}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetGroup(ctx, g.ID)
	if err != nil || fmt.Sprint(got.RoleNames()) != "[Steward TenantAdmin]" {
		t.Errorf("after SetGroupRoles: %+v, %v", got, err)
	}
	if err := c.SetGroupRoles(ctx, g.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.GetGroup(ctx, g.ID); len(got.AssignedRoles) != 0 {
		t.Errorf("roles after clearing = %v", got.RoleNames())
	}

	u, err := sim.AddUser(home, "idp|ann", `Sales "EU"`)
	if err != nil {
		t.Fatal(err)
	}
	members, err := c.ListUsers(ctx, `assignedGroups.id eq "`+g.ID+`"`)
	if err != nil || len(members) != 1 || members[0].ID != u.ID {
		t.Errorf("members = %+v, %v", members, err)
	}
	if user, err := c.GetUser(ctx, u.ID); err != nil || len(user.AssignedGroups) != 1 || user.AssignedGroups[0].ID != g.ID {
		t.Errorf("GetUser = %+v, %v", user, err)
	}

	deleteThenGone(t, g.ID, c.DeleteGroup, c.GetGroup)
	for _, f := range []func() error{
		func() error { _, err := c.GetGroup(ctx, ""); return err },
		func() error { return c.DeleteGroup(ctx, " ") },
		func() error { return c.SetGroupRoles(ctx, "", nil) },
		func() error { _, err := c.GetSpaceAssignment(ctx, "s", ""); return err },
	} {
		if err := f(); !errors.Is(err, qlik.ErrInvalidID) {
			t.Errorf("empty id: %v", err)
		}
	}
}

func TestSim_GroupCreateAdoptedAfterReset(t *testing.T) {
	sim, c, home := startSimWith(t, qliksim.Options{VisibilityDelay: 200 * time.Millisecond}, false)
	sim.FailNext(1, 0) // the POST commits, then the connection drops
	g, err := c.CreateGroup(t.Context(), qlik.GroupCreateRequest{Name: "Ops"})
	if err != nil {
		t.Fatal(err)
	}
	if groups := sim.Groups(home); len(groups) != 1 || groups[0].ID != g.ID {
		t.Errorf("server has groups %+v, want exactly the adopted one %s", groups, g.ID)
	}
}

func TestSim_SpaceAssignments(t *testing.T) {
	sim, c, home := startSimWith(t, qliksim.Options{VisibilityDelay: 100 * time.Millisecond}, true)
	ctx := t.Context()
	sp := newSpace(t, c, "Reports", "managed")
	g, err := c.CreateGroup(ctx, qlik.GroupCreateRequest{Name: "Viewers"})
	if err != nil {
		t.Fatal(err)
	}
	sim.FailNext(1, 0) // the create commits, the answer is lost: the assignment is looked up and adopted
	a, err := c.CreateSpaceAssignment(ctx, sp.ID, qlik.SpaceAssignmentCreateRequest{Type: "group", AssigneeID: g.ID, Roles: []string{"consumer"}})
	if err != nil {
		t.Fatal(err)
	}
	if all := sim.SpaceAssignments(home, sp.ID); len(all) != 1 || all[0].ID != a.ID {
		t.Errorf("assignments %+v, want exactly %s", all, a.ID)
	}
	if got, err := c.GetSpaceAssignment(ctx, sp.ID, a.ID); err != nil || fmt.Sprint(got.Roles) != "[consumer]" || got.AssigneeID != g.ID {
		t.Errorf("GetSpaceAssignment = %+v, %v", got, err)
	}
	_, err = c.CreateSpaceAssignment(ctx, sp.ID, qlik.SpaceAssignmentCreateRequest{Type: "group", AssigneeID: g.ID, Roles: []string{"consumer"}})
	var apiErr *qlik.APIError
	if !qlik.IsConflict(err) || !errors.As(err, &apiErr) || apiErr.Code != "AssignmentConflict" || apiErr.Title != "Assignment already exists. `assigneeId` must be unique." {
		t.Errorf("duplicate = %v, want Qlik's AssignmentConflict", err)
	}
	up, err := c.UpdateSpaceAssignment(ctx, sp.ID, a.ID, []string{"publisher", "consumer"})
	if err != nil || up.ID != a.ID || fmt.Sprint(up.Roles) != "[consumer publisher]" {
		t.Errorf("update = %+v, %v", up, err)
	}
	if _, err := c.UpdateSpaceAssignment(ctx, sp.ID, a.ID, []string{"producer"}); !errors.Is(err, qlik.ErrBadRequest) {
		t.Errorf("producer in a managed space = %v, want 400", err)
	}
	if f, err := c.FindSpaceAssignment(ctx, sp.ID, g.ID); err != nil || f == nil || f.ID != a.ID {
		t.Errorf("FindSpaceAssignment = %+v, %v", f, err)
	}
	if f, err := c.FindSpaceAssignment(ctx, sp.ID, "62716f4b39b865ece543cd45"); !qlik.IsNotFound(err) || f != nil {
		t.Errorf("FindSpaceAssignment(nobody) = %+v, %v", f, err)
	}
	if err := c.DeleteSpaceAssignment(ctx, sp.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetSpaceAssignment(ctx, sp.ID, a.ID); !qlik.IsNotFound(err) {
		t.Errorf("get after delete = %v", err)
	}
}
