package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func testAccCSPOriginConfig(provider, name, origin string, directives ...string) string {
	return provider + fmt.Sprintf(`
resource "qlik_csp_origin" "test" {
  name       = %[1]q
  origin     = %[2]q
  directives = [%[3]s]
}
`, name, origin, quoteAll(directives))
}

func TestAccCSPOrigin_basic(t *testing.T) {
	e, home := newTestEnv(t)
	var id string
	config := testAccCSPOriginConfig(e.oauthProvider(), "Customer portal", "portal.example.com", "frame-ancestors", "connect-src-wss")

	e.testCase(t, resource.TestCase{
		CheckDestroy: goneAfterDestroy("CSP origin", home.Hostname, &id, e.cspOriginByID),
		Steps: []resource.TestStep{
			createStep(config, "qlik_csp_origin.test", &id,
				[]statecheck.StateCheck{
					hasString("qlik_csp_origin.test", "origin", "portal.example.com"),
					hasString("qlik_csp_origin.test", "description", ""),
					hasStrings("qlik_csp_origin.test", "directives", "frame-ancestors", "connect-src-wss"),
				},
				func(*terraform.State) error {
					c, ok := e.cspOriginByID(home.Hostname, id)
					if !ok || c.Name != "Customer portal" || !c.FrameAncestors || !c.ConnectSrcWSS || c.ConnectSrc || c.FrameSrc || c.ScriptSrc {
						return fmt.Errorf("simulator holds %+v (found=%v)", c, ok)
					}
					return nil
				}),
			importStep("qlik_csp_origin.test"),
			importByTenantStep("qlik_csp_origin.test", home.Hostname, &id),
		},
	})
}

func TestAccCSPOrigin_updateDisappearsDrift(t *testing.T) {
	e, home := newTestEnv(t)
	var id string
	final := e.oauthProvider() + `
resource "qlik_csp_origin" "test" {
  origin      = "https://portal.example.com:8443"
  description = "Iframes and images of the customer portal"
  directives  = ["frame-ancestors", "img-src", "script-src"]
}
`
	e.test(t, []resource.TestStep{
		{
			Config: testAccCSPOriginConfig(e.oauthProvider(), "Portal", "portal.example.com", "frame-ancestors"),
			Check:  captureID("qlik_csp_origin.test", &id),
		},
		{
			// Everything changes in place with one PUT, and the name falls back to empty.
			Config:           final,
			ConfigPlanChecks: planThenEmpty("qlik_csp_origin.test", plancheck.ResourceActionUpdate),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPtr("qlik_csp_origin.test", "id", &id),
				func(*terraform.State) error {
					c, _ := e.cspOriginByID(home.Hostname, id)
					if c.Name != "" || c.Origin != "https://portal.example.com:8443" || c.Description != "Iframes and images of the customer portal" ||
						!c.FrameAncestors || !c.ImgSrc || !c.ScriptSrc || c.ConnectSrc {
						return fmt.Errorf("in-place update: simulator holds %+v", c)
					}
					return nil
				},
				e.calls("PUT", "/api/v1/csp-origins/{id}", home.Hostname, 1),
			),
		},
		// A directive switched on and another off in the console shows as drift and is put back.
		driftStep(t, final,
			func() error {
				return e.sim.EditCSPOrigin(home.Hostname, id, func(c *qliksim.CSPEntry) {
					c.ScriptSrc = false
					c.ObjectSrc = true
				})
			},
			planAction("qlik_csp_origin.test", plancheck.ResourceActionUpdate),
			func(*terraform.State) error {
				if c, _ := e.cspOriginByID(home.Hostname, id); !c.ScriptSrc || c.ObjectSrc {
					return fmt.Errorf("drift not corrected: %+v", c)
				}
				return nil
			}),
		recreateStep(t, final, "qlik_csp_origin.test",
			deleteByID(e.sim.DeleteCSPOrigin, home.Hostname, &id), countIn(e.sim.CSPOrigins, home.Hostname)),
	})
}

func TestAccCSPOrigin_validation(t *testing.T) {
	e, home := newTestEnv(t)
	p := e.oauthProvider()
	cases := []planError{
		{"unknown directive", testAccCSPOriginConfig(p, "x", "portal.example.com", "frame-ancestors", "frameAncestors"), regexp.MustCompile(`(?s)directives.*value must be one of.*"frame-ancestors"`)},
		{"no directive", testAccCSPOriginConfig(p, "x", "portal.example.com"), regexp.MustCompile(`(?s)directives set must contain at least 1 elements`)},
		{"path", testAccCSPOriginConfig(p, "x", "https://portal.example.com/app", "frame-ancestors"), regexp.MustCompile(`(?s)Invalid CSP origin.*without a path`)},
		{"space", testAccCSPOriginConfig(p, "x", "portal example.com", "frame-ancestors"), regexp.MustCompile(`(?s)Invalid CSP origin`)},
		{"long name", testAccCSPOriginConfig(p, strings.Repeat("n", 513), "portal.example.com", "frame-ancestors"), regexp.MustCompile(`(?s)Attribute name string length must be at most 512`)},
	}
	e.expectPlanErrorsWithoutWrites(t, home.Hostname, cases)
}

func TestAccCSPOrigin_conflict(t *testing.T) {
	e, _ := newTestEnv(t)
	config := testAccCSPOriginConfig(e.oauthProvider(), "Portal", "portal.example.com", "frame-ancestors")
	e.test(t, []resource.TestStep{
		{Config: config},
		{
			Config: config + `
resource "qlik_csp_origin" "copy" {
  origin     = "Portal.Example.com"
  directives = ["img-src"]
}
`,
			ExpectError: regexp.MustCompile(`(?s)Unable to create CSP origin.*HTTP\s+409.*Code: CSP-ORIGINS-409.*Title: Conflict.*already exists.*add the directives\s+to that entry`),
		},
	})
}
