package qlik_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func TestSim_UsersLicensesRoles(t *testing.T) {
	sim, c, home := startSim(t)
	ctx := t.Context()

	role, err := c.CreateCustomRole(ctx, qlik.CustomRoleRequest{Name: "Auditor", AssignedScopes: []string{"audits:read"}})
	if err != nil || role.Type != "custom" {
		t.Fatalf("CreateCustomRole = %+v, %v", role, err)
	}
	u, err := c.CreateUser(ctx, qlik.UserCreateRequest{Subject: "auth0|ann", Name: "Ann", Email: "ann@example.com", Roles: []string{"Auditor"}})
	if err != nil || u.Status != qlik.UserInvited {
		t.Fatalf("CreateUser = %+v, %v", u, err)
	}
	active := qlik.UserActive
	if err := c.UpdateUser(ctx, u.ID, qlik.UserUpdate{Status: &active}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateUser(ctx, qlik.UserCreateRequest{Subject: "auth0|ann"}); !qlik.IsConflict(err) {
		t.Errorf("second user with the subject: %v, want a 409", err)
	}
	if got, err := c.FindUserBySubject(ctx, "auth0|ann"); err != nil || got.ID != u.ID {
		t.Errorf("FindUserBySubject = %+v, %v", got, err)
	}
	if _, err := c.FindUserBySubject(ctx, "auth0|nobody"); !qlik.IsNotFound(err) {
		t.Errorf("FindUserBySubject of nobody: %v", err)
	}

	// A PATCH whose role operation fails answers 207: the name changed, the error names the roles.
	name, roles := "Ann B.", []string{"NoSuchRole"}
	err = c.UpdateUser(ctx, u.ID, qlik.UserUpdate{Name: &name, Roles: &roles})
	var items *qlik.ItemErrors
	if !errors.As(err, &items) || len(items.Items) != 1 || items.Items[0].Item != "roles" || items.Status != 207 || items.TraceID == "" ||
		!strings.Contains(items.Items[0].Detail, "NoSuchRole") {
		t.Fatalf("partial update: %v", err)
	}
	if got, _ := c.GetUser(ctx, u.ID); got.Name != "Ann B." || fmt.Sprint(got.RoleNames()) != "[Auditor]" {
		t.Errorf("after the partial update: %+v", got)
	}

	// The role is assigned, so its delete is refused with Qlik's words.
	if err := c.DeleteCustomRole(ctx, role.ID); !errors.Is(err, qlik.ErrBadRequest) || !strings.Contains(err.Error(), "unassigned") {
		t.Errorf("delete of an assigned role: %v", err)
	}

	// Licenses: one professional allotment, taken by Ann; Bob's add fails with the item's code.
	if err := sim.SetLicenseAllotment(home, qliksim.LicenseProfessional, 1); err != nil {
		t.Fatal(err)
	}
	if err := c.AssignLicense(ctx, "auth0|ann", qlik.LicenseProfessional); err != nil {
		t.Fatal(err)
	}
	err = c.AssignLicense(ctx, "auth0|bob", qlik.LicenseProfessional)
	if !errors.As(err, &items) || items.Items[0].Code != "LICENSES-011" || items.Items[0].Item != "auth0|bob" {
		t.Errorf("add beyond the allotment: %v", err)
	}
	if err := c.ChangeLicense(ctx, "auth0|ann", qlik.LicenseProfessional, qlik.LicenseAnalyzer); err != nil {
		t.Fatal(err)
	}
	if a, err := c.FindLicenseAssignment(ctx, "auth0|ann"); err != nil || a.Type != qlik.LicenseAnalyzer {
		t.Errorf("FindLicenseAssignment = %+v, %v", a, err)
	}
	if err := c.UnassignLicense(ctx, "auth0|ann", qlik.LicenseAnalyzer); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FindLicenseAssignment(ctx, "auth0|ann"); !qlik.IsNotFound(err) {
		t.Errorf("assignment after delete: %v", err)
	}

	// Settings round trips.
	if s, err := c.SetLicenseSettings(ctx, qlik.LicenseSettings{AutoAssignProfessional: true}); err != nil || !s.AutoAssignProfessional || s.AutoAssignAnalyzer {
		t.Errorf("SetLicenseSettings = %+v, %v", s, err)
	}
	if err := c.SetGroupSettings(ctx, false, []string{"Auditor"}); err != nil {
		t.Fatal(err)
	}
	if gs, err := c.GetGroupSettings(ctx); err != nil || gs.AutoCreateGroups || fmt.Sprint(gs.EveryoneRoles()) != "[Auditor]" {
		t.Errorf("group settings %+v, %v", gs, err)
	}
	tenant, err := c.GetCurrentTenant(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetAPIKeysConfig(ctx, tenant.ID, qlik.APIKeysConfig{MaxKeysPerUser: 3, MaxAPIKeyExpiry: "P30D"}); err != nil {
		t.Fatal(err)
	}
	if k, err := c.GetAPIKeysConfig(ctx, tenant.ID); err != nil || k.MaxKeysPerUser != 3 || k.MaxAPIKeyExpiry != "P30D" {
		t.Errorf("API keys config %+v, %v", k, err)
	}
	if a, err := c.SetAuthSettings(ctx, 30, 610); !errors.Is(err, qlik.ErrBadRequest) {
		t.Errorf("a lifespan that is not whole hours: %+v, %v", a, err)
	}
	if a, err := c.SetAuthSettings(ctx, 30, 480); err != nil || a.IsDefault || a.UserSessionInactivityTimeoutMinutes != 30 {
		t.Errorf("SetAuthSettings = %+v, %v", a, err)
	}

	// Deleting the user frees the role for deletion.
	if err := c.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := c.SetGroupSettings(ctx, true, []string{}); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteCustomRole(ctx, role.ID); err != nil {
		t.Errorf("delete of an unassigned role: %v", err)
	}
	if _, err := c.GetCustomRole(ctx, role.ID); !qlik.IsNotFound(err) {
		t.Errorf("role after delete: %v", err)
	}
}
