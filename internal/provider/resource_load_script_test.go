package provider_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

func testAccLoadScriptConfig(provider, appID, script, message string) string {
	return provider + fmt.Sprintf(`
resource "qlik_load_script" "test" {
  app_id          = %[1]q
  script          = %[2]q
  version_message = %[3]q
}
`, appID, script, message)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// expectCurrentScript checks the app's current script in the simulator.
func (e *testEnv) expectCurrentScript(hostname, appID, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		versions, err := e.sim.Scripts(hostname, appID)
		if err != nil {
			return err
		}
		if got := versions[len(versions)-1].Script; got != want {
			return fmt.Errorf("current script of %s is %q, want %q", appID, got, want)
		}
		return nil
	}
}

func TestAccLoadScript_basic(t *testing.T) {
	e, home := newTestEnv(t)
	app := e.seedApp(home.Hostname, "Sales", "", 1024)
	// Written the way the script editor and Windows templates write it: CRLF and a final newline.
	script := "LIB CONNECT TO 'orders';\r\nLOAD * FROM orders WHERE customer = 'a';\r\n"
	v2 := "LIB CONNECT TO 'orders';\nLOAD * FROM orders WHERE customer = 'b';"
	e.testCase(t, resource.TestCase{
		// Destroy leaves the script in the app.
		CheckDestroy: e.expectCurrentScript(home.Hostname, app, v2),
		Steps: []resource.TestStep{
			{
				PreConfig: e.sim.ResetAudit,
				Config:    testAccLoadScriptConfig(e.oauthProvider(), app, script, "customer a"),
				ConfigStateChecks: []statecheck.StateCheck{
					hasString("qlik_load_script.test", "id", app),
					hasString("qlik_load_script.test", "script", script),
					hasString("qlik_load_script.test", "script_sha256", sha256Hex("LIB CONNECT TO 'orders';\nLOAD * FROM orders WHERE customer = 'a';")),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("qlik_load_script.test", plancheck.ResourceActionCreate),
						// Known at plan time, so a reload trigger can use it.
						plannedValue("qlik_load_script.test", "script_sha256", knownvalue.NotNull()),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					e.expectCurrentScript(home.Hostname, app, script),
					e.calls(http.MethodPost, "/api/v1/apps/{appId}/scripts", home.Hostname, 1),
				),
			},
			{
				ResourceName:      "qlik_load_script.test",
				ImportState:       true,
				ImportStateId:     app,
				ImportStateVerify: true,
			},
			{
				// The same script with LF and without the final newline is no change.
				Config: testAccLoadScriptConfig(e.oauthProvider(), app, "LIB CONNECT TO 'orders';\nLOAD * FROM orders WHERE customer = 'a';", "customer a"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: testAccLoadScriptConfig(e.oauthProvider(), app, v2, "customer b"),
				ConfigPlanChecks: planThenEmpty("qlik_load_script.test", plancheck.ResourceActionUpdate,
					plannedValue("qlik_load_script.test", "script_sha256", knownvalue.StringExact(sha256Hex(v2))),
				),
				Check: e.expectCurrentScript(home.Hostname, app, v2),
			},
			{
				// A save in the script editor shows as an update that puts the configured script back.
				PreConfig: func() {
					if _, err := e.sim.EditScript(home.Hostname, app, "LOAD 1 AS x AUTOGENERATE 1;"); err != nil {
						t.Fatal(err)
					}
				},
				Config:           testAccLoadScriptConfig(e.oauthProvider(), app, v2, "customer b"),
				ConfigPlanChecks: planAction("qlik_load_script.test", plancheck.ResourceActionUpdate),
				Check:            e.expectCurrentScript(home.Hostname, app, v2),
			},
		},
	})
}

func TestAccLoadScript_replaceAndDisappears(t *testing.T) {
	e, home := newTestEnv(t)
	a1 := e.seedApp(home.Hostname, "Sales A", "", 1024)
	a2 := e.seedApp(home.Hostname, "Sales B", "", 1024)
	script := "LOAD * FROM orders;"
	e.test(t, []resource.TestStep{
		{Config: testAccLoadScriptConfig(e.oauthProvider(), a1, script, "")},
		{
			Config:           testAccLoadScriptConfig(e.oauthProvider(), a2, script, ""),
			ConfigPlanChecks: planAction("qlik_load_script.test", plancheck.ResourceActionDestroyBeforeCreate),
			Check: resource.ComposeAggregateTestCheckFunc(
				e.expectCurrentScript(home.Hostname, a2, script),
				// The replaced resource leaves the first app's script alone.
				e.expectCurrentScript(home.Hostname, a1, script),
			),
		},
		{
			PreConfig:          func() { must(t, e.sim.DeleteApp(home.Hostname, a2)) },
			Config:             testAccLoadScriptConfig(e.oauthProvider(), a2, script, ""),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
	})
}

func TestAccLoadScript_validation(t *testing.T) {
	e, _ := newTestEnv(t)
	e.test(t, []resource.TestStep{
		{
			Config:      testAccLoadScriptConfig(e.oauthProvider(), "2f6a8a3c-52d3-4bc0-8c6e-5d1b8e4f7c21", " \r\n\t", ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Empty load script`),
		},
		{
			// Over the 1 MiB body of a script version: refused at plan with the limit, before any request
			// (it used to fail at apply on the body limit).
			Config:      testAccLoadScriptConfig(e.oauthProvider(), "2f6a8a3c-52d3-4bc0-8c6e-5d1b8e4f7c21", strings.Repeat("LOAD 1 AS x AUTOGENERATE 1;\n", 40000), ""),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Load script too large.*1160033 bytes.*at most 1048576 bytes \(1 MiB\)`),
		},
		{
			Config:      testAccLoadScriptConfig(e.oauthProvider(), "2f6a8a3c-52d3-4bc0-8c6e-5d1b8e4f7c21", "LOAD 1;", ""),
			ExpectError: regexp.MustCompile(`(?s)Unable to set load script.*HTTP 404.*app_id`),
		},
		{
			ResourceName:  "qlik_load_script.test",
			Config:        testAccLoadScriptConfig(e.oauthProvider(), "x", "LOAD 1;", ""),
			ImportState:   true,
			ImportStateId: "a/b/c",
			ExpectError:   regexp.MustCompile(`Invalid import id`),
		},
	})
}
