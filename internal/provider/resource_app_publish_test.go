package provider_test

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func testAccAppPublishConfig(provider, appID, spaceType, trigger string) string {
	return testAccAppPublishConfigIn(provider, appID, spaceType, trigger, "target")
}

// testAccAppPublishConfigIn publishes into the space resource named space: target (of spaceType) or other (a
// second managed space).
func testAccAppPublishConfigIn(provider, appID, spaceType, trigger, space string) string {
	return provider + fmt.Sprintf(`
resource "qlik_space" "target" {
  name = "Published"
  type = %[2]q
}

resource "qlik_space" "other" {
  name = "Published elsewhere"
  type = "managed"
}

resource "qlik_app_publish" "test" {
  app_id   = %[1]q
  space_id = qlik_space.%[4]s.id
  triggers = {
    release = %[3]q
  }
}
`, appID, spaceType, trigger, space)
}

func TestAccAppPublish_basic(t *testing.T) {
	e, home := newTestEnv(t)
	tpl := e.seedApp(home.Hostname, "Sales", "", 1<<20)
	other := e.seedApp(home.Hostname, "Finance", "", 1<<20)
	var first, id, firstTime string
	publishedFrom := func(src string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			a, ok := e.sim.App(home.Hostname, id)
			if !ok || a.Attributes.OriginAppID != src || a.Attributes.PublishTime == "" || id == src {
				return fmt.Errorf("published app %s: %+v (found=%v), want a new app published from %s", id, a.Attributes, ok, src)
			}
			if _, ok := e.sim.App(home.Hostname, src); !ok {
				return fmt.Errorf("the source app %s is gone", src)
			}
			if n := len(e.sim.Apps(home.Hostname)); n != 3 {
				return fmt.Errorf("tenant holds %d apps, want the two sources and one published app", n)
			}
			return nil
		}
	}
	e.testCase(t, resource.TestCase{
		CheckDestroy: func(*terraform.State) error {
			if n := len(e.sim.Apps(home.Hostname)); n != 2 {
				return fmt.Errorf("tenant holds %d apps after destroy, want only the two sources", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: testAccAppPublishConfig(e.oauthProvider(), tpl, "managed", "1"),
				ConfigStateChecks: []statecheck.StateCheck{
					hasString("qlik_app_publish.test", "app_id", tpl),
					hasString("qlik_app_publish.test", "name", "Sales"),
					isSet("qlik_app_publish.test", "publish_time"),
				},
				ConfigPlanChecks: emptyPlanAfterApply(),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_app_publish.test", &first),
					resource.TestCheckResourceAttrWith("qlik_app_publish.test", "publish_time", func(v string) error { firstTime = v; return nil }),
					captureID("qlik_app_publish.test", &id),
					publishedFrom(tpl),
				),
			},
			{
				ResourceName:            "qlik_app_publish.test",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"triggers"},
			},
			{
				// A new trigger value republishes in place: same published app, new publish time.
				PreConfig:        e.sim.ResetAudit,
				Config:           testAccAppPublishConfig(e.oauthProvider(), tpl, "managed", "2"),
				ConfigPlanChecks: planThenEmpty("qlik_app_publish.test", plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					keptID("qlik_app_publish.test", &id, &first),
					resource.TestCheckResourceAttrWith("qlik_app_publish.test", "publish_time", func(v string) error {
						if v == firstTime {
							return fmt.Errorf("publish_time %s did not change on republish", v)
						}
						return nil
					}),
					e.calls(http.MethodPut, "/api/v1/apps/{appId}/publish", home.Hostname, 1),
				),
			},
			{
				// A new source (a new release's copy) republishes in place as well: the published app keeps its id
				// and what its users made in it, and now mirrors the new source.
				PreConfig: func() {
					e.sim.ResetAudit()
					if _, err := e.sim.SeedPrivateObject(home.Hostname, first, qliksim.PrivateObject{Type: "sheet", OwnerID: "user-ann", Title: "Mine"}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           testAccAppPublishConfig(e.oauthProvider(), other, "managed", "2"),
				ConfigPlanChecks: planThenEmpty("qlik_app_publish.test", plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					hasString("qlik_app_publish.test", "app_id", other),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					keptID("qlik_app_publish.test", &id, &first), publishedFrom(other), keptPrivate(e, home.Hostname, &id, 1),
					sameContent(e, home.Hostname, &id, other),
					e.calls(http.MethodPut, "/api/v1/apps/{appId}/publish", home.Hostname, 1),
					func(*terraform.State) error {
						if n := e.sim.AuditCount(http.MethodPost, "/api/v1/apps/{appId}/publish", home.Hostname) +
							e.sim.AuditCount(http.MethodDelete, "/api/v1/apps/{appId}", home.Hostname); n != 0 {
							return fmt.Errorf("%d publish or delete calls, want none", n)
						}
						return nil
					},
				),
			},
			{
				// Drift: someone republishes the first template onto the published app outside Terraform. Read sees
				// the new origin, and the plan republishes the configured app.
				PreConfig: func() {
					if _, err := e.apiClient(t).RepublishApp(t.Context(), tpl, qlik.RepublishAppRequest{TargetID: id, AnotherSource: true}); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccAppPublishConfig(e.oauthProvider(), other, "managed", "2"),
				ConfigPlanChecks: planThenEmpty("qlik_app_publish.test", plancheck.ResourceActionUpdate,
					plannedValue("qlik_app_publish.test", "app_id", knownvalue.StringExact(other)),
				),
				Check: resource.ComposeAggregateTestCheckFunc(
					keptID("qlik_app_publish.test", &id, &first), publishedFrom(other), sameContent(e, home.Hostname, &id, other),
					keptPrivate(e, home.Hostname, &id, 1),
				),
			},
			{
				// A new managed space replaces the published app: a new id, and the old one's content is gone.
				Config:           testAccAppPublishConfigIn(e.oauthProvider(), other, "managed", "2", "other"),
				ConfigPlanChecks: planAction("qlik_app_publish.test", plancheck.ResourceActionReplace),
				Check: resource.ComposeAggregateTestCheckFunc(
					replacedID("qlik_app_publish.test", &id, &first), publishedFrom(other), keptPrivate(e, home.Hostname, &id, 0),
					func(*terraform.State) error {
						if _, ok := e.sim.App(home.Hostname, first); ok {
							return fmt.Errorf("the published app %s in the old space is still there", first)
						}
						return nil
					},
				),
			},
			{
				PreConfig:        func() { must(t, e.sim.DeleteApp(home.Hostname, id)) },
				Config:           testAccAppPublishConfigIn(e.oauthProvider(), other, "managed", "2", "other"),
				ConfigPlanChecks: planAction("qlik_app_publish.test", plancheck.ResourceActionCreate),
				Check:            resource.ComposeAggregateTestCheckFunc(captureID("qlik_app_publish.test", &id), publishedFrom(other)),
			},
		},
	})
}

// keptPrivate checks that the published app *id holds n private objects.
func keptPrivate(e *testEnv, host string, id *string, n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := e.sim.PrivateObjects(host, *id)
		if err != nil {
			return fmt.Errorf("private objects of the published app %s: %w", *id, err)
		}
		if len(got) != n {
			return fmt.Errorf("published app %s holds private objects %+v, want %d", *id, got, n)
		}
		return nil
	}
}

// sameContent checks that the published app *id serves the content of the app src.
func sameContent(e *testEnv, host string, id *string, src string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := e.sim.AppChecksum(host, *id)
		if err != nil {
			return err
		}
		if want, _ := e.sim.AppChecksum(host, src); got != want {
			return fmt.Errorf("published app %s does not serve the content of %s", *id, src)
		}
		return nil
	}
}

// TestAccAppPublish_orphan: once the app a published app mirrors is deleted, Qlik cannot republish onto it. A new
// app_id then fails with an error that names the cause, create_before_destroy and the way out; the published app
// and its users' content are left alone.
func TestAccAppPublish_orphan(t *testing.T) {
	e, _ := newTestEnv(t)
	home := e.sim.Home().Hostname
	tpl := e.seedApp(home, "Sales", "", 4096)
	next := e.seedApp(home, "Sales", "", 4096)
	var id string
	e.test(t, []resource.TestStep{
		{
			Config: testAccAppPublishConfig(e.oauthProvider(), tpl, "managed", "1"),
			Check:  captureID("qlik_app_publish.test", &id),
		},
		{
			PreConfig: func() {
				if _, err := e.sim.SeedPrivateObject(home, id, qliksim.PrivateObject{Type: "bookmark", OwnerID: "user-ann"}); err != nil {
					t.Fatal(err)
				}
				if err := e.sim.DeleteApp(home, tpl); err != nil {
					t.Fatal(err)
				}
			},
			Config:      testAccAppPublishConfig(e.oauthProvider(), next, "managed", "1"),
			ExpectError: regexp.MustCompile(`(?s)Unable to republish app.*HTTP 409.*orphan.*create_before_destroy.*-replace`),
		},
		{
			// Nothing was lost by the refused republish.
			RefreshState:       true,
			ExpectNonEmptyPlan: true,
			Check:              keptPrivate(e, home, &id, 1),
		},
	})
}

func TestAccAppPublish_sharedSpaceRefused(t *testing.T) {
	e, _ := newTestEnv(t)
	tpl := e.seedApp(e.sim.Home().Hostname, "Sales", "", 4096)
	e.test(t, []resource.TestStep{{
		Config:      testAccAppPublishConfig(e.oauthProvider(), tpl, "shared", "1"),
		ExpectError: regexp.MustCompile(`(?s)Unable to publish app.*HTTP 400.*managed spaces only`),
	}})
}

// TestAccAppPublish_republishKeepsOrigin: on a Qlik that keeps the first app as the origin after a republish from
// another app, a later republish (a new trigger) of the configured app must still be sent without the origin
// check, because the published app's origin is not app_id; with the check Qlik would refuse it.
func TestAccAppPublish_republishKeepsOrigin(t *testing.T) {
	e, _ := newTestEnvWith(t, qliksim.Options{RepublishKeepsOrigin: true})
	home := e.sim.Home().Hostname
	tpl := e.seedApp(home, "Sales", "", 4096)
	other := e.seedApp(home, "Sales", "", 8192)
	var id string
	e.test(t, []resource.TestStep{
		{Config: testAccAppPublishConfig(e.oauthProvider(), tpl, "managed", "1"), Check: captureID("qlik_app_publish.test", &id)},
		{
			Config:           testAccAppPublishConfig(e.oauthProvider(), other, "managed", "1"),
			ConfigPlanChecks: emptyPlanAfterApply(),
			Check:            sameContent(e, home, &id, other),
		},
		{
			PreConfig:        func() { must(t, e.sim.ReplaceAppContent(home, other, 16384)) },
			Config:           testAccAppPublishConfig(e.oauthProvider(), other, "managed", "2"),
			ConfigPlanChecks: planThenEmpty("qlik_app_publish.test", plancheck.ResourceActionUpdate),
			ConfigStateChecks: []statecheck.StateCheck{
				hasString("qlik_app_publish.test", "app_id", other),
			},
			Check: sameContent(e, home, &id, other),
		},
	})
}
