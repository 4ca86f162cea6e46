package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// userBySubject finds a user in the simulator's directory.
func (e *testEnv) userBySubject(hostname, subject string) (qliksim.User, bool) {
	return byID(e.sim.Users(hostname), subject, func(u qliksim.User) string { return u.Subject })
}

// userIs checks the simulator's user of subject and its license assignment.
func (e *testEnv) userIs(hostname, subject, status, license string, roles ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		u, ok := e.userBySubject(hostname, subject)
		if !ok {
			return fmt.Errorf("no user %s in %s", subject, hostname)
		}
		var got []string
		for _, r := range u.AssignedRoles {
			got = append(got, r.Name)
		}
		slices.Sort(got)
		slices.Sort(roles)
		lic := e.sim.LicenseAssignments(hostname)[subject].Type
		if u.Status != status || lic != license || !slices.Equal(got, roles) {
			return fmt.Errorf("user %s: status %s, license %q, roles %v; want %s, %q, %v", subject, u.Status, lic, got, status, license, roles)
		}
		return nil
	}
}

func testAccUserConfig(provider, subject, name string, roles []string, status, license string) string {
	return testConfig(provider, "TestAccUser", tfVars{
		"subject": subject, "name": name, "roles": roles, "status": status, "license_type": orNull(license),
	})
}

func TestAccUser_basic(t *testing.T) {
	e, home := newTestEnv(t)
	var id, after string
	e.testCase(t, resource.TestCase{
		CheckDestroy: func(*terraform.State) error {
			if _, ok := e.userBySubject(home.Hostname, "auth0|ann"); ok {
				return fmt.Errorf("user still exists after destroy")
			}
			if a, ok := e.sim.LicenseAssignments(home.Hostname)["auth0|ann"]; ok {
				return fmt.Errorf("the deleted user's license is still assigned: %+v", a)
			}
			return nil
		},
		Steps: []resource.TestStep{
			// Created invited by Qlik, activated at once, with its license.
			createStep(testAccUserConfig(e.oauthProvider(), "auth0|ann", "Ann", []string{"Steward"}, "active", "professional"), "qlik_user.ann", &id,
				[]statecheck.StateCheck{
					hasString("qlik_user.ann", "status", "active"),
					hasString("qlik_user.ann", "license_type", "professional"),
					hasString("qlik_user.ann", "deletion_mode", "delete"),
				},
				e.userIs(home.Hostname, "auth0|ann", "active", "professional", "Steward")),
			importStep("qlik_user.ann"),
			{
				// Name, roles, status and license change in place: one PATCH and one license update.
				Config:           testAccUserConfig(e.oauthProvider(), "auth0|ann", "Ann Smith", []string{"Steward", "SharedSpaceCreator"}, "disabled", "analyzer"),
				ConfigPlanChecks: planThenEmpty("qlik_user.ann", plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					keptID("qlik_user.ann", &after, &id),
					e.userIs(home.Hostname, "auth0|ann", "disabled", "analyzer", "Steward", "SharedSpaceCreator"),
					// Two PATCH calls: the activation, then the update.
					e.calls("PATCH", "/api/v1/users/{userId}", home.Hostname, 2),
					e.calls("POST", "/api/v1/licenses/assignments/actions/update", home.Hostname, 1),
				),
			},
			{
				// Without license_type the license is left alone and shown as it is.
				Config: e.oauthProvider() + `
resource "qlik_user" "ann" {
  subject = "auth0|ann"
  name    = "Ann Smith"
  email   = "ann@example.com"
  roles   = ["Steward", "SharedSpaceCreator"]
  status  = "disabled"
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					hasString("qlik_user.ann", "license_type", "analyzer"),
				},
			},
		},
	})
}

func TestAccUser_replaceDisappearsDrift(t *testing.T) {
	e, home := newTestEnv(t)
	config := testAccUserConfig(e.oauthProvider(), "auth0|ann", "Ann", []string{"Steward"}, "active", "none")
	var id, replaced string
	// ann is the id of the user the configuration manages, as the simulator has it now.
	ann := func() string {
		u, _ := e.userBySubject(home.Hostname, "auth0|ann")
		return u.ID
	}
	e.test(t, []resource.TestStep{
		{Config: config, Check: captureID("qlik_user.ann", &id)},
		// Roles, status and a license changed in the console are drift, put back with one PATCH.
		driftStep(t, config,
			func() error {
				if err := e.sim.EditUser(home.Hostname, ann(), func(u *qliksim.User, roles *[]string) {
					u.Status = "disabled"
					*roles = []string{"TenantAdmin"}
				}); err != nil {
					return err
				}
				return e.sim.AssignLicense(home.Hostname, "auth0|ann", "analyzer")
			},
			planThenEmpty("qlik_user.ann", plancheck.ResourceActionUpdate),
			e.userIs(home.Hostname, "auth0|ann", "active", "", "Steward")),
		// An invited user (a console invitation, or one Qlik created but never activated) is activated.
		driftStep(t, config,
			func() error {
				return e.sim.EditUser(home.Hostname, ann(), func(u *qliksim.User, _ *[]string) { u.Status = "invited" })
			},
			resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("qlik_user.ann", plancheck.ResourceActionUpdate),
				plannedValue("qlik_user.ann", "status", knownvalue.StringExact("active")),
			}},
			e.userIs(home.Hostname, "auth0|ann", "active", "", "Steward")),
		// A user deleted outside Terraform is created again.
		driftStep(t, config,
			func() error { return e.sim.DeleteUser(home.Hostname, ann()) },
			planAction("qlik_user.ann", plancheck.ResourceActionCreate),
			e.userIs(home.Hostname, "auth0|ann", "active", "", "Steward")),
		// Another subject is another user: replaced.
		replaceStep(testAccUserConfig(e.oauthProvider(), "auth0|ann-2", "Ann", []string{"Steward"}, "active", "none"), "qlik_user.ann", &replaced, &id,
			e.userIs(home.Hostname, "auth0|ann-2", "active", "", "Steward"),
			func(*terraform.State) error {
				if _, ok := e.userBySubject(home.Hostname, "auth0|ann"); ok {
					return fmt.Errorf("replace kept the old user %s", id)
				}
				return nil
			}),
	})
}

// TestAccUser_deletionModes shows both destroys: disable keeps the user, refuses its sign-in and frees its
// license; delete removes it, and a sign-in through the identity provider then brings back a new user, who takes
// a license when automatic assignment is on.
func TestAccUser_deletionModes(t *testing.T) {
	e, home := newTestEnv(t)
	var firstID string
	e.test(t, []resource.TestStep{
		{
			Config: e.oauthProvider() + `
resource "qlik_license_settings" "s" {
  auto_assign_professional = true
  auto_assign_analyzer     = false
}
resource "qlik_user" "kept" {
  subject       = "auth0|kept"
  roles         = ["Steward"]
  license_type  = "professional"
  deletion_mode = "disable"
}
resource "qlik_user" "gone" {
  subject      = "auth0|gone"
  license_type = "professional"
}
`,
			Check: func(s *terraform.State) error {
				firstID = s.RootModule().Resources["qlik_user.gone"].Primary.ID
				return nil
			},
		},
		{
			Config: e.oauthProvider(),
			Check: func(*terraform.State) error {
				kept, ok := e.userBySubject(home.Hostname, "auth0|kept")
				if !ok || kept.Status != "disabled" || len(kept.AssignedRoles) != 0 {
					return fmt.Errorf("disabled user: %+v (found %v), want disabled without roles", kept, ok)
				}
				if _, ok := e.userBySubject(home.Hostname, "auth0|gone"); ok {
					return fmt.Errorf("deleted user still exists")
				}
				if as := e.sim.LicenseAssignments(home.Hostname); len(as) != 0 {
					return fmt.Errorf("licenses still assigned after both destroys: %v", as)
				}
				if _, err := e.sim.AddUser(home.Hostname, "auth0|kept"); err == nil {
					return fmt.Errorf("a disabled user signed in")
				}
				back, err := e.sim.AddUser(home.Hostname, "auth0|gone")
				if err != nil {
					return err
				}
				if back.ID == firstID || e.sim.LicenseAssignments(home.Hostname)["auth0|gone"].Type != "professional" {
					return fmt.Errorf("the deleted user came back as %s (was %s) with license %+v", back.ID, firstID, e.sim.LicenseAssignments(home.Hostname))
				}
				return nil
			},
		},
	})
}

func TestAccUser_qlikErrors(t *testing.T) {
	e, home := newTestEnv(t)
	if _, err := e.sim.AddUser(home.Hostname, "auth0|taken"); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.SetLicenseAllotment(home.Hostname, "professional", 0); err != nil {
		t.Fatal(err)
	}
	p := e.oauthProvider()
	e.test(t, []resource.TestStep{
		{
			// A subject in use is Qlik's 409 against subject, with its code and request id.
			Config:      testAccUserConfig(p, "auth0|taken", "Taken", []string{}, "active", ""),
			ExpectError: regexp.MustCompile(`(?s)Unable to create user.*subject.*HTTP\s+409.*Code: USERS-Conflict.*Title: User conflict.*Request ID: [0-9a-f]{32}.*import it`),
		},
		{
			// No professional license left: the license action's item error, with its code; the user exists.
			Config:      testAccUserConfig(p, "auth0|ann", "Ann", []string{}, "active", "professional"),
			ExpectError: regexp.MustCompile(`(?s)Unable to create user auth0\|ann.*license_type.*HTTP\s+207 and refused this item.*Item: auth0\|ann.*Status: 403.*Code: LICENSES-011.*No available\s+allotment.*No license of this type is left`),
		},
		{
			// The tainted user is replaced by one with a license that is available; one user, no orphan.
			Config: testAccUserConfig(p, "auth0|ann", "Ann", []string{}, "active", "analyzer"),
			Check: resource.ComposeAggregateTestCheckFunc(
				e.userIs(home.Hostname, "auth0|ann", "active", "analyzer"),
				func(*terraform.State) error {
					n := 0
					for _, u := range e.sim.Users(home.Hostname) {
						if u.Subject == "auth0|ann" {
							n++
						}
					}
					if n != 1 {
						return fmt.Errorf("%d users with the subject, want 1", n)
					}
					return nil
				},
			),
		},
		{
			// Qlik's 207: the name changes, the roles do not, and each refused operation is an error with
			// Qlik's code, title and request id; the state holds what Qlik has, so the next plan retries.
			PreConfig: func() {
				if err := e.sim.RefuseUserPatch(home.Hostname, "/assignedRoles", "Role assignment is locked by the identity provider.", 1); err != nil {
					t.Fatal(err)
				}
			},
			Config:      testAccUserConfig(p, "auth0|ann", "Ann B.", []string{"Steward"}, "active", "analyzer"),
			ExpectError: regexp.MustCompile(`(?s)Unable to update user auth0\|ann.*roles.*PATCH /api/v1/users/[0-9a-f]+ with\s+HTTP\s+207.*Item: roles.*Code: USERS-BadRequest.*Title: Operation not applied.*locked by the identity\s+provider.*Request ID: [0-9a-f]{32}`),
			Check:       e.userIs(home.Hostname, "auth0|ann", "active", "analyzer"),
		},
		{
			Config:           testAccUserConfig(p, "auth0|ann", "Ann B.", []string{"Steward"}, "active", "analyzer"),
			ConfigPlanChecks: planThenEmpty("qlik_user.ann", plancheck.ResourceActionUpdate),
			Check: resource.ComposeAggregateTestCheckFunc(
				e.userIs(home.Hostname, "auth0|ann", "active", "analyzer", "Steward"),
				func(*terraform.State) error {
					if u, _ := e.userBySubject(home.Hostname, "auth0|ann"); u.Name != "Ann B." {
						return fmt.Errorf("name %q", u.Name)
					}
					return nil
				},
			),
		},
	})
}

func TestAccUser_validation(t *testing.T) {
	e, home := newTestEnv(t)
	p := e.oauthProvider()
	cases := []planError{
		{"unknown role", testAccUserConfig(p, "auth0|x", "X", []string{"steward"}, "active", ""), regexp.MustCompile(`(?s)Unknown role.*no role named\s+"steward".*"steward" is spelled "Steward"`)},
		{"status", testAccUserConfig(p, "auth0|x", "X", []string{}, "invited", ""), regexp.MustCompile(`(?s)status.*value must be one of.*"active".*"disabled"`)},
		{"license", testAccUserConfig(p, "auth0|x", "X", []string{}, "active", "full"), regexp.MustCompile(`(?s)license_type.*value must be one of.*"professional"`)},
		{"email", p + `
resource "qlik_user" "x" {
  subject = "auth0|x"
  email   = "not an address"
}`, regexp.MustCompile(`(?s)email.*must be an email address`)},
		{"deletion mode", p + `
resource "qlik_user" "x" {
  subject       = "auth0|x"
  deletion_mode = "archive"
}`, regexp.MustCompile(`(?s)deletion_mode.*value must be one of`)},
		{"two users, one subject", p + `
resource "qlik_user" "x" {
  subject = "auth0|x"
}
resource "qlik_user" "y" {
  subject = "auth0|x"
}`, regexp.MustCompile(`(?s)Two qlik_user resources manage one user`)},
	}
	e.expectPlanErrorsWithoutWrites(t, home.Hostname, cases)
}

func TestAccUsersDataSource(t *testing.T) {
	e, home := newTestEnv(t)
	if _, err := e.sim.AddUser(home.Hostname, "auth0|bob", "Sales"); err != nil {
		t.Fatal(err)
	}
	e.test(t, []resource.TestStep{
		{
			Config: e.oauthProvider() + `
resource "qlik_user" "ann" {
  subject = "auth0|ann"
  email   = "ann@example.com"
  roles   = ["Steward"]
}
data "qlik_users" "stewards" {
  filter     = "assignedRoles.name eq \"Steward\""
  status     = "active"
  depends_on = [qlik_user.ann]
}
data "qlik_users" "all" {
  depends_on = [qlik_user.ann]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				hasValue("data.qlik_users.stewards", "users", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"subject": knownvalue.StringExact("auth0|ann"), "email": knownvalue.StringExact("ann@example.com"),
						"status": knownvalue.StringExact("active"), "roles": knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("Steward")}),
					}),
				})),
			},
			Check: func(s *terraform.State) error {
				all := s.RootModule().Resources["data.qlik_users.all"].Primary.Attributes
				if all["users.#"] != fmt.Sprint(len(e.sim.Users(home.Hostname))) {
					return fmt.Errorf("all users: %s, simulator holds %d", all["users.#"], len(e.sim.Users(home.Hostname)))
				}
				for k, v := range all {
					if strings.HasSuffix(k, ".subject") && v == "auth0|bob" {
						return nil
					}
				}
				return fmt.Errorf("auth0|bob not listed")
			},
		},
		{
			Config: e.oauthProvider() + `
data "qlik_users" "bad" {
  filter = "subject eq auth0"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Unable to list users.*HTTP\s+400.*Code: USERS-BadRequest.*Request ID: [0-9a-f]{32}.*Qlik refused the filter`),
		},
	})
}

// TestAccUser_readBackFails: a create whose read-back fails keeps the user in state (tainted, with Qlik's error),
// and the next apply replaces it: one user in the end, none left behind.
func TestAccUser_readBackFails(t *testing.T) {
	e, home := newTestEnv(t)
	config := testAccUserConfig(e.oauthProvider(), "auth0|ann", "Ann", []string{}, "active", "")
	e.test(t, []resource.TestStep{
		{
			PreConfig: func() {
				e.sim.FailRoute(home.Hostname, "GET", "/api/v1/users/{userId}", 1, qliksim.RouteFault{Status: 500})
			},
			Config:      config,
			ExpectError: regexp.MustCompile(`(?s)Unable to read user.*HTTP\s+500`),
		},
		{
			Config:           config,
			ConfigPlanChecks: planThenEmpty("qlik_user.ann", plancheck.ResourceActionDestroyBeforeCreate),
			Check: func(*terraform.State) error {
				var subjects []string
				for _, u := range e.sim.Users(home.Hostname) {
					subjects = append(subjects, u.Subject)
				}
				if n := slices.Index(subjects, "auth0|ann"); n < 0 || slices.Index(subjects[n+1:], "auth0|ann") >= 0 {
					return fmt.Errorf("users %v, want auth0|ann once", subjects)
				}
				return nil
			},
		},
	})
}
