package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func (e *testEnv) roleByID(hostname, id string) (qliksim.Role, bool) {
	for _, r := range e.sim.Roles(hostname) {
		if r.ID == id {
			return r, true
		}
	}
	return qliksim.Role{}, false
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
	t.Parallel()
	e := newTestEnv(t, qliksim.Options{})
	home := e.sim.Home()
	other := e.addTenant("customer-r")
	p := e.oauthProvider()
	var id, after, moved string
	final := testAccCustomRoleConfig(p, "", "Report reader", "Reads reports", []string{"reports:read", "apps:read"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy: func(*terraform.State) error {
			if _, ok := e.roleByID(other.Hostname, moved); ok {
				return fmt.Errorf("role %s still exists", moved)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: testAccCustomRoleConfig(p, "", "Portal viewer", "", []string{"apps:read"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("qlik_custom_role.viewer", plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(captureID("qlik_custom_role.viewer", &id), e.roleIs(home.Hostname, &id, "Portal viewer", "", "apps:read")),
			},
			{ResourceName: "qlik_custom_role.viewer", ImportState: true, ImportStateVerify: true},
			{
				Config: final,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("qlik_custom_role.viewer", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_custom_role.viewer", &after),
					e.roleIs(home.Hostname, &id, "Report reader", "Reads reports", "apps:read", "reports:read"),
					func(*terraform.State) error {
						if after != id {
							return fmt.Errorf("id changed %s -> %s", id, after)
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() {
					if err := e.sim.EditRole(home.Hostname, id, func(r *qliksim.Role) { r.AssignedScopes = []string{"apps:write"} }); err != nil {
						t.Fatal(err)
					}
				},
				Config: final,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("qlik_custom_role.viewer", plancheck.ResourceActionUpdate)},
				},
				Check: e.roleIs(home.Hostname, &id, "Report reader", "Reads reports", "apps:read", "reports:read"),
			},
			{
				PreConfig: func() {
					if err := e.sim.DeleteRole(home.Hostname, id); err != nil {
						t.Fatal(err)
					}
				},
				Config: final,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("qlik_custom_role.viewer", plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(captureID("qlik_custom_role.viewer", &id), e.roleIs(home.Hostname, &id, "Report reader", "Reads reports", "apps:read", "reports:read")),
			},
			{
				Config: testAccCustomRoleConfig(p, other.Hostname, "Report reader", "Reads reports", []string{"reports:read", "apps:read"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("qlik_custom_role.viewer", plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_custom_role.viewer", &moved),
					e.roleIs(other.Hostname, &moved, "Report reader", "Reads reports", "apps:read", "reports:read"),
					func(*terraform.State) error {
						if _, ok := e.roleByID(home.Hostname, id); ok {
							return fmt.Errorf("the home tenant's role survived the replace")
						}
						return nil
					},
				),
			},
		},
	})
}

// TestAccCustomRole_assigned holds a custom role by a user and a custom group of the configuration, both planned
// with the role in one run; destroy takes them away first. A holder outside Terraform makes the destroy fail with
// an error that names it, and the destroy succeeds once it is gone.
func TestAccCustomRole_assigned(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, qliksim.Options{})
	home := e.sim.Home()
	roleOnly := testAccCustomRoleConfig(e.oauthProvider(), "", "Portal viewer", "", []string{"apps:read"})
	var roleID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
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
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
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
		},
	})
}

func TestAccCustomRole_validationAndConflict(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, qliksim.Options{})
	home := e.sim.Home()
	p := e.oauthProvider()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: testAccCustomRoleConfig(p, "", "", "", []string{}), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)name string length must be between 1 and 256`)},
			{Config: testAccCustomRoleConfig(p, "", "x", "", []string{""}), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)scopes.*string length must be at least 1`)},
			{
				Config: p + `
resource "qlik_custom_role" "a" {
  name = "Viewer"
}
resource "qlik_custom_role" "b" {
  name = "Viewer"
}`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Two qlik_custom_role resources manage one role`),
			},
			{
				PreConfig: func() {
					if n := e.writesTo(home.Hostname); n != 0 {
						t.Errorf("invalid configurations made %d write calls", n)
					}
				},
				// A default role's name (in any case) is taken: Qlik's 400 against name, with its code.
				Config:      testAccCustomRoleConfig(p, "", "tenantadmin", "", []string{}),
				ExpectError: regexp.MustCompile(`(?s)Unable to create custom role.*name.*HTTP\s+400.*Code: IDENTITIES-10400.*must be unique.*Request ID: [0-9a-f]{32}.*choose another\s+name`),
			},
		},
	})
}
