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
	return testConfig(provider, "TestAccAppPipeline_chain", tfVars{"tenant_hostname": target, "template_app_id": template, "script": script})
}

// TestAccAppPipeline_chain runs the OEM job in one apply: the template of the source tenant is copied into a
// customer tenant, its script is set, the copy is reloaded with that script and then published. A new script
// reloads and republishes.
func TestAccAppPipeline_chain(t *testing.T) {
	e, home := newTestEnvWith(t, qliksim.Options{ReloadDuration: 50 * time.Millisecond})
	customer := e.addTenant("acme")
	tpl := e.seedApp(home.Hostname, "Sales template", "", 1<<20)
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
	e.test(t, []resource.TestStep{
		{
			Config:           testAccPipelineConfig(e.oauthProvider(), customer.Hostname, tpl, v1),
			ConfigPlanChecks: emptyPlanAfterApply(),
			Check: resource.ComposeAggregateTestCheckFunc(
				captureID("qlik_app_copy.sales", &copyID),
				captureID("qlik_reload.sales", &reloadID),
				captureID("qlik_app_publish.sales", &publishedID),
				chainRan(v1),
			),
		},
		{
			Config: testAccPipelineConfig(e.oauthProvider(), customer.Hostname, tpl, v2),
			ConfigPlanChecks: planThenEmpty("qlik_app_copy.sales", plancheck.ResourceActionNoop,
				plancheck.ExpectResourceAction("qlik_load_script.sales", plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("qlik_reload.sales", plancheck.ResourceActionReplace),
				plancheck.ExpectResourceAction("qlik_app_publish.sales", plancheck.ResourceActionUpdate),
			),
			Check: resource.ComposeAggregateTestCheckFunc(
				captureID("qlik_reload.sales", &reloadID),
				chainRan(v2),
			),
		},
	})
}
