package qliksim

import (
	"net/http"
	"strings"
	"testing"
)

func oidcIDPBody(clientSecret string) map[string]any {
	return map[string]any{
		"protocol": "OIDC", "provider": "auth0", "interactive": true, "skipVerify": true, "description": "customer login",
		"postLogoutRedirectUri": "https://portal.example.com/bye",
		"options": map[string]any{
			"discoveryUrl": "https://customer.eu.auth0.com/.well-known/openid-configuration",
			"clientId":     "abc", "clientSecret": clientSecret, "realm": "customer", "scope": "openid profile email",
			"claimsMapping": map[string][]string{"sub": {"/sub"}, "name": {"/name"}, "groups": {"/groups"}},
		},
	}
}

// TestContractOIDCIdentityProvider drives the interactive OIDC identity provider through the validating
// transport: create with options and skipVerify, the one-interactive rule, the secret never shown, PATCH all or
// nothing, and the interactive IdP that cannot be deleted.
func TestContractOIDCIdentityProvider(t *testing.T) {
	t.Parallel()
	sim, home, c, calls := startContract(t, Options{}, "identity-providers.json")
	call := calls.call
	idps := home.URL + "/api/v1/identity-providers"
	var idp IdentityProvider
	created := call(http.MethodPost, idps, http.StatusCreated, oidcIDPBody("s3cret-value"))
	created.decode(t, &idp)
	if !idp.Active || !idp.Interactive || strings.Contains(created.String(), "s3cret-value") {
		t.Errorf("create answer: %s", created)
	}
	if got, _ := sim.OIDCClientSecret(home.Hostname, idp.ID); got != "s3cret-value" {
		t.Errorf("stored secret %q", got)
	}
	// The Qlik Account IdP was replaced (deactivated); a second interactive IdP is refused.
	for _, p := range sim.IdentityProviders(home.Hostname) {
		if p.Provider == "qlik" && p.Active {
			t.Error("the Qlik Account identity provider is still active")
		}
	}
	call(http.MethodPost, idps, http.StatusBadRequest, oidcIDPBody("other"))
	noSkip := oidcIDPBody("x")
	noSkip["skipVerify"] = false
	call(http.MethodPost, idps, http.StatusBadRequest, noSkip)
	badRealm := oidcIDPBody("x")
	badOpts, ok := badRealm["options"].(map[string]any)
	if !ok {
		t.Fatal("options is not an object")
	}
	badOpts["realm"] = "-bad realm"
	calls.callInvalid(http.MethodPost, idps, http.StatusBadRequest, badRealm)

	got := call(http.MethodGet, idps+"/"+idp.ID, http.StatusOK, nil)
	if strings.Contains(got.String(), "s3cret-value") || strings.Contains(got.String(), "clientSecret") {
		t.Errorf("GET shows the secret: %s", got)
	}
	// PATCH: a failing operation leaves every other one unapplied.
	call(http.MethodPatch, idps+"/"+idp.ID, http.StatusBadRequest, []map[string]any{
		{"op": "replace", "path": "/description", "value": "changed"},
		{"op": "replace", "path": "/options/realm", "value": "bad realm!"},
	})
	call(http.MethodGet, idps+"/"+idp.ID, http.StatusOK, nil).decode(t, &idp)
	if idp.Description != "customer login" {
		t.Errorf("a failed PATCH applied part of its operations: description %q", idp.Description)
	}
	opts := oidcIDPBody("rotated")["options"]
	call(http.MethodPatch, idps+"/"+idp.ID, http.StatusNoContent, []map[string]any{
		{"op": "replace", "path": "/description", "value": "changed"},
		{"op": "replace", "path": "/options", "value": opts},
		{"op": "replace", "path": "/clockToleranceSec", "value": 30},
	})
	if got, _ := sim.OIDCClientSecret(home.Hostname, idp.ID); got != "rotated" {
		t.Errorf("secret after PATCH %q", got)
	}
	call(http.MethodDelete, idps+"/"+idp.ID, http.StatusBadRequest, nil)
	// Deactivated, it no longer blocks another interactive IdP.
	call(http.MethodPatch, idps+"/"+idp.ID, http.StatusNoContent, []map[string]any{{"op": "replace", "path": "/active", "value": false}})
	var second IdentityProvider
	call(http.MethodPost, idps, http.StatusCreated, oidcIDPBody("x")).decode(t, &second)
	call(http.MethodPatch, idps+"/"+idp.ID, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/active", "value": true}})

	// A non-interactive OIDC IdP (API access with external tokens) can be deleted.
	api := map[string]any{"protocol": "OIDC", "provider": "generic", "interactive": false, "options": map[string]any{
		"discoveryUrl": "https://idp.example.com/.well-known/openid-configuration", "claimsMapping": map[string][]string{"sub": {"/sub"}},
	}}
	var m2m IdentityProvider
	call(http.MethodPost, idps, http.StatusCreated, api).decode(t, &m2m)
	call(http.MethodDelete, idps+"/"+m2m.ID, http.StatusNoContent, nil)

	calls.allValidated(c)
}
