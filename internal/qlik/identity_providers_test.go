package qlik

import (
	"net/http"
	"strings"
	"testing"
)

// A tenant's list mixes interactive (OIDC, SAML) and jwtAuth identity providers, whose options differ in shape.
func TestIdentityProviders_FindAmongOtherProtocols(t *testing.T) {
	var srvURL string
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != identityProvidersPath || r.Method != http.MethodGet {
			t.Errorf("unexpected %s %s", r.Method, r.URL)
		}
		if r.URL.Query().Get("next") == "" {
			writeJSON(w, http.StatusOK, map[string]any{
				"data": []map[string]any{
					{"id": "oidc1", "protocol": "OIDC", "provider": "okta", "interactive": true, "options": map[string]any{
						"discoveryUrl": "https://okta.example/.well-known", "claimsMapping": map[string]any{"sub": []string{"sub"}},
					}},
					{"id": "jwt1", "protocol": "jwtAuth", "provider": "external", "options": map[string]any{
						"issuer": "https://vendor.example", "staticKeys": []map[string]string{{"kid": "k1", "pem": "PEM1"}},
					}},
				},
				"links": map[string]any{"next": map[string]string{"href": srvURL + identityProvidersPath + "?next=c2"}},
			})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"data": []map[string]any{
				{"id": "saml1", "protocol": "SAML", "provider": "generic", "options": map[string]any{"certificates": []string{"x"}}},
				{"id": "jwt2", "protocol": "jwtAuth", "provider": "external", "options": map[string]any{
					"issuer": "https://vendor.example", "staticKeys": []map[string]string{{"kid": "k2", "pem": "PEM2"}},
				}},
			},
			"links": map[string]any{"next": nil},
		})
	}))
	srvURL = srv.URL
	c := newClient(t, fastConfig(srv.URL))

	got, err := c.FindJWTIdentityProvider(t.Context(), "https://vendor.example", "k2")
	if err != nil || got.ID != "jwt2" || got.PublicKey() != "PEM2" {
		t.Fatalf("FindJWTIdentityProvider = %+v, %v", got, err)
	}
	if _, err := c.FindJWTIdentityProvider(t.Context(), "https://okta.example/.well-known", ""); err == nil {
		t.Error("a lookup without key id must fail")
	}
	all, err := c.ListIdentityProviders(t.Context())
	if err != nil || len(all) != 4 || all[0].KeyID() != "" || all[0].Protocol != "OIDC" {
		t.Errorf("ListIdentityProviders = %+v, %v", all, err)
	}
}

func TestIdentityProviders_RequestBodies(t *testing.T) {
	c, bodies := recordingClient(t, map[string]any{"id": "i1", "protocol": "jwtAuth"},
		map[string]any{"id": "i1", "protocol": "jwtAuth", "description": "new"})
	if _, err := c.CreateJWTIdentityProvider(t.Context(), JWTIdentityProviderCreateRequest{Issuer: "iss", KeyID: "kid", PublicKey: "PEM"}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.UpdateIdentityProviderDescription(t.Context(), "i1", "new"); err != nil || got.Description != "new" {
		t.Fatalf("UpdateIdentityProviderDescription = %+v, %v", got, err)
	}
	want := []string{
		`POST {"protocol":"jwtAuth","provider":"external","options":{"issuer":"iss","staticKeys":[{"kid":"kid","pem":"PEM"}]}}`,
		`PATCH [{"op":"replace","path":"/description","value":"new"}]`,
	}
	if strings.Join(*bodies, "\n") != strings.Join(want, "\n") {
		t.Errorf("bodies:\n%s\nwant:\n%s", strings.Join(*bodies, "\n"), strings.Join(want, "\n"))
	}
}
