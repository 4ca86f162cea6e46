package qliksim

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
)

func TestSignInFindsOrCreatesUserAndReplacesGroups(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	home := sim.Home().Hostname
	c := newTestClient(t)
	key := sim.Credentials().APIKey
	var g Group
	c.expect(http.StatusCreated, http.MethodPost, sim.Home().URL+"/api/v1/groups", key,
		map[string]any{"name": "Analysts", "assignedRoles": []map[string]string{{"name": "SharedSpaceCreator"}}}).decode(t, &g)

	first, err := sim.AddUser(home, "jwt|ann", "Analysts", "Viewers")
	if err != nil {
		t.Fatal(err)
	}
	groups, roles, err := sim.UserAccess(home, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(groups) != "[Analysts Viewers]" || fmt.Sprint(roles) != "[SharedSpaceCreator]" {
		t.Errorf("after first sign-in: groups %v roles %v", groups, roles)
	}
	if _, ok := sim.GroupByName(home, "Viewers"); !ok {
		t.Error("a group named in the claim was not created although autoCreateGroups is on")
	}

	// The same subject signs in again with another claim: same user, membership replaced.
	again, err := sim.AddUser(home, "jwt|ann", "Viewers")
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID {
		t.Errorf("second sign-in created user %s, want %s", again.ID, first.ID)
	}
	if groups, roles, _ := sim.UserAccess(home, first.ID); fmt.Sprint(groups) != "[Viewers]" || len(roles) != 0 {
		t.Errorf("after second sign-in: groups %v roles %v", groups, roles)
	}

	// With autoCreateGroups off, unknown groups in the claim are ignored.
	c.expect(http.StatusNoContent, http.MethodPatch, sim.Home().URL+"/api/v1/groups/settings", key,
		[]map[string]any{{"op": "replace", "path": "/autoCreateGroups", "value": false}})
	if _, err := sim.AddUser(home, "jwt|ben", "Analysts", "Unknown"); err != nil {
		t.Fatal(err)
	}
	if _, ok := sim.GroupByName(home, "Unknown"); ok {
		t.Error("group created at sign-in with autoCreateGroups off")
	}
	if _, err := sim.AddUser(home, " "); err == nil {
		t.Error("a sign-in without subject succeeded")
	}
}

func TestGroupAndAssignmentHooks(t *testing.T) {
	t.Parallel()
	sim, home, c, key := startHome(t)
	var g Group
	c.expect(http.StatusCreated, http.MethodPost, home.URL+"/api/v1/groups", key, map[string]any{"name": "Ops"}).decode(t, &g)
	var sp Space
	c.expect(http.StatusCreated, http.MethodPost, home.URL+"/api/v1/spaces", key, map[string]any{"name": "S", "type": "shared"}).decode(t, &sp)
	var as Assignment
	c.expect(http.StatusCreated, http.MethodPost, home.URL+"/api/v1/spaces/"+sp.ID+"/assignments", key,
		map[string]any{"type": "group", "assigneeId": g.ID, "roles": []string{"consumer"}}).decode(t, &as)

	if err := sim.EditGroup(home.Hostname, g.ID, func(_ *Group, roles *[]string) { *roles = []string{"Steward"} }); err != nil {
		t.Fatal(err)
	}
	if got, _ := sim.GroupByName(home.Hostname, "Ops"); fmt.Sprint(got.RoleNames()) != "[Steward]" {
		t.Errorf("roles after EditGroup = %v", got.RoleNames())
	}
	if err := sim.EditGroup(home.Hostname, g.ID, func(_ *Group, roles *[]string) { *roles = []string{"Nope"} }); err == nil {
		t.Error("EditGroup accepted an unknown role")
	}
	if err := sim.EditSpaceAssignment(home.Hostname, as.ID, []string{"publisher"}); err == nil {
		t.Error("EditSpaceAssignment accepted a role a shared space does not have")
	}
	if err := sim.EditSpaceAssignment(home.Hostname, as.ID, []string{"producer", "consumer"}); err != nil {
		t.Fatal(err)
	}
	if got := sim.SpaceAssignments(home.Hostname, sp.ID); len(got) != 1 || fmt.Sprint(got[0].Roles) != "[consumer producer]" {
		t.Errorf("assignments after edit = %+v", got)
	}
	if err := sim.DeleteSpaceAssignment(home.Hostname, as.ID); err != nil {
		t.Fatal(err)
	}
	if err := sim.DeleteSpaceAssignment(home.Hostname, as.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
	// Deleting the space drops its assignments.
	c.expect(http.StatusCreated, http.MethodPost, home.URL+"/api/v1/spaces/"+sp.ID+"/assignments", key,
		map[string]any{"type": "group", "assigneeId": g.ID, "roles": []string{"consumer"}})
	if err := sim.DeleteSpace(home.Hostname, sp.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(sim.SpaceAssignments(home.Hostname, sp.ID)); n != 0 {
		t.Errorf("%d assignments survive their space", n)
	}
	if err := sim.DeleteGroup(home.Hostname, g.ID); err != nil {
		t.Fatal(err)
	}
	if err := sim.DeleteGroup(home.Hostname, g.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second group delete: %v", err)
	}
	// The owner of a space takes no assignment.
	c.expect(http.StatusCreated, http.MethodPost, home.URL+"/api/v1/spaces", key, map[string]any{"name": "T", "type": "managed"}).decode(t, &sp)
	r := c.expect(http.StatusBadRequest, http.MethodPost, home.URL+"/api/v1/spaces/"+sp.ID+"/assignments", key,
		map[string]any{"type": "user", "assigneeId": home.AdminUserID, "roles": []string{"consumer"}})
	if codes := r.errorCodes(t); len(codes) != 1 {
		t.Errorf("owner assignment: %s", r)
	}
}

func TestParseFilter(t *testing.T) {
	t.Parallel()
	fields := map[string][]string{"name": {"Sales EU"}, "status": {"active"}, "id": {"1"}}
	get := func(n string) []string { return fields[n] }
	for src, want := range map[string]bool{
		`name eq "Sales EU"`: true,
		`name EQ "sales eu"`: false,
		`name co "les"`:      true,
		`name sw "sales"`:    true,
		`(id eq "2" or name eq "Sales EU") and status eq "active"`: true,
		`id eq "2" or status ne "active"`:                          false,
	} {
		f, err := parseFilter(src, "name", "status", "id")
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if got := f.match(get); got != want {
			t.Errorf("%s matched %v, want %v", src, got, want)
		}
	}
	for _, bad := range []string{``, `name eq`, `name eq Sales`, `email eq "x"`, `name gt "x"`, `(name eq "x"`, `name eq "x" extra`} {
		if _, err := parseFilter(bad, "name"); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
