package provider_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// estateRegions are the regions of the multi-region estate: a customer in each, the home tenant in the first.
var estateRegions = []string{"eu", "us", "de"}

// regionsEstateConfig is a customer tenant per region, each with a space inside, from one provider block.
func regionsEstateConfig(providerBlock, licenseKey string) string {
	var b strings.Builder
	b.WriteString(providerBlock)
	for _, c := range []struct{ key, dc string }{{"acme", "eu-west-1"}, {"globex", "us-east-1"}, {"initech", "eu-central-1"}} {
		fmt.Fprintf(&b, `
resource "qlik_tenant" %[1]q {
  license_key_wo         = %[2]q
  license_key_wo_version = 1
  datacenter             = %[3]q
  name                   = %[1]q
  deletion_protection    = false
}

resource "qlik_space" %[1]q {
  tenant_hostname = qlik_tenant.%[1]s.hostname
  name            = "%[1]s analytics"
  type            = "managed"
}
`, c.key, licenseKey, c.dc)
	}
	return b.String()
}

// checkRegionAudit fails when any request reached a host with a client (or a token of a client) of another
// region, or a token request was refused.
func checkRegionAudit(t *testing.T, sim *qliksim.Server) {
	t.Helper()
	clients := 0
	for _, a := range sim.Audit() {
		if a.ClientID == "" {
			continue
		}
		clients++
		if a.ClientRegion != a.Region {
			t.Errorf("%s %s on %s (region %s) with the client of region %s", a.Method, a.Path, a.Host, a.Region, a.ClientRegion)
		}
		if a.Route == "/oauth/token" && a.Status != http.StatusOK {
			t.Errorf("token request refused: %+v", a)
		}
	}
	if clients == 0 {
		t.Error("the audit shows no OAuth request; the check proves nothing")
	}
}

// An estate across three regions from one provider block: each tenant is created on its region's register host,
// every object inside it is reached with its region's client; it re-plans empty, imports and destroys.
func TestAccRegions_estateAcrossThreeRegions(t *testing.T) {
	e, _ := newTestEnvWith(t, qliksim.Options{Regions: estateRegions})
	cfg := regionsEstateConfig(e.regionsProvider(), e.sim.LicenseKey())
	regionOf := map[string]string{"acme": "eu", "globex": "us", "initech": "de"}
	// The tenant data source finds a tenant by id on the register host of whichever region holds it.
	cfg += `
data "qlik_tenant" "initech" {
  id = qlik_tenant.initech.id
}
`
	stateChecks := []statecheck.StateCheck{
		hasString("data.qlik_tenant.initech", "region", "de"),
		hasString("data.qlik_tenant.initech", "datacenter", "eu-central-1"),
	}
	for key, region := range regionOf {
		stateChecks = append(stateChecks,
			hasString("qlik_tenant."+key, "region", region))
	}
	e.testCase(t, resource.TestCase{
		TerraformVersionChecks: tenantSkipBelow(),
		CheckDestroy: func(*terraform.State) error {
			for _, tn := range e.sim.Tenants()[1:] {
				if tn.Status != "disabled" {
					return fmt.Errorf("tenant %s (%s) is %q after destroy", tn.Hostname, tn.Region, tn.Status)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigPlanChecks:  emptyPlanAfterApply(),
				ConfigStateChecks: stateChecks,
				Check: func(*terraform.State) error {
					if n := len(e.sim.Tenants()); n != 4 {
						return fmt.Errorf("%d tenants, want the home tenant and 3 customers", n)
					}
					for _, tn := range e.sim.Tenants()[1:] {
						if want := regionOf[tn.Name]; tn.Region != want {
							return fmt.Errorf("tenant %s is in region %q, want %q", tn.Name, tn.Region, want)
						}
						if sp := e.sim.Spaces(tn.Hostname); len(sp) != 1 || sp[0].Name != tn.Name+" analytics" {
							return fmt.Errorf("tenant %s holds spaces %+v", tn.Name, sp)
						}
					}
					for _, r := range e.sim.Regions() {
						// Each region's register host created exactly its own customer.
						if n := e.sim.AuditCount("POST", "/api/v1/tenants", strings.TrimPrefix(r.RegistrationURL, "http://")); n != 1 {
							return fmt.Errorf("register host of %s created %d tenants, want 1", r.Code, n)
						}
					}
					return nil
				},
			},
			{
				// A tenant id alone imports from whichever region's register host knows it.
				ResourceName:            "qlik_tenant.initech",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"license_key_wo_version", "deletion_protection", "purge_after_days", "timeouts"},
			},
			{
				ResourceName:      "qlik_space.globex",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					rs := s.RootModule().Resources["qlik_space.globex"]
					return rs.Primary.Attributes["tenant_hostname"] + "/" + rs.Primary.ID, nil
				},
			},
		},
	})
	checkRegionAudit(t, e.sim)
}

// The same estate without the de region's client fails at plan, naming the region and the setting to add, and
// writes nothing anywhere. A datacenter Qlik does not know fails at plan with the valid list.
func TestAccRegions_missingRegionFailsAtPlan(t *testing.T) {
	e, _ := newTestEnvWith(t, qliksim.Options{Regions: estateRegions})
	e.testCase(t, resource.TestCase{
		TerraformVersionChecks: tenantSkipBelow(),
		Steps: []resource.TestStep{
			{
				Config:      regionsEstateConfig(e.regionsProvider("de"), e.sim.LicenseKey()),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)No OAuth client for region de.*datacenter.*eu-central-1.*regions = \{ de = \{.*QLIK_DE_CLIENT_ID`),
			},
			{
				Config: e.regionsProvider() + `
resource "qlik_tenant" "x" {
  datacenter = "mars-north-1"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)datacenter.*value must be one of.*eu-central-1.*us-east-1`),
			},
			{
				// A tenant hostname of a region without a client fails too, before any request.
				Config: e.regionsProvider("de") + `
data "qlik_spaces" "x" {
  tenant_hostname = "acme.de.qlikcloud.com"
}
`,
				ExpectError: regexp.MustCompile(`(?s)No OAuth client for region de.*tenant_hostname.*QLIK_DE_CLIENT_SECRET`),
			},
		},
	})
	for _, a := range e.sim.Audit() {
		if a.Method != http.MethodGet && a.Route != "/oauth/token" {
			t.Errorf("a failed plan wrote: %s %s on %s", a.Method, a.Path, a.Host)
		}
	}
	if n := len(e.sim.Tenants()); n != 1 {
		t.Errorf("%d tenants exist, want only the home tenant", n)
	}
}

// Regions from the environment, as a Terraform Cloud workspace sets them: QLIK_REGION, QLIK_TRUSTED_HOSTS and
// QLIK_<REGION>_* next to the single-region variables, with an empty provider block.
func TestAccRegions_environment(t *testing.T) {
	e, _ := newTestEnvWith(t, qliksim.Options{Regions: estateRegions})
	env := map[string]string{}
	for _, kv := range e.sim.Environment() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	delete(env, "QLIK_API_KEY")
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"qlik": providerserver.NewProtocol6WithError(provider.New("test", provider.WithEnv(func(k string) string { return env[k] }))()),
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories,
		TerraformVersionChecks:   tenantSkipBelow(),
		Steps: []resource.TestStep{{
			Config: regionsEstateConfig(requiredProviders+"provider \"qlik\" {}\n", e.sim.LicenseKey()),
			ConfigStateChecks: []statecheck.StateCheck{
				hasString("qlik_tenant.globex", "region", "us"),
				hasString("qlik_tenant.initech", "region", "de"),
			},
		}},
	})
	checkRegionAudit(t, e.sim)
}

// Region settings that cannot work fail at plan with an error naming the setting, before any request.
func TestAccRegions_invalidConfiguration(t *testing.T) {
	e, _ := newTestEnvWith(t, qliksim.Options{Regions: estateRegions})
	c := e.sim.Credentials()
	us, _ := e.sim.Region("us")
	home := fmt.Sprintf("tenant_url = %q\nclient_id = %q\nclient_secret = %q\n", e.sim.Home().URL, c.ClientID, c.ClientSecret)
	usClient := fmt.Sprintf("{ client_id = %q, client_secret = %q }", us.ClientID, us.ClientSecret)
	cases := []struct{ block, want string }{
		{home + `region = "eu"` + "\nregions = { mars = " + usClient + " }", `(?s)regions\["mars"\] value must be one of: \["ap" "de" "eu" "jp" "sg"\s+"uk" "us"\]`},
		{home + `region = "eu"` + "\nregions = { us = { client_id = \"x\" } }", `(?s)Missing client_secret of region us.*QLIK_US_CLIENT_SECRET`},
		{home + "regions = { us = " + usClient + " }", `(?s)Missing region of the home tenant.*QLIK_REGION`},
		{home + `region = "eu"` + "\nregions = { eu = " + usClient + " }", `(?s)Two OAuth clients for the home region`},
		{home + `region = "atlantis"`, `(?s)Attribute region value must be one of`},
		{
			fmt.Sprintf("tenant_url = \"https://acme.eu.qlikcloud.com\"\nclient_id = %q\nclient_secret = %q\nregion = \"us\"", c.ClientID, c.ClientSecret),
			`(?s)region contradicts tenant_url.*acme.eu.qlikcloud.com is in region "eu"`,
		},
		{home + `trusted_hosts = { "https://a.example.com" = "eu" }`, `(?s)Invalid trusted host.*bare host`},
		{home + `trusted_hosts = { "a.example.com" = "xx" }`, `(?s)trusted_hosts\["a.example.com"\] value must be one of`},
		{fmt.Sprintf("tenant_url = %q\napi_key = %q\nregions = { us = %s }", e.sim.Home().URL, c.APIKey, usClient), `(?s)Regions need an OAuth client`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config:      requiredProviders + "provider \"qlik\" {\n" + tc.block + "\n}\n" + `data "qlik_spaces" "probe" {}`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(tc.want),
		})
	}
	e.test(t, steps)

	// The same checks hold for settings from the environment.
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"QLIK_TRUSTED_HOSTS": "127.0.0.1"}, `(?s)Invalid QLIK_TRUSTED_HOSTS.*host=region`},
		{map[string]string{"QLIK_TRUSTED_HOSTS": "127.0.0.1=moon"}, `(?s)Invalid QLIK_TRUSTED_HOSTS.*moon`},
		{map[string]string{"QLIK_REGION": "moon"}, `(?s)Invalid region.*QLIK_REGION`},
		{map[string]string{"QLIK_REGION": "eu", "QLIK_US_CLIENT_ID": us.ClientID}, `(?s)Missing client_secret of region us.*QLIK_US_CLIENT_ID`},
	} {
		env := map[string]string{"QLIK_TENANT_URL": e.sim.Home().URL, "QLIK_CLIENT_ID": c.ClientID, "QLIK_CLIENT_SECRET": c.ClientSecret}
		for k, v := range tc.env {
			env[k] = v
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: envFactories(env),
			Steps: []resource.TestStep{{
				Config: requiredProviders + `provider "qlik" {}` + "\n" + `data "qlik_spaces" "probe" {}`, PlanOnly: true,
				ExpectError: regexp.MustCompile(tc.want),
			}},
		})
	}
	if n := len(e.sim.Audit()); n != 0 {
		t.Errorf("invalid region settings made %d API calls; they must fail first", n)
	}
}

// A single-region configuration written before regions existed (tenant_url, client_id, client_secret and
// registration_url, nothing else; the simulator's hosts trusted through QLIK_TRUSTED_HOSTS as qliksim prints it)
// applies a tenant with objects inside and plans empty: the upgrade changes nothing for it.
func TestAccRegions_singleRegionConfigurationUnchanged(t *testing.T) {
	e, _ := newTestEnv(t)
	c := e.sim.Credentials()
	env := map[string]string{"QLIK_TRUSTED_HOSTS": "127.0.0.1=eu"}
	cfg := requiredProviders + fmt.Sprintf(`
provider "qlik" {
  tenant_url       = %q
  client_id        = %q
  client_secret    = %q
  registration_url = %q
}

resource "qlik_tenant" "acme" {
  license_key_wo         = %q
  license_key_wo_version = 1
  datacenter             = "eu-west-1"
  deletion_protection    = false
}

resource "qlik_space" "acme" {
  tenant_hostname = qlik_tenant.acme.hostname
  name            = "Acme analytics"
  type            = "managed"
}

data "qlik_spaces" "home" {}
`, e.sim.Home().URL, c.ClientID, c.ClientSecret, e.sim.RegistrationURL(), e.sim.LicenseKey())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: envFactories(env),
		TerraformVersionChecks:   tenantSkipBelow(),
		Steps: []resource.TestStep{
			{
				Config:           cfg,
				ConfigPlanChecks: emptyPlanAfterApply(),
			},
			{Config: cfg, PlanOnly: true},
		},
	})
	checkRegionAudit(t, e.sim)
}

// The OEM example without the de region's client: the plan fails naming the region and the variables to set, and
// nothing is written in any region, although the customers in eu and us could have been created.
func TestAccRegions_oemExampleWithoutOneRegion(t *testing.T) {
	e, _ := newTestEnvWith(t, qliksim.Options{Regions: estateRegions})
	e.seedTemplate(t, "")
	dir := e.exampleDir(t, filepath.Join("..", "..", "examples", "oem-multitenant"))
	if err := os.WriteFile(filepath.Join(dir, "qlik_override.tf"), []byte(e.regionsProviderBlock("de")), 0o600); err != nil {
		t.Fatal(err)
	}
	tf := newTFCLI(t, dir)
	vars := exampleVars["oem-multitenant"](e)
	e.sim.ResetAudit()
	out, code := tf.run(append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, vars...)...)
	if code == 0 {
		t.Fatalf("apply without the de client succeeded:\n%s", out)
	}
	for _, want := range []string{"No OAuth client for region de", `module.customer["initech"].qlik_tenant.this`, "QLIK_DE_CLIENT_ID"} {
		if !strings.Contains(out, want) {
			t.Errorf("the error lacks %q:\n%s", want, out)
		}
	}
	for _, a := range e.sim.Audit() {
		if a.Method != http.MethodGet && a.Route != "/oauth/token" {
			t.Errorf("a failed plan wrote: %s %s on %s", a.Method, a.Path, a.Host)
		}
	}
	if n := len(e.sim.Tenants()); n != 1 {
		t.Errorf("%d tenants exist, want only the home tenant", n)
	}
}
