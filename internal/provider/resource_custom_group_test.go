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

// customObject is a custom group or a custom role, as the lifecycle test both share sees it: config configures
// it with a name, a description and its roles or scopes (items) in the tenant at host (the home tenant when
// empty), is checks it in the simulator, and exists says whether a tenant holds one with the id or the name.
// edit changes it out of band and remove deletes it, in the home tenant.
type customObject struct {
	address      string
	config       func(host, name, description string, items []string) string
	is           func(host string, id *string, name, description string, items ...string) resource.TestCheckFunc
	exists       func(host, id, name string) bool
	edit, remove func(id string) error
}

// customValues are what a configuration of a custom object sets.
type customValues struct {
	name, description string
	items             []string
}

// testCustomObjectLifecycle creates the object with first, verifies import, updates it in place to final, puts
// back an out-of-band edit, creates it again after an out-of-band delete, and replaces it when it moves to another
// tenant (with moved as its items), leaving nothing in the home tenant; destroy leaves nothing in the other.
func (e *testEnv) testCustomObjectLifecycle(t *testing.T, o customObject, first, final customValues, moved []string) {
	t.Helper()
	home := e.sim.Home().Hostname
	other := e.addTenant("customer-b")
	finalConfig := o.config("", final.name, final.description, final.items)
	isFinal := func(id *string) resource.TestCheckFunc {
		return o.is(home, id, final.name, final.description, final.items...)
	}
	var id, movedID string
	e.testCase(t, resource.TestCase{
		CheckDestroy: func(*terraform.State) error {
			if o.exists(other.Hostname, movedID, final.name) {
				return fmt.Errorf("%s %s still exists", o.address, movedID)
			}
			return nil
		},
		Steps: []resource.TestStep{
			createStep(o.config("", first.name, first.description, first.items), o.address, &id, nil,
				o.is(home, &id, first.name, first.description, first.items...)),
			importStep(o.address),
			{
				Config:           finalConfig,
				ConfigPlanChecks: planThenEmpty(o.address, plancheck.ResourceActionUpdate),
				Check:            resource.ComposeAggregateTestCheckFunc(resource.TestCheckResourceAttrPtr(o.address, "id", &id), isFinal(&id)),
			},
			driftStep(t, finalConfig, func() error { return o.edit(id) }, planThenEmpty(o.address, plancheck.ResourceActionUpdate), isFinal(&id)),
			{
				PreConfig:        func() { must(t, o.remove(id)) },
				Config:           finalConfig,
				ConfigPlanChecks: planAction(o.address, plancheck.ResourceActionCreate),
				Check:            resource.ComposeAggregateTestCheckFunc(captureID(o.address, &id), isFinal(&id)),
			},
			{
				Config:           o.config(other.Hostname, final.name, final.description, moved),
				ConfigPlanChecks: planAction(o.address, plancheck.ResourceActionDestroyBeforeCreate),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID(o.address, &movedID),
					o.is(other.Hostname, &movedID, final.name, final.description, moved...),
					func(*terraform.State) error {
						if o.exists(home, id, final.name) {
							return fmt.Errorf("the home tenant's %s survived the replace", o.address)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccCustomGroup_lifecycle(t *testing.T) {
	e, _ := newTestEnv(t)
	home := e.sim.Home().Hostname
	e.testCustomObjectLifecycle(t, customObject{
		address: "qlik_custom_group.g",
		config: func(host, name, description string, roles []string) string {
			return testAccCustomGroupConfig(e.oauthProvider(), host, name, description, roles)
		},
		is: e.groupIs,
		exists: func(host, id, name string) bool {
			_, byName := e.sim.GroupByName(host, name)
			return byName || slices.ContainsFunc(e.sim.Groups(host), func(g qliksim.Group) bool { return g.ID == id })
		},
		edit: func(id string) error {
			return e.sim.EditGroup(home, id, func(g *qliksim.Group, roles *[]string) {
				g.Description = "edited"
				*roles = []string{"TenantAdmin"}
			})
		},
		remove: func(id string) error { return e.sim.DeleteGroup(home, id) },
	},
		customValues{"Sales", "", []string{"Steward"}},
		customValues{"Finance", "Finance team", []string{"Steward", "SharedSpaceCreator"}},
		[]string{})
}

func TestAccCustomGroup_validationAndErrors(t *testing.T) {
	e, home := newTestEnv(t)
	idp, err := e.sim.AddUser(home.Hostname, "auth0|bob", "Sales")
	if err != nil {
		t.Fatal(err)
	}
	sales, _ := e.sim.GroupByName(home.Hostname, "Sales")
	p := e.oauthProvider()
	cases := []planError{
		{"unknown role", testAccCustomGroupConfig(p, "", "Finance", "", []string{"Stewart"}), regexp.MustCompile(`(?s)Unknown role.*roles.*no role named\s+"Stewart"`)},
		{"empty name", testAccCustomGroupConfig(p, "", "", "", []string{}), regexp.MustCompile(`name string length must be between 1 and 256`)},
	}
	e.expectPlanErrorsWithoutWrites(t, home.Hostname, cases,
		resource.TestStep{
			// The name of a group from the identity provider is taken: Qlik's 409, against name.
			Config:      testAccCustomGroupConfig(p, "", "Sales", "", []string{}),
			ExpectError: regexp.MustCompile(`(?s)Unable to create custom group.*name.*HTTP\s+409.*Code: GROUPS-Conflict.*Request ID: [0-9a-f]{32}.*choose another name`),
		},
		resource.TestStep{
			// An identity provider group cannot be imported as a custom group.
			Config:        testAccCustomGroupConfig(p, "", "Sales", "", []string{}),
			ResourceName:  "qlik_custom_group.g",
			ImportState:   true,
			ImportStateId: sales.ID,
			ExpectError:   regexp.MustCompile(`(?s)Not a custom group.*comes from the identity provider`),
		},
	)
	_ = idp
}
