package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// Without an id the data source reads the home tenant through /tenants/me, with an API key as well as OAuth.
func TestAccTenantDataSource_home(t *testing.T) {
	e, home := newTestEnvWith(t, qliksim.Options{HomeTenantName: "acme-home", Datacenter: "eu-west-2"})
	checks := []statecheck.StateCheck{
		hasString("data.qlik_tenant.home", "id", home.ID),
		hasString("data.qlik_tenant.home", "name", "acme-home"),
		hasString("data.qlik_tenant.home", "hostname", home.Hostname),
		hasValue("data.qlik_tenant.home", "hostnames", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(home.Hostname)})),
		hasString("data.qlik_tenant.home", "region", "uk"),
		hasString("data.qlik_tenant.home", "status", "active"),
	}
	cfg := `
data "qlik_tenant" "home" {}
`
	e.test(t, []resource.TestStep{
		{Config: e.apiKeyProvider() + cfg, ConfigStateChecks: checks},
		{Config: e.oauthProvider() + cfg, ConfigStateChecks: checks},
	})
	if n := e.sim.AuditCount("GET", "/api/v1/tenants/me", home.Hostname); n == 0 {
		t.Error("the home tenant was not read through /api/v1/tenants/me")
	}
}

// By id the data source reads any tenant of the region on the register host, a deactivated one included.
func TestAccTenantDataSource_byID(t *testing.T) {
	e, _ := newTestEnv(t)
	other := e.addTenant("customer-x")
	if err := e.sim.DeactivateTenant(other.ID, 20); err != nil {
		t.Fatal(err)
	}
	e.test(t, []resource.TestStep{
		{
			Config: e.tenantProvider() + fmt.Sprintf(`
data "qlik_tenant" "x" {
  id = %q
}
`, other.ID),
			ConfigStateChecks: []statecheck.StateCheck{
				hasString("data.qlik_tenant.x", "name", "customer-x"),
				hasString("data.qlik_tenant.x", "hostname", other.Hostname),
				hasString("data.qlik_tenant.x", "status", "disabled"),
				isNull("data.qlik_tenant.x", "alias_hostname"),
			},
		},
	})
}
