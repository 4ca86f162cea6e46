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
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func testAccAppPublishConfig(provider, appID, spaceType, trigger string) string {
	return provider + fmt.Sprintf(`
resource "qlik_space" "target" {
  name = "Published"
  type = %[2]q
}

resource "qlik_app_publish" "test" {
  app_id   = %[1]q
  space_id = qlik_space.target.id
  triggers = {
    release = %[3]q
  }
}
`, appID, spaceType, trigger)
}

func TestAccAppPublish_basic(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, qliksim.Options{})
	home := e.sim.Home()
	tpl, err := e.sim.SeedApp(home.Hostname, "Sales", "", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.sim.SeedApp(home.Hostname, "Finance", "", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
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
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
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
					statecheck.ExpectKnownValue("qlik_app_publish.test", tfjsonpath.New("app_id"), knownvalue.StringExact(tpl)),
					statecheck.ExpectKnownValue("qlik_app_publish.test", tfjsonpath.New("name"), knownvalue.StringExact("Sales")),
					statecheck.ExpectKnownValue("qlik_app_publish.test", tfjsonpath.New("publish_time"), knownvalue.NotNull()),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
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
				PreConfig: e.sim.ResetAudit,
				Config:    testAccAppPublishConfig(e.oauthProvider(), tpl, "managed", "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("qlik_app_publish.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_app_publish.test", &id),
					sameID(&first, &id),
					resource.TestCheckResourceAttrWith("qlik_app_publish.test", "publish_time", func(v string) error {
						if v == firstTime {
							return fmt.Errorf("publish_time %s did not change on republish", v)
						}
						return nil
					}),
					func(*terraform.State) error {
						if n := e.sim.AuditCount(http.MethodPut, "/api/v1/apps/{appId}/publish", home.Hostname); n != 1 {
							return fmt.Errorf("%d republish calls, want 1", n)
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() {
					if err := e.sim.DeleteApp(home.Hostname, id); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccAppPublishConfig(e.oauthProvider(), tpl, "managed", "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("qlik_app_publish.test", plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(captureID("qlik_app_publish.test", &id), publishedFrom(tpl)),
			},
			{
				Config: testAccAppPublishConfig(e.oauthProvider(), other, "managed", "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("qlik_app_publish.test", plancheck.ResourceActionReplace)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(captureID("qlik_app_publish.test", &id), publishedFrom(other)),
			},
		},
	})
}

func TestAccAppPublish_sharedSpaceRefused(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, qliksim.Options{})
	tpl, err := e.sim.SeedApp(e.sim.Home().Hostname, "Sales", "", 4096)
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:      testAccAppPublishConfig(e.oauthProvider(), tpl, "shared", "1"),
			ExpectError: regexp.MustCompile(`(?s)Unable to publish app.*HTTP 400.*managed spaces only`),
		}},
	})
}
