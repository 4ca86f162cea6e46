package qliksim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestTokenRequests(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	c := newTestClient(t)
	creds := sim.Credentials()
	home := sim.Home().URL
	good := url.Values{"client_id": {creds.ClientID}, "client_secret": {creds.ClientSecret}, "grant_type": {"client_credentials"}}
	goodJSON := `{"client_id":"` + creds.ClientID + `","client_secret":"` + creds.ClientSecret + `","grant_type":"client_credentials"}`

	for _, tc := range []struct {
		name        string
		contentType string
		body        string
		basic       []string
		status      int
		code        string
		scope       string
	}{
		{name: "json", contentType: "application/json", body: goodJSON, status: 200, scope: strings.Join(sim.scopes, " ")},
		{name: "form", contentType: "application/x-www-form-urlencoded", body: good.Encode(), status: 200},
		{name: "json without content type", body: goodJSON, status: 200},
		{name: "form without content type", body: good.Encode(), status: 200},
		{name: "json with charset", contentType: "application/json; charset=utf-8", body: goodJSON, status: 200},
		{name: "basic auth", contentType: "application/x-www-form-urlencoded", body: "grant_type=client_credentials", basic: []string{creds.ClientID, creds.ClientSecret}, status: 200},
		{name: "requested scope", contentType: "application/json", body: `{"client_id":"` + creds.ClientID + `","client_secret":"` + creds.ClientSecret + `","grant_type":"client_credentials","scope":"admin_classic"}`, status: 200, scope: "admin_classic"},
		{name: "scope not assigned", contentType: "application/json", body: `{"client_id":"` + creds.ClientID + `","client_secret":"` + creds.ClientSecret + `","grant_type":"client_credentials","scope":"admin_classic apps:delete"}`, status: 400, code: "invalid_scope"},
		{name: "wrong secret", contentType: "application/json", body: `{"client_id":"` + creds.ClientID + `","client_secret":"nope","grant_type":"client_credentials"}`, status: 401, code: "invalid_client"},
		{name: "unknown client", contentType: "application/json", body: `{"client_id":"other","client_secret":"` + creds.ClientSecret + `","grant_type":"client_credentials"}`, status: 401, code: "invalid_client"},
		{name: "missing credentials", contentType: "application/json", body: `{"grant_type":"client_credentials"}`, status: 401, code: "invalid_client"},
		{name: "basic auth and body", contentType: "application/x-www-form-urlencoded", body: good.Encode(), basic: []string{creds.ClientID, creds.ClientSecret}, status: 400, code: "invalid_request"},
		{name: "missing grant", contentType: "application/json", body: `{"client_id":"a","client_secret":"b"}`, status: 400, code: "invalid_request"},
		{name: "documented but unsupported grant", contentType: "application/json", body: `{"grant_type":"refresh_token","refresh_token":"x"}`, status: 400, code: "unsupported_grant_type"},
		{name: "unknown grant", contentType: "application/json", body: `{"grant_type":"password"}`, status: 400, code: "unsupported_grant_type"},
		{name: "not an object", contentType: "application/json", body: `[1]`, status: 400, code: "invalid_request"},
		{name: "non-string field", contentType: "application/json", body: `{"grant_type":1}`, status: 400, code: "invalid_request"},
		{name: "unsupported media type", contentType: "text/plain", body: "grant_type=client_credentials", status: 400, code: "invalid_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, home+"/oauth/token", strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			if tc.basic != nil {
				req.SetBasicAuth(tc.basic[0], tc.basic[1])
			}
			resp, err := c.hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %v", resp.StatusCode, tc.status, body)
			}
			if tc.status != http.StatusOK {
				errs, _ := body["errors"].([]any)
				first, _ := errs[0].(map[string]any)
				if first["code"] != tc.code || first["status"] != strconv.Itoa(tc.status) || first["title"] == "" {
					t.Errorf("error body %v, want code %s and string status %d", body, tc.code, tc.status)
				}
				if _, ok := body["traceId"]; ok {
					t.Errorf("oauth errors carry no traceId: %v", body)
				}
				return
			}
			if body["token_type"] != "bearer" || body["access_token"] == "" || body["expires_in"] != float64(21600) {
				t.Errorf("token body %v", body)
			}
			if tc.scope != "" && body["scope"] != tc.scope {
				t.Errorf("scope %v, want %q", body["scope"], tc.scope)
			}
			expiresAt, _ := body["expires_at"].(string)
			exp, err := time.Parse(time.RFC3339, expiresAt)
			if left := time.Until(exp); err != nil || left < 6*time.Hour-time.Minute || left > 6*time.Hour {
				t.Errorf("expires_at %v (%v)", body["expires_at"], err)
			}
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
			}
		})
	}
}

// TestTokensAreBoundToHost: the OAuth client may mint on every host, but a token works only where it was minted.
func TestTokensAreBoundToHost(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	other := addTenant(t, sim, "customer-a")
	c := newTestClient(t)
	home := sim.Home()
	homeTok := c.mintToken(sim, home.URL)
	otherTok := c.mintToken(sim, other.URL)
	regTok := c.mintToken(sim, sim.RegistrationURL())

	for _, tc := range []struct {
		name   string
		base   string
		token  string
		status int
	}{
		{"home token on home", home.URL, homeTok, 200},
		{"tenant token on tenant", other.URL, otherTok, 200},
		{"home token on tenant", other.URL, homeTok, 401},
		{"tenant token on home", home.URL, otherTok, 401},
		{"register token on home", home.URL, regTok, 401},
		{"api key on home", home.URL, sim.Credentials().APIKey, 200},
		{"api key on tenant", other.URL, sim.Credentials().APIKey, 401},
		{"client secret as bearer", home.URL, sim.Credentials().ClientSecret, 401},
		{"no token", home.URL, "", 401},
	} {
		r := c.do(http.MethodGet, tc.base+"/api/v1/spaces", tc.token, nil)
		if r.status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, r.status, tc.status)
		}
		if r.status == http.StatusUnauthorized {
			if codes := r.errorCodes(t); !slices.Equal(codes, []string{"HTTP-401"}) {
				t.Errorf("%s: error codes %v", tc.name, codes)
			}
			if r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s: 401 without WWW-Authenticate", tc.name)
			}
		}
	}

	// The bot user differs per tenant, and objects record it.
	if home.BotUserID == other.BotUserID || home.BotUserID == "" {
		t.Fatalf("bot users %q and %q", home.BotUserID, other.BotUserID)
	}
	sp := c.createSpace(other.URL, otherTok, "Bot space", "shared")
	if sp.OwnerID != other.BotUserID || sp.CreatedBy != other.BotUserID {
		t.Errorf("space owner %q creator %q, want bot %q", sp.OwnerID, sp.CreatedBy, other.BotUserID)
	}
	sp = c.createSpace(home.URL, sim.Credentials().APIKey, "Admin space", "shared")
	if sp.OwnerID != home.AdminUserID || home.AdminUserID == "" {
		t.Errorf("space owner %q, want admin %q", sp.OwnerID, home.AdminUserID)
	}
	if other.AdminUserID != "" {
		t.Errorf("non-home tenant has an API-key admin %q", other.AdminUserID)
	}

	// Minted tokens are countable per host from the audit.
	c.mintToken(sim, home.URL)
	for host, want := range map[string]int{home.Hostname: 2, other.Hostname: 1, strings.TrimPrefix(sim.RegistrationURL(), "http://"): 1} {
		if got := sim.AuditCount(http.MethodPost, "/oauth/token", host); got != want {
			t.Errorf("tokens minted on %s: %d, want %d", host, got, want)
		}
	}
}

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{TokenTTL: 300 * time.Millisecond})
	c := newTestClient(t)
	r := c.expect(http.StatusOK, http.MethodPost, sim.Home().URL+"/oauth/token", "", url.Values{
		"client_id": {sim.Credentials().ClientID}, "client_secret": {sim.Credentials().ClientSecret}, "grant_type": {"client_credentials"},
	})
	var tok tokenResponse
	r.decode(t, &tok)
	// Rounded up, so a client never sees 0 for a token that is still valid.
	if tok.ExpiresIn != 1 {
		t.Errorf("expires_in %d, want 1", tok.ExpiresIn)
	}
	expires, err := time.Parse(time.RFC3339, tok.ExpiresAt)
	if err != nil {
		t.Fatal(err)
	}
	c.expect(http.StatusOK, http.MethodGet, sim.Home().URL+"/api/v1/spaces", tok.AccessToken, nil)
	time.Sleep(time.Until(expires) + 20*time.Millisecond)
	c.expect(http.StatusUnauthorized, http.MethodGet, sim.Home().URL+"/api/v1/spaces", tok.AccessToken, nil)
	// A fresh token works again: what a client's refresh does.
	c.expect(http.StatusOK, http.MethodGet, sim.Home().URL+"/api/v1/spaces", c.mintToken(sim, sim.Home().URL), nil)
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	c := newTestClient(t)
	home := sim.Home().URL
	tok := c.mintToken(sim, home)
	c.expect(http.StatusOK, http.MethodGet, home+"/api/v1/spaces", tok, nil)
	c.expect(http.StatusBadRequest, http.MethodPost, home+"/oauth/revoke", "", map[string]string{"token_type_hint": "access_token"})
	c.expect(http.StatusOK, http.MethodPost, home+"/oauth/revoke", "", url.Values{"token": {tok}, "token_type_hint": {"access_token"}})
	c.expect(http.StatusUnauthorized, http.MethodGet, home+"/api/v1/spaces", tok, nil)
}

func TestTokenStoreSweepsExpired(t *testing.T) {
	t.Parallel()
	ts := newTokenStore()
	now := time.Now()
	for range sweepFloor {
		ts.mint(caller{clientID: "c"}, now, time.Millisecond)
	}
	live, _ := ts.mint(caller{clientID: "c"}, now.Add(time.Second), time.Hour)
	if len(ts.tokens) != 1 {
		t.Errorf("%d tokens kept after sweep, want 1", len(ts.tokens))
	}
	if _, ok := ts.lookup(live, now.Add(2*time.Second)); !ok {
		t.Error("live token lost in sweep")
	}
}
