package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// roleByID finds a role in the simulator's store of a tenant.
func (e *testEnv) roleByID(hostname, id string) (qliksim.Role, bool) {
	return byID(e.sim.Roles(hostname), id, func(r qliksim.Role) string { return r.ID })
}

func (e *testEnv) roleIs(hostname string, id *string, name, description string, scopes ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		r, ok := e.roleByID(hostname, *id)
		got := slices.Clone(r.AssignedScopes)
		slices.Sort(got)
		slices.Sort(scopes)
		if !ok || r.Type != "custom" || r.Name != name || r.Description != description || !slices.Equal(got, scopes) {
			return fmt.Errorf("role %s: %+v (found %v); want %s %q %v", *id, r, ok, name, description, scopes)
		}
		return nil
	}
}

func testAccCustomRoleConfig(provider, host, name, description string, scopes []string) string {
	return testConfig(provider, "TestAccCustomRole", tfVars{
		"tenant_hostname": orNull(host), "name": name, "description": description, "scopes": scopes,
	})
}

func TestAccCustomRole_lifecycle(t *testing.T) {
	e, _ := newTestEnv(t)
	home := e.sim.Home().Hostname
	scopes := []string{"reports:read", "apps:read"}
	e.testCustomObjectLifecycle(t, customObject{
		address: "qlik_custom_role.viewer",
		config: func(host, name, description string, scopes []string) string {
			return testAccCustomRoleConfig(e.oauthProvider(), host, name, description, scopes)
		},
		is: e.roleIs,
		exists: func(host, id, name string) bool {
			_, byID := e.roleByID(host, id)
			return byID || slices.ContainsFunc(e.sim.Roles(host), func(r qliksim.Role) bool { return r.Name == name })
		},
		edit: func(id string) error {
			return e.sim.EditRole(home, id, func(r *qliksim.Role) { r.AssignedScopes = []string{"apps:write"} })
		},
		remove: func(id string) error { return e.sim.DeleteRole(home, id) },
	},
		customValues{"Portal viewer", "", []string{"apps:read"}},
		customValues{"Report reader", "Reads reports", scopes},
		scopes)
}

// TestAccCustomRole_assigned holds a custom role by a user and a custom group of the configuration, both planned
// with the role in one run; destroy takes them away first. A holder outside Terraform makes the destroy fail with
// an error that names it, and the destroy succeeds once it is gone.
func TestAccCustomRole_assigned(t *testing.T) {
	e, home := newTestEnv(t)
	roleOnly := testAccCustomRoleConfig(e.oauthProvider(), "", "Portal viewer", "", []string{"apps:read"})
	var roleID string
	e.test(t, []resource.TestStep{
		{
			Config: roleOnly + `
resource "qlik_custom_group" "portal" {
  name  = "Portal users"
  roles = [qlik_custom_role.viewer.name]
}
resource "qlik_user" "ann" {
  subject = "auth0|ann"
  roles   = [qlik_custom_role.viewer.name, "Steward"]
}
`,
			ConfigPlanChecks: emptyPlanAfterApply(),
			Check: resource.ComposeAggregateTestCheckFunc(
				captureID("qlik_custom_role.viewer", &roleID),
				e.userIs(home.Hostname, "auth0|ann", "active", "", "Portal viewer", "Steward"),
			),
		},
		{
			// The user and group of the configuration go first; a user outside it still holds the role.
			PreConfig: func() {
				u, err := e.sim.AddUser(home.Hostname, "auth0|outsider")
				if err != nil {
					t.Fatal(err)
				}
				if err := e.sim.EditUser(home.Hostname, u.ID, func(_ *qliksim.User, roles *[]string) { *roles = []string{"Portal viewer"} }); err != nil {
					t.Fatal(err)
				}
			},
			Config:      e.oauthProvider(),
			ExpectError: regexp.MustCompile(`(?s)Custom role is still assigned.*HTTP\s+400.*Code: IDENTITIES-10400.*unassigned from all users and\s+groups.*user\s+auth0\|outsider.*Request ID: [0-9a-f]{32}.*Take the role\s+Portal\s+viewer\s+away`),
		},
		{
			PreConfig: func() {
				u, _ := e.userBySubject(home.Hostname, "auth0|outsider")
				if err := e.sim.EditUser(home.Hostname, u.ID, func(_ *qliksim.User, roles *[]string) { *roles = []string{} }); err != nil {
					t.Fatal(err)
				}
			},
			Config: e.oauthProvider(),
			Check: func(*terraform.State) error {
				if _, ok := e.roleByID(home.Hostname, roleID); ok {
					return fmt.Errorf("role still exists")
				}
				if _, ok := e.userBySubject(home.Hostname, "auth0|ann"); ok {
					return fmt.Errorf("user still exists")
				}
				return nil
			},
		},
	})
}

func TestAccCustomRole_validationAndConflict(t *testing.T) {
	e, home := newTestEnv(t)
	p := e.oauthProvider()
	cases := []planError{
		{"empty name", testAccCustomRoleConfig(p, "", "", "", []string{}), regexp.MustCompile(`(?s)name string length must be between 1 and 256`)},
		{"empty scope", testAccCustomRoleConfig(p, "", "x", "", []string{""}), regexp.MustCompile(`(?s)scopes.*string length must be at least 1`)},
		{"two roles, one name", p + `
resource "qlik_custom_role" "a" {
  name = "Viewer"
}
resource "qlik_custom_role" "b" {
  name = "Viewer"
}`, regexp.MustCompile(`Two qlik_custom_role resources manage one role`)},
	}
	e.expectPlanErrorsWithoutWrites(t, home.Hostname, cases, resource.TestStep{
		// A default role's name (in any case) is taken: Qlik's 400 against name, with its code.
		Config:      testAccCustomRoleConfig(p, "", "tenantadmin", "", []string{}),
		ExpectError: regexp.MustCompile(`(?s)Unable to create custom role.*name.*HTTP\s+400.*Code: IDENTITIES-10400.*must be unique.*Request ID: [0-9a-f]{32}.*choose another\s+name`),
	})
}
