package qliksim

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// testJWK returns a fresh RSA signing key and its public JWK (RS256), the pair a private_key_jwt client holds.
func testJWK(t testing.TB, kid string) (*rsa.PrivateKey, JWK) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k, JWK{
		Kty: "RSA", Use: "sig", Alg: "RS256", Kid: kid,
		N: base64.RawURLEncoding.EncodeToString(k.N.Bytes()),
		E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes()),
	}
}

// deleteWithHeader sends a DELETE through the contract transport with one extra header.
func (cc *contractClient) deleteWithHeader(ctx context.Context, rawURL, token, name, value string) *response {
	cc.t.Helper()
	header := http.Header{}
	if name != "" {
		header.Set(name, value)
	}
	return cc.doWith(ctx, http.MethodDelete, rawURL, token, "", nil, header)
}

// TestContractOAuthClients drives the OAuth clients API and the tokens of tenant clients (client credentials,
// user impersonation, private_key_jwt) through the validating transport.
func TestContractOAuthClients(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	home := sim.Home()
	other := addTenant(t, sim, "other")
	admin := sim.Credentials().APIKey
	c := loadContract(t, []string{home.URL, other.URL}, "oauth-clients.json", "oauth.json", "users.json")
	calls := newCountedCalls(t, c, "")
	call, callInvalid, cc := calls.callWith, calls.callInvalidWith, calls.cc

	clients := home.URL + "/api/v1/oauth-clients"
	web := map[string]any{
		"appType": "web", "clientName": "Vendor portal", "description": "embedding backend",
		"allowedGrantTypes": []string{"client_credentials", "urn:qlik:oauth:user-impersonation"},
		"allowedScopes":     []string{"user_default"},
		"redirectUris":      []string{"https://portal.example.com/callback"},
	}
	var created oauthClientCreated
	call(http.MethodPost, clients, admin, http.StatusCreated, web).decode(t, &created)
	if created.ClientSecret == "" || len(created.ClientSecrets) != 1 || !strings.HasSuffix(created.ClientSecret, created.ClientSecrets[0].Hint) {
		t.Fatalf("create answer: secret %q, hints %+v", created.ClientSecret, created.ClientSecrets)
	}
	id := created.ClientID
	// The secret is shown once: reads and lists carry only its hint.
	got := call(http.MethodGet, clients+"/"+id, admin, http.StatusOK, nil)
	if strings.Contains(got.String(), created.ClientSecret) || strings.Contains(got.String(), "clientSecret\"") {
		t.Errorf("GET shows the secret: %s", got)
	}

	// Qlik's limits and rules, each refused with 400 before anything is stored.
	for name, body := range map[string]map[string]any{
		"six redirect URIs": {"appType": "web", "clientName": "x", "redirectUris": []string{"https://a.example/1", "https://a.example/2", "https://a.example/3", "https://a.example/4", "https://a.example/5", "https://a.example/6"}},
		"origins on web":    {"appType": "web", "clientName": "x", "allowedOrigins": []string{"https://a.example"}},
		"grants on spa":     {"appType": "spa", "clientName": "x", "allowedGrantTypes": []string{"client_credentials"}},
		"key jwt, no keys":  {"appType": "web", "clientName": "x", "allowedAuthMethods": []string{"private_key_jwt"}},
		"consent required":  {"appType": "web", "clientName": "x", "connectionConfig": map[string]string{"consentMethod": "required"}},
	} {
		t.Run(name, func(t *testing.T) {
			if name == "consent required" {
				// The create schema allows only "trusted".
				callInvalid(http.MethodPost, clients, admin, http.StatusBadRequest, body)
				return
			}
			call(http.MethodPost, clients, admin, http.StatusBadRequest, body)
		})
	}
	callInvalid(http.MethodPost, clients, admin, http.StatusBadRequest, map[string]any{"appType": "desktop", "clientName": "x"})
	if n := len(sim.OAuthClients(home.Hostname)); n != 1 {
		t.Fatalf("%d clients stored after refused creates, want 1", n)
	}

	// A SPA with origins and no secret; list, filter, sort and pages.
	var spa oauthClientCreated
	call(http.MethodPost, clients, admin, http.StatusCreated, map[string]any{
		"appType": "spa", "clientName": "Analytics SPA", "allowedOrigins": []string{"https://app.example.com"},
		"redirectUris": []string{"https://app.example.com/login"}, "connectionConfig": map[string]string{"consentMethod": "trusted"},
	}).decode(t, &spa)
	if spa.ClientSecret != "" || len(spa.ClientSecrets) != 0 || spa.ConnectionConfig.ConsentMethod != "trusted" {
		t.Errorf("a SPA is a public client with the trusted consent it asked for: %+v", spa)
	}
	for i := range 3 {
		call(http.MethodPost, clients, admin, http.StatusCreated, map[string]any{"appType": "native", "clientName": fmt.Sprintf("Mobile %d", i)})
	}
	walked, _ := walkPages[OAuthClient](t, func(u string) *response { return call(http.MethodGet, u, admin, http.StatusOK, nil) },
		clients+"?limit=2&sort=-clientName&totalResults=true", nil)
	if walked != 5 {
		t.Errorf("walked %d clients, want 5", walked)
	}
	var filtered countedPage[OAuthClient]
	call(http.MethodGet, clients+"?filter="+url.QueryEscape(`clientName eq "Vendor portal"`), admin, http.StatusOK, nil).decode(t, &filtered)
	if len(filtered.Data) != 1 || filtered.Data[0].ClientID != id {
		t.Errorf("filter by name: %+v", filtered.Data)
	}
	call(http.MethodGet, clients+"?filter="+url.QueryEscape(`ownerId eq "x"`), admin, http.StatusBadRequest, nil)
	call(http.MethodGet, clients+"/0123456789abcdef0123456789abcdef", admin, http.StatusNotFound, nil)

	// PATCH: replace of strings and lists answers 204; adding client_secret back after removing it answers 202
	// with the one new secret.
	call(http.MethodPatch, clients+"/"+id, admin, http.StatusNoContent, []map[string]any{
		{"op": "replace", "path": "/clientName", "value": "Vendor portal (EU)"},
		{"op": "replace", "path": "/redirectUris", "value": []string{"https://eu.portal.example.com/callback"}},
		{"op": "add", "path": "/allowedScopes", "value": "admin_classic"},
	})
	call(http.MethodPatch, clients+"/"+id, admin, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/allowedOrigins", "value": []string{"https://a.example"}}})
	callInvalid(http.MethodPatch, clients+"/"+id, admin, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/appType", "value": "spa"}})
	call(http.MethodPatch, clients+"/0123456789abcdef0123456789abcdef", admin, http.StatusNotFound, []map[string]any{{"op": "replace", "path": "/description", "value": "x"}})

	// Secrets: up to five at a time, 409 beyond; delete by hint.
	var hints []string
	for range 4 {
		var sec oauthClientSecretCreated
		call(http.MethodPost, clients+"/"+id+"/client-secrets", admin, http.StatusCreated, nil).decode(t, &sec)
		hints = append(hints, sec.Hint)
	}
	call(http.MethodPost, clients+"/"+id+"/client-secrets", admin, http.StatusConflict, nil)
	for _, h := range hints {
		call(http.MethodDelete, clients+"/"+id+"/client-secrets/"+h, admin, http.StatusNoContent, nil)
	}
	call(http.MethodDelete, clients+"/"+id+"/client-secrets/zzzz", admin, http.StatusNotFound, nil)

	// Consent method and publish.
	call(http.MethodPatch, clients+"/"+id+"/connection-configs/me", admin, http.StatusNoContent, []map[string]string{{"op": "replace", "path": "/consentMethod", "value": "trusted"}})
	var cfg connectionConfigWire
	call(http.MethodGet, clients+"/"+id+"/connection-configs/me", admin, http.StatusOK, nil).decode(t, &cfg)
	if cfg.ConsentMethod != "trusted" {
		t.Errorf("consent method %q after PATCH", cfg.ConsentMethod)
	}
	callInvalid(http.MethodPatch, clients+"/"+id+"/connection-configs/me", admin, http.StatusBadRequest, []map[string]string{{"op": "replace", "path": "/consentMethod", "value": "never"}})

	// Tokens of the tenant's own client. Impersonation works for an existing user and names the user; an unknown
	// subject, a wrong secret, a grant the client lacks and a scope outside its list are refused.
	user, err := sim.AddUser(home.Hostname, "auth0|alice")
	if err != nil {
		t.Fatal(err)
	}
	tokens := home.URL + "/oauth/token"
	imp := func(subject, secret string) map[string]any {
		return map[string]any{
			"grant_type": "urn:qlik:oauth:user-impersonation", "client_id": id, "client_secret": secret,
			"user_lookup": map[string]string{"field": "subject", "value": subject}, "scope": "user_default",
		}
	}
	var tok tokenResponse
	call(http.MethodPost, tokens, "", http.StatusOK, imp("auth0|alice", created.ClientSecret)).decode(t, &tok)
	if tok.Scope != "user_default" {
		t.Errorf("granted scope %q", tok.Scope)
	}
	// GET /users/me answers 301 to the caller's record, which the client follows: two validated exchanges.
	calls.sent++
	var me User
	call(http.MethodGet, home.URL+"/api/v1/users/me", tok.AccessToken, http.StatusOK, nil).decode(t, &me)
	if me.ID != user.ID || me.Subject != "auth0|alice" {
		t.Errorf("users/me with the impersonation token is %s (%s), want %s", me.ID, me.Subject, user.ID)
	}
	call(http.MethodPost, tokens, "", http.StatusBadRequest, imp("auth0|nobody", created.ClientSecret))
	call(http.MethodPost, tokens, "", http.StatusUnauthorized, imp("auth0|alice", "wrong"))
	wrongScope := imp("auth0|alice", created.ClientSecret)
	wrongScope["scope"] = "tenants:create"
	call(http.MethodPost, tokens, "", http.StatusBadRequest, wrongScope)
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {created.ClientSecret}}
	calls.sent++
	if r := cc.do(t.Context(), http.MethodPost, tokens, "", "application/x-www-form-urlencoded", []byte(form.Encode())); r.status != http.StatusOK {
		t.Errorf("client credentials of a tenant client: %d %s", r.status, r.body)
	}
	// The client is the home tenant's until it is published; then every tenant of the region accepts it.
	call(http.MethodPost, other.URL+"/oauth/token", "", http.StatusUnauthorized,
		map[string]string{"grant_type": "client_credentials", "client_id": id, "client_secret": created.ClientSecret})
	call(http.MethodPost, clients+"/"+id+"/actions/publish", admin, http.StatusCreated, nil)
	call(http.MethodPost, other.URL+"/oauth/token", "", http.StatusOK,
		map[string]string{"grant_type": "client_credentials", "client_id": id, "client_secret": created.ClientSecret})

	// private_key_jwt: a client with public keys and no secret signs an assertion for the token endpoint.
	key, jwk := testJWK(t, "k1")
	var keyed oauthClientCreated
	call(http.MethodPost, clients, admin, http.StatusCreated, map[string]any{
		"appType": "web", "clientName": "Keyed backend", "allowedAuthMethods": []string{"private_key_jwt"},
		"publicKeys": []JWK{jwk}, "allowedGrantTypes": []string{"urn:qlik:oauth:user-impersonation"}, "allowedScopes": []string{"user_default"},
	}).decode(t, &keyed)
	if keyed.ClientSecret != "" || len(keyed.ClientSecrets) != 0 {
		t.Errorf("a private_key_jwt client got a secret: %+v", keyed)
	}
	assertion, err := SignJWT("RS256", key, "k1", map[string]any{
		"iss": keyed.ClientID, "sub": keyed.ClientID, "aud": home.URL + "/oauth/token",
		"exp": time.Now().Add(time.Minute).Unix(), "jti": randomHex(8),
	})
	if err != nil {
		t.Fatal(err)
	}
	// oauth.json requires client_secret in the impersonation request even though client_assertion replaces it.
	callInvalid(http.MethodPost, tokens, "", http.StatusOK, map[string]any{
		"grant_type": "urn:qlik:oauth:user-impersonation", "client_id": keyed.ClientID,
		"client_assertion_type": clientAssertionType, "client_assertion": assertion,
		"user_lookup": map[string]string{"field": "userId", "value": user.ID},
	})

	// DELETE needs qlik-confirm-delete naming the client.
	calls.sent++
	if r := cc.deleteWithHeader(invalidRequest(t.Context()), clients+"/"+id, admin, "", ""); r.status != http.StatusBadRequest {
		c.t.Errorf("DELETE without the confirmation header: %d", r.status)
	}
	calls.sent++
	if r := cc.deleteWithHeader(t.Context(), clients+"/"+id, admin, "qlik-confirm-delete", spa.ClientID); r.status != http.StatusBadRequest {
		c.t.Errorf("DELETE confirming another id: %d", r.status)
	}
	calls.sent++
	if r := cc.deleteWithHeader(t.Context(), clients+"/"+id, admin, "qlik-confirm-delete", id); r.status != http.StatusNoContent {
		c.t.Errorf("DELETE: %d %s", r.status, r.body)
	}
	calls.sent++
	if r := cc.deleteWithHeader(t.Context(), clients+"/"+id, admin, "qlik-confirm-delete", id); r.status != http.StatusNotFound {
		c.t.Errorf("second DELETE: %d", r.status)
	}
	call(http.MethodPost, tokens, "", http.StatusUnauthorized, imp("auth0|alice", created.ClientSecret))

	calls.allValidated(c)
}

// fixOAuthClientsOneOfs turns the oneOf of the admin and the plain read (and list) answers of oauth-clients.json
// into an anyOf: the admin schema only adds properties to the plain one and neither forbids additional
// properties, so every admin answer matches both and a oneOf can never pass.
func fixOAuthClientsOneOfs(t *testing.T, doc *openapi3.T) {
	t.Helper()
	for _, p := range []string{"/api/v1/oauth-clients", "/api/v1/oauth-clients/{id}"} {
		schema := doc.Paths.Value(p).Get.Responses.Status(http.StatusOK).Value.Content.Get("application/json").Schema.Value
		if len(schema.OneOf) != 2 {
			t.Fatalf("oauth-clients.json: GET %s is no longer a oneOf of two; drop fixOAuthClientsOneOfs", p)
		}
		schema.AnyOf, schema.OneOf = schema.OneOf, nil
	}
}
