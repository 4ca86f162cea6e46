package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

func TestAccAppDataSource(t *testing.T) {
	e, home := newTestEnv(t)
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
	e.test(t, []resource.TestStep{
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
				hasString("data.qlik_app.by_id", "name", "Sales template"),
				hasString("data.qlik_app.by_id", "space_id", ""),
				hasString("data.qlik_app.by_id", "owner_id", home.AdminUserID),
				isSet("data.qlik_app.by_name", "id"),
				hasString("data.qlik_app.by_name_in_space", "id", inSpace),
			},
		},
	})
}
