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

func TestAccAppDataSource(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, qliksim.Options{})
	home := e.sim.Home()
	templates := e.createSpace(t, "Templates", "shared")
	inSpace := e.seedApp(home.Hostname, "Sales template", templates.ID, 4096)
	personal := e.seedApp(home.Hostname, "Sales template", "", 4096)
	e.seedApp(home.Hostname, "Finance template", "", 4096)
	cfg := e.oauthProvider() + `
data "qlik_app" "by_id" {
  id = "` + personal + `"
}

data "qlik_app" "by_name" {
  name = "Finance template"
}

data "qlik_app" "by_name_in_space" {
  name     = "Sales template"
  space_id = "` + templates.ID + `"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config:      e.oauthProvider() + `data "qlik_app" "x" { name = "Sales template" }`,
				ExpectError: regexp.MustCompile(`(?s)App name is ambiguous.*2 apps are named "Sales template".*set\s+space_id`),
			},
			{
				Config:      e.oauthProvider() + `data "qlik_app" "x" { name = "sales template" }`,
				ExpectError: regexp.MustCompile(`(?s)App not found.*No app named "sales template"`),
			},
			{
				Config:      e.oauthProvider() + `data "qlik_app" "x" { id = "00000000-0000-0000-0000-000000000000" }`,
				ExpectError: regexp.MustCompile(`(?s)Unable to read app.*HTTP 404`),
			},
			{
				Config:      e.oauthProvider() + `data "qlik_app" "x" {}`,
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Combination`),
			},
			{
				// Last, so the post-test destroy runs on a valid configuration.
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.qlik_app.by_id", tfjsonpath.New("name"), knownvalue.StringExact("Sales template")),
					statecheck.ExpectKnownValue("data.qlik_app.by_id", tfjsonpath.New("space_id"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue("data.qlik_app.by_id", tfjsonpath.New("owner_id"), knownvalue.StringExact(home.AdminUserID)),
					statecheck.ExpectKnownValue("data.qlik_app.by_name", tfjsonpath.New("id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue("data.qlik_app.by_name_in_space", tfjsonpath.New("id"), knownvalue.StringExact(inSpace)),
				},
			},
		},
	})
}
