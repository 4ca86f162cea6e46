package provider_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// The test environment: one simulator per test, the provider blocks that point at it, the factories that serve the
// provider in-process, fixtures (tenants, apps, spaces, users) and lookups in the simulator's store. Every
// acceptance test starts with newTestEnv or newTestEnvWith; what a test needs from the simulator beyond its own
// resource belongs here.

// testEnv is one simulator and the provider configuration that points at it. Each test gets its own, so
// tests run in parallel without sharing state.
type testEnv struct {
	t   *testing.T
	sim *qliksim.Server
}

// newTestEnv starts a test that runs in parallel with the others, on a simulator of its own with the default
// options, and returns its environment and the simulator's home tenant.
func newTestEnv(t *testing.T) (*testEnv, *qliksim.Tenant) {
	t.Helper()
	return newTestEnvWith(t, qliksim.Options{})
}

// newTestEnvWith is newTestEnv on a simulator started with opts.
func newTestEnvWith(t *testing.T, opts qliksim.Options) (*testEnv, *qliksim.Tenant) {
	t.Helper()
	t.Parallel()
	testAccPreCheck(t)
	e := &testEnv{t: t, sim: qliksim.StartT(t, opts)}
	return e, e.sim.Home()
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

// test runs steps with the provider served by e's factories.
func (e *testEnv) test(t *testing.T, steps []resource.TestStep) {
	t.Helper()
	e.testCase(t, resource.TestCase{Steps: steps})
}

// testCase runs tc with the provider served by e's factories.
func (e *testEnv) testCase(t *testing.T, tc resource.TestCase) {
	t.Helper()
	tc.ProtoV6ProviderFactories = e.factories()
	resource.Test(t, tc)
}

// oauthProvider is a provider block with the simulator's OAuth client, which reaches every tenant of its region,
// and the simulator's addresses as trusted hosts.
func (e *testEnv) oauthProvider() string { return e.oauthProviderWith() }

// oauthProviderWith is oauthProvider with further settings, one "name = value" each.
func (e *testEnv) oauthProviderWith(settings ...string) string {
	c := e.sim.Credentials()
	var b strings.Builder
	b.WriteString(requiredProviders)
	fmt.Fprintf(&b, "\nprovider \"qlik\" {\n  tenant_url    = %q\n  client_id     = %q\n  client_secret = %q\n", e.sim.Home().URL, c.ClientID, c.ClientSecret)
	for _, s := range settings {
		b.WriteString("  " + s + "\n")
	}
	b.WriteString(e.trustedHostsHCL() + "}\n")
	return b.String()
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

// tenantProvider is the OAuth provider block plus the simulator's register host, which qlik_tenant needs.
func (e *testEnv) tenantProvider() string {
	return e.oauthProviderWith(fmt.Sprintf("registration_url = %q", e.sim.RegistrationURL()))
}

// regionsProvider is one provider block for every region of the simulator: the home region's client at the top,
// the others in regions, each region's loopback address in trusted_hosts. Regions named in omit are left out.
func (e *testEnv) regionsProvider(omit ...string) string {
	return requiredProviders + "\n" + e.regionsProviderBlock(omit...)
}

// regionsProviderBlock is regionsProvider without the terraform block.
func (e *testEnv) regionsProviderBlock(omit ...string) string {
	var b strings.Builder
	c := e.sim.Credentials()
	fmt.Fprintf(&b, "provider \"qlik\" {\n  tenant_url       = %q\n  region           = %q\n  client_id        = %q\n  client_secret    = %q\n  registration_url = %q\n",
		e.sim.Home().URL, e.sim.Home().Region, c.ClientID, c.ClientSecret, e.sim.RegistrationURL())
	b.WriteString(e.trustedHostsHCL())
	b.WriteString("  regions = {\n")
	for _, r := range e.sim.Regions()[1:] {
		if !slices.Contains(omit, r.Code) {
			fmt.Fprintf(&b, "    %s = {\n      client_id        = %q\n      client_secret    = %q\n      registration_url = %q\n    }\n",
				r.Code, r.ClientID, r.ClientSecret, r.RegistrationURL)
		}
	}
	b.WriteString("  }\n}\n")
	return b.String()
}

// trustedHostsHCL is the trusted_hosts line of the simulator: each region's loopback address with its region.
func (e *testEnv) trustedHostsHCL() string {
	hosts := e.sim.TrustedHosts()
	pairs := make([]string, 0, len(hosts))
	for _, h := range slices.Sorted(maps.Keys(hosts)) {
		pairs = append(pairs, fmt.Sprintf("%q = %q", h, hosts[h]))
	}
	return "  trusted_hosts = { " + strings.Join(pairs, ", ") + " }\n"
}

// exampleDir copies an example into a temporary directory and points it at the simulator: examples with a
// provider block get an override file (Terraform merges *_override.tf into the block), the others get a
// provider block of their own.
func (e *testEnv) exampleDir(t *testing.T, src string) string {
	t.Helper()
	work := t.TempDir()
	// Examples may read files beside them (a public key in PEM, a template) and call modules in
	// subdirectories; the import snippets of the docs are left out.
	var all strings.Builder
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(work, rel), 0o700)
		}
		if strings.HasPrefix(d.Name(), "import") || d.Name() == "terraform.tfstate" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if filepath.Dir(rel) == "." && isExampleFile(d.Name()) {
			all.Write(b)
		}
		return os.WriteFile(filepath.Join(work, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	block := e.regionsProviderBlock()
	if strings.Contains(all.String(), "var.qlik_client_secret") {
		// The example takes the home region's credentials from its variables (passed with -var, and ephemeral):
		// the override must not put them into the configuration.
		var kept []string
		for _, line := range strings.Split(block, "\n") {
			if !strings.HasPrefix(line, "  client_id ") && !strings.HasPrefix(line, "  client_secret ") {
				kept = append(kept, line)
			}
		}
		block = strings.Join(kept, "\n")
	}
	name, content := "qlik_override.tf", block
	if !strings.Contains(all.String(), `provider "qlik"`) {
		name = "provider.tf"
		if !strings.Contains(all.String(), "required_providers") {
			content = requiredProviders + block
		}
	}
	if err := os.WriteFile(filepath.Join(work, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return work
}

// createSpace makes a space through the client, as something that exists before the configuration.
func (e *testEnv) createSpace(t *testing.T, name, spaceType string) *qlik.Space {
	t.Helper()
	s, err := e.apiClient(t).CreateSpace(context.Background(), qlik.SpaceCreateRequest{Name: name, Type: spaceType})
	if err != nil {
		t.Fatalf("create space %q: %v", name, err)
	}
	return s
}

// createSpaceIn makes a space in the tenant at hostname through the OAuth client, as something that exists before
// the configuration.
func (e *testEnv) createSpaceIn(t *testing.T, hostname, name, spaceType string) *qlik.Space {
	t.Helper()
	s, err := e.tenantClient(t, hostname).CreateSpace(context.Background(), qlik.SpaceCreateRequest{Name: name, Type: spaceType})
	if err != nil {
		t.Fatalf("create space %q in %s: %v", name, hostname, err)
	}
	return s
}

// apiClient is a client of the home tenant with its API key, for what a test does beside the configuration.
func (e *testEnv) apiClient(t testing.TB) *qlik.Client {
	t.Helper()
	c, err := qlik.New(qlik.Config{TenantURL: e.sim.Home().URL, APIKey: e.sim.Credentials().APIKey})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tenantClient is a client with the simulator's OAuth client, bound to the tenant on hostname.
func (e *testEnv) tenantClient(t testing.TB, hostname string) *qlik.Client {
	t.Helper()
	creds := e.sim.Credentials()
	c, err := qlik.New(qlik.Config{TenantURL: e.sim.Home().URL, ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, TrustedHosts: e.sim.TrustedHosts()})
	if err != nil {
		t.Fatal(err)
	}
	tc, err := c.ForTenant(hostname)
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

// seedApp stores an app of size bytes in a tenant's space ("" for a personal space) and returns its id.
func (e *testEnv) seedApp(hostname, name, spaceID string, size int64) string {
	e.t.Helper()
	id, err := e.sim.SeedApp(hostname, name, spaceID, size)
	if err != nil {
		e.t.Fatalf("seed app %q: %v", name, err)
	}
	return id
}

// addTenant adds a customer tenant in the home region.
func (e *testEnv) addTenant(name string) *qliksim.Tenant {
	e.t.Helper()
	tn, err := e.sim.AddTenant(name)
	if err != nil {
		e.t.Fatalf("add tenant %q: %v", name, err)
	}
	return tn
}

// seedTemplate stores a template app named "Sales template" in the home tenant, in a new shared space named
// spaceName (or in a personal space when it is empty), as the vendor's source tenant would hold it.
func (e *testEnv) seedTemplate(t *testing.T, spaceName string) {
	t.Helper()
	spaceID := ""
	if spaceName != "" {
		spaceID = e.createSpace(t, spaceName, "shared").ID
	}
	e.seedApp(e.sim.Home().Hostname, "Sales template", spaceID, 2<<20)
}

// identityUser signs a user in through the simulated identity provider with the given groups, which creates the
// groups, and returns the user and the first group.
func (e *testEnv) identityUser(hostname, subject string, groups ...string) (qliksim.User, qliksim.Group) {
	e.t.Helper()
	u, err := e.sim.AddUser(hostname, subject, groups...)
	if err != nil {
		e.t.Fatalf("sign in %s: %v", subject, err)
	}
	var g qliksim.Group
	if len(groups) > 0 {
		var ok bool
		if g, ok = e.sim.GroupByName(hostname, groups[0]); !ok {
			e.t.Fatalf("group %q was not created at sign-in", groups[0])
		}
	}
	return u, g
}

// spaceByID, cspOriginByID, webIntegrationByID, idpByID and assignmentByID find an object in the simulator's
// store of a tenant, including one the API does not serve yet.
func (e *testEnv) spaceByID(hostname, id string) (qliksim.Space, bool) {
	return byID(e.sim.Spaces(hostname), id, func(s qliksim.Space) string { return s.ID })
}

func (e *testEnv) cspOriginByID(hostname, id string) (qliksim.CSPEntry, bool) {
	return byID(e.sim.CSPOrigins(hostname), id, func(c qliksim.CSPEntry) string { return c.ID })
}

func (e *testEnv) webIntegrationByID(hostname, id string) (qliksim.WebIntegration, bool) {
	return byID(e.sim.WebIntegrations(hostname), id, func(w qliksim.WebIntegration) string { return w.ID })
}

// jwtIdPs returns the jwtAuth identity providers of a tenant, leaving out the interactive one every tenant has.
func (e *testEnv) jwtIdPs(hostname string) []qliksim.IdentityProvider {
	var out []qliksim.IdentityProvider
	for _, p := range e.sim.IdentityProviders(hostname) {
		if p.Protocol == "jwtAuth" {
			out = append(out, p)
		}
	}
	return out
}

func (e *testEnv) idpByID(hostname, id string) (qliksim.IdentityProvider, bool) {
	return byID(e.jwtIdPs(hostname), id, func(p qliksim.IdentityProvider) string { return p.ID })
}

func (e *testEnv) assignmentByID(hostname, spaceID, id string) (qliksim.Assignment, bool) {
	return byID(e.sim.SpaceAssignments(hostname, spaceID), id, func(a qliksim.Assignment) string { return a.ID })
}

// byID finds the item whose id is id.
func byID[T any](items []T, id string, idOf func(T) string) (T, bool) {
	for _, it := range items {
		if idOf(it) == id {
			return it, true
		}
	}
	var zero T
	return zero, false
}

// appsIn returns the apps of a tenant other than except.
func (e *testEnv) appsIn(hostname string, except ...string) []qliksim.AppInfo {
	var out []qliksim.AppInfo
next:
	for _, a := range e.sim.Apps(hostname) {
		for _, x := range except {
			if a.Attributes.ID == x {
				continue next
			}
		}
		out = append(out, a)
	}
	return out
}

// writesTo counts non-GET requests to a tenant host, excluding token requests.
func (e *testEnv) writesTo(hostname string) int {
	return e.auditCount(func(a qliksim.AuditEntry) bool {
		return a.Host == hostname && a.Method != "GET" && a.Route != "/oauth/token"
	})
}

// userWrites counts writes to the users API on a host: a role mapping must never make any.
func (e *testEnv) userWrites(hostname string) int {
	return e.auditCount(func(a qliksim.AuditEntry) bool {
		return a.Host == hostname && a.Method != "GET" && strings.HasPrefix(a.Route, "/api/v1/users")
	})
}

// auditCount counts the requests of the simulator's audit that match.
func (e *testEnv) auditCount(match func(qliksim.AuditEntry) bool) int {
	n := 0
	for _, a := range e.sim.Audit() {
		if match(a) {
			n++
		}
	}
	return n
}

// customerTenants counts the tenants besides the home tenant.
func (e *testEnv) customerTenants() int { return len(e.sim.Tenants()) - 1 }

// tenantStatus reads a tenant's status from the simulator ("" when it is gone).
func (e *testEnv) tenantStatus(id string) string {
	rec, ok := e.sim.TenantByID(id)
	if !ok {
		return ""
	}
	return rec.Status
}

// memberAccess returns a user's groups and effective roles as text, for comparisons.
func (e *testEnv) memberAccess(hostname, userID string) string {
	groups, roles, err := e.sim.UserAccess(hostname, userID)
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprintf("groups=%v roles=%v", groups, roles)
}

// planThenEmpty are the plan checks of a step that plans action on address (and passes the checks also) and
// leaves an empty plan after its apply and refresh.
func planThenEmpty(address string, action plancheck.ResourceActionType, also ...plancheck.PlanCheck) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{
		PreApply:             append([]plancheck.PlanCheck{plancheck.ExpectResourceAction(address, action)}, also...),
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
}

// planAction are the plan checks of a step that plans action on address.
func planAction(address string, action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, action)}}
}

// must fails the test on an error of a step's out-of-band change.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
