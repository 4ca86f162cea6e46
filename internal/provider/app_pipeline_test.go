package provider_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func testAccPipelineConfig(provider, target, template, script string) string {
	return provider + fmt.Sprintf(`
resource "qlik_space" "work" {
  tenant_hostname = %[1]q
  name            = "Acme (work in progress)"
  type            = "shared"
}

resource "qlik_space" "published" {
  tenant_hostname = %[1]q
  name            = "Acme analytics"
  type            = "managed"
}

resource "qlik_app_copy" "sales" {
  tenant_hostname = %[1]q
  source_app_id   = %[2]q
  name            = "Sales"
  space_id        = qlik_space.work.id
}

resource "qlik_load_script" "sales" {
  tenant_hostname = %[1]q
  app_id          = qlik_app_copy.sales.id
  script          = %[3]q
}

resource "qlik_reload" "sales" {
  tenant_hostname = %[1]q
  app_id          = qlik_app_copy.sales.id
  triggers = {
    script = qlik_load_script.sales.script_sha256
  }
}

resource "qlik_app_publish" "sales" {
  tenant_hostname = %[1]q
  app_id          = qlik_app_copy.sales.id
  space_id        = qlik_space.published.id
  triggers = {
    reload = qlik_reload.sales.id
  }
}
`, target, template, script)
}

// TestAccAppPipeline_chain runs the OEM job in one apply: the template of the source tenant is copied into a
// customer tenant, its script is set, the copy is reloaded with that script and then published. A new script
// reloads and republishes.
func TestAccAppPipeline_chain(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, qliksim.Options{ReloadDuration: 50 * time.Millisecond})
	home := e.sim.Home()
	customer, err := e.sim.AddTenant("acme")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := e.sim.SeedApp(home.Hostname, "Sales template", "", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	v1 := "LIB CONNECT TO 'Acme:orders-db';\nLOAD * FROM orders;"
	v2 := "LIB CONNECT TO 'Acme:orders-db';\nLOAD * FROM orders WHERE year >= 2025;"
	var copyID, reloadID, publishedID string
	chainRan := func(script string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			r, ok := e.sim.ReloadByID(customer.Hostname, reloadID)
			if !ok || r.AppID != copyID || r.Status != qliksim.ReloadSucceeded || r.Script != script {
				return fmt.Errorf("reload %s in the customer tenant: %+v; want SUCCEEDED on %s with %q", reloadID, r, copyID, script)
			}
			pub, ok := e.sim.App(customer.Hostname, publishedID)
			if !ok || pub.Attributes.OriginAppID != copyID {
				return fmt.Errorf("published app %s: %+v", publishedID, pub.Attributes)
			}
			end := r.EndTime
			if pub.Attributes.PublishTime < end {
				return fmt.Errorf("published at %s, before the reload ended at %s", pub.Attributes.PublishTime, end)
			}
			if len(e.sim.Apps(home.Hostname)) != 1 || len(e.sim.Apps(customer.Hostname)) != 2 {
				return fmt.Errorf("apps: %d in the source tenant, %d in the customer tenant; want 1 and 2 (copy and published)",
					len(e.sim.Apps(home.Hostname)), len(e.sim.Apps(customer.Hostname)))
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: testAccPipelineConfig(e.oauthProvider(), customer.Hostname, tpl, v1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_app_copy.sales", &copyID),
					captureID("qlik_reload.sales", &reloadID),
					captureID("qlik_app_publish.sales", &publishedID),
					chainRan(v1),
				),
			},
			{
				Config: testAccPipelineConfig(e.oauthProvider(), customer.Hostname, tpl, v2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("qlik_app_copy.sales", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("qlik_load_script.sales", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("qlik_reload.sales", plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction("qlik_app_publish.sales", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_reload.sales", &reloadID),
					chainRan(v2),
				),
			},
		},
	})
}
