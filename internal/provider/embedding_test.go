package provider_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// testAccEmbeddingConfig sets up embedding for n customer portals in one tenant: a JWT identity provider, a web
// integration and a CSP origin each.
func testAccEmbeddingConfig(provider, tenantHostname, pemText string, n int) string {
	return testConfig(provider, "TestAccEmbedding", tfVars{"tenant_hostname": orNull(tenantHostname), "public_key_pem": pemText, "portals": n})
}

// TestAccEmbedding_faults applies and destroys embedding for six portals while the simulator answers 15 % of
// calls with 429, 15 % with 503 and resets 5 % of connections after writes committed: the apply converges, the
// tenant holds exactly one object of each kind per portal, and the next plan is empty.
func TestAccEmbedding_faults(t *testing.T) {
	e, _ := newTestEnvWith(t, qliksim.Options{
		Seed:            23,
		Faults:          qliksim.Faults{RateLimit: 0.15, Unavailable: 0.15, Reset: 0.05},
		VisibilityDelay: 50 * time.Millisecond,
	})
	home := e.sim.Home().Hostname
	key := newTestKey(t)
	left := noneLeftAfterDestroy("objects", func() int {
		return len(e.jwtIdPs(home)) + len(e.sim.WebIntegrations(home)) + len(e.sim.CSPOrigins(home))
	})
	e.testUnderFaults(t, testAccEmbeddingConfig(e.oauthProvider(), "", key.pkix, 6), left,
		func(*terraform.State) error {
			issuers, names, origins := map[string]int{}, map[string]int{}, map[string]int{}
			for _, p := range e.jwtIdPs(home) {
				issuers[p.Options.Issuer]++
			}
			for _, w := range e.sim.WebIntegrations(home) {
				names[w.Name]++
			}
			for _, c := range e.sim.CSPOrigins(home) {
				origins[c.Origin]++
			}
			for _, m := range []map[string]int{issuers, names, origins} {
				if len(m) != 6 {
					return fmt.Errorf("want 6 distinct objects of each kind: issuers %v, names %v, origins %v", issuers, names, origins)
				}
				for k, n := range m {
					if n != 1 {
						return fmt.Errorf("%s exists %d times", k, n)
					}
				}
			}
			return nil
		})
}

// TestAccEmbedding_otherTenant sets up embedding in a customer tenant from the one provider block and imports the
// objects with <tenant_hostname>/<id>.
func TestAccEmbedding_otherTenant(t *testing.T) {
	e, _ := newTestEnv(t)
	customer := e.addTenant("customer-a")
	key := newTestKey(t)
	e.test(t, []resource.TestStep{
		{
			Config: testAccEmbeddingConfig(e.oauthProvider(), customer.Hostname, key.pkix, 1),
			ConfigStateChecks: []statecheck.StateCheck{
				hasString("qlik_web_integration.portal[0]", "tenant_id", customer.ID),
			},
			Check: func(*terraform.State) error {
				home := e.sim.Home().Hostname
				if len(e.jwtIdPs(customer.Hostname)) != 1 || len(e.sim.WebIntegrations(customer.Hostname)) != 1 || len(e.sim.CSPOrigins(customer.Hostname)) != 1 {
					return fmt.Errorf("the customer tenant lacks an object")
				}
				if n := len(e.jwtIdPs(home)) + len(e.sim.WebIntegrations(home)) + len(e.sim.CSPOrigins(home)); n != 0 {
					return fmt.Errorf("%d objects landed in the home tenant", n)
				}
				return nil
			},
		},
		importFromTenant("qlik_identity_provider_jwt.portal[0]", "qlik_identity_provider_jwt.portal.0", customer.Hostname),
		importFromTenant("qlik_web_integration.portal[0]", "qlik_web_integration.portal.0", customer.Hostname),
		importFromTenant("qlik_csp_origin.portal[0]", "qlik_csp_origin.portal.0", customer.Hostname),
	})
}

func importFromTenant(address, stateKey, hostname string) resource.TestStep {
	return resource.TestStep{
		ResourceName:      address,
		ImportState:       true,
		ImportStateVerify: true,
		ImportStateIdFunc: func(s *terraform.State) (string, error) {
			return hostname + "/" + s.RootModule().Resources[stateKey].Primary.ID, nil
		},
	}
}

// TestAccEmbedding_moveTenantReplaces moves the objects to another tenant: a new tenant_hostname replaces each
// one, since Qlik objects cannot change tenant.
func TestAccEmbedding_moveTenantReplaces(t *testing.T) {
	e, _ := newTestEnv(t)
	customer := e.addTenant("customer-b")
	home := e.sim.Home().Hostname
	key := newTestKey(t)
	addresses := []string{"qlik_identity_provider_jwt.portal[0]", "qlik_web_integration.portal[0]", "qlik_csp_origin.portal[0]"}
	replace := make([]plancheck.PlanCheck, 0, len(addresses))
	for _, a := range addresses {
		replace = append(replace, plancheck.ExpectResourceAction(a, plancheck.ResourceActionDestroyBeforeCreate))
	}
	e.test(t, []resource.TestStep{
		{Config: testAccEmbeddingConfig(e.oauthProvider(), "", key.pkix, 1)},
		{
			Config: testAccEmbeddingConfig(e.oauthProvider(), customer.Hostname, key.pkix, 1),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             replace,
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(*terraform.State) error {
				if n := len(e.jwtIdPs(home)) + len(e.sim.WebIntegrations(home)) + len(e.sim.CSPOrigins(home)); n != 0 {
					return fmt.Errorf("%d objects left in the home tenant", n)
				}
				if len(e.jwtIdPs(customer.Hostname)) != 1 || len(e.sim.WebIntegrations(customer.Hostname)) != 1 || len(e.sim.CSPOrigins(customer.Hostname)) != 1 {
					return fmt.Errorf("the customer tenant lacks an object")
				}
				return nil
			},
		},
	})
}
