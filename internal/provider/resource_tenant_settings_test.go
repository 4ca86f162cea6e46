package provider_test

import (
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// settingsIs checks the simulator's tenant settings of hostname.
func (e *testEnv) settingsIs(hostname string, ok func(v qliksim.TenantSettingsValues) bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		v, err := e.sim.TenantSettings(hostname)
		if err != nil {
			return err
		}
		if !ok(v) {
			return fmt.Errorf("tenant %s holds settings %+v", hostname, v)
		}
		return nil
	}
}

// TestAccTenantSettings_lifecycle runs the four settings through create, import by hostname, update in place,
// drift, a move to another tenant (replace) and destroy, which leaves every setting as it was.
func TestAccTenantSettings_lifecycle(t *testing.T) {
	e, home := newTestEnv(t)
	other := e.addTenant("customer-s")
	config := func(host string, prof bool, roles []string, keys int, expiry string, idle, life int) string {
		return testConfig(e.oauthProvider(), "TestAccTenantSettings", tfVars{
			"tenant_hostname": orNull(host), "auto_assign_professional": prof, "everyone_roles": roles,
			"max_keys_per_user": keys, "max_api_key_expiry": expiry, "idle_minutes": idle, "lifespan_minutes": life,
		})
	}
	first := config("", true, []string{"EmbeddedAnalyticsUser"}, 10, "P90D", 30, 480)
	second := config("", false, []string{"EmbeddedAnalyticsUser", "SharedSpaceCreator"}, 20, "P30D", 45, 600)
	all := []string{"qlik_license_settings.s", "qlik_group_settings.s", "qlik_api_key_settings.s", "qlik_auth_settings.s"}
	// The plan takes action a on every settings resource, and is empty after the apply.
	allThenEmpty := func(a plancheck.ResourceActionType) resource.ConfigPlanChecks {
		var also []plancheck.PlanCheck
		for _, r := range all[1:] {
			also = append(also, plancheck.ExpectResourceAction(r, a))
		}
		return planThenEmpty(all[0], a, also...)
	}
	isSecond := func(v qliksim.TenantSettingsValues) bool {
		return !v.AutoAssignProfessional && v.AutoAssignAnalyzer && !v.AutoCreateGroups && fmt.Sprint(v.EveryoneRoles) == "[EmbeddedAnalyticsUser SharedSpaceCreator]" &&
			v.MaxKeysPerUser == 20 && v.MaxAPIKeyExpiry == "P30D" && v.SessionInactivityMinutes == 45 && v.MaxSessionLifespanMinutes == 600
	}
	var steps []resource.TestStep
	steps = append(steps, resource.TestStep{
		Config:           first,
		ConfigPlanChecks: allThenEmpty(plancheck.ResourceActionCreate),
		ConfigStateChecks: []statecheck.StateCheck{
			hasString("qlik_license_settings.s", "id", home.Hostname),
			hasStrings("qlik_group_settings.s", "everyone_roles", "EmbeddedAnalyticsUser"),
		},
		Check: e.settingsIs(home.Hostname, func(v qliksim.TenantSettingsValues) bool {
			return v.AutoAssignProfessional && v.AutoAssignAnalyzer && !v.AutoCreateGroups && fmt.Sprint(v.EveryoneRoles) == "[EmbeddedAnalyticsUser]" &&
				v.MaxKeysPerUser == 10 && v.MaxAPIKeyExpiry == "P90D" && v.SessionInactivityMinutes == 30 && v.MaxSessionLifespanMinutes == 480
		}),
	})
	for _, r := range all {
		// Import by the tenant's hostname; the home tenant leaves tenant_hostname empty, as the configuration does.
		steps = append(steps, resource.TestStep{ResourceName: r, ImportState: true, ImportStateId: home.Hostname, ImportStateVerify: true})
	}
	steps = append(steps,
		resource.TestStep{
			Config:           second,
			ConfigPlanChecks: allThenEmpty(plancheck.ResourceActionUpdate),
			Check:            e.settingsIs(home.Hostname, isSecond),
		},
		// Changes in the console are drift, and the apply puts the configured values back.
		driftStep(t, second,
			func() error {
				return e.sim.EditTenantSettings(home.Hostname, func(v *qliksim.TenantSettingsValues) {
					*v = qliksim.TenantSettingsValues{
						AutoAssignProfessional: true, AutoCreateGroups: true, EveryoneRoles: []string{"TenantAdmin"},
						MaxKeysPerUser: 5, MaxAPIKeyExpiry: "PT24H", SessionInactivityMinutes: 60, MaxSessionLifespanMinutes: 1440,
					}
				})
			},
			allThenEmpty(plancheck.ResourceActionUpdate),
			e.settingsIs(home.Hostname, isSecond)),
		resource.TestStep{
			// Another tenant is another setting: replaced, and the home tenant keeps what it had.
			Config:           config(other.Hostname, true, []string{}, 0, "PT1H", 5, 60),
			ConfigPlanChecks: allThenEmpty(plancheck.ResourceActionDestroyBeforeCreate),
			Check: resource.ComposeAggregateTestCheckFunc(
				e.settingsIs(home.Hostname, isSecond),
				e.settingsIs(other.Hostname, func(v qliksim.TenantSettingsValues) bool {
					return v.AutoAssignProfessional && len(v.EveryoneRoles) == 0 && v.MaxKeysPerUser == 0 && v.MaxAPIKeyExpiry == "PT1H" && v.SessionInactivityMinutes == 5
				}),
			),
		},
	)
	e.testCase(t, resource.TestCase{
		// Destroy changes nothing: both tenants keep their settings.
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			e.settingsIs(home.Hostname, isSecond),
			e.settingsIs(other.Hostname, func(v qliksim.TenantSettingsValues) bool { return v.MaxAPIKeyExpiry == "PT1H" && v.MaxKeysPerUser == 0 }),
		),
		Steps: steps,
	})
}

func TestAccTenantSettings_validation(t *testing.T) {
	e, home := newTestEnv(t)
	p := e.oauthProvider()
	cases := []planError{
		{"unknown Everyone role", p + `
resource "qlik_group_settings" "s" {
  auto_create_groups = true
  everyone_roles     = ["tenantadmin"]
}`, regexp.MustCompile(`(?s)Unknown role.*everyone_roles.*no role named\s+"tenantadmin".*"tenantadmin" is spelled\s+"TenantAdmin"`)},
		{"too many keys", p + `
resource "qlik_api_key_settings" "s" {
  max_keys_per_user  = 1001
  max_api_key_expiry = "P30D"
}`, regexp.MustCompile(`(?s)max_keys_per_user.*between 0 and 1000`)},
		{"expiry not a duration", p + `
resource "qlik_api_key_settings" "s" {
  max_keys_per_user  = 5
  max_api_key_expiry = "30 days"
}`, regexp.MustCompile(`(?s)Invalid duration.*"30 days" must be a positive ISO 8601 duration`)},
		{"lifespan not whole hours", p + `
resource "qlik_auth_settings" "s" {
  session_inactivity_timeout_minutes = 30
  max_session_lifespan_minutes       = 90
}`, regexp.MustCompile(`(?s)max_session_lifespan_minutes.*90 must be a multiple of 60`)},
		{"idle longer than the session", p + `
resource "qlik_auth_settings" "s" {
  session_inactivity_timeout_minutes = 120
  max_session_lifespan_minutes       = 60
}`, regexp.MustCompile(`(?s)Inactivity timeout longer than the session.*session_inactivity_timeout_minutes.*every session ends after 60\s+minutes`)},
	}
	e.expectPlanErrorsWithoutWrites(t, home.Hostname, cases)
}

// TestAccTenantSettings_qlikErrors shows Qlik's refusal with its code and request id, and a tenant setting whose
// Everyone role is a custom role planned in the same run.
func TestAccTenantSettings_qlikErrors(t *testing.T) {
	e, home := newTestEnv(t)
	config := e.oauthProvider() + `
resource "qlik_custom_role" "viewer" {
  name   = "Portal viewer"
  scopes = ["apps:read"]
}
resource "qlik_group_settings" "s" {
  auto_create_groups = true
  everyone_roles     = [qlik_custom_role.viewer.name]
}
resource "qlik_auth_settings" "s" {
  session_inactivity_timeout_minutes = 30
  max_session_lifespan_minutes       = 480
}
`
	e.testCase(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					e.sim.FailRoute(home.Hostname, "PATCH", "/api/core/auth-settings", 1, qliksim.RouteFault{Status: 403})
				},
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)Unable to set authentication settings.*PATCH /api/core/auth-settings with HTTP\s+403.*Code: HTTP-403.*Request ID: [0-9a-f]{32}.*lack the permission`),
			},
			{
				Config: config,
				Check: e.settingsIs(home.Hostname, func(v qliksim.TenantSettingsValues) bool {
					return slices.Equal(v.EveryoneRoles, []string{"Portal viewer"}) && v.SessionInactivityMinutes == 30
				}),
				ConfigPlanChecks: emptyPlanAfterApply(),
			},
			{
				// Destroying the group settings leaves the Everyone group's roles, so the custom role it holds cannot
				// be deleted, and the error says why.
				Config:      e.oauthProvider(),
				ExpectError: regexp.MustCompile(`(?s)Custom role is still assigned.*Code: IDENTITIES-10400.*unassigned from all users and\s+groups.*com.qlik.Everyone.*Request ID: [0-9a-f]{32}`),
			},
			{
				// Emptying the Everyone roles lets the role go (at the post-test destroy).
				Config: e.oauthProvider() + `
resource "qlik_custom_role" "viewer" {
  name   = "Portal viewer"
  scopes = ["apps:read"]
}
resource "qlik_group_settings" "s" {
  auto_create_groups = true
  everyone_roles     = []
}
`,
				Check: e.settingsIs(home.Hostname, func(v qliksim.TenantSettingsValues) bool { return len(v.EveryoneRoles) == 0 }),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			for _, r := range e.sim.Roles(home.Hostname) {
				if r.Name == "Portal viewer" {
					return fmt.Errorf("custom role %s still exists", r.ID)
				}
			}
			return nil
		},
	})
}
