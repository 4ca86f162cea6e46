package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// testAccTenantConfig renders a qlik_tenant with the given extra attribute lines.
func testAccTenantConfig(provider, licenseKey string, attrs ...string) string {
	return provider + fmt.Sprintf(`
resource "qlik_tenant" "test" {
  license_key_wo         = %[1]q
  license_key_wo_version = 1
  %[2]s
}
`, licenseKey, strings.Join(attrs, "\n  "))
}

func tenantSkipBelow() []tfversion.TerraformVersionCheck {
	// Write-only attributes need Terraform 1.11.
	return []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)}
}

// tenantActive checks that the tenant whose id a step captured into id is active after the apply.
func (e *testEnv) tenantActive(id *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if s := e.tenantStatus(*id); s != "active" {
			return fmt.Errorf("tenant %s is %q after apply, want active", *id, s)
		}
		return nil
	}
}

func TestAccTenant_basic(t *testing.T) {
	// A one-region estate in us: the provider block of before regions (no region, no regions) keeps working.
	e, _ := newTestEnvWith(t, qliksim.Options{Datacenter: "us-east-1"})
	key := e.sim.LicenseKey()
	var id string

	e.testCase(t, resource.TestCase{
		TerraformVersionChecks: tenantSkipBelow(),
		CheckDestroy: func(*terraform.State) error {
			if s := e.tenantStatus(id); s != "disabled" {
				return fmt.Errorf("tenant %s has status %q after destroy, want disabled", id, s)
			}
			rec, _ := e.sim.TenantByID(id)
			if rec.EstimatedPurgeDate == "" {
				return fmt.Errorf("deactivated tenant has no purge date")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: testAccTenantConfig(e.tenantProvider(), key,
					`datacenter = "us-east-1"`, `name = "Acme Corp"`, `enable_app_opening_feedback = true`,
					`deletion_protection = false`, `purge_after_days = 14`),
				ConfigPlanChecks: planThenEmpty("qlik_tenant.test", plancheck.ResourceActionCreate),
				ConfigStateChecks: []statecheck.StateCheck{
					hasString("qlik_tenant.test", "name", "Acme Corp"),
					hasString("qlik_tenant.test", "datacenter", "us-east-1"),
					hasString("qlik_tenant.test", "region", "us"),
					hasString("qlik_tenant.test", "status", "active"),
					matches("qlik_tenant.test", "hostname", `^127\.0\.0\.1:\d+$`),
					isNull("qlik_tenant.test", "alias_hostname"),
					hasBool("qlik_tenant.test", "enable_app_opening_feedback", true),
					hasBool("qlik_tenant.test", "auto_assign_create_shared_spaces_role_to_professionals", true),
					isNull("qlik_tenant.test", "license_key_wo"),
					hasInt("qlik_tenant.test", "license_key_wo_version", 1),
					isSet("qlik_tenant.test", "created"),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_tenant.test", &id),
					func(*terraform.State) error {
						rec, ok := e.sim.TenantByID(id)
						if !ok || rec.Name != "Acme Corp" || !rec.EnableAppOpeningFeedback || rec.Datacenter != "us-east-1" || rec.Status != "active" {
							return fmt.Errorf("simulator holds %+v (found=%v)", rec, ok)
						}
						if n := e.customerTenants(); n != 1 {
							return fmt.Errorf("%d tenants created, want 1", n)
						}
						return nil
					},
				),
			},
			{
				ResourceName:      "qlik_tenant.test",
				ImportState:       true,
				ImportStateVerify: true,
				// Configuration-only settings: the import sets their defaults, the configuration chose others.
				ImportStateVerifyIgnore: []string{"license_key_wo_version", "deletion_protection", "purge_after_days", "timeouts"},
			},
		},
	})
}

func TestAccTenant_updateInPlace(t *testing.T) {
	e, _ := newTestEnv(t)
	key := e.sim.LicenseKey()
	var before, after string
	regHost := strings.TrimPrefix(e.sim.RegistrationURL(), "http://")
	writes := 0

	e.testCase(t, resource.TestCase{
		TerraformVersionChecks: tenantSkipBelow(),
		Steps: []resource.TestStep{
			{
				Config: testAccTenantConfig(e.tenantProvider(), key, `name = "Acme"`, `deletion_protection = false`),
				Check:  captureID("qlik_tenant.test", &before),
			},
			{
				Config: testAccTenantConfig(e.tenantProvider(), key, `name = "Acme Analytics"`, `alias_hostname = "acme-analytics.example.com"`,
					`auto_assign_data_services_contributor_role_to_professionals = false`, `deletion_protection = false`),
				ConfigPlanChecks: planThenEmpty("qlik_tenant.test", plancheck.ResourceActionUpdate,
					plannedValue("qlik_tenant.test", "id", knownvalue.NotNull()),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					hasString("qlik_tenant.test", "name", "Acme Analytics"),
					hasString("qlik_tenant.test", "alias_hostname", "acme-analytics.example.com"),
					hasBool("qlik_tenant.test", "auto_assign_data_services_contributor_role_to_professionals", false),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_tenant.test", &after),
					func(*terraform.State) error {
						if before != after {
							return fmt.Errorf("tenant id changed from %s to %s on an in-place update", before, after)
						}
						rec, _ := e.sim.TenantByID(after)
						if rec.Name != "Acme Analytics" || len(rec.Hostnames) != 2 || rec.Hostnames[1] != "acme-analytics.example.com" ||
							rec.AutoAssignDataServicesContributorRoleToProfessionals {
							return fmt.Errorf("simulator holds %+v", rec)
						}
						if n := e.customerTenants(); n != 1 {
							return fmt.Errorf("%d tenants, want 1", n)
						}
						return nil
					},
				),
			},
			{
				// A new key version cannot change the license: the plan warns and the update touches only the state.
				PreConfig: func() { writes = e.writesTo(regHost) },
				Config: strings.Replace(testAccTenantConfig(e.tenantProvider(), key, `name = "Acme Analytics"`, `alias_hostname = "acme-analytics.example.com"`,
					`auto_assign_data_services_contributor_role_to_professionals = false`, `deletion_protection = false`),
					"license_key_wo_version = 1", "license_key_wo_version = 2", 1),
				ConfigPlanChecks: planThenEmpty("qlik_tenant.test", plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					hasInt("qlik_tenant.test", "license_key_wo_version", 2),
				},
				Check: func(*terraform.State) error {
					if n := e.writesTo(regHost); n != writes {
						return fmt.Errorf("a key version change wrote %d times to the register host", n-writes)
					}
					return nil
				},
			},
		},
	})
}

// A new datacenter in another region replaces the tenant there: the old one is deactivated on the register host
// of its region, the new one created on the other region's register host.
func TestAccTenant_datacenterReplaces(t *testing.T) {
	e, _ := newTestEnvWith(t, qliksim.Options{Regions: []string{"eu", "de"}})
	key := e.sim.LicenseKey()
	var first, second string

	e.testCase(t, resource.TestCase{
		TerraformVersionChecks: tenantSkipBelow(),
		Steps: []resource.TestStep{
			{
				Config: testAccTenantConfig(e.regionsProvider(), key, `datacenter = "eu-west-1"`, `deletion_protection = false`),
				Check:  captureID("qlik_tenant.test", &first),
			},
			{
				Config:           testAccTenantConfig(e.regionsProvider(), key, `datacenter = "eu-central-1"`, `deletion_protection = false`),
				ConfigPlanChecks: planThenEmpty("qlik_tenant.test", plancheck.ResourceActionDestroyBeforeCreate),
				ConfigStateChecks: []statecheck.StateCheck{
					hasString("qlik_tenant.test", "region", "de"),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_tenant.test", &second),
					func(*terraform.State) error {
						if first == second || e.tenantStatus(first) != "disabled" || e.tenantStatus(second) != "active" {
							return fmt.Errorf("old tenant %s is %q, new tenant %s is %q", first, e.tenantStatus(first), second, e.tenantStatus(second))
						}
						if rec, _ := e.sim.TenantByID(second); rec.Region != "de" {
							return fmt.Errorf("new tenant in region %q, want de", rec.Region)
						}
						return nil
					},
				),
			},
		},
	})
}

// The guard makes destroy and replacement fail at plan, before anything is destroyed: neither the tenant nor the
// space inside it is touched (the space used to be destroyed before Delete refused the tenant). Turned off,
// destroy deactivates.
func TestAccTenant_deletionProtection(t *testing.T) {
	e, _ := newTestEnv(t)
	key := e.sim.LicenseKey()
	var id, hostname string
	withSpace := func(attrs ...string) string {
		return testAccTenantConfig(e.tenantProvider(), key, attrs...) + `
resource "qlik_space" "inside" {
  tenant_hostname = qlik_tenant.test.hostname
  name            = "Inside"
  type            = "shared"
}
`
	}
	untouched := func() {
		if s := e.tenantStatus(id); s != "active" || e.customerTenants() != 1 {
			t.Errorf("after the refused destroy and replace the tenant is %q and %d tenants exist, want active and 1", s, e.customerTenants())
		}
		if n := e.writesTo(strings.TrimPrefix(e.sim.RegistrationURL(), "http://")); n != 1 {
			t.Errorf("%d writes on the register host, want only the create", n)
		}
		if n := e.writesTo(hostname); n != 1 || len(e.sim.Spaces(hostname)) != 1 {
			t.Errorf("%d writes in the tenant and %d spaces, want only the space's create and the space", n, len(e.sim.Spaces(hostname)))
		}
	}

	e.testCase(t, resource.TestCase{
		TerraformVersionChecks: tenantSkipBelow(),
		CheckDestroy: func(*terraform.State) error {
			if s := e.tenantStatus(id); s != "disabled" {
				return fmt.Errorf("status %q after destroy with the guard off, want disabled", s)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: withSpace(),
				ConfigStateChecks: []statecheck.StateCheck{
					hasBool("qlik_tenant.test", "deletion_protection", true),
					hasInt("qlik_tenant.test", "purge_after_days", 30),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_tenant.test", &id),
					resource.TestCheckResourceAttrWith("qlik_tenant.test", "hostname", func(v string) error { hostname = v; return nil }),
				),
			},
			{
				Config:      withSpace(),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)Tenant is protected by deletion_protection.*cannot be destroyed.*plan fails before\s+anything is\s+destroyed`),
			},
			{
				// A replacement needs the old tenant deactivated first, so the guard refuses it too, at plan.
				PreConfig:   untouched,
				Config:      withSpace(`datacenter = "us-east-1"`),
				ExpectError: regexp.MustCompile(`(?s)Tenant is protected by deletion_protection.*replaces tenant`),
			},
			{
				PreConfig:        untouched,
				Config:           withSpace(`deletion_protection = false`),
				ConfigPlanChecks: planAction("qlik_tenant.test", plancheck.ResourceActionUpdate),
			},
		},
	})
}

// A tenant deactivated outside Terraform plans an update that reactivates it; a purged one plans a re-create.
func TestAccTenant_driftAndPurge(t *testing.T) {
	e, _ := newTestEnv(t)
	key := e.sim.LicenseKey()
	cfg := testAccTenantConfig(e.tenantProvider(), key, `name = "Globex"`, `deletion_protection = false`)
	var id, recreated string

	e.testCase(t, resource.TestCase{
		TerraformVersionChecks: tenantSkipBelow(),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID("qlik_tenant.test", &id)},
			{
				PreConfig:          func() { must(t, e.sim.DeactivateTenant(id, 30)) },
				Config:             cfg,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: cfg,
				ConfigPlanChecks: planThenEmpty("qlik_tenant.test", plancheck.ResourceActionUpdate,
					plannedValue("qlik_tenant.test", "status", knownvalue.StringExact("active")),
				),
				Check: e.tenantActive(&id),
			},
			{
				PreConfig:        func() { must(t, e.sim.PurgeTenant(id)) },
				Config:           cfg,
				ConfigPlanChecks: planThenEmpty("qlik_tenant.test", plancheck.ResourceActionCreate),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_tenant.test", &recreated),
					func(*terraform.State) error {
						if recreated == id || e.tenantStatus(recreated) != "active" {
							return fmt.Errorf("re-created tenant %s is %q", recreated, e.tenantStatus(recreated))
						}
						return nil
					},
				),
			},
		},
	})
}

// Qlik's license errors reach the user with their codes, against license_key_wo, and create nothing.
func TestAccTenant_licenseErrors(t *testing.T) {
	e, _ := newTestEnv(t)
	p := e.tenantProvider()
	noKey := p + `
resource "qlik_tenant" "test" {
  datacenter = "eu-west-1"
}
`
	e.testCase(t, resource.TestCase{
		TerraformVersionChecks: tenantSkipBelow(),
		Steps: []resource.TestStep{
			{Config: noKey, ExpectError: regexp.MustCompile(`(?s)Unable to create tenant.*Code: TENANTS-21.*Request ID: \w+`)},
			{Config: testAccTenantConfig(p, e.sim.InvalidLicenseKey()), ExpectError: regexp.MustCompile(`(?s)Unable to create tenant.*HTTP 403.*Code: TENANTS-23`)},
			{Config: testAccTenantConfig(p, e.sim.NewLicenseKey(0)), ExpectError: regexp.MustCompile(`(?s)Unable to create tenant.*HTTP 403.*Code: TENANTS-22.*no tenant left`)},
		},
	})
	if n := e.customerTenants(); n != 0 {
		t.Errorf("%d tenants created by failing applies", n)
	}
}

// Bad values fail at plan, before any call to Qlik.
func TestAccTenant_validation(t *testing.T) {
	e, _ := newTestEnv(t)
	key := e.sim.LicenseKey()
	p := e.tenantProvider()
	apiKeyWithRegistration := requiredProviders + fmt.Sprintf(`
provider "qlik" {
  tenant_url       = %[1]q
  api_key          = %[2]q
  registration_url = %[3]q
}
`, e.sim.Home().URL, e.sim.Credentials().APIKey, e.sim.RegistrationURL())
	e.testCase(t, resource.TestCase{
		TerraformVersionChecks: tenantSkipBelow(),
		Steps: []resource.TestStep{
			{Config: testAccTenantConfig(p, key, `datacenter = "mars-north-1"`), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)datacenter.*value must be one of`)},
			{Config: testAccTenantConfig(p, key, `purge_after_days = 5`), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)purge_after_days.*between 10 and 90`)},
			{Config: testAccTenantConfig(p, key, `alias_hostname = "AB.example.com"`), PlanOnly: true, ExpectError: regexp.MustCompile(`alias_hostname`)},
			{Config: testAccTenantConfig(e.oauthProvider(), key), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)needs the register host.*registration_url`)},
			{Config: testAccTenantConfig(apiKeyWithRegistration, key), PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)needs the register host.*API key reaches only its home tenant`)},
		},
	})
	if n := e.writesTo(strings.TrimPrefix(e.sim.RegistrationURL(), "http://")); n != 0 || e.customerTenants() != 0 {
		t.Errorf("plan-time failures wrote %d times to the register host", n)
	}
}

// The create timeout bounds the create; a create cut off by it may have reached Qlik, and the error says how to
// recover without a second tenant.
func TestAccTenant_createTimeout(t *testing.T) {
	e, _ := newTestEnvWith(t, qliksim.Options{Latency: 1500 * time.Millisecond})
	e.testCase(t, resource.TestCase{
		TerraformVersionChecks: tenantSkipBelow(),
		Steps: []resource.TestStep{
			{
				Config: testAccTenantConfig(e.tenantProvider(), e.sim.LicenseKey(), `timeouts {
    create = "1s"
  }`),
				ExpectError: regexp.MustCompile(`(?s)Unable to create tenant.*deadline exceeded.*does not retry.*terraform import`),
			},
		},
	})
	if n := e.customerTenants(); n != 0 {
		t.Errorf("%d tenants exist after the timed-out create", n)
	}
}

// TestAccTenant_deactivatedWithObjectsInside: a tenant deactivated out of band refuses every request, token
// requests included. The objects inside it are kept as last known (with a warning) instead of failing the plan
// with a hint about OAuth scopes, so a plain terraform apply, without -target, reactivates the tenant.
func TestAccTenant_deactivatedWithObjectsInside(t *testing.T) {
	e, _ := newTestEnv(t)
	key := e.sim.LicenseKey()
	cfg := testAccTenantConfig(e.tenantProvider(), key, `deletion_protection = false`) + `
resource "qlik_space" "inside" {
  tenant_hostname = qlik_tenant.test.hostname
  name            = "Inside"
  type            = "shared"
}
`
	var id string
	e.testCase(t, resource.TestCase{
		TerraformVersionChecks: tenantSkipBelow(),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureID("qlik_tenant.test", &id)},
			driftStep(t, cfg,
				func() error { return e.sim.DeactivateTenant(id, 30) },
				planThenEmpty("qlik_tenant.test", plancheck.ResourceActionUpdate,
					plancheck.ExpectResourceAction("qlik_space.inside", plancheck.ResourceActionNoop),
				),
				e.tenantActive(&id)),
		},
	})
}
