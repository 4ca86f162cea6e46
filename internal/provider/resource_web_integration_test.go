package provider_test

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func testAccWebIntegrationConfig(provider, name string, origins ...string) string {
	return provider + fmt.Sprintf(`
resource "qlik_web_integration" "test" {
  name          = %[1]q
  valid_origins = [%[2]s]
}
`, name, quoteAll(origins))
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func TestAccWebIntegration_basic(t *testing.T) {
	e, home := newTestEnv(t)
	var id string
	config := testAccWebIntegrationConfig(e.oauthProvider(), "Customer portal", "https://portal.example.com", "http://localhost:3000")

	e.testCase(t, resource.TestCase{
		CheckDestroy: goneAfterDestroy("web integration", home.Hostname, &id, e.webIntegrationByID),
		Steps: []resource.TestStep{
			createStep(config, "qlik_web_integration.test", &id,
				[]statecheck.StateCheck{
					hasString("qlik_web_integration.test", "name", "Customer portal"),
					hasStrings("qlik_web_integration.test", "valid_origins", "https://portal.example.com", "http://localhost:3000"),
					hasString("qlik_web_integration.test", "tenant_id", home.ID),
					hasString("qlik_web_integration.test", "created_by", home.BotUserID),
				},
				func(*terraform.State) error {
					w, ok := e.webIntegrationByID(home.Hostname, id)
					if !ok || w.Name != "Customer portal" || !reflect.DeepEqual(sortedCopy(w.ValidOrigins), []string{"http://localhost:3000", "https://portal.example.com"}) {
						return fmt.Errorf("simulator holds %+v (found=%v)", w, ok)
					}
					return nil
				}),
			importStep("qlik_web_integration.test"),
			importByTenantStep("qlik_web_integration.test", home.Hostname, &id),
			{
				// Order does not matter: the origins are a set.
				Config:   testAccWebIntegrationConfig(e.oauthProvider(), "Customer portal", "http://localhost:3000", "https://portal.example.com"),
				PlanOnly: true,
			},
		},
	})
}

func TestAccWebIntegration_updateDisappearsDrift(t *testing.T) {
	e, home := newTestEnv(t)
	var id string

	e.test(t, []resource.TestStep{
		{
			Config: testAccWebIntegrationConfig(e.oauthProvider(), "Portal", "https://portal.example.com"),
			Check:  captureID("qlik_web_integration.test", &id),
		},
		{
			Config:           testAccWebIntegrationConfig(e.oauthProvider(), "Portal (EU)", "https://eu.portal.example.com", "https://portal.example.com:8443"),
			ConfigPlanChecks: planThenEmpty("qlik_web_integration.test", plancheck.ResourceActionUpdate),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPtr("qlik_web_integration.test", "id", &id),
				func(*terraform.State) error {
					w, _ := e.webIntegrationByID(home.Hostname, id)
					if w.Name != "Portal (EU)" || !reflect.DeepEqual(sortedCopy(w.ValidOrigins), []string{"https://eu.portal.example.com", "https://portal.example.com:8443"}) {
						return fmt.Errorf("in-place update: simulator holds %+v", w)
					}
					return nil
				},
				e.calls("PATCH", "/api/v1/web-integrations/{id}", home.Hostname, 1),
			),
		},
		{
			// Removing every origin clears the list in place.
			Config: e.oauthProvider() + `
resource "qlik_web_integration" "test" {
  name = "Portal (EU)"
}
`,
			ConfigPlanChecks: planThenEmpty("qlik_web_integration.test", plancheck.ResourceActionUpdate),
			Check: func(*terraform.State) error {
				if w, _ := e.webIntegrationByID(home.Hostname, id); len(w.ValidOrigins) != 0 {
					return fmt.Errorf("origins not cleared: %+v", w)
				}
				return nil
			},
		},
		{
			Config: testAccWebIntegrationConfig(e.oauthProvider(), "Portal (EU)", "https://eu.portal.example.com"),
		},
		// Someone adds an origin and renames the integration in the console: the plan puts both back.
		driftStep(t, testAccWebIntegrationConfig(e.oauthProvider(), "Portal (EU)", "https://eu.portal.example.com"),
			func() error {
				return e.sim.EditWebIntegration(home.Hostname, id, func(w *qliksim.WebIntegration) {
					w.Name = "renamed by hand"
					w.ValidOrigins = append(w.ValidOrigins, "https://intruder.example.com")
				})
			},
			planAction("qlik_web_integration.test", plancheck.ResourceActionUpdate),
			func(*terraform.State) error {
				w, _ := e.webIntegrationByID(home.Hostname, id)
				if w.Name != "Portal (EU)" || !reflect.DeepEqual(w.ValidOrigins, []string{"https://eu.portal.example.com"}) {
					return fmt.Errorf("drift not corrected: %+v", w)
				}
				return nil
			}),
		recreateStep(t, testAccWebIntegrationConfig(e.oauthProvider(), "Portal (EU)", "https://eu.portal.example.com"), "qlik_web_integration.test",
			deleteByID(e.sim.DeleteWebIntegration, home.Hostname, &id), countIn(e.sim.WebIntegrations, home.Hostname)),
	})
}

func TestAccWebIntegration_validation(t *testing.T) {
	e, home := newTestEnv(t)
	p := e.oauthProvider()
	cases := []planError{
		{"no scheme", testAccWebIntegrationConfig(p, "x", "portal.example.com"), regexp.MustCompile(`(?s)Invalid origin.*has no scheme: write it as\s+https://portal.example.com`)},
		{"path", testAccWebIntegrationConfig(p, "x", "https://portal.example.com/app"), regexp.MustCompile(`(?s)Invalid origin.*remove the path`)},
		// Not a host without a scheme: no advice to write "https://javascript:alert(1)".
		{"javascript", testAccWebIntegrationConfig(p, "x", "javascript:alert(1)"), regexp.MustCompile(`(?s)Invalid origin.*"javascript:alert\(1\)" is not a web\s+origin: an origin is http:// or https://`)},
		{"ftp", testAccWebIntegrationConfig(p, "x", "ftp://portal.example.com"), regexp.MustCompile(`(?s)Invalid origin.*must use http:// or https://`)},
		{"upper case", testAccWebIntegrationConfig(p, "x", "https://Portal.Example.com"), regexp.MustCompile(`(?s)Origin not in canonical form.*"https://portal.example.com"`)},
		{"default port", testAccWebIntegrationConfig(p, "x", "https://portal.example.com:443"), regexp.MustCompile(`(?s)Origin not in canonical form.*"https://portal.example.com"`)},
		{"trailing slash", testAccWebIntegrationConfig(p, "x", "https://portal.example.com/"), regexp.MustCompile(`(?s)Origin not in canonical form`)},
		{"empty name", testAccWebIntegrationConfig(p, "", "https://portal.example.com"), regexp.MustCompile(`(?s)Attribute name string length must be at least 1`)},
	}
	e.expectPlanErrorsWithoutWrites(t, home.Hostname, cases)
}

func TestAccWebIntegration_conflict(t *testing.T) {
	e, _ := newTestEnv(t)
	config := testAccWebIntegrationConfig(e.oauthProvider(), "Portal", "https://portal.example.com")
	e.test(t, []resource.TestStep{
		{Config: config},
		{
			Config: config + `
resource "qlik_web_integration" "copy" {
  name = "Portal"
}
`,
			ExpectError: regexp.MustCompile(`(?s)Unable to create web integration.*HTTP\s+409.*Code: WEBINTEGRATIONS-CONFLICT.*Detail: A web integration named "Portal" already exists.*Request ID: [0-9a-f]+.*choose another\s+name`),
		},
	})
}

// TestAccWebIntegration_qlikRejects shows a 400 that only Qlik can raise (a name of blanks passes the plan's
// length check) with Qlik's own code, title and request id.
func TestAccWebIntegration_qlikRejects(t *testing.T) {
	e, _ := newTestEnv(t)
	e.test(t, []resource.TestStep{{
		Config:      testAccWebIntegrationConfig(e.oauthProvider(), "  ", "https://portal.example.com"),
		ExpectError: regexp.MustCompile(`(?s)Unable to create web integration.*HTTP\s+400.*Code: WEBINTEGRATIONS-5.*Title: Missing required fields.*Detail: name is required.*Request ID: [0-9a-f]+`),
	}})
}
