package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccSpacesDataSource_filtersAndPages(t *testing.T) {
	e, _ := newTestEnv(t)
	// 23 matching spaces span three pages of Qlik's default page size (10).
	config := e.oauthProvider() + `
resource "qlik_space" "sales" {
  count = 23
  name  = format("Sales %02d", count.index)
  type  = count.index < 20 ? "managed" : "shared"
}

resource "qlik_space" "hr" {
  name = "HR"
  type = "managed"
}

data "qlik_spaces" "sales_managed" {
  name  = "sales"
  types = ["managed"]

  depends_on = [qlik_space.sales, qlik_space.hr]
}

data "qlik_spaces" "all" {
  depends_on = [qlik_space.sales, qlik_space.hr]
}
`
	e.test(t, []resource.TestStep{{
		Config: config,
		ConfigStateChecks: []statecheck.StateCheck{
			hasValue("data.qlik_spaces.sales_managed", "spaces", knownvalue.ListSizeExact(20)),
			statecheck.ExpectKnownValue("data.qlik_spaces.sales_managed", tfjsonpath.New("spaces").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("Sales 00")),
			statecheck.ExpectKnownValue("data.qlik_spaces.sales_managed", tfjsonpath.New("spaces").AtSliceIndex(19).AtMapKey("name"), knownvalue.StringExact("Sales 19")),
			hasValue("data.qlik_spaces.all", "spaces", knownvalue.ListSizeExact(24)),
		},
	}})
	if n := e.sim.AuditCount("GET", "/api/v1/spaces", e.sim.Home().Hostname); n < 3 {
		t.Errorf("listing 24 spaces made %d list calls; the data source must follow every page", n)
	}
}
