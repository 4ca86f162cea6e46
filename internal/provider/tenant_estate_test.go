package provider_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// TestAccTenant_forEachEstate applies for_each over three customers with one provider block: three tenants and
// three spaces in each, created concurrently (Terraform's default parallelism). The license key never reaches
// the state, and the provider mints one token per tenant host, not one per resource.
func TestAccTenant_forEachEstate(t *testing.T) {
	e, _ := newTestEnvWith(t, qliksim.Options{Regions: []string{"eu", "us", "jp"}})
	dir := e.exampleDir(t, filepath.Join("testdata", "TestAccTenant_forEachEstate"))
	tf := newTFCLI(t, dir)
	key := e.sim.LicenseKey()
	vars := []string{"-var", "license_key=" + key}

	e.sim.ResetAudit()
	tf.apply(vars...)

	var hostnames map[string]string
	decodeOutput(t, tf.outputs(), "hostnames", &hostnames)
	if len(hostnames) != 3 || e.customerTenants() != 3 {
		t.Fatalf("hostnames = %v; the simulator holds %d customer tenants, want 3", hostnames, e.customerTenants())
	}
	for customer, host := range hostnames {
		tn := e.sim.Tenant(host)
		if tn == nil || tn.Name != customer || tn.Status != "active" {
			t.Errorf("%s: tenant on %s is %+v", customer, host, tn)
			continue
		}
		if n := len(e.sim.Spaces(host)); n != 3 {
			t.Errorf("%s: %d spaces, want 3", customer, n)
		}
		if n := e.sim.AuditCount("POST", "/oauth/token", host); n != 1 {
			t.Errorf("%s: %d tokens minted on %s for 3 spaces, want 1", customer, n, host)
		}
	}
	if n := len(e.sim.Spaces(e.sim.Home().Hostname)); n != 0 {
		t.Errorf("the home tenant holds %d spaces, want none", n)
	}
	for _, r := range e.sim.Regions() {
		regHost := strings.TrimPrefix(r.RegistrationURL, "http://")
		if n := e.sim.AuditCount("POST", "/oauth/token", regHost); n != 1 {
			t.Errorf("%d tokens minted on the register host of %s for its tenant, want 1", n, r.Code)
		}
	}
	checkRegionAudit(t, e.sim)

	state, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(state), key) {
		t.Error("the license key is in the state file")
	}
	if !strings.Contains(string(state), `"license_key_wo": null`) {
		t.Error("the state does not record license_key_wo as null")
	}

	tf.requireEmptyPlan(vars...)
	tf.destroy(vars...)
	for _, tn := range e.sim.Tenants()[1:] {
		if tn.Status != "disabled" || len(e.sim.Spaces(tn.Hostname)) != 0 {
			t.Errorf("after destroy %s is %q with %d spaces", tn.Hostname, tn.Status, len(e.sim.Spaces(tn.Hostname)))
		}
	}
}
