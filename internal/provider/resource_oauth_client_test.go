package provider_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func testAccOAuthClientConfig(provider, body string) string {
	return provider + `
resource "qlik_oauth_client" "test" {
` + body + `
}
`
}

const oauthWebBody = `  app_type            = "web"
  name                = "Vendor portal"
  description         = "qlik-embed backend"
  allowed_grant_types = ["urn:qlik:oauth:user-impersonation", "client_credentials"]
  allowed_scopes      = ["user_default"]
  redirect_uris       = ["https://portal.example.com/callback"]
  consent_method      = "trusted"`

func (e *testEnv) oauthClientByID(hostname, id string) (qliksim.OAuthClient, bool) {
	for _, c := range e.sim.OAuthClients(hostname) {
		if c.ClientID == id {
			return c, true
		}
	}
	return qliksim.OAuthClient{}, false
}

// attr reads an attribute of qlik_oauth_client.test from the state.
func attr(s *terraform.State, name string) string {
	if rs, ok := s.RootModule().Resources["qlik_oauth_client.test"]; ok {
		return rs.Primary.Attributes[name]
	}
	return ""
}

// tokenRequest posts a token request to a tenant and returns the status and the access token.
func tokenRequest(t *testing.T, tenantURL string, body map[string]any) (int, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, tenantURL+"/oauth/token", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	return resp.StatusCode, tok.AccessToken
}

// impersonate asks for a user impersonation token for subject with a client's id and secret.
func impersonate(t *testing.T, tenantURL, clientID, secret, subject string) (int, string) {
	t.Helper()
	return tokenRequest(t, tenantURL, map[string]any{
		"grant_type": "urn:qlik:oauth:user-impersonation", "client_id": clientID, "client_secret": secret,
		"user_lookup": map[string]string{"field": "subject", "value": subject}, "scope": "user_default",
	})
}

func TestAccOAuthClient_basic(t *testing.T) {
	e, home := newTestEnv(t)
	if _, err := e.sim.AddUser(home.Hostname, "auth0|alice"); err != nil {
		t.Fatal(err)
	}
	var id string
	e.testCase(t, resource.TestCase{
		CheckDestroy: goneAfterDestroy("OAuth client", home.Hostname, &id, e.oauthClientByID),
		Steps: []resource.TestStep{
			createStep(testAccOAuthClientConfig(e.oauthProvider(), oauthWebBody), "qlik_oauth_client.test", &id,
				[]statecheck.StateCheck{
					hasString("qlik_oauth_client.test", "app_type", "web"),
					hasStrings("qlik_oauth_client.test", "allowed_auth_methods", "client_secret"),
					hasString("qlik_oauth_client.test", "consent_method", "trusted"),
					hasBool("qlik_oauth_client.test", "published", false),
					hasString("qlik_oauth_client.test", "owner_id", home.BotUserID),
				},
				func(s *terraform.State) error {
					c, ok := e.oauthClientByID(home.Hostname, id)
					if !ok || c.ClientName != "Vendor portal" || c.ConnectionConfig.ConsentMethod != "trusted" || len(c.ClientSecrets) != 1 {
						return fmt.Errorf("simulator holds %+v (found %v)", c, ok)
					}
					secret := attr(s, "client_secret")
					if secret == "" || !strings.HasSuffix(secret, c.ClientSecrets[0].Hint) || attr(s, "client_secret_hint") != c.ClientSecrets[0].Hint {
						return fmt.Errorf("client_secret in state is not the secret Qlik made (hint %s)", c.ClientSecrets[0].Hint)
					}
					// The secret in state is the one that works: the portal gets a token for an existing user.
					if status, _ := impersonate(t, home.URL, id, secret, "auth0|alice"); status != http.StatusOK {
						return fmt.Errorf("impersonation with the state's secret: %d", status)
					}
					// One create, no follow-up writes: trusted consent goes with the create.
					if n := e.writesTo(home.Hostname); n != 1 {
						return fmt.Errorf("%d write calls, want 1", n)
					}
					return nil
				}),
			// Qlik cannot show the secret again: an import has none, and says so by leaving it null.
			importStep("qlik_oauth_client.test", "client_secret"),
			importByTenantStep("qlik_oauth_client.test", home.Hostname, &id, "client_secret"),
		},
	})
}

func TestAccOAuthClient_updateRotateReplace(t *testing.T) {
	e, home := newTestEnv(t)
	if _, err := e.sim.AddUser(home.Hostname, "auth0|alice"); err != nil {
		t.Fatal(err)
	}
	var id, after, firstSecret, replaced string
	updated := strings.NewReplacer(`"Vendor portal"`, `"Vendor portal (EU)"`, `["user_default"]`, `["user_default", "admin_classic"]`,
		`["https://portal.example.com/callback"]`, `["https://eu.portal.example.com/callback", "https://portal.example.com/callback"]`,
		`"trusted"`, `"required"`).Replace(oauthWebBody) + "\n  published = true"
	e.test(t, []resource.TestStep{
		{
			Config: testAccOAuthClientConfig(e.oauthProvider(), oauthWebBody),
			Check: resource.ComposeAggregateTestCheckFunc(captureID("qlik_oauth_client.test", &id), func(s *terraform.State) error {
				firstSecret = attr(s, "client_secret")
				return nil
			}),
		},
		{
			Config:           testAccOAuthClientConfig(e.oauthProvider(), updated),
			ConfigPlanChecks: planThenEmpty("qlik_oauth_client.test", plancheck.ResourceActionUpdate),
			Check: resource.ComposeAggregateTestCheckFunc(captureID("qlik_oauth_client.test", &after), func(s *terraform.State) error {
				c, _ := e.oauthClientByID(home.Hostname, after)
				switch {
				case after != id:
					return fmt.Errorf("update replaced the client: %s -> %s", id, after)
				case c.ClientName != "Vendor portal (EU)" || len(c.RedirectURIs) != 2 || !slices.Contains(c.AllowedScopes, "admin_classic"):
					return fmt.Errorf("simulator holds %+v", c)
				case c.ConnectionConfig.ConsentMethod != "required" || c.PublishedAt == "":
					return fmt.Errorf("consent %q, published at %q", c.ConnectionConfig.ConsentMethod, c.PublishedAt)
				case attr(s, "client_secret") != firstSecret:
					return fmt.Errorf("an update that does not touch the secret changed client_secret")
				}
				return nil
			}),
		},
		{
			// Rotation: a new secret, the old one deleted; the client keeps its id.
			Config: testAccOAuthClientConfig(e.oauthProvider(), updated+"\n  client_secret_version = 2"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("qlik_oauth_client.test", plancheck.ResourceActionUpdate), plannedUnknown("qlik_oauth_client.test", "client_secret")},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: func(s *terraform.State) error {
				secret := attr(s, "client_secret")
				c, _ := e.oauthClientByID(home.Hostname, id)
				if secret == "" || secret == firstSecret || len(c.ClientSecrets) != 1 || !strings.HasSuffix(secret, c.ClientSecrets[0].Hint) {
					return fmt.Errorf("after rotation: %d secrets in Qlik, state secret changed %v", len(c.ClientSecrets), secret != firstSecret)
				}
				if a, _ := impersonate(t, home.URL, id, firstSecret, "auth0|alice"); a != http.StatusUnauthorized {
					return fmt.Errorf("the old secret still works: %d", a)
				}
				if b, _ := impersonate(t, home.URL, id, secret, "auth0|alice"); b != http.StatusOK {
					return fmt.Errorf("the new secret does not work: %d", b)
				}
				return nil
			},
		},
		// Qlik has no unpublish and cannot change the app type: both replace.
		replaceStep(testAccOAuthClientConfig(e.oauthProvider(), strings.Replace(updated, "published = true", "published = false", 1)+"\n  client_secret_version = 2"),
			"qlik_oauth_client.test", &replaced, &id, func(*terraform.State) error {
				if _, ok := e.oauthClientByID(home.Hostname, id); ok {
					return fmt.Errorf("the published client %s was not deleted", id)
				}
				return nil
			}),
		{
			Config: testAccOAuthClientConfig(e.oauthProvider(), `  app_type = "spa"
  name     = "Analytics SPA"
  allowed_origins = ["https://app.example.com"]`),
			ConfigPlanChecks: planThenEmpty("qlik_oauth_client.test", plancheck.ResourceActionDestroyBeforeCreate),
			ConfigStateChecks: []statecheck.StateCheck{
				isNull("qlik_oauth_client.test", "client_secret"),
				hasValue("qlik_oauth_client.test", "allowed_auth_methods", knownvalue.SetSizeExact(0)),
			},
		},
	})
}

func TestAccOAuthClient_disappearsAndDrift(t *testing.T) {
	e, home := newTestEnv(t)
	var id string
	config := testAccOAuthClientConfig(e.oauthProvider(), oauthWebBody)
	e.test(t, []resource.TestStep{
		{Config: config, Check: captureID("qlik_oauth_client.test", &id)},
		{
			// Edited in the console: the plan puts the configured settings back in place.
			PreConfig: func() {
				if err := e.sim.EditOAuthClient(home.Hostname, id, func(c *qliksim.OAuthClient) {
					c.ClientName, c.AllowedScopes = "renamed by hand", []string{"user_default", "admin_classic"}
				}); err != nil {
					t.Fatal(err)
				}
			},
			Config:           config,
			ConfigPlanChecks: planThenEmpty("qlik_oauth_client.test", plancheck.ResourceActionUpdate),
			Check: func(*terraform.State) error {
				if c, _ := e.oauthClientByID(home.Hostname, id); c.ClientName != "Vendor portal" || len(c.AllowedScopes) != 1 {
					return fmt.Errorf("drift not repaired: %+v", c)
				}
				return nil
			},
		},
		{
			// Its secret deleted by hand: the refresh drops client_secret (with a warning), and a version bump
			// makes a new one that works.
			PreConfig: func() {
				if err := e.sim.DeleteOAuthClientSecrets(home.Hostname, id); err != nil {
					t.Fatal(err)
				}
			},
			Config:           testAccOAuthClientConfig(e.oauthProvider(), oauthWebBody+"\n  client_secret_version = 1"),
			ConfigPlanChecks: emptyPlanAfterApply(),
			Check: func(s *terraform.State) error {
				secret := attr(s, "client_secret")
				c, _ := e.oauthClientByID(home.Hostname, id)
				if secret == "" || len(c.ClientSecrets) != 1 || !strings.HasSuffix(secret, c.ClientSecrets[0].Hint) {
					return fmt.Errorf("after the secret was deleted by hand: %d secrets, state secret set %v", len(c.ClientSecrets), secret != "")
				}
				return nil
			},
		},
		{
			// Deleted outside Terraform: the refresh drops it and the plan creates it again.
			PreConfig: func() {
				if err := e.sim.DeleteOAuthClient(home.Hostname, id); err != nil {
					t.Fatal(err)
				}
			},
			Config:             testAccOAuthClientConfig(e.oauthProvider(), oauthWebBody+"\n  client_secret_version = 1"),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
	})
}

func TestAccOAuthClient_validation(t *testing.T) {
	e, home := newTestEnv(t)
	weakPEM := newTestKeyOfSize(t, 1024).pkix
	six := `["https://a.example/1", "https://a.example/2", "https://a.example/3", "https://a.example/4", "https://a.example/5", "https://a.example/6"]`
	client := func(body string) string { return testAccOAuthClientConfig(e.oauthProvider(), "  "+body) }
	cases := []planError{
		{"six redirect URIs", client(`app_type = "web"
  name = "x"
  redirect_uris = ` + six), regexp.MustCompile(`(?s)redirect_uris.*set must contain at most 5 elements`)},
		{"relative redirect URI", client(`app_type = "web"
  name = "x"
  redirect_uris = ["/callback"]`), regexp.MustCompile(`(?s)Invalid redirect URI.*not an absolute http or https URL`)},
		{"origins on a web client", client(`app_type = "web"
  name = "x"
  allowed_origins = ["https://a.example"]`), regexp.MustCompile(`(?s)Origins need an SPA client.*allowed_origins only for app_type "spa"`)},
		{"grants on an SPA", client(`app_type = "spa"
  name = "x"
  allowed_grant_types = ["client_credentials"]`), regexp.MustCompile(`(?s)Grant types need a web client`)},
		{"unknown grant", client(`app_type = "web"
  name = "x"
  allowed_grant_types = ["password"]`), regexp.MustCompile(`(?s)allowed_grant_types.*value must be one of`)},
		{"scope with a space", client(`app_type = "web"
  name = "x"
  allowed_scopes = ["user_default admin_classic"]`), regexp.MustCompile(`(?s)Invalid scope.*is not one scope`)},
		{"private_key_jwt without keys", client(`app_type = "web"
  name = "x"
  allowed_auth_methods = ["private_key_jwt"]`), regexp.MustCompile(`(?s)private_key_jwt needs public keys`)},
		{"weak key", client(fmt.Sprintf(`app_type = "web"
  name = "x"
  allowed_auth_methods = ["private_key_jwt"]
  public_keys = [{ kid = "k1", alg = "RS256", pem = %q }]`, weakPEM)), regexp.MustCompile(`(?s)Key not usable for private_key_jwt.*1024 bits`)},
		{"long name", client(`app_type = "web"
  name = "` + strings.Repeat("n", 513) + `"`), regexp.MustCompile(`(?s)name string length must be between 1 and 512`)},
	}
	e.expectPlanErrorsWithoutWrites(t, home.Hostname, cases)
}

// TestAccOAuthClient_qlikRefuses shows an answer only Qlik can give (the credentials' user may not manage OAuth
// clients) with its code, title and request id, and nothing left behind.
func TestAccOAuthClient_qlikRefuses(t *testing.T) {
	e, home := newTestEnv(t)
	e.sim.FailRoute(home.Hostname, http.MethodPost, "/api/v1/oauth-clients", 1, qliksim.RouteFault{Status: http.StatusForbidden})
	e.test(t, []resource.TestStep{{
		Config:      testAccOAuthClientConfig(e.oauthProvider(), oauthWebBody),
		ExpectError: regexp.MustCompile(`(?s)Unable to create OAuth client.*HTTP\s+403.*Code: HTTP-403.*Title: Forbidden.*Request ID: [0-9a-f]{32}`),
	}})
	if n := len(e.sim.OAuthClients(home.Hostname)); n != 0 {
		t.Errorf("%d OAuth clients made", n)
	}
}

// TestAccOAuthClient_privateKeyJWT: a client that authenticates with its private key has no secret anywhere,
// and its signed assertion gets an impersonation token.
func TestAccOAuthClient_privateKeyJWT(t *testing.T) {
	e, home := newTestEnv(t)
	user, err := e.sim.AddUser(home.Hostname, "auth0|alice")
	if err != nil {
		t.Fatal(err)
	}
	key := newTestKey(t)
	body := fmt.Sprintf(`  app_type             = "web"
  name                 = "Keyed backend"
  allowed_grant_types  = ["urn:qlik:oauth:user-impersonation"]
  allowed_scopes       = ["user_default"]
  allowed_auth_methods = ["private_key_jwt"]
  public_keys          = [{ kid = "portal-2026", alg = "RS256", pem = %q }]`, key.pkix)
	e.test(t, []resource.TestStep{
		{
			Config: testAccOAuthClientConfig(e.oauthProvider(), body),
			ConfigStateChecks: []statecheck.StateCheck{
				isNull("qlik_oauth_client.test", "client_secret"),
				hasString("qlik_oauth_client.test", "client_secret_hint", ""),
			},
			ConfigPlanChecks: emptyPlanAfterApply(),
			Check: func(s *terraform.State) error {
				id := attr(s, "id")
				c, _ := e.oauthClientByID(home.Hostname, id)
				if len(c.ClientSecrets) != 0 || len(c.PublicKeys) != 1 || c.PublicKeys[0].Kid != "portal-2026" {
					return fmt.Errorf("simulator holds %+v", c)
				}
				assertion, err := qliksim.SignJWT("RS256", key.private, "portal-2026", map[string]any{
					"iss": id, "sub": id, "aud": home.URL + "/oauth/token", "exp": time.Now().Add(time.Minute).Unix(),
				})
				if err != nil {
					return err
				}
				status, tok := tokenRequest(t, home.URL, map[string]any{
					"grant_type": "urn:qlik:oauth:user-impersonation", "client_id": id,
					"client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion": assertion,
					"user_lookup": map[string]string{"field": "userId", "value": user.ID},
				})
				if status != http.StatusOK || tok == "" {
					return fmt.Errorf("impersonation with a signed assertion: %d", status)
				}
				return nil
			},
		},
		importStep("qlik_oauth_client.test"),
	})
}

// TestAccOAuthClient_importedThenSecret: an imported client has no secret in state; setting client_secret_version
// makes one, and leaves the secret the application already uses working (the state never held it).
func TestAccOAuthClient_importedThenSecret(t *testing.T) {
	e, home := newTestEnv(t)
	if _, err := e.sim.AddUser(home.Hostname, "auth0|alice"); err != nil {
		t.Fatal(err)
	}
	var id, first string
	config := testAccOAuthClientConfig(e.oauthProvider(), oauthWebBody)
	e.test(t, []resource.TestStep{
		{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(captureID("qlik_oauth_client.test", &id), func(s *terraform.State) error {
				first = attr(s, "client_secret")
				return nil
			}),
		},
		{
			// Terraform forgets the client; Qlik keeps it.
			Config: e.oauthProvider() + `
removed {
  from = qlik_oauth_client.test
  lifecycle {
    destroy = false
  }
}
`,
		},
		{
			Config: config, ResourceName: "qlik_oauth_client.test", ImportState: true, ImportStatePersist: true,
			ImportStateIdFunc: func(*terraform.State) (string, error) { return id, nil },
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				if len(states) != 1 || states[0].Attributes["client_secret"] != "" {
					return fmt.Errorf("imported state holds a client secret: %v", states)
				}
				return nil
			},
		},
		{
			Config:           testAccOAuthClientConfig(e.oauthProvider(), oauthWebBody+"\n  client_secret_version = 1"),
			ConfigPlanChecks: planThenEmpty("qlik_oauth_client.test", plancheck.ResourceActionUpdate),
			Check: func(s *terraform.State) error {
				secret := attr(s, "client_secret")
				c, _ := e.oauthClientByID(home.Hostname, id)
				if secret == "" || secret == first || len(c.ClientSecrets) != 2 {
					return fmt.Errorf("after setting the version: %d secrets in Qlik, new secret set %v", len(c.ClientSecrets), secret != "" && secret != first)
				}
				for _, s := range []string{first, secret} {
					if status, _ := impersonate(t, home.URL, id, s, "auth0|alice"); status != http.StatusOK {
						return fmt.Errorf("a secret stopped working: %d", status)
					}
				}
				return nil
			},
		},
	})
}
