package qlik_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// impersonationStatus asks the tenant for a user impersonation token for auth0|alice with a client's secret and
// returns the status of the answer.
func impersonationStatus(t *testing.T, tenantURL, clientID, secret string) int {
	const subject = "auth0|alice"
	t.Helper()
	body, _ := json.Marshal(map[string]any{
		"grant_type": qlik.OAuthGrantImpersonation, "client_id": clientID, "client_secret": secret,
		"user_lookup": map[string]string{"field": "subject", "value": subject},
	})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, tenantURL+"/oauth/token", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestSim_OAuthClientLifecycle(t *testing.T) {
	t.Parallel()
	sim, c, _ := startSim(t)
	ctx := t.Context()
	home := sim.Home()
	if _, err := sim.AddUser(home.Hostname, "auth0|alice"); err != nil {
		t.Fatal(err)
	}
	o, err := c.CreateOAuthClient(ctx, qlik.OAuthClientSettings{
		AppType: "web", ClientName: "portal", AllowedGrantTypes: []string{qlik.OAuthGrantImpersonation},
		AllowedScopes: []string{"user_default"}, ConsentMethod: qlik.OAuthConsentTrusted,
	})
	if err != nil {
		t.Fatal(err)
	}
	if o.ClientSecret == "" || o.ConnectionConfig.ConsentMethod != "trusted" || len(o.ClientSecrets) != 1 {
		t.Fatalf("created %+v", o)
	}
	if s := impersonationStatus(t, home.URL, o.ClientID, o.ClientSecret); s != http.StatusOK {
		t.Fatalf("impersonation with the create's secret: %d", s)
	}
	got, err := c.GetOAuthClient(ctx, o.ClientID)
	if err != nil || got.ClientSecret != "" {
		t.Fatalf("get: %+v %v", got, err)
	}

	// Rotation within the cap: a new secret works, the old one stops working once deleted.
	sec, err := c.CreateOAuthClientSecret(ctx, o.ClientID)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteOAuthClientSecret(ctx, o.ClientID, o.ClientSecrets[0].Hint); err != nil {
		t.Fatal(err)
	}
	if a, b := impersonationStatus(t, home.URL, o.ClientID, o.ClientSecret), impersonationStatus(t, home.URL, o.ClientID, sec.ClientSecret); a != http.StatusUnauthorized || b != http.StatusOK {
		t.Errorf("after rotation: old secret %d, new secret %d", a, b)
	}

	name, scopes := "portal (EU)", []string{"user_default", "admin_classic"}
	if secret, err := c.UpdateOAuthClient(ctx, o.ClientID, qlik.OAuthClientUpdate{ClientName: &name, AllowedScopes: &scopes}); err != nil || secret != "" {
		t.Fatalf("update: %q %v", secret, err)
	}
	if err := c.SetOAuthClientConsent(ctx, o.ClientID, qlik.OAuthConsentRequired); err != nil {
		t.Fatal(err)
	}
	at, err := c.PublishOAuthClient(ctx, o.ClientID)
	if err != nil || at == "" {
		t.Fatalf("publish: %q %v", at, err)
	}
	got, _ = c.GetOAuthClient(ctx, o.ClientID)
	if got.ClientName != name || !slices.Equal(got.AllowedScopes, scopes) || got.ConnectionConfig.ConsentMethod != "required" || got.PublishedAt != at {
		t.Errorf("after update: %+v", got)
	}
	deleteThenGone(t, o.ClientID, c.DeleteOAuthClient, c.GetOAuthClient)
}

// TestSim_OAuthClientNamesakeNeverAdopted: Qlik keeps OAuth client names unique nowhere, so after an ambiguous
// failure a client of the same name made by another user is neither adopted nor written to; the create makes the
// provider's own.
func TestSim_OAuthClientNamesakeNeverAdopted(t *testing.T) {
	for _, fault := range []qliksim.RouteFault{{Status: http.StatusServiceUnavailable}, {}} {
		sim, byHand, provider := simWithTwoUsers(t)
		req := qlik.OAuthClientSettings{AppType: "web", ClientName: "portal", AllowedGrantTypes: []string{qlik.OAuthGrantClientCreds}}
		decoy, err := byHand.CreateOAuthClient(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		sim.FailRoute(sim.Home().Hostname, http.MethodPost, "/api/v1/oauth-clients", 1, fault)
		o, err := provider.CreateOAuthClient(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		if o.ClientID == decoy.ClientID || o.ClientSecret == "" {
			t.Errorf("fault %+v: create returned %s (the namesake is %s) with secret set %v", fault, o.ClientID, decoy.ClientID, o.ClientSecret != "")
		}
		wantNoWritesTo(t, sim, decoy.ClientID, "fault %+v: the namesake", fault)
	}
}

// TestSim_OAuthClientAdoptedGetsNewSecret: a create whose answer is lost (the connection resets after Qlik made
// the client) adopts the client and replaces the secret nobody saw with a new one, which works. When the new
// secret fails with unknown outcome too (a 503, or a reset after Qlik made it), it is asked for again and every
// other secret, including one the unanswered attempt made, is deleted: the client keeps exactly the secret
// returned.
func TestSim_OAuthClientAdoptedGetsNewSecret(t *testing.T) {
	for _, tc := range []struct {
		name        string
		secretFails int
		secretFault qliksim.RouteFault
	}{
		{"secret answered", 0, qliksim.RouteFault{}},
		{"secret 503", 1, qliksim.RouteFault{Status: http.StatusServiceUnavailable}},
		{"secret reset", 1, qliksim.RouteFault{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim, c, _ := startSim(t)
			home := sim.Home()
			if _, err := sim.AddUser(home.Hostname, "auth0|alice"); err != nil {
				t.Fatal(err)
			}
			sim.FailRoute(home.Hostname, http.MethodPost, "/api/v1/oauth-clients", 1, qliksim.RouteFault{})
			if tc.secretFails > 0 {
				sim.FailRoute(home.Hostname, http.MethodPost, "/api/v1/oauth-clients/{id}/client-secrets", tc.secretFails, tc.secretFault)
			}
			o, err := c.CreateOAuthClient(t.Context(), qlik.OAuthClientSettings{AppType: "web", ClientName: "portal", AllowedGrantTypes: []string{qlik.OAuthGrantImpersonation}})
			if err != nil {
				t.Fatal(err)
			}
			all := sim.OAuthClients(home.Hostname)
			if len(all) != 1 || all[0].ClientID != o.ClientID || len(all[0].ClientSecrets) != 1 || all[0].ClientSecrets[0].Hint != o.ClientSecrets[0].Hint {
				t.Fatalf("simulator holds %+v, create returned %+v", all, o)
			}
			if s := impersonationStatus(t, home.URL, o.ClientID, o.ClientSecret); s != http.StatusOK {
				t.Errorf("impersonation with the replacement secret: %d", s)
			}
			if tc.secretFails > 0 {
				return
			}
			var posts, deletes int
			for _, e := range sim.Audit() {
				switch e.Method + " " + e.Route {
				case "POST /api/v1/oauth-clients/{id}/client-secrets":
					posts++
				case "DELETE /api/v1/oauth-clients/{id}/client-secrets/{hint}":
					deletes++
				}
			}
			if posts != 1 || deletes != 1 {
				t.Errorf("%d secret creates and %d secret deletes, want 1 and 1", posts, deletes)
			}
		})
	}
}
