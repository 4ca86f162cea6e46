package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func (e *testEnv) groupIs(hostname string, id *string, name, description string, roles ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, g := range e.sim.Groups(hostname) {
			if g.ID != *id {
				continue
			}
			got := g.RoleNames()
			slices.Sort(got)
			slices.Sort(roles)
			if g.ProviderType != "custom" || g.Name != name || g.Description != description || !slices.Equal(got, roles) {
				return fmt.Errorf("group %s: %+v; want custom %q %q %v", *id, g, name, description, roles)
			}
			return nil
		}
		return fmt.Errorf("no group %s in %s", *id, hostname)
	}
}

func testAccCustomGroupConfig(provider, host, name, description string, roles []string) string {
	return testConfig(provider, "TestAccCustomGroup", tfVars{
		"tenant_hostname": orNull(host), "name": name, "description": description, "roles": roles,
	})
}

func TestAccCustomGroup_lifecycle(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, qliksim.Options{})
	home := e.sim.Home()
	other := e.addTenant("customer-g")
	p := e.oauthProvider()
	var id, after, moved string
	final := testAccCustomGroupConfig(p, "", "Finance", "Finance team", []string{"Steward", "SharedSpaceCreator"})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		CheckDestroy: func(*terraform.State) error {
			for _, g := range e.sim.Groups(other.Hostname) {
				if g.ID == moved {
					return fmt.Errorf("group %s still exists", moved)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: testAccCustomGroupConfig(p, "", "Sales", "", []string{"Steward"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("qlik_custom_group.g", plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(captureID("qlik_custom_group.g", &id), e.groupIs(home.Hostname, &id, "Sales", "", "Steward")),
			},
			{ResourceName: "qlik_custom_group.g", ImportState: true, ImportStateVerify: true},
			{
				Config: final,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("qlik_custom_group.g", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_custom_group.g", &after),
					e.groupIs(home.Hostname, &id, "Finance", "Finance team", "Steward", "SharedSpaceCreator"),
					func(*terraform.State) error {
						if after != id {
							return fmt.Errorf("id changed %s -> %s", id, after)
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() {
					if err := e.sim.EditGroup(home.Hostname, id, func(g *qliksim.Group, roles *[]string) {
						g.Description = "edited"
						*roles = []string{"TenantAdmin"}
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: final,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("qlik_custom_group.g", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: e.groupIs(home.Hostname, &id, "Finance", "Finance team", "Steward", "SharedSpaceCreator"),
			},
			{
				PreConfig: func() {
					if err := e.sim.DeleteGroup(home.Hostname, id); err != nil {
						t.Fatal(err)
					}
				},
				Config: final,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("qlik_custom_group.g", plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(captureID("qlik_custom_group.g", &id), e.groupIs(home.Hostname, &id, "Finance", "Finance team", "Steward", "SharedSpaceCreator")),
			},
			{
				Config: testAccCustomGroupConfig(p, other.Hostname, "Finance", "Finance team", []string{}),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("qlik_custom_group.g", plancheck.ResourceActionDestroyBeforeCreate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_custom_group.g", &moved),
					e.groupIs(other.Hostname, &moved, "Finance", "Finance team"),
					func(*terraform.State) error {
						if _, ok := e.sim.GroupByName(home.Hostname, "Finance"); ok {
							return fmt.Errorf("the home tenant's group survived the replace")
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccCustomGroup_validationAndErrors(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, qliksim.Options{})
	home := e.sim.Home()
	idp, err := e.sim.AddUser(home.Hostname, "auth0|bob", "Sales")
	if err != nil {
		t.Fatal(err)
	}
	sales, _ := e.sim.GroupByName(home.Hostname, "Sales")
	p := e.oauthProvider()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: testAccCustomGroupConfig(p, "", "Finance", "", []string{"Stewart"}), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)Unknown role.*roles.*no role named\s+"Stewart"`)},
			{Config: testAccCustomGroupConfig(p, "", "", "", []string{}), PlanOnly: true, ExpectError: regexp.MustCompile(`name string length must be between 1 and 256`)},
			{
				PreConfig: func() {
					if n := e.writesTo(home.Hostname); n != 0 {
						t.Errorf("invalid configurations made %d write calls", n)
					}
				},
				// The name of a group from the identity provider is taken: Qlik's 409, against name.
				Config:      testAccCustomGroupConfig(p, "", "Sales", "", []string{}),
				ExpectError: regexp.MustCompile(`(?s)Unable to create custom group.*name.*HTTP\s+409.*Code: GROUPS-Conflict.*Request ID: [0-9a-f]{32}.*choose another name`),
			},
			{
				// An identity provider group cannot be imported as a custom group.
				Config:        testAccCustomGroupConfig(p, "", "Sales", "", []string{}),
				ResourceName:  "qlik_custom_group.g",
				ImportState:   true,
				ImportStateId: sales.ID,
				ExpectError:   regexp.MustCompile(`(?s)Not a custom group.*comes from the identity provider`),
			},
		},
	})
	_ = idp
}
