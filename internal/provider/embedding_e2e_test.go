package provider_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

const (
	e2eIssuer = "https://portal.acme.example"
	e2eKeyID  = "acme-portal-1"
)

// acmeTenantConfig is the provider block for tenants and a new customer tenant, qlik_tenant.acme, that the
// end-to-end tests provision for embedding.
func (e *testEnv) acmeTenantConfig() string {
	return e.tenantProvider() + fmt.Sprintf(`
resource "qlik_tenant" "acme" {
  license_key_wo         = %[1]q
  license_key_wo_version = 1
  datacenter             = "eu-west-1"
  name                   = "Acme"
  deletion_protection    = false
}
`, e.sim.LicenseKey())
}

// acmeStep applies config, which provisions qlik_tenant.acme, expects an empty plan afterwards and passes check the
// root module of the state, the tenant's hostname and the simulator's tenant on it.
func (e *testEnv) acmeStep(config string, check func(root *terraform.ModuleState, host string, tenant *qliksim.Tenant) error) resource.TestStep {
	return resource.TestStep{
		Config:           config,
		ConfigPlanChecks: emptyPlanAfterApply(),
		Check: func(s *terraform.State) error {
			root := s.RootModule()
			host := root.Resources["qlik_tenant.acme"].Primary.Attributes["hostname"]
			tenant := e.sim.Tenant(host)
			if tenant == nil {
				return fmt.Errorf("no simulator tenant on %q", host)
			}
			return check(root, host, tenant)
		},
	}
}

// TestAccEmbedding_endToEnd provisions a customer for embedding in one apply (tenant, space, app copy, role
// mapping, JWT identity provider, web integration, CSP origin, iframe URL), then does what the vendor's portal
// does: signs a JWT with the private key, logs in to the new tenant, and checks that the user got the roles
// the mapping granted to the group named in the token, and that the iframe URL points at the copied app.
func TestAccEmbedding_endToEnd(t *testing.T) {
	e, _ := newTestEnv(t)
	templateID := e.seedApp(e.sim.Home().Hostname, "Sales template", "", 1<<20)
	key := newTestKey(t)

	config := e.acmeTenantConfig() + fmt.Sprintf(`
resource "qlik_space" "analytics" {
  tenant_hostname = qlik_tenant.acme.hostname
  name            = "Analytics"
  type            = "shared"
}

resource "qlik_app_copy" "sales" {
  tenant_hostname = qlik_tenant.acme.hostname
  source_app_id   = %[1]q
  space_id        = qlik_space.analytics.id
  name            = "Sales"
}

resource "qlik_role_mapping" "analysts" {
  tenant_hostname = qlik_tenant.acme.hostname
  group_name      = "acme-analysts"
  roles           = ["EmbeddedAnalyticsUser"]

  space_roles {
    space_id = qlik_space.analytics.id
    roles    = ["consumer"]
  }
}

resource "qlik_identity_provider_jwt" "portal" {
  tenant_hostname = qlik_tenant.acme.hostname
  issuer          = %[2]q
  key_id          = %[3]q
  public_key_pem  = %[4]q
  description     = "Acme portal sign-on"
}

resource "qlik_web_integration" "portal" {
  tenant_hostname = qlik_tenant.acme.hostname
  name            = "Acme portal"
  valid_origins   = [%[2]q]
}

resource "qlik_csp_origin" "portal" {
  tenant_hostname = qlik_tenant.acme.hostname
  name            = "Acme portal"
  origin          = "portal.acme.example"
  directives      = ["frame-ancestors"]
}

output "sales_overview_url" {
  value = provider::qlik::embed_url(qlik_tenant.acme.hostname, qlik_app_copy.sales.id, { sheet = "overview" })
}
`, templateID, e2eIssuer, e2eKeyID, key.pkix)

	e.test(t, []resource.TestStep{e.acmeStep(config, func(root *terraform.ModuleState, host string, tenant *qliksim.Tenant) error {
		appID := root.Resources["qlik_app_copy.sales"].Primary.ID
		spaceID := root.Resources["qlik_space.analytics"].Primary.ID

		// The iframe link opens the copied app on the customer's own host.
		want := fmt.Sprintf("http://%s/single/?appid=%s&sheet=overview", host, appID)
		if got := root.Outputs["sales_overview_url"].Value; got != want {
			return fmt.Errorf("sales_overview_url = %v, want %s", got, want)
		}
		if a, ok := e.sim.App(host, appID); !ok || a.Attributes.SpaceID != spaceID {
			return fmt.Errorf("app %s in %s: %+v (found=%v)", appID, host, a.Attributes, ok)
		}

		// The portal signs a token for one of its users, naming the customer's group.
		token, err := qliksim.SignJWT("RS256", key.private, e2eKeyID,
			qliksim.LoginClaims(e2eIssuer, "acme|jane", "Jane Doe", "jane@acme.example", "acme-analysts"))
		if err != nil {
			return err
		}
		me, err := jwtLogin(t, tenant.URL, token)
		if err != nil {
			return err
		}
		if me.Subject != "acme|jane" || !slices.Contains(me.groupRoles("acme-analysts"), "EmbeddedAnalyticsUser") {
			return fmt.Errorf("signed-in user %+v lacks the mapped tenant role", me)
		}
		_, roles, err := e.sim.UserAccess(host, me.ID)
		if err != nil {
			return fmt.Errorf("access of %s: %w", me.ID, err)
		}
		if !slices.Contains(roles, "EmbeddedAnalyticsUser") {
			return fmt.Errorf("effective roles %v, want EmbeddedAnalyticsUser", roles)
		}
		group, ok := e.sim.GroupByName(host, "acme-analysts")
		if !ok {
			return fmt.Errorf("group acme-analysts missing after login")
		}
		for _, a := range e.sim.SpaceAssignments(host, spaceID) {
			if a.AssigneeID == group.ID && slices.Equal(a.Roles, []string{"consumer"}) {
				return nil
			}
		}
		return fmt.Errorf("the signed-in user's group has no consumer assignment in space %s", spaceID)
	})})
}

// sessionUser is the part of the users API's User that the login check reads.
type sessionUser struct {
	ID             string `json:"id"`
	Subject        string `json:"subject"`
	AssignedGroups []struct {
		Name          string `json:"name"`
		AssignedRoles []struct {
			Name string `json:"name"`
		} `json:"assignedRoles"`
	} `json:"assignedGroups"`
}

func (u sessionUser) groupRoles(group string) []string {
	var names []string
	for _, g := range u.AssignedGroups {
		if g.Name == group {
			for _, r := range g.AssignedRoles {
				names = append(names, r.Name)
			}
		}
	}
	return names
}

// jwtLogin logs in to a tenant with a JWT as a browser would, then reads the session's own user record.
func jwtLogin(t *testing.T, tenantURL, token string) (sessionUser, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return sessionUser{}, err
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second}

	call := func(method, path string, header http.Header) ([]byte, error) {
		req, err := http.NewRequestWithContext(t.Context(), method, tenantURL+path, nil)
		if err != nil {
			return nil, err
		}
		req.Header = header
		resp, err := hc.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, body)
		}
		return body, nil
	}
	if _, err := call(http.MethodPost, "/login/jwt-session", http.Header{"Authorization": {"Bearer " + token}}); err != nil {
		return sessionUser{}, err
	}
	u, _ := url.Parse(tenantURL)
	if len(jar.Cookies(u)) == 0 {
		return sessionUser{}, fmt.Errorf("the login set no session cookie")
	}
	body, err := call(http.MethodGet, "/api/v1/users/me", http.Header{})
	if err != nil {
		return sessionUser{}, err
	}
	var me sessionUser
	return me, json.Unmarshal(body, &me)
}
