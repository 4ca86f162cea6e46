package provider_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

const oidcSecret = "oidc-secret-Zq81vX3"

func testAccOIDCConfig(provider, extra string) string {
	return provider + `
variable "oidc_secret" {
  type      = string
  sensitive = true
  ephemeral = true
  default   = "` + oidcSecret + `"
}

resource "qlik_identity_provider_oidc" "test" {
  provider_type            = "okta"
  description              = "Customer login"
  discovery_url            = "https://customer.okta.com/.well-known/openid-configuration"
  client_id                = "0oa1qlik"
  client_secret_wo         = var.oidc_secret
  client_secret_wo_version = 1
  claims_mapping = {
    sub    = ["/sub"]
    name   = ["/name"]
    groups = ["/groups"]
  }
` + extra + `
}
`
}

// anyIdPByID finds an identity provider of any protocol in the simulator's store of a tenant.
func (e *testEnv) anyIdPByID(hostname, id string) (qliksim.IdentityProvider, bool) {
	return byID(e.sim.IdentityProviders(hostname), id, func(p qliksim.IdentityProvider) string { return p.ID })
}

func TestAccIdentityProviderOIDC_basic(t *testing.T) {
	e, home := newTestEnv(t)
	var id string
	e.testCase(t, resource.TestCase{
		CheckDestroy: func(*terraform.State) error {
			// Qlik cannot delete the interactive identity provider: destroy leaves it deactivated.
			p, ok := e.anyIdPByID(home.Hostname, id)
			if !ok || p.Active {
				return fmt.Errorf("after destroy: found %v, active %v; want it kept and deactivated", ok, p.Active)
			}
			if n := e.sim.AuditCount(http.MethodDelete, "/api/v1/identity-providers/{id}", home.Hostname); n != 1 {
				return fmt.Errorf("%d DELETE calls, want 1 (refused)", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			createStep(testAccOIDCConfig(e.oauthProvider(), ""), "qlik_identity_provider_oidc.test", &id,
				[]statecheck.StateCheck{
					hasBool("qlik_identity_provider_oidc.test", "active", true),
					hasBool("qlik_identity_provider_oidc.test", "interactive", true),
					isNull("qlik_identity_provider_oidc.test", "client_secret_wo"),
					hasInt("qlik_identity_provider_oidc.test", "clock_tolerance_sec", 5),
				},
				func(*terraform.State) error {
					if s, err := e.sim.OIDCClientSecret(home.Hostname, id); err != nil || s != oidcSecret {
						return fmt.Errorf("the secret Qlik holds is %q: %w", s, err)
					}
					for _, p := range e.sim.IdentityProviders(home.Hostname) {
						if p.Provider == "qlik" && p.Active {
							return fmt.Errorf("the Qlik Account login is still active next to the new interactive identity provider")
						}
					}
					return nil
				}),
			importStep("qlik_identity_provider_oidc.test", "client_secret_wo_version"),
		},
	})
}

func TestAccIdentityProviderOIDC_updateDriftDisappears(t *testing.T) {
	e, home := newTestEnv(t)
	var id, after string
	changed := strings.Replace(testAccOIDCConfig(e.oauthProvider(), `  scope = "openid profile email groups"
  clock_tolerance_sec = 30
  post_logout_redirect_uri = "https://portal.example.com/bye"`), `description              = "Customer login"`, `description              = "Customer login (EU)"`, 1)
	rotated := strings.Replace(changed, "client_secret_wo_version = 1", "client_secret_wo_version = 2", 1)
	rotated = strings.Replace(rotated, `default   = "`+oidcSecret+`"`, `default   = "rotated-secret-81xQ"`, 1)
	e.test(t, []resource.TestStep{
		{Config: testAccOIDCConfig(e.oauthProvider(), ""), Check: captureID("qlik_identity_provider_oidc.test", &id)},
		{
			Config:           changed,
			ConfigPlanChecks: planThenEmpty("qlik_identity_provider_oidc.test", plancheck.ResourceActionUpdate),
			Check: resource.ComposeAggregateTestCheckFunc(captureID("qlik_identity_provider_oidc.test", &after), func(*terraform.State) error {
				p, _ := e.anyIdPByID(home.Hostname, after)
				s, _ := e.sim.OIDCClientSecret(home.Hostname, after)
				switch {
				case after != id:
					return fmt.Errorf("update replaced the identity provider")
				case p.Description != "Customer login (EU)" || p.Options.Scope != "openid profile email groups" || p.ClockToleranceSec != 30 || p.PostLogoutRedirectURI == "":
					return fmt.Errorf("simulator holds %+v", p)
				case s != oidcSecret:
					return fmt.Errorf("an update without a new secret version changed the secret to %q", s)
				}
				return nil
			}),
		},
		{
			Config: rotated,
			Check: func(*terraform.State) error {
				if s, _ := e.sim.OIDCClientSecret(home.Hostname, id); s != "rotated-secret-81xQ" {
					return fmt.Errorf("secret after a version change: %q", s)
				}
				return nil
			},
		},
		{
			// Deactivated and edited in the console: the apply reactivates it and restores the mapping.
			PreConfig: func() {
				if err := e.sim.EditOIDCIdentityProvider(home.Hostname, id, func(p *qliksim.IdentityProvider) {
					p.Active = false
					p.Options.ClaimsMapping = map[string]any{"sub": []string{"/email"}}
				}); err != nil {
					t.Fatal(err)
				}
			},
			Config:           rotated,
			ConfigPlanChecks: planThenEmpty("qlik_identity_provider_oidc.test", plancheck.ResourceActionUpdate),
			Check: func(*terraform.State) error {
				if p, _ := e.anyIdPByID(home.Hostname, id); !p.Active || len(p.Options.ClaimsMapping) != 3 {
					return fmt.Errorf("drift not repaired: %+v", p)
				}
				return nil
			},
		},
		{
			// A provider change replaces it: the old one is deactivated (Qlik keeps it), the new one active.
			Config:           strings.Replace(rotated, `provider_type            = "okta"`, `provider_type            = "generic"`, 1),
			ConfigPlanChecks: planThenEmpty("qlik_identity_provider_oidc.test", plancheck.ResourceActionDestroyBeforeCreate),
			Check: resource.ComposeAggregateTestCheckFunc(captureID("qlik_identity_provider_oidc.test", &after), func(*terraform.State) error {
				old, _ := e.anyIdPByID(home.Hostname, id)
				cur, _ := e.anyIdPByID(home.Hostname, after)
				if after == id || old.Active || !cur.Active || cur.Provider != "generic" {
					return fmt.Errorf("replace: old %+v, new %+v", old, cur)
				}
				return nil
			}),
		},
		{
			PreConfig: func() {
				if err := e.sim.DeleteIdentityProvider(home.Hostname, after); err != nil {
					t.Fatal(err)
				}
			},
			Config:             strings.Replace(rotated, `provider_type            = "okta"`, `provider_type            = "generic"`, 1),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
	})
}

func TestAccIdentityProviderOIDC_validation(t *testing.T) {
	e, home := newTestEnv(t)
	cases := []planError{
		{"unknown claim", strings.Replace(testAccOIDCConfig(e.oauthProvider(), ""), "groups = [", "roles = [", 1), regexp.MustCompile(`(?s)claims_mapping.*value must be one of`)},
		{"http discovery", strings.Replace(testAccOIDCConfig(e.oauthProvider(), ""), "https://customer.okta.com", "http://customer.okta.com", 1), regexp.MustCompile(`(?s)discovery_url.*must be an https URL`)},
		{"bad realm", testAccOIDCConfig(e.oauthProvider(), `  realm = "-customer"`), regexp.MustCompile(`(?s)realm.*must start with a letter or digit`)},
		{"unknown provider", strings.Replace(testAccOIDCConfig(e.oauthProvider(), ""), `"okta"`, `"ping"`, 1), regexp.MustCompile(`(?s)provider_type.*value must be one of`)},
		{"no client id", strings.Replace(testAccOIDCConfig(e.oauthProvider(), ""), `client_id                = "0oa1qlik"`, "", 1), regexp.MustCompile(`(?s)Missing client id`)},
		{"clock tolerance", testAccOIDCConfig(e.oauthProvider(), `  clock_tolerance_sec = 7201`), regexp.MustCompile(`(?s)clock_tolerance_sec value must be between 0 and 7200`)},
		{"secret without version", strings.Replace(testAccOIDCConfig(e.oauthProvider(), ""), "client_secret_wo_version = 1", "", 1), regexp.MustCompile(`(?s)client_secret_wo.*client_secret_wo_version`)},
	}
	e.expectPlanErrorsWithoutWrites(t, home.Hostname, cases)
}

// TestAccIdentityProviderOIDC_oneInteractive: a second interactive identity provider is refused by Qlik with its
// code, and the error names the rule and the way out.
func TestAccIdentityProviderOIDC_oneInteractive(t *testing.T) {
	e, _ := newTestEnv(t)
	config := testAccOIDCConfig(e.oauthProvider(), "")
	second := strings.Replace(strings.Replace(config, `"test"`, `"second"`, 1), "variable \"oidc_secret\"", "variable \"unused\"", 1)
	e.test(t, []resource.TestStep{
		{Config: config},
		{
			Config:      config + second[strings.Index(second, `resource "qlik_identity_provider_oidc"`):],
			ExpectError: regexp.MustCompile(`(?s)Unable to create OIDC identity provider.*HTTP\s+400.*Code: IDENTITY-PROVIDERS-400.*one interactive identity provider.*import it`),
		},
	})
	if n := len(e.sim.IdentityProviders(e.sim.Home().Hostname)); n != 2 {
		t.Errorf("%d identity providers, want 2 (Qlik Account and one OIDC)", n)
	}
}
