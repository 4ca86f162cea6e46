package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// TestAccEmbedURLFunction calls provider::qlik::embed_url from HCL: its errors at plan time, then the URLs for
// the configured tenant and for a value that is known only after apply (a resource attribute).
func TestAccEmbedURLFunction(t *testing.T) {
	e, home := newTestEnv(t)

	e.testCase(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				Config: e.oauthProvider() + `
output "bad" {
  value = provider::qlik::embed_url("https://acme.eu.qlikcloud.com", "app", { sheets = "x" })
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid value for "tenant_hostname" parameter.*must not include a scheme`),
			},
			{
				Config: e.oauthProvider() + `
output "bad" {
  value = provider::qlik::embed_url("acme.eu.qlikcloud.com", "app", { sheets = "x" })
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)options has no key "sheets"; use\s+sheet,`),
			},
			{
				Config: e.oauthProvider() + fmt.Sprintf(`
locals {
  tenant = %[1]q
  apps   = { sales = "3f2a1b0c-aaaa-4bbb-8ccc-000000000001", hr = "3f2a1b0c-aaaa-4bbb-8ccc-000000000002" }
}

resource "qlik_web_integration" "portal" {
  name          = "Portal"
  valid_origins = ["https://portal.example.com"]
}

output "app" {
  value = provider::qlik::embed_url(local.tenant, local.apps.sales)
}

output "sheets" {
  value = { for k, id in local.apps : k => provider::qlik::embed_url(local.tenant, id, {
    sheet          = "overview"
    selections_bar = true
    context_menu   = false
    theme          = "horizon"
    language       = "de"
  }) }
}

output "after_apply" {
  # The web integration id is unknown until apply; the function runs once it is known.
  value = provider::qlik::embed_url("acme.eu.qlikcloud.com", local.apps.hr, { identity = qlik_web_integration.portal.id })
}
`, home.Hostname),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownOutputValue("app", knownvalue.StringExact("http://"+home.Hostname+"/single/?appid=3f2a1b0c-aaaa-4bbb-8ccc-000000000001")),
						plancheck.ExpectUnknownOutputValue("after_apply"),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("sheets", knownvalue.MapExact(map[string]knownvalue.Check{
						"sales": knownvalue.StringExact("http://" + home.Hostname + "/single/?appid=3f2a1b0c-aaaa-4bbb-8ccc-000000000001&sheet=overview&opt=currsel&theme=horizon&lang=de"),
						"hr":    knownvalue.StringExact("http://" + home.Hostname + "/single/?appid=3f2a1b0c-aaaa-4bbb-8ccc-000000000002&sheet=overview&opt=currsel&theme=horizon&lang=de"),
					})),
					statecheck.ExpectKnownOutputValue("after_apply", knownvalue.StringRegexp(regexp.MustCompile(
						`^https://acme\.eu\.qlikcloud\.com/single/\?appid=3f2a1b0c-aaaa-4bbb-8ccc-000000000002&identity=[A-Za-z0-9_-]{16,}$`))),
				},
			},
		},
	})
}
