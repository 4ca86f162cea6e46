package provider_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func testAccSpaceConfig(provider, name, spaceType, description string) string {
	return provider + fmt.Sprintf(`
resource "qlik_space" "test" {
  name        = %[1]q
  type        = %[2]q
  description = %[3]q
}
`, name, spaceType, description)
}

func TestAccSpace_basic(t *testing.T) {
	e, home := newTestEnv(t)
	var id string

	e.testCase(t, resource.TestCase{
		CheckDestroy: goneAfterDestroy("space", home.Hostname, &id, e.spaceByID),
		Steps: []resource.TestStep{
			createStep(testAccSpaceConfig(e.oauthProvider(), "Sales analytics", "shared", "Work in progress"), "qlik_space.test", &id,
				[]statecheck.StateCheck{
					hasString("qlik_space.test", "name", "Sales analytics"),
					hasString("qlik_space.test", "type", "shared"),
					hasString("qlik_space.test", "description", "Work in progress"),
					hasString("qlik_space.test", "tenant_id", home.ID),
					isNull("qlik_space.test", "tenant_hostname"),
					matches("qlik_space.test", "id", `^[0-9a-f]{24}$`),
					isSet("qlik_space.test", "owner_id"),
					isSet("qlik_space.test", "created_at"),
				},
				func(*terraform.State) error {
					s, ok := e.spaceByID(home.Hostname, id)
					if !ok || s.Name != "Sales analytics" || s.Type != "shared" || s.Description != "Work in progress" {
						return fmt.Errorf("simulator holds %+v (found=%v), want the configured space", s, ok)
					}
					if n := len(e.sim.Spaces(home.Hostname)); n != 1 {
						return fmt.Errorf("simulator holds %d spaces, want exactly 1", n)
					}
					return nil
				}),
			importStep("qlik_space.test"),
			// An import id naming the tenant explicitly reaches the same space.
			importFromTenantStep("qlik_space.test", home.Hostname, "name", "Sales analytics", &id),
		},
	})
}

func TestAccSpace_update(t *testing.T) {
	e, home := newTestEnv(t)
	var id string

	e.test(t, []resource.TestStep{
		{
			Config: testAccSpaceConfig(e.oauthProvider(), "Staging", "managed", ""),
			Check:  captureID("qlik_space.test", &id),
		},
		{
			Config: testAccSpaceConfig(e.oauthProvider(), "Published", "managed", "Locked layouts"),
			ConfigPlanChecks: planThenEmpty("qlik_space.test", plancheck.ResourceActionUpdate,
				plannedValue("qlik_space.test", "id", knownvalue.NotNull())),
			ConfigStateChecks: []statecheck.StateCheck{
				hasString("qlik_space.test", "name", "Published"),
				hasString("qlik_space.test", "description", "Locked layouts"),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPtr("qlik_space.test", "id", &id),
				func(*terraform.State) error {
					s, _ := e.spaceByID(home.Hostname, id)
					if s.Name != "Published" || s.Description != "Locked layouts" {
						return fmt.Errorf("simulator holds %+v after update", s)
					}
					return nil
				},
				e.calls("PATCH", "/api/v1/spaces/{spaceId}", home.Hostname, 1),
			),
		},
		{
			// Clearing the description sends it back to the empty default, in place.
			Config:           testAccSpaceConfig(e.oauthProvider(), "Published", "managed", ""),
			ConfigPlanChecks: planAction("qlik_space.test", plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{
				hasString("qlik_space.test", "description", ""),
			},
		},
	})
}

func TestAccSpace_replace(t *testing.T) {
	e, home := newTestEnv(t)
	var before, after string

	e.test(t, []resource.TestStep{
		{
			Config: testAccSpaceConfig(e.oauthProvider(), "Customer analytics", "shared", ""),
			Check:  captureID("qlik_space.test", &before),
		},
		// Destroy first: the new space reuses the name, which Qlik keeps unique.
		replaceStep(testAccSpaceConfig(e.oauthProvider(), "Customer analytics", "managed", ""), "qlik_space.test", &after, &before,
			func(*terraform.State) error {
				if _, ok := e.spaceByID(home.Hostname, before); ok {
					return fmt.Errorf("old space %s still exists", before)
				}
				if s, ok := e.spaceByID(home.Hostname, after); !ok || s.Type != "managed" {
					return fmt.Errorf("new space %s: %+v (found=%v)", after, s, ok)
				}
				return nil
			}),
	})
}

func TestAccSpace_disappears(t *testing.T) {
	e, home := newTestEnv(t)
	var id string
	config := testAccSpaceConfig(e.oauthProvider(), "Finance", "shared", "")

	e.test(t, []resource.TestStep{
		{Config: config, Check: captureID("qlik_space.test", &id)},
		recreateStep(t, config, "qlik_space.test",
			deleteByID(e.sim.DeleteSpace, home.Hostname, &id), countIn(e.sim.Spaces, home.Hostname)),
	})
}

func TestAccSpace_drift(t *testing.T) {
	e, home := newTestEnv(t)
	var id string
	config := testAccSpaceConfig(e.oauthProvider(), "Operations", "shared", "Owned by Terraform")

	e.test(t, []resource.TestStep{
		{Config: config, Check: captureID("qlik_space.test", &id)},
		// Someone renames the space and edits its description in the hub: the refresh sees it and the plan
		// puts it back in place.
		driftStep(t, config,
			func() error {
				return e.sim.EditSpace(home.Hostname, id, func(s *qliksim.Space) {
					s.Name = "Operations (renamed in hub)"
					s.Description = "edited by hand"
				})
			},
			planAction("qlik_space.test", plancheck.ResourceActionUpdate),
			func(*terraform.State) error {
				s, _ := e.spaceByID(home.Hostname, id)
				if s.Name != "Operations" || s.Description != "Owned by Terraform" {
					return fmt.Errorf("drift not corrected: simulator holds %+v", s)
				}
				return nil
			}),
	})
}

func TestAccSpace_validation(t *testing.T) {
	e, home := newTestEnv(t)

	cases := []planError{
		{"empty name", testAccSpaceConfig(e.oauthProvider(), "", "shared", ""), regexp.MustCompile(`(?s)Attribute name string length must be between 1 and 256`)},
		{"forbidden character", testAccSpaceConfig(e.oauthProvider(), "Sales/2026", "shared", ""), regexp.MustCompile(`(?s)must not contain any of`)},
		{"unknown type", testAccSpaceConfig(e.oauthProvider(), "Sales", "private", ""), regexp.MustCompile(`(?s)Attribute type value must be one of: \["shared" "managed" "data"\]`)},
		{"hostname with scheme", e.oauthProvider() + `
resource "qlik_space" "test" {
  tenant_hostname = "https://acme.eu.qlikcloud.com"
  name            = "Sales"
  type            = "shared"
}
`, regexp.MustCompile(`(?s)Invalid tenant hostname.*without "https://"`)},
	}
	e.expectPlanErrorsWithoutWrites(t, home.Hostname, cases)
}

func TestAccSpace_duplicateName(t *testing.T) {
	e, _ := newTestEnv(t)

	e.test(t, []resource.TestStep{
		{Config: testAccSpaceConfig(e.oauthProvider(), "Shared reports", "shared", "")},
		{
			Config: testAccSpaceConfig(e.oauthProvider(), "Shared reports", "shared", "") + `
resource "qlik_space" "copy" {
  name = "Shared reports"
  type = "shared"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Unable to create space.*HTTP\s+409.*Code: \S+.*Title: Space already exists.*Request ID: \S+.*import the\s+existing space`),
		},
	})
}

func TestAccSpace_otherTenant(t *testing.T) {
	e, _ := newTestEnv(t)
	customer := e.addTenant("customer-a")
	home := e.sim.Home()
	config := e.oauthProvider() + fmt.Sprintf(`
resource "qlik_space" "test" {
  count           = 3
  tenant_hostname = %[1]q
  name            = "Customer space ${count.index}"
  type            = "managed"
}
`, customer.Hostname)

	e.test(t, []resource.TestStep{
		{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				hasString("qlik_space.test[0]", "tenant_id", customer.ID),
				hasString("qlik_space.test[0]", "tenant_hostname", customer.Hostname),
			},
			Check: func(*terraform.State) error {
				if n := len(e.sim.Spaces(customer.Hostname)); n != 3 {
					return fmt.Errorf("customer tenant holds %d spaces, want 3", n)
				}
				if n := len(e.sim.Spaces(home.Hostname)); n != 0 {
					return fmt.Errorf("home tenant holds %d spaces, want 0", n)
				}
				// Three resources created concurrently share one token for the customer host.
				if n := e.sim.AuditCount("POST", "/oauth/token", customer.Hostname); n != 1 {
					return fmt.Errorf("%d tokens minted on %s, want 1", n, customer.Hostname)
				}
				return nil
			},
		},
		importFromTenant("qlik_space.test[1]", "qlik_space.test.1", customer.Hostname),
	})
}

func TestAccSpace_apiKeyCannotReachOtherTenant(t *testing.T) {
	e, _ := newTestEnv(t)
	customer := e.addTenant("customer-b")
	e.test(t, []resource.TestStep{{
		Config: e.apiKeyProvider() + fmt.Sprintf(`
resource "qlik_space" "test" {
  tenant_hostname = %[1]q
  name            = "Anything"
  type            = "shared"
}
`, customer.Hostname),
		ExpectError: regexp.MustCompile(`(?s)Unable to reach tenant.*API key`),
	}})
	if n := e.writesTo(customer.Hostname); n != 0 {
		t.Errorf("%d write calls reached %s with an API key", n, customer.Hostname)
	}
}

func TestAccSpace_undeletable(t *testing.T) {
	e, home := newTestEnv(t)
	var id string
	config := testAccSpaceConfig(e.oauthProvider(), "Holds apps", "shared", "")

	e.test(t, []resource.TestStep{
		{Config: config, Check: captureID("qlik_space.test", &id)},
		{
			// A space with content cannot be destroyed; the error says why and what to do.
			PreConfig:   func() { must(t, e.sim.SetSpaceContent(home.Hostname, id, 2)) },
			Config:      config,
			Destroy:     true,
			ExpectError: regexp.MustCompile(`(?s)Unable to delete space.*HTTP\s+412.*still holds content`),
		},
		{
			PreConfig: func() { must(t, e.sim.SetSpaceContent(home.Hostname, id, 0)) },
			Config:    config,
		},
	})
}

// TestAccSpace_faults applies and destroys a batch of spaces while the simulator answers 15 % of calls with
// 429, 15 % with 503 and resets 5 % of connections (writes after they committed): the apply converges, the
// tenant holds exactly the configured spaces, and the next plan is empty.
func TestAccSpace_faults(t *testing.T) {
	e, home := newTestEnvWith(t, qliksim.Options{
		Seed:            11,
		Faults:          qliksim.Faults{RateLimit: 0.15, Unavailable: 0.15, Reset: 0.05},
		VisibilityDelay: 50 * time.Millisecond,
	})
	var first string
	config := e.oauthProvider() + `
resource "qlik_space" "test" {
  count = 12
  name  = "Customer ${count.index}"
  type  = count.index % 2 == 0 ? "shared" : "managed"
}
`
	e.testUnderFaults(t, config, noneLeftAfterDestroy("spaces", countIn(e.sim.Spaces, home.Hostname)),
		captureID("qlik_space.test.0", &first),
		func(*terraform.State) error {
			spaces := e.sim.Spaces(home.Hostname)
			names := map[string]int{}
			for _, s := range spaces {
				names[s.Name]++
			}
			if len(spaces) != 12 || len(names) != 12 {
				return fmt.Errorf("tenant holds %d spaces with %d distinct names, want 12 and 12: %v", len(spaces), len(names), names)
			}
			return nil
		})
	if first == "" {
		t.Error("no space id captured")
	}
}

// TestAccSpace_typeChangeOfNonEmptySpace: a type change replaces the space, which Qlik refuses while the space holds
// an app. The plan fails, so the data connection in the space is not destroyed first (it used to be, before the
// delete failed with 412).
func TestAccSpace_typeChangeOfNonEmptySpace(t *testing.T) {
	e, home := newTestEnv(t)
	config := func(spaceType string) string {
		return e.oauthProvider() + fmt.Sprintf(`
resource "qlik_space" "test" {
  name = "Customer data"
  type = %q
}

resource "qlik_data_connection" "orders" {
  name              = "orders-db"
  type              = "postgres"
  connector         = "QvOdbcConnectorPackage.exe"
  connection_string = "CUSTOM CONNECT TO \"provider=QvOdbcConnectorPackage.exe;host=db;\""
  space_id          = qlik_space.test.id
}
`, spaceType)
	}
	var spaceID string
	e.test(t, []resource.TestStep{
		{Config: config("shared"), Check: captureID("qlik_space.test", &spaceID)},
		{
			PreConfig: func() {
				if _, err := e.sim.SeedApp(home.Hostname, "Orders", spaceID, 1024); err != nil {
					t.Fatal(err)
				}
			},
			Config:      config("managed"),
			ExpectError: regexp.MustCompile(`(?s)Space type cannot change while the space holds items.*"Orders"`),
		},
		{
			// Nothing was destroyed by the refused change. Empty again, the replacement goes through.
			PreConfig: func() {
				for _, a := range e.sim.Audit() {
					if a.Method == "DELETE" {
						t.Errorf("%s %s ran although the plan failed", a.Method, a.Path)
					}
				}
				if n := len(e.sim.DataConnections(home.Hostname)); n != 1 {
					t.Errorf("%d data connections after the refused change, want 1", n)
				}
				for _, a := range e.sim.Apps(home.Hostname) {
					if err := e.sim.DeleteApp(home.Hostname, a.Attributes.ID); err != nil {
						t.Fatal(err)
					}
				}
			},
			Config:           config("managed"),
			ConfigPlanChecks: planAction("qlik_space.test", plancheck.ResourceActionDestroyBeforeCreate),
		},
	})
}
