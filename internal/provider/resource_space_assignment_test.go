package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

func testAccAssignmentConfig(provider, spaceType, assigneeType, assigneeID string, roles ...string) string {
	return provider + fmt.Sprintf(`
resource "qlik_space" "s" {
  name = "Reports"
  type = %[1]q
}

resource "qlik_space_assignment" "test" {
  space_id      = qlik_space.s.id
  assignee_type = %[2]q
  assignee_id   = %[3]q
  roles         = [%[4]s]
}
`, spaceType, assigneeType, assigneeID, quoteAll(roles))
}

func TestAccSpaceAssignment_basic(t *testing.T) {
	e, home := newTestEnv(t)
	user, group := e.identityUser(home.Hostname, "idp|viewer", "Viewers")
	var id, spaceID, replaced string

	e.testCase(t, resource.TestCase{
		CheckDestroy: func(*terraform.State) error {
			if _, ok := e.assignmentByID(home.Hostname, spaceID, replaced); ok {
				return fmt.Errorf("assignment %s still exists after destroy", replaced)
			}
			return nil
		},
		Steps: []resource.TestStep{
			createStep(testAccAssignmentConfig(e.oauthProvider(), "managed", "group", group.ID, "consumer", "publisher"), "qlik_space_assignment.test", &id,
				[]statecheck.StateCheck{
					hasStrings("qlik_space_assignment.test", "roles", "consumer", "publisher"),
					hasString("qlik_space_assignment.test", "assignee_type", "group"),
					hasString("qlik_space_assignment.test", "created_by", home.BotUserID),
					matches("qlik_space_assignment.test", "id", `^[0-9a-f]{24}$`),
				},
				captureID("qlik_space.s", &spaceID),
				func(*terraform.State) error {
					a, ok := e.assignmentByID(home.Hostname, spaceID, id)
					if !ok || a.AssigneeID != group.ID || a.Type != "group" || fmt.Sprint(a.Roles) != "[consumer publisher]" {
						return fmt.Errorf("simulator holds %+v (found=%v)", a, ok)
					}
					return nil
				}),
			{
				ResourceName:      "qlik_space_assignment.test",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(*terraform.State) (string, error) { return spaceID + "/" + id, nil },
			},
			importFromTenantStep("qlik_space_assignment.test", home.Hostname, "assignee_id", group.ID, &spaceID, &id),
			{
				// Roles change in place with one PUT.
				Config:           testAccAssignmentConfig(e.oauthProvider(), "managed", "group", group.ID, "facilitator"),
				ConfigPlanChecks: planThenEmpty("qlik_space_assignment.test", plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					func(*terraform.State) error {
						if a, ok := e.assignmentByID(home.Hostname, spaceID, id); !ok || fmt.Sprint(a.Roles) != "[facilitator]" {
							return fmt.Errorf("after update the simulator holds %+v (found=%v)", a, ok)
						}
						return nil
					},
					e.calls("PUT", "/api/v1/spaces/{spaceId}/assignments/{assignmentId}", home.Hostname, 1),
				),
			},
			// Another assignee cannot be set on an assignment: replace.
			replaceStep(testAccAssignmentConfig(e.oauthProvider(), "managed", "user", user.ID, "facilitator"), "qlik_space_assignment.test", &replaced, &id,
				func(*terraform.State) error {
					all := e.sim.SpaceAssignments(home.Hostname, spaceID)
					if len(all) != 1 || all[0].AssigneeID != user.ID || all[0].Type != "user" {
						return fmt.Errorf("space holds %+v, want only the user's assignment", all)
					}
					return nil
				}),
		},
	})
}

func TestAccSpaceAssignment_disappearsAndDrift(t *testing.T) {
	e, home := newTestEnv(t)
	_, group := e.identityUser(home.Hostname, "idp|a", "Analysts")
	config := testAccAssignmentConfig(e.oauthProvider(), "shared", "group", group.ID, "producer")
	var id, spaceID string

	e.test(t, []resource.TestStep{
		{Config: config, Check: resource.ComposeAggregateTestCheckFunc(captureID("qlik_space_assignment.test", &id), captureID("qlik_space.s", &spaceID))},
		// Someone changes the roles in the hub: the plan puts them back in place.
		driftStep(t, config,
			func() error { return e.sim.EditSpaceAssignment(home.Hostname, id, []string{"consumer"}) },
			planAction("qlik_space_assignment.test", plancheck.ResourceActionUpdate),
			func(*terraform.State) error {
				if a, _ := e.assignmentByID(home.Hostname, spaceID, id); fmt.Sprint(a.Roles) != "[producer]" {
					return fmt.Errorf("drift not corrected: %+v", a)
				}
				return nil
			}),
		// Someone removes the assignment: the plan creates it again.
		recreateStep(t, config, "qlik_space_assignment.test",
			deleteByID(e.sim.DeleteSpaceAssignment, home.Hostname, &id),
			func() int { return len(e.sim.SpaceAssignments(home.Hostname, spaceID)) },
			func(*terraform.State) error {
				if all := e.sim.SpaceAssignments(home.Hostname, spaceID); len(all) != 1 || all[0].AssigneeID != group.ID {
					return fmt.Errorf("space holds %+v after re-create", all)
				}
				return nil
			}),
	})
}

func TestAccSpaceAssignment_validation(t *testing.T) {
	e, home := newTestEnv(t)
	_, group := e.identityUser(home.Hostname, "idp|b", "Builders")
	spaceOnly := e.oauthProvider() + `
resource "qlik_space" "s" {
  name = "Reports"
  type = "managed"
}
`
	e.test(t, []resource.TestStep{
		{
			Config: testAccAssignmentConfig(e.oauthProvider(), "managed", "group", group.ID, "owner"), PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)value must be one of:.*"consumer"`),
		},
		{
			Config: testAccAssignmentConfig(e.oauthProvider(), "managed", "group", group.ID), PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)roles set must contain at least 1 elements`),
		},
		{
			Config: testAccAssignmentConfig(e.oauthProvider(), "managed", "robot", group.ID, "consumer"), PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)assignee_type value must be one of: \["user" "group"\]`),
		},
		{Config: spaceOnly},
		{
			// The space exists now, so its type is known at plan time: a managed space has no producer.
			Config:      testAccAssignmentConfig(e.oauthProvider(), "managed", "group", group.ID, "producer", "consumer"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Role not assignable in this space.*managed space and does not accept\s+"producer".*Roles it accepts: basicconsumer, consumer, contributor`),
		},
	})
	if n := e.sim.AuditCount("", "/api/v1/spaces/{spaceId}/assignments", home.Hostname); n != 0 {
		t.Errorf("invalid configurations made %d assignment calls; they must fail at plan", n)
	}
}

func TestAccSpaceAssignment_conflict(t *testing.T) {
	e, home := newTestEnv(t)
	_, group := e.identityUser(home.Hostname, "idp|c", "Controllers")
	config := testAccAssignmentConfig(e.oauthProvider(), "shared", "group", group.ID, "consumer")

	e.test(t, []resource.TestStep{
		{Config: config},
		{
			Config: config + fmt.Sprintf(`
resource "qlik_space_assignment" "again" {
  space_id      = qlik_space.s.id
  assignee_type = "group"
  assignee_id   = %q
  roles         = ["producer"]
}
`, group.ID),
			ExpectError: regexp.MustCompile("(?s)Unable to create space assignment.*HTTP 409.*Code: AssignmentConflict.*Title: Assignment already exists.\\s+`assigneeId` must\\s+be unique.*Request ID: \\S+.*one assignment per space and assignee"),
		},
	})
}
