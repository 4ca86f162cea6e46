package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// spaceRoles is one space_roles block of a test configuration, naming a space resource of the configuration.
type spaceRoles struct {
	space string
	roles []string
}

func testAccRoleMappingConfig(provider, group string, roles []string, blocks ...spaceRoles) string {
	var b strings.Builder
	b.WriteString(provider)
	b.WriteString(`
resource "qlik_space" "published" {
  name = "Published"
  type = "managed"
}

resource "qlik_space" "sandbox" {
  name = "Sandbox"
  type = "shared"
}
`)
	fmt.Fprintf(&b, "\nresource \"qlik_role_mapping\" \"test\" {\n  group_name = %q\n", group)
	if roles != nil {
		fmt.Fprintf(&b, "  roles      = [%s]\n", quoteAll(roles))
	}
	for _, s := range blocks {
		fmt.Fprintf(&b, "\n  space_roles {\n    space_id = qlik_space.%s.id\n    roles    = [%s]\n  }\n", s.space, quoteAll(s.roles))
	}
	b.WriteString("}\n")
	return b.String()
}

func TestAccRoleMapping_createdGroup(t *testing.T) {
	e, home := newTestEnv(t)
	var groupID, publishedID, sandboxID, memberID string

	e.testCase(t, resource.TestCase{
		CheckDestroy: func(*terraform.State) error {
			if _, ok := e.sim.GroupByName(home.Hostname, "Customer A Analysts"); ok {
				return fmt.Errorf("the group the mapping created survives destroy")
			}
			if n := len(e.sim.SpaceAssignments(home.Hostname, publishedID)); n != 0 {
				return fmt.Errorf("%d assignments left in the published space", n)
			}
			if len(e.sim.Users(home.Hostname)) == 0 || e.memberAccess(home.Hostname, memberID) != "groups=[] roles=[]" {
				return fmt.Errorf("member after destroy: %s; the user must stay, without the deleted group", e.memberAccess(home.Hostname, memberID))
			}
			return nil
		},
		Steps: []resource.TestStep{
			// Nobody has signed in yet: the mapping creates the group so the roles wait for the first login.
			createStep(testAccRoleMappingConfig(e.oauthProvider(), "Customer A Analysts", []string{"SharedSpaceCreator", "EmbeddedAnalyticsUser"},
				spaceRoles{"published", []string{"consumer"}}), "qlik_role_mapping.test", &groupID,
				[]statecheck.StateCheck{
					hasBool("qlik_role_mapping.test", "group_created", true),
					hasStrings("qlik_role_mapping.test", "roles", "SharedSpaceCreator", "EmbeddedAnalyticsUser"),
					sameValue("qlik_role_mapping.test", "id", "qlik_role_mapping.test", "group_id"),
				},
				captureID("qlik_space.published", &publishedID),
				captureID("qlik_space.sandbox", &sandboxID),
				func(*terraform.State) error {
					g, ok := e.sim.GroupByName(home.Hostname, "Customer A Analysts")
					if !ok || g.ID != groupID || g.ProviderType != "idp" || fmt.Sprint(g.RoleNames()) != "[EmbeddedAnalyticsUser SharedSpaceCreator]" {
						return fmt.Errorf("simulator group %+v (found=%v)", g, ok)
					}
					as := e.sim.SpaceAssignments(home.Hostname, publishedID)
					if len(as) != 1 || as[0].AssigneeID != groupID || as[0].Type != "group" || fmt.Sprint(as[0].Roles) != "[consumer]" {
						return fmt.Errorf("published space assignments %+v", as)
					}
					return nil
				}),
			{
				ResourceName:                         "qlik_role_mapping.test",
				ImportState:                          true,
				ImportStateId:                        "Customer A Analysts",
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "group_name",
				// An import cannot know whether Terraform created the group, nor which spaces to manage.
				ImportStateVerifyIgnore: []string{"group_created", "space_roles"},
			},
			{
				ResourceName:  "qlik_role_mapping.test",
				ImportState:   true,
				ImportStateId: home.Hostname + "/Customer A Analysts",
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					s := states[0]
					if s.ID != groupID || s.Attributes["tenant_hostname"] != home.Hostname || s.Attributes["group_created"] != "false" {
						return fmt.Errorf("imported %+v", s.Attributes)
					}
					return nil
				},
			},
			{
				// A user signs in through the identity provider and joins the group; then the mapping changes
				// roles, swaps the published space roles and adds the sandbox, all in place.
				PreConfig: func() {
					u, err := e.sim.AddUser(home.Hostname, "idp|ann", "Customer A Analysts")
					if err != nil {
						t.Fatal(err)
					}
					memberID = u.ID
					e.sim.ResetAudit()
				},
				Config: testAccRoleMappingConfig(e.oauthProvider(), "Customer A Analysts", []string{"EmbeddedAnalyticsUser"},
					spaceRoles{"published", []string{"consumer", "publisher"}}, spaceRoles{"sandbox", []string{"producer"}}),
				ConfigPlanChecks: planThenEmpty("qlik_role_mapping.test", plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					if got := e.memberAccess(home.Hostname, memberID); got != "groups=[Customer A Analysts] roles=[EmbeddedAnalyticsUser]" {
						return fmt.Errorf("member after update: %s", got)
					}
					for route, want := range map[string]int{
						"PATCH /api/v1/groups/{groupId}":                             1,
						"PUT /api/v1/spaces/{spaceId}/assignments/{assignmentId}":    1,
						"POST /api/v1/spaces/{spaceId}/assignments":                  1,
						"DELETE /api/v1/spaces/{spaceId}/assignments/{assignmentId}": 0,
						"POST /api/v1/groups":                                        0,
					} {
						method, r, _ := strings.Cut(route, " ")
						if n := e.sim.AuditCount(method, r, home.Hostname); n != want {
							return fmt.Errorf("%s called %d times, want %d", route, n, want)
						}
					}
					if got := e.sim.SpaceAssignments(home.Hostname, sandboxID); len(got) != 1 || fmt.Sprint(got[0].Roles) != "[producer]" {
						return fmt.Errorf("sandbox assignments %+v", got)
					}
					return nil
				},
			},
			{
				// Dropping the sandbox block removes only that assignment.
				Config: testAccRoleMappingConfig(e.oauthProvider(), "Customer A Analysts", []string{"EmbeddedAnalyticsUser"},
					spaceRoles{"published", []string{"consumer", "publisher"}}),
				ConfigPlanChecks: planAction("qlik_role_mapping.test", plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					if n := len(e.sim.SpaceAssignments(home.Hostname, sandboxID)); n != 0 {
						return fmt.Errorf("sandbox still holds %d assignments", n)
					}
					if n := len(e.sim.SpaceAssignments(home.Hostname, publishedID)); n != 1 {
						return fmt.Errorf("published holds %d assignments, want 1", n)
					}
					if n := e.userWrites(home.Hostname); n != 0 {
						return fmt.Errorf("the mapping made %d writes to the users API", n)
					}
					return nil
				},
			},
		},
	})
}

// TestAccRoleMapping_existingGroupMembersUntouched proves a mapping over a group that came from the identity
// provider leaves its members alone through create, update and destroy, and gives back only what it granted.
func TestAccRoleMapping_existingGroupMembersUntouched(t *testing.T) {
	e, home := newTestEnv(t)
	ann, group := e.identityUser(home.Hostname, "idp|ann", "Finance", "Everyone in ACME")
	ben, _ := e.identityUser(home.Hostname, "idp|ben", "Finance")
	// An administrator gave the group a role by hand before Terraform took over.
	if err := e.sim.EditGroup(home.Hostname, group.ID, func(_ *qliksim.Group, roles *[]string) { *roles = []string{"Steward"} }); err != nil {
		t.Fatal(err)
	}
	annBefore := "groups=[Everyone in ACME Finance]"
	benBefore := "groups=[Finance]"
	checkMembers := func(wantRoles string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := e.memberAccess(home.Hostname, ann.ID); got != annBefore+" roles="+wantRoles {
				return fmt.Errorf("ann: %s, want %s roles=%s", got, annBefore, wantRoles)
			}
			if got := e.memberAccess(home.Hostname, ben.ID); got != benBefore+" roles="+wantRoles {
				return fmt.Errorf("ben: %s, want %s roles=%s", got, benBefore, wantRoles)
			}
			if n := e.userWrites(home.Hostname); n != 0 {
				return fmt.Errorf("the mapping made %d writes to the users API", n)
			}
			return nil
		}
	}

	e.testCase(t, resource.TestCase{
		CheckDestroy: func(*terraform.State) error {
			g, ok := e.sim.GroupByName(home.Hostname, "Finance")
			if !ok || g.ID != group.ID {
				return fmt.Errorf("destroy deleted a group the mapping did not create")
			}
			// The mapping listed Steward too, so it goes; nothing else was granted by hand afterwards.
			return checkMembers("[]")(nil)
		},
		Steps: []resource.TestStep{
			{
				Config: testAccRoleMappingConfig(e.oauthProvider(), "Finance", []string{"Steward", "SharedSpaceCreator"},
					spaceRoles{"sandbox", []string{"consumer"}}),
				ConfigStateChecks: []statecheck.StateCheck{
					hasBool("qlik_role_mapping.test", "group_created", false),
					hasString("qlik_role_mapping.test", "id", group.ID),
				},
				ConfigPlanChecks: emptyPlanAfterApply(),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkMembers("[SharedSpaceCreator Steward]"),
					func(*terraform.State) error {
						if n := e.sim.AuditCount("POST", "/api/v1/groups", home.Hostname); n != 0 {
							return fmt.Errorf("the mapping created a group although one existed")
						}
						return nil
					},
				),
			},
			{
				Config: testAccRoleMappingConfig(e.oauthProvider(), "Finance", []string{"Steward", "AnalyticsAdmin"},
					spaceRoles{"sandbox", []string{"consumer", "facilitator"}}),
				ConfigPlanChecks: planAction("qlik_role_mapping.test", plancheck.ResourceActionUpdate),
				Check:            checkMembers("[AnalyticsAdmin Steward]"),
			},
		},
	})
}

func TestAccRoleMapping_drift(t *testing.T) {
	e, home := newTestEnv(t)
	config := testAccRoleMappingConfig(e.oauthProvider(), "Ops", []string{"DataAdmin"}, spaceRoles{"sandbox", []string{"consumer"}})
	var groupID, sandboxID string

	e.test(t, []resource.TestStep{
		{Config: config, Check: resource.ComposeAggregateTestCheckFunc(captureID("qlik_role_mapping.test", &groupID), captureID("qlik_space.sandbox", &sandboxID))},
		{
			// Roles changed in the management console show as an update that puts them back.
			PreConfig: func() {
				must(t, e.sim.EditGroup(home.Hostname, groupID, func(_ *qliksim.Group, roles *[]string) { *roles = []string{"TenantAdmin"} }))
			},
			Config:           config,
			ConfigPlanChecks: planThenEmpty("qlik_role_mapping.test", plancheck.ResourceActionUpdate),
			Check: func(*terraform.State) error {
				if g, _ := e.sim.GroupByName(home.Hostname, "Ops"); fmt.Sprint(g.RoleNames()) != "[DataAdmin]" {
					return fmt.Errorf("roles after correcting drift: %v", g.RoleNames())
				}
				return nil
			},
		},
		{
			// A space assignment removed by hand is re-created in place.
			PreConfig: func() {
				as := e.sim.SpaceAssignments(home.Hostname, sandboxID)
				if len(as) != 1 {
					t.Fatalf("sandbox holds %d assignments", len(as))
				}
				if err := e.sim.DeleteSpaceAssignment(home.Hostname, as[0].ID); err != nil {
					t.Fatal(err)
				}
			},
			Config:           config,
			ConfigPlanChecks: planAction("qlik_role_mapping.test", plancheck.ResourceActionUpdate),
			Check: func(*terraform.State) error {
				if as := e.sim.SpaceAssignments(home.Hostname, sandboxID); len(as) != 1 || as[0].AssigneeID != groupID {
					return fmt.Errorf("sandbox assignments %+v", as)
				}
				return nil
			},
		},
		{
			// The group deleted by hand: the mapping is created again, with a new group.
			PreConfig:        func() { must(t, e.sim.DeleteGroup(home.Hostname, groupID)) },
			Config:           config,
			ConfigPlanChecks: planAction("qlik_role_mapping.test", plancheck.ResourceActionCreate),
			ConfigStateChecks: []statecheck.StateCheck{
				hasBool("qlik_role_mapping.test", "group_created", true),
			},
			Check: func(*terraform.State) error {
				g, ok := e.sim.GroupByName(home.Hostname, "Ops")
				if !ok || g.ID == groupID || len(e.sim.SpaceAssignments(home.Hostname, sandboxID)) != 1 {
					return fmt.Errorf("re-created group %+v (found=%v)", g, ok)
				}
				return nil
			},
		},
	})
}

func TestAccRoleMapping_validation(t *testing.T) {
	e, home := newTestEnv(t)
	spaces := testAccRoleMappingConfig(e.oauthProvider(), "Unused", nil)
	spaces = spaces[:strings.Index(spaces, "\nresource \"qlik_role_mapping\"")]
	p := e.oauthProvider()
	e.test(t, []resource.TestStep{
		{Config: spaces},
		{
			Config: testAccRoleMappingConfig(p, "Sales", []string{"SharedSpaceCreator", "Developer"}), PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Unknown role.*has no role named "Developer".*Valid roles: AnalyticsAdmin,.*TenantAdmin`),
		},
		{
			// A second mapping in the same plan reuses the catalogue the first one read.
			Config: testAccRoleMappingConfig(p, "Sales", []string{"tenantadmin"}) + `
resource "qlik_role_mapping" "other" {
  group_name = "Support"
  roles      = ["Steward"]
}
`, PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)"tenantadmin" is spelled "TenantAdmin"`),
		},
		{
			Config: testAccRoleMappingConfig(p, "", []string{"Steward"}), PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)group_name string length must be between 1 and 256`),
		},
		{
			Config: testAccRoleMappingConfig(p, "   ", []string{"Steward"}), PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)must not be blank`),
		},
		{
			Config: testAccRoleMappingConfig(p, "Sales", nil, spaceRoles{"sandbox", []string{"publisher"}}), PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)Role not assignable in this space.*shared space and does not accept\s+"publisher"`),
		},
		{
			Config: testAccRoleMappingConfig(p, "Sales", nil, spaceRoles{"sandbox", []string{"viewer"}}), PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)value must be one of`),
		},
		{
			Config:      testAccRoleMappingConfig(p, "Sales", nil, spaceRoles{"sandbox", []string{"consumer"}}, spaceRoles{"sandbox", []string{"producer"}}),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Duplicate space`),
		},
	})
	for _, route := range []string{"/api/v1/groups", "/api/v1/groups/{groupId}", "/api/v1/spaces/{spaceId}/assignments"} {
		if n := e.sim.AuditCount("POST", route, home.Hostname) + e.sim.AuditCount("PATCH", route, home.Hostname); n != 0 {
			t.Errorf("invalid configurations made %d writes to %s", n, route)
		}
	}
	// Each plan runs its own provider process; within one plan the catalogue is read once, however many
	// mappings check their roles.
	if n := e.sim.AuditCount("GET", "/api/v1/roles", home.Hostname); n != 2 {
		t.Errorf("two plans that check roles read the role catalogue %d times, want 2", n)
	}
}

func TestAccRoleMapping_renameReplaces(t *testing.T) {
	e, home := newTestEnv(t)
	var before, after, publishedID string

	e.test(t, []resource.TestStep{
		{
			Config: testAccRoleMappingConfig(e.oauthProvider(), "acme-viewers", []string{"EmbeddedAnalyticsUser"}, spaceRoles{"published", []string{"consumer"}}),
			Check:  resource.ComposeAggregateTestCheckFunc(captureID("qlik_role_mapping.test", &before), captureID("qlik_space.published", &publishedID)),
		},
		{
			// Another group name is another group: the mapping is replaced, its old group (which it
			// created) goes, and the space role moves to the new group.
			Config:           testAccRoleMappingConfig(e.oauthProvider(), "acme-readers", []string{"EmbeddedAnalyticsUser"}, spaceRoles{"published", []string{"consumer"}}),
			ConfigPlanChecks: planThenEmpty("qlik_role_mapping.test", plancheck.ResourceActionDestroyBeforeCreate),
			Check: resource.ComposeAggregateTestCheckFunc(
				captureID("qlik_role_mapping.test", &after),
				func(*terraform.State) error {
					if _, ok := e.sim.GroupByName(home.Hostname, "acme-viewers"); ok {
						return fmt.Errorf("the old group survives the replacement")
					}
					g, ok := e.sim.GroupByName(home.Hostname, "acme-readers")
					as := e.sim.SpaceAssignments(home.Hostname, publishedID)
					if !ok || g.ID != after || after == before || len(as) != 1 || as[0].AssigneeID != after {
						return fmt.Errorf("new group %+v (found=%v), assignments %+v", g, ok, as)
					}
					return nil
				},
			),
		},
	})
}

func TestAccRoleMapping_faults(t *testing.T) {
	e, home := newTestEnvWith(t, qliksim.Options{
		Seed:            5,
		Faults:          qliksim.Faults{RateLimit: 0.1, Unavailable: 0.15, Reset: 0.05},
		VisibilityDelay: 50 * time.Millisecond,
	})
	config := e.oauthProvider() + `
resource "qlik_space" "s" {
  name = "Customer apps"
  type = "managed"
}

resource "qlik_role_mapping" "test" {
  count      = 8
  group_name = "customer-${count.index}"
  roles      = ["EmbeddedAnalyticsUser"]

  space_roles {
    space_id = qlik_space.s.id
    roles    = ["consumer"]
  }
}
`
	var spaceID string
	e.testUnderFaults(t, config, noneLeftAfterDestroy("groups", countIn(e.sim.Groups, home.Hostname)),
		captureID("qlik_space.s", &spaceID),
		func(*terraform.State) error {
			groups := e.sim.Groups(home.Hostname)
			if len(groups) != 8 {
				return fmt.Errorf("tenant holds %d groups, want 8 (no duplicates)", len(groups))
			}
			if as := e.sim.SpaceAssignments(home.Hostname, spaceID); len(as) != 8 {
				return fmt.Errorf("space holds %d assignments, want 8", len(as))
			}
			return nil
		})
}

func TestAccRoleMapping_rolesOmittedAreLeftAlone(t *testing.T) {
	e, home := newTestEnv(t)
	_, group := e.identityUser(home.Hostname, "idp|eve", "Partners")
	if err := e.sim.EditGroup(home.Hostname, group.ID, func(_ *qliksim.Group, roles *[]string) { *roles = []string{"Steward"} }); err != nil {
		t.Fatal(err)
	}
	rolesOf := func() string {
		g, _ := e.sim.GroupByName(home.Hostname, "Partners")
		return fmt.Sprint(g.RoleNames())
	}
	e.testCase(t, resource.TestCase{
		CheckDestroy: func(*terraform.State) error {
			if got := rolesOf(); got != "[Steward]" {
				return fmt.Errorf("roles after destroy = %s, want the hand-made [Steward]", got)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				// Only space roles: the tenant roles set by hand stay, and are not drift.
				Config: testAccRoleMappingConfig(e.oauthProvider(), "Partners", nil, spaceRoles{"sandbox", []string{"consumer"}}),
				ConfigStateChecks: []statecheck.StateCheck{
					isNull("qlik_role_mapping.test", "roles"),
				},
				ConfigPlanChecks: emptyPlanAfterApply(),
				Check: func(*terraform.State) error {
					if got := rolesOf(); got != "[Steward]" {
						return fmt.Errorf("roles = %s, want [Steward] untouched", got)
					}
					if n := e.sim.AuditCount("PATCH", "/api/v1/groups/{groupId}", home.Hostname); n != 0 {
						return fmt.Errorf("%d PATCH calls on a group whose roles are not managed", n)
					}
					return nil
				},
			},
			{
				Config:           testAccRoleMappingConfig(e.oauthProvider(), "Partners", []string{"Steward", "DataAdmin"}, spaceRoles{"sandbox", []string{"consumer"}}),
				ConfigPlanChecks: planAction("qlik_role_mapping.test", plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					if got := rolesOf(); got != "[DataAdmin Steward]" {
						return fmt.Errorf("roles = %s", got)
					}
					return nil
				},
			},
			{
				// Someone adds a role by hand, then the mapping stops listing roles: it gives back what it
				// listed and keeps the hand-made one.
				PreConfig: func() {
					if err := e.sim.EditGroup(home.Hostname, group.ID, func(_ *qliksim.Group, roles *[]string) {
						*roles = []string{"Steward", "DataAdmin", "AuditAdmin"}
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           testAccRoleMappingConfig(e.oauthProvider(), "Partners", nil, spaceRoles{"sandbox", []string{"consumer"}}),
				ConfigPlanChecks: planThenEmpty("qlik_role_mapping.test", plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					if got := rolesOf(); got != "[AuditAdmin]" {
						return fmt.Errorf("roles = %s, want [AuditAdmin]", got)
					}
					// Put the hand-made role back for the destroy check.
					return e.sim.EditGroup(home.Hostname, group.ID, func(_ *qliksim.Group, roles *[]string) { *roles = []string{"Steward"} })
				},
			},
		},
	})
}

// TestAccRoleMapping_dynamicSpaceRolesUnknownAtPlan covers space_roles written as a dynamic block whose
// for_each depends on a variable (as in a module with for_each): validation sees the blocks as unknown and
// must not fail, the assignment is made, and a role the existing space does not accept is still rejected at
// plan time.
func TestAccRoleMapping_dynamicSpaceRolesUnknownAtPlan(t *testing.T) {
	e, _ := newTestEnv(t)
	home := e.sim.Home().Hostname
	config := func(role string) string {
		return e.oauthProvider() + fmt.Sprintf(`
variable "published_roles" {
  type    = list(string)
  default = [%q]
}

resource "qlik_space" "published" {
  name = "Published"
  type = "managed"
}

resource "qlik_role_mapping" "test" {
  group_name = "acme-analysts"
  roles      = ["EmbeddedAnalyticsUser"]

  # Terraform validates a configuration with its variables unknown, so this for_each, and with it the set of
  # blocks, is unknown then.
  dynamic "space_roles" {
    for_each = length(var.published_roles) > 0 ? [var.published_roles] : []
    content {
      space_id = qlik_space.published.id
      roles    = space_roles.value
    }
  }
}
`, role)
	}
	e.test(t, []resource.TestStep{
		{
			Config: config("consumer"),
			Check: func(*terraform.State) error {
				g, ok := e.sim.GroupByName(home, "acme-analysts")
				spaces := e.sim.Spaces(home)
				if !ok || len(spaces) != 1 {
					return fmt.Errorf("group found=%v, %d spaces", ok, len(spaces))
				}
				as := e.sim.SpaceAssignments(home, spaces[0].ID)
				if len(as) != 1 || as[0].AssigneeID != g.ID || fmt.Sprint(as[0].Roles) != "[consumer]" {
					return fmt.Errorf("assignments %+v, want the group as consumer", as)
				}
				return nil
			},
		},
		{
			// The space exists now, so its roles are checked at plan time again.
			Config:      config("producer"),
			ExpectError: regexp.MustCompile(`producer`),
		},
	})
}

// TestAccRoleMapping_quickReapplyWithVisibilityDelay: Qlik serves a new group only after a delay. A re-apply
// within it (a new provider process, which never saw the create) used to read a 404, drop the mapping, adopt the
// group as not created by it, and leave the group behind on destroy. The recorded creation time makes the read
// wait for the group instead.
func TestAccRoleMapping_quickReapplyWithVisibilityDelay(t *testing.T) {
	e, home := newTestEnvWith(t, qliksim.Options{VisibilityDelay: 3 * time.Second})
	config := e.oauthProvider() + `
resource "qlik_role_mapping" "test" {
  group_name = "acme-quick"
  roles      = ["AnalyticsAdmin"]
}
`
	e.testCase(t, resource.TestCase{
		CheckDestroy: func(*terraform.State) error {
			if g, ok := e.sim.GroupByName(home.Hostname, "acme-quick"); ok {
				return fmt.Errorf("group %s was left behind by destroy", g.ID)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					hasBool("qlik_role_mapping.test", "group_created", true),
				},
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					hasBool("qlik_role_mapping.test", "group_created", true),
				},
			},
		},
	})
}
