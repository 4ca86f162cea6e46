package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func TestAccSpaceDataSource_byNameAndID(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, qliksim.Options{})
	config := e.oauthProvider() + `
resource "qlik_space" "shared" {
  name        = "Reports"
  type        = "shared"
  description = "shared one"
}

resource "qlik_space" "other" {
  name = "Reports archive"
  type = "managed"
}

data "qlik_space" "by_name" {
  name = qlik_space.shared.name
}

data "qlik_space" "by_name_and_type" {
  name = qlik_space.other.name
  type = "managed"
}

data "qlik_space" "by_id" {
  id = qlik_space.other.id
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs("data.qlik_space.by_name", tfjsonpath.New("id"), "qlik_space.shared", tfjsonpath.New("id"), compareEqual),
				statecheck.ExpectKnownValue("data.qlik_space.by_name", tfjsonpath.New("description"), knownvalue.StringExact("shared one")),
				statecheck.ExpectKnownValue("data.qlik_space.by_name", tfjsonpath.New("type"), knownvalue.StringExact("shared")),
				statecheck.CompareValuePairs("data.qlik_space.by_name_and_type", tfjsonpath.New("id"), "qlik_space.other", tfjsonpath.New("id"), compareEqual),
				statecheck.ExpectKnownValue("data.qlik_space.by_id", tfjsonpath.New("name"), knownvalue.StringExact("Reports archive")),
				statecheck.CompareValuePairs("data.qlik_space.by_id", tfjsonpath.New("owner_id"), "qlik_space.other", tfjsonpath.New("owner_id"), compareEqual),
			},
		}},
	})
}

func TestAccSpaceDataSource_errors(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, qliksim.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config:      e.oauthProvider() + `data "qlik_space" "x" { name = "Does not exist" }`,
				ExpectError: regexp.MustCompile(`(?s)Space not found.*name "Does not exist"`),
			},
			{
				Config:      e.oauthProvider() + `data "qlik_space" "x" { id = "000000000000000000000000" }`,
				ExpectError: regexp.MustCompile(`(?s)Space not found.*id "000000000000000000000000"`),
			},
			{
				Config:      e.oauthProvider() + `data "qlik_space" "x" {}`,
				ExpectError: regexp.MustCompile(`(?s)No attribute specified when one \(and only one\) of \[id,name\] is\s+required`),
			},
			{
				Config:      e.oauthProvider() + `data "qlik_space" "x" { type = "personal" }`,
				ExpectError: regexp.MustCompile(`(?s)value must be one of`),
			},
		},
	})
}

func TestAccSpacesDataSource_filtersAndPages(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, qliksim.Options{})
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
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.qlik_spaces.sales_managed", tfjsonpath.New("spaces"), knownvalue.ListSizeExact(20)),
				statecheck.ExpectKnownValue("data.qlik_spaces.sales_managed", tfjsonpath.New("spaces").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("Sales 00")),
				statecheck.ExpectKnownValue("data.qlik_spaces.sales_managed", tfjsonpath.New("spaces").AtSliceIndex(19).AtMapKey("name"), knownvalue.StringExact("Sales 19")),
				statecheck.ExpectKnownValue("data.qlik_spaces.all", tfjsonpath.New("spaces"), knownvalue.ListSizeExact(24)),
			},
		}},
	})
	if n := e.sim.AuditCount("GET", "/api/v1/spaces", e.sim.Home().Hostname); n < 3 {
		t.Errorf("listing 24 spaces made %d list calls; the data source must follow every page", n)
	}
}
