package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// testAccReleaseConfig is one customer's pipeline in the home tenant with the copy tied to a template release and
// replaced create-before-destroy, as the OEM example does.
func testAccReleaseConfig(provider, template, release string) string {
	return testConfig(provider, "TestAccRelease", tfVars{"template_app_id": template, "release": release})
}

// TestAccRelease_republishFailsHalfway: when the republish of a new release fails, the apply stops with the new
// copy made and reloaded and the previous copy kept (Terraform holds it as deposed): the published app still
// serves the previous release, with its users' content. The next apply republishes first and only then deletes
// the previous copy, so the published app never loses its source. When instead the previous copy's delete fails,
// the published app already serves the new release and the next apply only deletes the leftover copy.
func TestAccRelease_republishFailsHalfway(t *testing.T) {
	e, _ := newTestEnv(t)
	home := e.sim.Home().Hostname
	tpl := e.seedApp(home, "Sales template", "", 1<<20)
	var copy1, copy2, published, release1 string
	mark := 0
	e.test(t, []resource.TestStep{
		{
			Config: testAccReleaseConfig(e.oauthProvider(), tpl, "1"),
			Check: resource.ComposeAggregateTestCheckFunc(
				captureID("qlik_app_copy.sales", &copy1),
				captureID("qlik_app_publish.sales", &published),
				func(*terraform.State) error {
					var err error
					release1, err = e.sim.AppChecksum(home, published)
					return err
				},
			),
		},
		{
			PreConfig: func() {
				if _, err := e.sim.SeedPrivateObject(home, published, qliksim.PrivateObject{Type: "sheet", OwnerID: "user-ann", Title: "Mine"}); err != nil {
					t.Fatal(err)
				}
				if err := e.sim.ReplaceAppContent(home, tpl, 2<<20); err != nil {
					t.Fatal(err)
				}
				// A 500 is not retried: the republish fails at once.
				e.sim.FailRoute(home, "PUT", "/api/v1/apps/{appId}/publish", 1, qliksim.RouteFault{Status: 500})
			},
			Config:      testAccReleaseConfig(e.oauthProvider(), tpl, "2"),
			ExpectError: regexp.MustCompile(`(?s)Unable to republish app.*HTTP 500`),
		},
		{
			// Halfway: both copies exist, the new one reloaded; the published app is untouched.
			PreConfig: func() {
				pub, _ := e.sim.App(home, published)
				sum, _ := e.sim.AppChecksum(home, published)
				objs, _ := e.sim.PrivateObjects(home, published)
				if pub.Attributes.OriginAppID != copy1 || sum != release1 || len(objs) != 1 {
					t.Errorf("after the failed republish the published app is %+v (release 1: %v) with %d private objects", pub.Attributes, sum == release1, len(objs))
				}
				var copies, reloadedNew int
				for _, a := range e.sim.Apps(home) {
					if a.Attributes.Name == "Sales" && a.Attributes.PublishTime == "" {
						copies++
						for _, r := range e.sim.Reloads(home) {
							if r.AppID == a.Attributes.ID && a.Attributes.ID != copy1 && r.Status == qliksim.ReloadSucceeded {
								reloadedNew++
							}
						}
					}
				}
				if copies != 2 || reloadedNew != 1 {
					t.Errorf("after the failed republish: %d copies, %d reloads of the new one; want the old and the new copy, the new one reloaded", copies, reloadedNew)
				}
				mark = len(e.sim.Audit())
			},
			Config: testAccReleaseConfig(e.oauthProvider(), tpl, "2"),
			ConfigPlanChecks: planThenEmpty("qlik_app_publish.sales", plancheck.ResourceActionUpdate,
				plancheck.ExpectResourceAction("qlik_reload.sales", plancheck.ResourceActionNoop),
			),
			Check: resource.ComposeAggregateTestCheckFunc(
				func(s *terraform.State) error {
					copy2 := s.RootModule().Resources["qlik_app_copy.sales"].Primary.ID
					id := s.RootModule().Resources["qlik_app_publish.sales"].Primary.ID
					pub, _ := e.sim.App(home, published)
					if id != published || pub.Attributes.OriginAppID != copy2 || copy2 == copy1 {
						return fmt.Errorf("published app %s (origin %s), want %s republished from the new copy %s", id, pub.Attributes.OriginAppID, published, copy2)
					}
					if _, ok := e.sim.App(home, copy1); ok {
						return fmt.Errorf("the previous copy %s is still there", copy1)
					}
					return nil
				},
				keptPrivate(e, home, &published, 1),
				sameContent(e, home, &published, tpl),
				func(*terraform.State) error {
					republished, deleted := -1, -1
					for i, a := range e.sim.Audit()[mark:] {
						switch {
						case a.Method == "PUT" && a.Route == "/api/v1/apps/{appId}/publish":
							republished = i
						case a.Method == "DELETE" && strings.HasSuffix(a.Path, "/"+copy1):
							deleted = i
						}
					}
					if republished < 0 || deleted < republished {
						return fmt.Errorf("republished at audit entry %d, previous copy deleted at %d; want the republish first", republished, deleted)
					}
					return nil
				},
				captureID("qlik_app_copy.sales", &copy2),
			),
		},
		{
			// The next release's delete of the previous copy fails: the published app already serves it.
			PreConfig: func() {
				if err := e.sim.ReplaceAppContent(home, tpl, 3<<20); err != nil {
					t.Fatal(err)
				}
				e.sim.FailRoute(home, "DELETE", "/api/v1/apps/{appId}", 1, qliksim.RouteFault{Status: 500})
			},
			Config:      testAccReleaseConfig(e.oauthProvider(), tpl, "3"),
			ExpectError: regexp.MustCompile(`(?s)Unable to delete app copy.*HTTP 500`),
		},
		{
			PreConfig: func() {
				pub, _ := e.sim.App(home, published)
				served, _ := e.sim.AppChecksum(home, published)
				release3, _ := e.sim.AppChecksum(home, tpl)
				if _, kept := e.sim.App(home, copy2); !kept || pub.Attributes.OriginAppID == copy2 || served != release3 {
					t.Errorf("after the failed delete: previous copy kept %v, published app %+v serves release 3: %v", kept, pub.Attributes, served == release3)
				}
			},
			Config:           testAccReleaseConfig(e.oauthProvider(), tpl, "3"),
			ConfigPlanChecks: planThenEmpty("qlik_app_publish.sales", plancheck.ResourceActionNoop),
			Check: resource.ComposeAggregateTestCheckFunc(
				keptPrivate(e, home, &published, 1),
				func(*terraform.State) error {
					if _, ok := e.sim.App(home, copy2); ok {
						return fmt.Errorf("the previous copy %s is still there", copy2)
					}
					return nil
				},
			),
		},
	})
}

// TestAccRelease_republishKeepsOrigin runs a release against a Qlik that, after a republish from another app,
// still reports the originally published app as the origin (the other reading of the undocumented behaviour):
// the apply succeeds with the configured app_id, the plan after it is empty, and a republish from elsewhere is
// then invisible. It also shows the risk of that reading: the previous copy's delete orphans the published app, so
// the next release is refused with the orphan hint.
func TestAccRelease_republishKeepsOrigin(t *testing.T) {
	e, _ := newTestEnvWith(t, qliksim.Options{RepublishKeepsOrigin: true})
	home := e.sim.Home().Hostname
	tpl := e.seedApp(home, "Sales template", "", 1<<20)
	var copy1, published string
	e.test(t, []resource.TestStep{
		{
			Config: testAccReleaseConfig(e.oauthProvider(), tpl, "1"),
			Check: resource.ComposeAggregateTestCheckFunc(
				captureID("qlik_app_copy.sales", &copy1),
				captureID("qlik_app_publish.sales", &published),
			),
		},
		{
			PreConfig:        func() { must(t, e.sim.ReplaceAppContent(home, tpl, 2<<20)) },
			Config:           testAccReleaseConfig(e.oauthProvider(), tpl, "2"),
			ConfigPlanChecks: planThenEmpty("qlik_app_publish.sales", plancheck.ResourceActionUpdate),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPair("qlik_app_publish.sales", "app_id", "qlik_app_copy.sales", "id"),
				resource.TestCheckResourceAttrPtr("qlik_app_publish.sales", "id", &published),
				sameContent(e, home, &published, tpl),
				func(*terraform.State) error {
					if pub, _ := e.sim.App(home, published); pub.Attributes.OriginAppID != copy1 {
						return fmt.Errorf("origin %s, want the originally published copy %s under this option", pub.Attributes.OriginAppID, copy1)
					}
					return nil
				},
			),
		},
		{
			Config:      testAccReleaseConfig(e.oauthProvider(), tpl, "3"),
			ExpectError: regexp.MustCompile(`(?s)Unable to republish app.*HTTP 409.*orphan`),
		},
	})
}
