package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func TestAccGroupDataSource(t *testing.T) {
	e, home := newTestEnv(t)
	_, group := e.identityUser(home.Hostname, "idp|dora", "Data Team")
	if err := e.sim.EditGroup(home.Hostname, group.ID, func(_ *qliksim.Group, roles *[]string) { *roles = []string{"DataAdmin"} }); err != nil {
		t.Fatal(err)
	}
	e.test(t, []resource.TestStep{
		{
			Config: e.oauthProvider() + `
data "qlik_group" "data" {
  name = "Data Team"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				hasString("data.qlik_group.data", "id", group.ID),
				hasString("data.qlik_group.data", "provider_type", "idp"),
				hasStrings("data.qlik_group.data", "roles", "DataAdmin"),
				hasString("data.qlik_group.data", "tenant_id", home.ID),
			},
		},
		{
			Config: e.oauthProvider() + `
data "qlik_group" "data" {
  name = "data team"
}
`,
			ExpectError: regexp.MustCompile(fmt.Sprintf(`(?s)Group not found.*No group is named "data team" in tenant\s+%s`, regexp.QuoteMeta(home.Hostname))),
		},
	})
}
