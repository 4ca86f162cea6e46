package provider_test

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/compare"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// providerNamespace is the namespace of the provider's registry address; configurations name it in required_providers, as the
// examples and users' configurations do.
const providerNamespace = "qlik-terraform"

const requiredProviders = `
terraform {
  required_providers {
    qlik = {
      source = "qlik-terraform/qlik"
    }
  }
}
`

func TestMain(m *testing.M) {
	// terraform-plugin-testing serves the provider under this namespace; without it, a configuration that
	// names qlik-terraform/qlik would make Terraform look for the provider in the registry.
	if os.Getenv("TF_ACC_PROVIDER_NAMESPACE") == "" {
		_ = os.Setenv("TF_ACC_PROVIDER_NAMESPACE", providerNamespace)
	}
	code := m.Run()
	removeBuiltProvider()
	os.Exit(code)
}

// testEnv is one simulator and the provider configuration that points at it. Each test gets its own, so
// tests run in parallel without sharing state.
type testEnv struct {
	t   *testing.T
	sim *qliksim.Server
}

func newTestEnv(t *testing.T, opts qliksim.Options) *testEnv {
	t.Helper()
	testAccPreCheck(t)
	return &testEnv{t: t, sim: qliksim.StartT(t, opts)}
}

// testAccPreCheck fails, rather than skips, when the acceptance test cannot run as asked.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests need TF_ACC=1 (make test sets it)")
	}
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("TF_ACC is set but terraform is not on PATH and TF_ACC_TERRAFORM_PATH is empty; no download is attempted")
		}
	}
	if _, err := os.Stat(tf); err != nil {
		t.Fatalf("terraform binary %q: %v", tf, err)
	}
}

// factories serve the provider in-process with short backoff, so fault tests do not wait for seconds.
func (e *testEnv) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"qlik": providerserver.NewProtocol6WithError(provider.New("test", provider.WithClientConfig(func(c *qlik.Config) {
			c.RetryWaitMin = 10 * time.Millisecond
			c.RetryWaitMax = 200 * time.Millisecond
			c.PollWaitMin = 20 * time.Millisecond
			c.PollWaitMax = 200 * time.Millisecond
		}))()),
	}
}

// oauthProvider is a provider block with the simulator's OAuth client, which reaches every tenant of its region,
// and the simulator's addresses as trusted hosts.
func (e *testEnv) oauthProvider() string {
	c := e.sim.Credentials()
	return requiredProviders + fmt.Sprintf(`
provider "qlik" {
  tenant_url    = %[1]q
  client_id     = %[2]q
  client_secret = %[3]q
%[4]s}
`, e.sim.Home().URL, c.ClientID, c.ClientSecret, e.trustedHostsHCL())
}

// trustedHostsHCL is the trusted_hosts line of the simulator: each region's loopback address with its region.
func (e *testEnv) trustedHostsHCL() string {
	hosts := e.sim.TrustedHosts()
	keys := make([]string, 0, len(hosts))
	for h := range hosts {
		keys = append(keys, h)
	}
	slices.Sort(keys)
	pairs := make([]string, 0, len(keys))
	for _, h := range keys {
		pairs = append(pairs, fmt.Sprintf("%q = %q", h, hosts[h]))
	}
	return "  trusted_hosts = { " + strings.Join(pairs, ", ") + " }\n"
}

// apiKeyProvider is a provider block with the home tenant's API key.
func (e *testEnv) apiKeyProvider() string {
	return requiredProviders + fmt.Sprintf(`
provider "qlik" {
  tenant_url = %[1]q
  api_key    = %[2]q
}
`, e.sim.Home().URL, e.sim.Credentials().APIKey)
}

// spaceByID finds a space in the simulator's store of the given tenant.
func (e *testEnv) spaceByID(hostname, id string) (qliksim.Space, bool) {
	for _, s := range e.sim.Spaces(hostname) {
		if s.ID == id {
			return s, true
		}
	}
	return qliksim.Space{}, false
}

// writesTo counts non-GET requests to a tenant host, excluding token requests.
func (e *testEnv) writesTo(hostname string) int {
	n := 0
	for _, a := range e.sim.Audit() {
		if a.Host == hostname && a.Method != "GET" && a.Route != "/oauth/token" {
			n++
		}
	}
	return n
}

// compareEqual is the value comparer of statecheck.CompareValuePairs for equal values.
var compareEqual = compare.ValuesSame()
