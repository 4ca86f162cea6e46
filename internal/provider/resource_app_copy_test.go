package provider_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// appCopyConfig describes a target tenant (empty = home) with two spaces and one copy of source.
type appCopyConfig struct {
	target, sourceHost, source, version, name, description, space string
}

func (c appCopyConfig) hcl(provider string) string {
	return testConfig(provider, "TestAccAppCopy", tfVars{
		"tenant_hostname": orNull(c.target), "source_tenant_hostname": orNull(c.sourceHost), "source_version": orNull(c.version),
		"source_app_id": c.source, "name": c.name, "description": orNull(c.description), "space": c.space,
	})
}

// expectOneCopy checks that the tenant holds exactly one app besides the template, the one in state, with the
// given name and the template's bytes.
func (e *testEnv) expectOneCopy(hostname, templateHost, templateID, wantName string, id *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		apps := e.appsIn(hostname, templateID)
		if len(apps) != 1 {
			return fmt.Errorf("tenant %s holds %d copies (%+v), want exactly 1", hostname, len(apps), apps)
		}
		if apps[0].Attributes.ID != *id || apps[0].Attributes.Name != wantName {
			return fmt.Errorf("the copy in the simulator is %s %q, state has %s and %q", apps[0].Attributes.ID, apps[0].Attributes.Name, *id, wantName)
		}
		want, err := e.sim.AppChecksum(templateHost, templateID)
		if err != nil {
			return err
		}
		if got, _ := e.sim.AppChecksum(hostname, *id); got != want {
			return fmt.Errorf("the copy's content differs from the template's")
		}
		return nil
	}
}

// appCopyIntoSpace is a copy named Sales of source into the space spaceID of the target tenant, with a create
// timeout (nil for none).
func (e *testEnv) appCopyIntoSpace(target, source, spaceID string, createTimeout any) string {
	return testConfig(e.oauthProvider(), "TestAccAppCopy_intoSpace", tfVars{
		"tenant_hostname": target, "source_app_id": source, "space_id": spaceID, "create_timeout": createTimeout,
	})
}

var appCopyImportIgnore = []string{"source_app_id", "source_tenant_hostname", "source_version", "timeouts"}

func TestAccAppCopy_basic(t *testing.T) {
	e, home := newTestEnv(t)
	tpl := e.seedApp(home.Hostname, "Sales template", "", 1<<20)
	var id string
	cfg := appCopyConfig{source: tpl, name: "Sales", description: "Customer A sales", space: "a"}

	e.testCase(t, resource.TestCase{
		CheckDestroy: func(*terraform.State) error {
			if _, ok := e.sim.App(home.Hostname, id); ok {
				return fmt.Errorf("app copy %s still exists after destroy", id)
			}
			if _, ok := e.sim.App(home.Hostname, tpl); !ok {
				return fmt.Errorf("destroy deleted the template")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: e.sim.ResetAudit,
				Config:    cfg.hcl(e.oauthProvider()),
				ConfigStateChecks: []statecheck.StateCheck{
					hasString("qlik_app_copy.test", "name", "Sales"),
					hasString("qlik_app_copy.test", "description", "Customer A sales"),
					hasString("qlik_app_copy.test", "owner_id", home.BotUserID),
					isSet("qlik_app_copy.test", "created_date"),
					sameValue("qlik_app_copy.test", "space_id", "qlik_space.a", "id"),
				},
				ConfigPlanChecks: planThenEmpty("qlik_app_copy.test", plancheck.ResourceActionCreate),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_app_copy.test", &id),
					e.expectOneCopy(home.Hostname, home.Hostname, tpl, "Sales", &id),
					// Within one tenant Qlik copies the app itself: no export, no import.
					e.calls(http.MethodPost, "/api/v1/apps/{appId}/copy", home.Hostname, 1),
					e.calls(http.MethodPost, "/api/v1/apps/{appId}/export", "", 0),
				),
			},
			importStep("qlik_app_copy.test", appCopyImportIgnore...),
			importByTenantStep("qlik_app_copy.test", home.Hostname, &id, appCopyImportIgnore...),
		},
	})
}

// TestAccAppCopy_crossTenant copies a template from the home tenant into a second tenant by export and import,
// then renames, moves and replaces it, checking the target never holds more than one copy.
func TestAccAppCopy_crossTenant(t *testing.T) {
	e, home := newTestEnv(t)
	target := e.addTenant("customer-a")
	tpl := e.seedApp(home.Hostname, "Sales template", "", 8<<20)
	tpl2 := e.seedApp(home.Hostname, "Sales template v2", "", 3<<20)
	var first, id string
	base := appCopyConfig{target: target.Hostname, source: tpl, name: "Sales", space: "a"}
	renamed := base
	renamed.name, renamed.description = "Sales (EMEA)", "Renamed in place"
	moved := renamed
	moved.space = "b"
	bumped := moved
	bumped.version = "2026.11"
	newSource := bumped
	newSource.source = tpl2
	// step applies one of the configurations after the first: the plan does action, the next plan is empty.
	step := func(c appCopyConfig, action plancheck.ResourceActionType, checks ...resource.TestCheckFunc) resource.TestStep {
		return resource.TestStep{
			Config:           c.hcl(e.oauthProvider()),
			ConfigPlanChecks: planThenEmpty("qlik_app_copy.test", action),
			Check:            resource.ComposeAggregateTestCheckFunc(checks...),
		}
	}

	e.testCase(t, resource.TestCase{
		CheckDestroy: noneLeftAfterDestroy("apps in the target", countIn(e.sim.Apps, target.Hostname)),
		Steps: []resource.TestStep{
			{
				PreConfig:        e.sim.ResetAudit,
				Config:           base.hcl(e.oauthProvider()),
				ConfigPlanChecks: emptyPlanAfterApply(),
				ConfigStateChecks: []statecheck.StateCheck{
					hasString("qlik_app_copy.test", "tenant_hostname", target.Hostname),
					hasString("qlik_app_copy.test", "owner_id", target.BotUserID),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_app_copy.test", &first),
					e.expectOneCopy(target.Hostname, home.Hostname, tpl, "Sales", &first),
					func(*terraform.State) error {
						for _, c := range []struct {
							method, route, host string
						}{
							{http.MethodPost, "/api/v1/apps/{appId}/export", home.Hostname},
							{http.MethodGet, "/api/v1/temp-contents/{id}", home.Hostname},
							{http.MethodPost, "/api/v1/temp-contents", target.Hostname},
							{http.MethodPost, "/api/v1/apps/import", target.Hostname},
						} {
							if n := e.sim.AuditCount(c.method, c.route, c.host); n != 1 {
								return fmt.Errorf("%s %s on %s ran %d times, want 1", c.method, c.route, c.host, n)
							}
						}
						return nil
					},
				),
			},
			{
				ResourceName:            "qlik_app_copy.test",
				ImportState:             true,
				ImportStateIdFunc:       tenantImportID(target.Hostname, &first),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: appCopyImportIgnore,
			},
			step(renamed, plancheck.ResourceActionUpdate,
				keptID("qlik_app_copy.test", &id, &first),
				e.expectOneCopy(target.Hostname, home.Hostname, tpl, "Sales (EMEA)", &id)),
			{
				Config:           moved.hcl(e.oauthProvider()),
				ConfigPlanChecks: planThenEmpty("qlik_app_copy.test", plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					sameValue("qlik_app_copy.test", "space_id", "qlik_space.b", "id"),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					keptID("qlik_app_copy.test", &id, &first),
					func(*terraform.State) error {
						a, _ := e.sim.App(target.Hostname, id)
						spaces := e.sim.Spaces(target.Hostname)
						for _, s := range spaces {
							if s.Name == "Customer B" && s.ID == a.Attributes.SpaceID {
								return nil
							}
						}
						return fmt.Errorf("the copy is in space %q, not in Customer B", a.Attributes.SpaceID)
					},
				),
			},
			step(bumped, plancheck.ResourceActionReplace,
				replacedID("qlik_app_copy.test", &id, &first),
				e.expectOneCopy(target.Hostname, home.Hostname, tpl, "Sales (EMEA)", &id)),
			step(newSource, plancheck.ResourceActionReplace,
				captureID("qlik_app_copy.test", &id),
				e.expectOneCopy(target.Hostname, home.Hostname, tpl2, "Sales (EMEA)", &id)),
		},
	})
}

func TestAccAppCopy_disappearsAndDrift(t *testing.T) {
	e, home := newTestEnv(t)
	tpl := e.seedApp(home.Hostname, "Template", "", 4096)
	var id string
	config := appCopyConfig{source: tpl, name: "Finance", space: "a"}.hcl(e.oauthProvider())

	e.test(t, []resource.TestStep{
		{Config: config, Check: captureID("qlik_app_copy.test", &id)},
		// A rename in the Qlik UI shows as an in-place update that restores the configured name.
		driftStep(t, config,
			func() error {
				return e.sim.EditApp(home.Hostname, id, func(a *qliksim.AppAttributes) { a.Name, a.Description = "Renamed in the UI", "edited" })
			},
			resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("qlik_app_copy.test", plancheck.ResourceActionUpdate),
				plannedValue("qlik_app_copy.test", "name", knownvalue.StringExact("Finance")),
			}},
			e.expectOneCopy(home.Hostname, home.Hostname, tpl, "Finance", &id)),
		driftStep(t, config,
			deleteByID(e.sim.DeleteApp, home.Hostname, &id),
			planAction("qlik_app_copy.test", plancheck.ResourceActionCreate),
			resource.ComposeAggregateTestCheckFunc(
				captureID("qlik_app_copy.test", &id),
				e.expectOneCopy(home.Hostname, home.Hostname, tpl, "Finance", &id),
			)),
	})
}

// TestAccAppCopy_faults injects a failure into each step of a cross-tenant copy: every apply converges with
// exactly one copy in the target.
func TestAccAppCopy_faults(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, method, route string
		inTarget            bool
		fault               qliksim.RouteFault
	}{
		{"export unavailable", http.MethodPost, "/api/v1/apps/{appId}/export", false, qliksim.RouteFault{Status: http.StatusServiceUnavailable}},
		{"download cut", http.MethodGet, "/api/v1/temp-contents/{id}", false, qliksim.RouteFault{AfterBytes: 1 << 20}},
		{"upload cut", http.MethodPost, "/api/v1/temp-contents", true, qliksim.RouteFault{AfterBytes: 1 << 20}},
		{"import reset after commit", http.MethodPost, "/api/v1/apps/import", true, qliksim.RouteFault{}},
		{"rename reset after commit", http.MethodPut, "/api/v1/apps/{appId}", true, qliksim.RouteFault{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, home := newTestEnv(t)
			target := e.addTenant("customer")
			tpl := e.seedApp(home.Hostname, "Template", "", 4<<20)
			host := home.Hostname
			if c.inTarget {
				host = target.Hostname
			}
			var id string
			e.test(t, []resource.TestStep{{
				PreConfig:        func() { e.sim.FailRoute(host, c.method, c.route, 1, c.fault) },
				Config:           appCopyConfig{target: target.Hostname, source: tpl, name: "Sales", space: "a"}.hcl(e.oauthProvider()),
				ConfigPlanChecks: emptyPlanAfterApply(),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_app_copy.test", &id),
					e.expectOneCopy(target.Hostname, home.Hostname, tpl, "Sales", &id),
				),
			}})
		})
	}
}

// TestAccAppCopy_failureAfterAccepted makes the last step of a copy fail for good after Qlik accepted the copy:
// the copy is kept in state (tainted), and the next apply replaces it, leaving exactly one.
func TestAccAppCopy_failureAfterAccepted(t *testing.T) {
	e, home := newTestEnv(t)
	target := e.addTenant("customer")
	tpl := e.seedApp(home.Hostname, "Template", "", 1<<20)
	var first, id string
	config := appCopyConfig{target: target.Hostname, source: tpl, name: "Sales", space: "a"}.hcl(e.oauthProvider())
	e.test(t, []resource.TestStep{
		{
			// The rename after the copy fails (as when Ctrl-C lands on it): the complete copy is kept, untainted.
			PreConfig: func() {
				e.sim.FailRoute(target.Hostname, http.MethodPut, "/api/v1/apps/{appId}", 1, qliksim.RouteFault{Status: http.StatusForbidden})
			},
			Config:             config,
			ExpectNonEmptyPlan: true,
			Check:              captureID("qlik_app_copy.test", &first),
		},
		{
			// The next apply only renames it: no second export, no second copy (it used to replace the copy).
			Config:           config,
			ConfigPlanChecks: planThenEmpty("qlik_app_copy.test", plancheck.ResourceActionUpdate),
			Check: resource.ComposeAggregateTestCheckFunc(
				captureID("qlik_app_copy.test", &id),
				e.expectOneCopy(target.Hostname, home.Hostname, tpl, "Sales", &id),
				func(*terraform.State) error {
					if id != first {
						return fmt.Errorf("the copy was replaced (%s, then %s)", first, id)
					}
					if n := e.sim.AuditCount(http.MethodPost, "/api/v1/apps/{appId}/export", ""); n != 1 {
						return fmt.Errorf("%d exports, want 1", n)
					}
					return nil
				},
			),
		},
	})
}

// TestAccAppCopy_missingTargetSpace: a copy into a space that does not exist fails before anything is exported or
// uploaded (it used to move the whole app first and leave the upload behind).
func TestAccAppCopy_missingTargetSpace(t *testing.T) {
	e, home := newTestEnv(t)
	target := e.addTenant("customer")
	tpl := e.seedApp(home.Hostname, "Template", "", 1<<20)
	e.test(t, []resource.TestStep{{
		Config:      e.appCopyIntoSpace(target.Hostname, tpl, "0123456789abcdef01234567", nil),
		ExpectError: regexp.MustCompile(`(?s)Unable to copy app.*Space 0123456789abcdef01234567 does not exist`),
	}})
	for _, a := range e.sim.Audit() {
		if a.Method != http.MethodGet && a.Route != "/oauth/token" {
			t.Errorf("%s %s on %s: nothing may be exported or uploaded", a.Method, a.Path, a.Host)
		}
	}
}

// TestAccAppCopy_adoptsInterruptedCopy plants the apps an apply leaves behind when it is killed after Qlik
// accepted the copy: the next apply adopts the oldest instead of copying again, and deletes the surplus.
func TestAccAppCopy_adoptsInterruptedCopy(t *testing.T) {
	e, home := newTestEnv(t)
	target := e.addTenant("customer")
	tpl := e.seedApp(home.Hostname, "Template", "", 1<<20)
	space := e.createSpaceIn(t, target.Hostname, "Customer", "shared")
	marker := provider.StagingName(home.Hostname, tpl, "", target.Hostname, space.ID, "Sales")
	planted := e.seedApp(target.Hostname, marker, space.ID, 1<<20)
	// A second unfinished copy, as a retry that ran before Qlik listed the first would leave.
	surplus := e.seedApp(target.Hostname, marker, space.ID, 1<<20)
	var id string
	e.test(t, []resource.TestStep{{
		PreConfig: e.sim.ResetAudit,
		Config:    e.appCopyIntoSpace(target.Hostname, tpl, space.ID, nil),
		Check: resource.ComposeAggregateTestCheckFunc(
			captureID("qlik_app_copy.test", &id),
			func(*terraform.State) error {
				if id != planted {
					return fmt.Errorf("state holds %s, want the planted copy %s", id, planted)
				}
				if n := e.sim.AuditCount(http.MethodPost, "/api/v1/apps/{appId}/export", ""); n != 0 {
					return fmt.Errorf("%d exports: the interrupted copy was not adopted", n)
				}
				if apps := e.sim.Apps(target.Hostname); len(apps) != 1 || apps[0].Attributes.Name != "Sales" {
					return fmt.Errorf("target holds %+v, want one app named Sales", apps)
				}
				if _, ok := e.sim.App(target.Hostname, surplus); ok {
					return fmt.Errorf("the surplus unfinished copy %s was kept", surplus)
				}
				return nil
			},
		),
	}})
}

func TestAccAppCopy_validation(t *testing.T) {
	e, _ := newTestEnv(t)
	cases := []struct {
		body string
		want *regexp.Regexp
	}{
		{`source_app_id = ""
  name = "x"
  space_id = "s"`, regexp.MustCompile(`(?s)Attribute source_app_id string length must be at least 1`)},
		{`source_app_id = "a"
  name = ""
  space_id = "s"`, regexp.MustCompile(`(?s)Attribute name string length must be between 1 and 256`)},
		{`source_app_id = "a"
  name = "x"
  space_id = ""`, regexp.MustCompile(`(?s)Attribute space_id string length must be at least 1`)},
		{`source_app_id = "a"
  source_tenant_hostname = "https://acme.eu.qlikcloud.com"
  name = "x"
  space_id = "s"`, regexp.MustCompile(`(?s)Invalid tenant hostname`)},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config:      e.oauthProvider() + "resource \"qlik_app_copy\" \"test\" {\n  " + c.body + "\n}\n",
			PlanOnly:    true,
			ExpectError: c.want,
		})
	}
	e.test(t, steps)
}

// TestAccAppCopy_spaceNotEmpty deletes the space that still holds the copy: Qlik refuses with 412, and the error
// says why.
func TestAccAppCopy_spaceNotEmpty(t *testing.T) {
	e, home := newTestEnv(t)
	tpl := e.seedApp(home.Hostname, "Template", "", 4096)
	var id string
	forget := e.oauthProvider() + `
removed {
  from = qlik_app_copy.test
  lifecycle {
    destroy = false
  }
}
`
	e.test(t, []resource.TestStep{
		{Config: appCopyConfig{source: tpl, name: "Sales", space: "a"}.hcl(e.oauthProvider()), Check: captureID("qlik_app_copy.test", &id)},
		{
			// Terraform forgets the copy without deleting it and destroys the spaces: the one holding the
			// copy is refused.
			Config:      forget,
			ExpectError: regexp.MustCompile(`(?s)Unable to delete space.*HTTP\s+412.*still holds content`),
		},
		{
			PreConfig: func() { must(t, e.sim.DeleteApp(home.Hostname, id)) },
			Config:    e.oauthProvider(),
		},
	})
}

// TestAccAppCopy_importThenApply imports an existing app with an import block and checks that the first plan
// fills in the source in place rather than replacing the app: Qlik does not record where a copy came from.
func TestAccAppCopy_importThenApply(t *testing.T) {
	e, home := newTestEnv(t)
	space := e.createSpace(t, "Customer", "shared")
	tpl := e.seedApp(home.Hostname, "Template", "", 4096)
	existing := e.seedApp(home.Hostname, "Sales", space.ID, 4096)
	dir := t.TempDir()
	creds := e.sim.Credentials()
	cfg := requiredProviders + fmt.Sprintf(`
provider "qlik" {
  tenant_url    = %[1]q
  client_id     = %[2]q
  client_secret = %[3]q
}

import {
  to = qlik_app_copy.sales
  id = %[4]q
}

resource "qlik_app_copy" "sales" {
  source_app_id  = %[5]q
  source_version = "1"
  name           = "Sales"
  space_id       = %[6]q
}
`, home.URL, creds.ClientID, creds.ClientSecret, existing, tpl, space.ID)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	tf := newTFCLI(t, dir)
	plan := tf.mustRun("plan", "-input=false", "-no-color")
	if !strings.Contains(plan, "1 to import, 0 to add, 1 to change, 0 to destroy") || strings.Contains(plan, "must be replaced") {
		t.Fatalf("plan after import should only fill in the source in place:\n%s", plan)
	}
	tf.apply()
	tf.requireEmptyPlan()
	if apps := e.appsIn(home.Hostname, tpl); len(apps) != 1 || apps[0].Attributes.ID != existing {
		t.Fatalf("tenant holds %+v, want only the imported app %s", apps, existing)
	}
	tf.destroy()
	if _, ok := e.sim.App(home.Hostname, existing); ok {
		t.Error("destroy kept the imported app")
	}
}

// TestAccAppCopy_createTimeout bounds a slow cross-tenant copy with the timeouts block: the apply fails with
// the deadline, and nothing is left in the target.
func TestAccAppCopy_createTimeout(t *testing.T) {
	e, home := newTestEnv(t)
	target := e.addTenant("customer")
	tpl := e.seedApp(home.Hostname, "Template", "", 4096)
	space := e.createSpaceIn(t, target.Hostname, "Customer", "shared")
	e.test(t, []resource.TestStep{{
		PreConfig:   func() { e.sim.SetLatency(400 * time.Millisecond) },
		Config:      e.appCopyIntoSpace(target.Hostname, tpl, space.ID, "1s"),
		ExpectError: regexp.MustCompile(`(?s)Unable to copy app.*context\s+deadline\s+exceeded.*raise\s+timeouts.create`),
	}})
	if apps := e.sim.Apps(target.Hostname); len(apps) != 0 {
		t.Errorf("target holds %d apps after a timed-out copy", len(apps))
	}
}
