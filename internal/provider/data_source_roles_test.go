package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func TestAccRolesDataSource(t *testing.T) {
	e, home := newTestEnv(t)
	var admin qliksim.Role
	for _, r := range e.sim.Roles(home.Hostname) {
		if r.Name == "TenantAdmin" {
			admin = r
		}
	}
	e.test(t, []resource.TestStep{{
		Config: e.oauthProvider() + `
data "qlik_roles" "all" {}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.qlik_roles.all", tfjsonpath.New("names").AtSliceIndex(0), knownvalue.StringExact("AnalyticsAdmin")),
			hasValue("data.qlik_roles.all", "roles", knownvalue.ListSizeExact(len(e.sim.Roles(home.Hostname)))),
			hasValue("data.qlik_roles.all", "roles", knownvalue.ListPartial(map[int]knownvalue.Check{
				15: knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id":          knownvalue.StringExact(admin.ID),
					"name":        knownvalue.StringExact("TenantAdmin"),
					"type":        knownvalue.StringExact("default"),
					"level":       knownvalue.StringExact("admin"),
					"description": knownvalue.StringExact(admin.Description),
				}),
			})),
		},
	}})
}
