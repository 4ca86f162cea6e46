package provider_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// TestAccEmbedding_oauthImpersonation provisions a customer tenant with the OAuth client of the vendor's portal
// in one apply, then does what the portal's backend does for qlik-embed: it asks the tenant for a user
// impersonation token with the client id and the secret from the state, and calls the tenant's API with it as
// that user. Qlik gives such tokens only for users that exist, so one for an unknown user is refused, and the
// token is the tenant's own: another tenant refuses it.
func TestAccEmbedding_oauthImpersonation(t *testing.T) {
	e, _ := newTestEnv(t)
	config := e.acmeTenantConfig() + `
resource "qlik_oauth_client" "portal" {
  tenant_hostname     = qlik_tenant.acme.hostname
  app_type            = "web"
  name                = "Acme portal"
  allowed_grant_types = ["urn:qlik:oauth:user-impersonation"]
  allowed_scopes      = ["user_default"]
  consent_method      = "trusted"
}

output "portal_client_id" {
  value = qlik_oauth_client.portal.client_id
}

output "portal_client_secret" {
  value     = qlik_oauth_client.portal.client_secret
  sensitive = true
}
`

	e.test(t, []resource.TestStep{e.acmeStep(config, func(root *terraform.ModuleState, host string, tenant *qliksim.Tenant) error {
		clientID, _ := root.Outputs["portal_client_id"].Value.(string)
		secret, _ := root.Outputs["portal_client_secret"].Value.(string)
		if clientID == "" || secret == "" {
			return fmt.Errorf("outputs: client id %q, secret set %v", clientID, secret != "")
		}
		// Jane exists in the customer's tenant (signed in before, or provisioned as a user).
		jane, err := e.sim.AddUser(host, "acme|jane")
		if err != nil {
			return err
		}
		status, token := impersonate(t, tenant.URL, clientID, secret, "acme|jane")
		if status != http.StatusOK || token == "" {
			return fmt.Errorf("impersonation token for acme|jane: %d", status)
		}
		me, err := getAs(t, tenant.URL+"/api/v1/users/me", token)
		if err != nil {
			return err
		}
		if me.ID != jane.ID || me.Subject != "acme|jane" {
			return fmt.Errorf("the token acts as %s (%s), want %s (acme|jane)", me.ID, me.Subject, jane.ID)
		}
		if status, _ := impersonate(t, tenant.URL, clientID, secret, "acme|nobody"); status != http.StatusBadRequest {
			return fmt.Errorf("impersonation of a user who does not exist: %d, want 400", status)
		}
		if _, err := getAs(t, e.sim.Home().URL+"/api/v1/users/me", token); err == nil {
			return fmt.Errorf("the customer tenant's token was accepted by the home tenant")
		}
		return nil
	})})
}

// getAs reads a user record with a bearer token, following /users/me's redirect.
func getAs(t *testing.T, rawURL, token string) (sessionUser, error) {
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, rawURL, nil)
	if err != nil {
		return sessionUser{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	hc := &http.Client{CheckRedirect: func(r *http.Request, via []*http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	}}
	resp, err := hc.Do(req)
	if err != nil {
		return sessionUser{}, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return sessionUser{}, fmt.Errorf("GET %s: %d %s", rawURL, resp.StatusCode, body)
	}
	var u sessionUser
	return u, json.Unmarshal(body, &u)
}
