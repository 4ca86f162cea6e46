package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// TestAccOwnership_twoResourcesOneObject: two role mappings of one group, two load scripts of one app and two
// tenants with one alias are refused at plan, before any write; they used to "succeed" and flip each other on
// every apply (or, for the alias, burn a tenant).
func TestAccOwnership_twoResourcesOneObject(t *testing.T) {
	e, home := newTestEnv(t)
	app := e.seedApp(home.Hostname, "Sales", "", 1024)
	key := e.sim.LicenseKey()
	e.testCase(t, resource.TestCase{
		TerraformVersionChecks: tenantSkipBelow(),
		Steps: []resource.TestStep{
			{
				Config: e.oauthProvider() + `
resource "qlik_role_mapping" "analysts" {
  group_name = "acme-analysts"
  roles      = ["AnalyticsAdmin"]
}

resource "qlik_role_mapping" "analysts_again" {
  group_name = "acme-analysts"
  roles      = ["DataAdmin"]
}
`,
				ExpectError: regexp.MustCompile(`(?s)Two qlik_role_mapping resources manage one group.*"acme-analysts"`),
			},
			{
				Config: e.oauthProvider() + fmt.Sprintf(`
resource "qlik_load_script" "a" {
  app_id = %[1]q
  script = "LOAD 1 AS a AUTOGENERATE 1;"
}

resource "qlik_load_script" "b" {
  app_id = %[1]q
  script = "LOAD 2 AS b AUTOGENERATE 1;"
}
`, app),
				ExpectError: regexp.MustCompile(`(?s)Two qlik_load_script resources manage one the script of app`),
			},
			{
				Config: e.tenantProvider() + fmt.Sprintf(`
resource "qlik_tenant" "a" {
  license_key_wo         = %[1]q
  license_key_wo_version = 1
  alias_hostname         = "acme-analytics.example.com"
  deletion_protection    = false
}

resource "qlik_tenant" "b" {
  license_key_wo         = %[1]q
  license_key_wo_version = 1
  alias_hostname         = "acme-analytics.example.com"
  deletion_protection    = false
}
`, key),
				ExpectError: regexp.MustCompile(`(?s)Two qlik_tenant resources use one alias_hostname`),
			},
		},
	})
	if n := e.writesTo(home.Hostname); n != 0 {
		t.Errorf("%d writes in the tenant, want none", n)
	}
	if n := e.customerTenants(); n != 0 {
		t.Errorf("%d tenants were created, want none", n)
	}
}

// TestAccOwnership_customGroupAndRoleMapping: a qlik_custom_group sets its group's complete role list, so a
// qlik_role_mapping that also sets roles on that group is refused at plan, before any write; a role mapping that
// only manages the custom group's spaces is not.
func TestAccOwnership_customGroupAndRoleMapping(t *testing.T) {
	e, home := newTestEnv(t)
	group := e.oauthProvider() + `
resource "qlik_custom_group" "portal" {
  name  = "acme-portal"
  roles = ["AnalyticsAdmin"]
}

resource "qlik_space" "s" {
  name = "Acme apps"
  type = "managed"
}
`
	e.test(t, []resource.TestStep{
		{
			Config: group + `
resource "qlik_role_mapping" "portal" {
  group_name = qlik_custom_group.portal.name
  roles      = ["DataAdmin"]
}
`,
			ExpectError: regexp.MustCompile(`(?s)Two resources set the tenant roles of one group.*group "acme-portal"`),
		},
		{
			PreConfig: func() {
				if n := e.writesTo(home.Hostname); n != 0 {
					t.Errorf("%d writes in the tenant after the refused plan, want none", n)
				}
			},
			Config: group + `
resource "qlik_role_mapping" "portal" {
  group_name = qlik_custom_group.portal.name

  space_roles {
    space_id = qlik_space.s.id
    roles    = ["consumer"]
  }
}
`,
			ConfigPlanChecks: emptyPlanAfterApply(),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPair("qlik_role_mapping.portal", "group_id", "qlik_custom_group.portal", "id"),
				resource.TestCheckResourceAttr("qlik_role_mapping.portal", "group_created", "false"),
				func(*terraform.State) error {
					groups := e.sim.Groups(home.Hostname)
					if len(groups) != 1 || groups[0].ProviderType != "custom" || len(groups[0].AssignedRoles) != 1 ||
						groups[0].AssignedRoles[0].Name != "AnalyticsAdmin" {
						return fmt.Errorf("groups %+v, want the one custom group with AnalyticsAdmin only", groups)
					}
					return nil
				},
			),
		},
	})
}

// TestAccTenant_configurationFailureKeepsTenant: the alias is taken by a tenant outside the configuration, which
// only the PATCH after the create can find out (Qlik has no lookup by hostname). The new tenant stays in state
// untainted, the apply warns, and later applies retry the alias on the same tenant: no tenant is deactivated
// and none is created again (each apply used to deactivate one and create another).
func TestAccTenant_configurationFailureKeepsTenant(t *testing.T) {
	e, _ := newTestEnv(t)
	key := e.sim.LicenseKey()
	c := e.sim.Credentials()
	client, err := qlik.New(qlik.Config{TenantURL: e.sim.Home().URL, ClientID: c.ClientID, ClientSecret: c.ClientSecret, RegistrationURL: e.sim.RegistrationURL()})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := client.Registration()
	if err != nil {
		t.Fatal(err)
	}
	other, err := reg.CreateTenant(context.Background(), qlik.TenantCreateRequest{LicenseKey: key})
	if err != nil {
		t.Fatal(err)
	}
	alias := "acme-analytics.example.com"
	if _, err := reg.UpdateTenant(context.Background(), other.ID, qlik.TenantUpdateRequest{Alias: &alias}); err != nil {
		t.Fatal(err)
	}
	cfg := testAccTenantConfig(e.tenantProvider(), key, `name = "Acme"`, `alias_hostname = "acme-analytics.example.com"`, `deletion_protection = false`)
	var id string
	onlyOneNew := func() {
		t.Helper()
		tenants := e.sim.Tenants()[1:]
		if len(tenants) != 2 {
			t.Errorf("%d customer tenants, want the other one and ours", len(tenants))
		}
		for _, tn := range tenants {
			if tn.Status != "active" {
				t.Errorf("tenant %s is %q: a tenant was deactivated", tn.Hostname, tn.Status)
			}
		}
	}
	e.testCase(t, resource.TestCase{
		TerraformVersionChecks: tenantSkipBelow(),
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				ExpectNonEmptyPlan: true, // the alias is still to apply
				Check:              captureID("qlik_tenant.test", &id),
			},
			{
				PreConfig:        onlyOneNew,
				Config:           cfg,
				ConfigPlanChecks: planAction("qlik_tenant.test", plancheck.ResourceActionUpdate),
				ExpectError:      regexp.MustCompile(`(?s)Unable to update tenant.*Hostname already in use`),
			},
			{
				// The alias is released: the same tenant gets it.
				PreConfig: func() {
					onlyOneNew()
					free := "other-analytics.example.com"
					if _, err := reg.UpdateTenant(context.Background(), other.ID, qlik.TenantUpdateRequest{Alias: &free}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				Check: func(*terraform.State) error {
					rec, ok := e.sim.TenantByID(id)
					if !ok || rec.Name != "Acme" || len(rec.Hostnames) != 2 || rec.Hostnames[1] != alias {
						return fmt.Errorf("tenant %s is %+v, want named Acme with the alias", id, rec)
					}
					if strings.Contains(fmt.Sprint(e.sim.Tenants()), "disabled") {
						return fmt.Errorf("a tenant was deactivated")
					}
					return nil
				},
			},
		},
	})
}
