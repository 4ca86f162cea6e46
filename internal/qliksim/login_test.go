package qliksim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// loginFixture is a tenant with a jwtAuth identity provider and the private key that signs its tokens.
type loginFixture struct {
	t    *testing.T
	sim  *Server
	home *Tenant
	key  crypto.Signer
	alg  string
}

const (
	testIssuer = "https://portal.example.com"
	testKID    = "portal-key-1"
)

func newLoginFixture(t *testing.T, kind string) *loginFixture {
	t.Helper()
	sim := StartT(t, Options{})
	f := &loginFixture{t: t, sim: sim, home: sim.Home()}
	var pub crypto.PublicKey
	switch kind {
	case "rsa":
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		f.key, pub, f.alg = k, &k.PublicKey, "RS256"
	case "ec":
		k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		f.key, pub, f.alg = k, &k.PublicKey, "ES384"
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	newTestClient(t).expect(http.StatusCreated, http.MethodPost, f.home.URL+"/api/v1/identity-providers",
		sim.Credentials().APIKey, jwtIDPBody(testIssuer, testKID, pemText))
	return f
}

func (f *loginFixture) sign(claims map[string]any) string {
	f.t.Helper()
	tok, err := SignJWT(f.alg, f.key, testKID, claims)
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

// browser is an HTTP client with a cookie jar, as the embedding page's browser would be.
type browser struct {
	t  *testing.T
	hc *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &browser{t: t, hc: &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second}}
}

func (b *browser) do(method, rawURL string, header map[string]string, body string) (int, []byte) {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.t.Context(), method, rawURL, strings.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

func (b *browser) login(baseURL, token string) (int, []byte) {
	return b.do(http.MethodPost, baseURL+jwtLoginRoute, map[string]string{"Authorization": "Bearer " + token}, "")
}

func TestJWTLoginGrantsGroupRoles(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"rsa", "ec"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			f := newLoginFixture(t, kind)
			admin := newTestClient(t)
			key := f.sim.Credentials().APIKey
			// The vendor maps the group before anyone logs in.
			g := admin.expect(http.StatusCreated, http.MethodPost, f.home.URL+"/api/v1/groups", key,
				map[string]any{"name": "acme-analysts", "assignedRoles": []map[string]string{{"name": "EmbeddedAnalyticsUser"}}})
			var group struct{ ID string }
			g.decode(t, &group)

			b := newBrowser(t)
			status, body := b.login(f.home.URL, f.sign(LoginClaims(testIssuer, "acme|jane", "Jane", "jane@acme.example", "acme-analysts", "acme-new-team")))
			if status != http.StatusOK {
				t.Fatalf("login: %d %s", status, body)
			}
			// The session identifies the user: /users/me redirects to the user's record, which the cookie may read.
			status, body = b.do(http.MethodGet, f.home.URL+"/api/v1/users/me", nil, "")
			if status != http.StatusOK {
				t.Fatalf("users/me: %d %s", status, body)
			}
			var me User
			if err := json.Unmarshal(body, &me); err != nil {
				t.Fatal(err)
			}
			if me.Subject != "acme|jane" || me.Name != "Jane" || !slices.Equal(me.GroupNames(), []string{"acme-analysts", "acme-new-team"}) {
				t.Fatalf("user after login: %+v", me)
			}
			groups, roles, err := f.sim.UserAccess(f.home.Hostname, me.ID)
			if err != nil || !slices.Contains(roles, "EmbeddedAnalyticsUser") || len(groups) != 2 {
				t.Fatalf("access: groups %v roles %v err %v", groups, roles, err)
			}
			// The pre-mapped group was reused, not duplicated; the unknown one was created from the claim.
			if n := len(f.sim.Groups(f.home.Hostname)); n != 2 {
				t.Errorf("tenant holds %d groups, want 2", n)
			}
		})
	}
}

func TestJWTLoginRefusals(t *testing.T) {
	t.Parallel()
	f := newLoginFixture(t, "rsa")
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	valid := func(edit func(map[string]any)) map[string]any {
		c := LoginClaims(testIssuer, "acme|joe", "Joe", "joe@acme.example", "acme-analysts")
		if edit != nil {
			edit(c)
		}
		return c
	}
	now := time.Now()
	replayed := f.sign(valid(nil))
	if status, body := newBrowser(t).login(f.home.URL, replayed); status != http.StatusOK {
		t.Fatalf("first use of the token: %d %s", status, body)
	}
	cases := []struct {
		name, token, want string
	}{
		{"no token", "", "Authorization: Bearer"},
		{"not a JWS", "abc.def", "compact JWS"},
		{"replayed jti", replayed, "already used"},
		{"signed by another key", mustSign(t, "RS256", other, testKID, valid(nil)), "does not verify"},
		{"unknown key id", mustSign(t, "RS256", f.key, "other-kid", valid(nil)), "no active jwtAuth identity provider"},
		{"unknown issuer", f.sign(valid(func(c map[string]any) { c["iss"] = "https://evil.example" })), "no active jwtAuth identity provider"},
		{"wrong audience", f.sign(valid(func(c map[string]any) { c["aud"] = "qlik.api" })), "aud must be"},
		{"not a user", f.sign(valid(func(c map[string]any) { c["subType"] = "client" })), "subType"},
		{"missing email", f.sign(valid(func(c map[string]any) { delete(c, "email"); delete(c, "email_verified") })), "email, email_verified"},
		{"expired", f.sign(valid(func(c map[string]any) { c["exp"] = now.Add(-time.Minute).Unix() })), "expired"},
		{"not yet valid", f.sign(valid(func(c map[string]any) { c["nbf"] = now.Add(10 * time.Minute).Unix() })), "not valid yet"},
		{"longer than an hour", f.sign(valid(func(c map[string]any) { c["exp"] = now.Add(2 * time.Hour).Unix() })), "more than an hour"},
		{"alg mismatch", mustSign(t, "ES256", mustEC(t), testKID, valid(nil)), "does not match"},
	}
	for _, c := range cases {
		status, body := newBrowser(t).login(f.home.URL, c.token)
		if status != http.StatusUnauthorized || !strings.Contains(string(body), c.want) {
			t.Errorf("%s: %d %s, want 401 mentioning %q", c.name, status, body, c.want)
		}
	}
	// An HMAC token is refused whatever its signature.
	hmac := strings.Replace(f.sign(valid(nil)), strings.Split(f.sign(valid(nil)), ".")[0], "eyJhbGciOiJIUzI1NiIsImtpZCI6InBvcnRhbC1rZXktMSJ9", 1)
	if status, body := newBrowser(t).login(f.home.URL, hmac); status != http.StatusUnauthorized || !strings.Contains(string(body), "not accepted") {
		t.Errorf("HS256: %d %s", status, body)
	}
	// A token for this tenant's identity provider does not open a session on another tenant.
	customer, err := f.sim.AddTenant("customer")
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := newBrowser(t).login(customer.URL, f.sign(valid(nil))); status != http.StatusUnauthorized {
		t.Errorf("login on another tenant: %d, want 401", status)
	}
}

func TestSessionCookieNeedsCSRFForWrites(t *testing.T) {
	t.Parallel()
	f := newLoginFixture(t, "rsa")
	b := newBrowser(t)
	if status, body := b.login(f.home.URL, f.sign(LoginClaims(testIssuer, "acme|ann", "Ann", "ann@acme.example"))); status != http.StatusOK {
		t.Fatalf("login: %d %s", status, body)
	}
	spaces := f.home.URL + "/api/v1/spaces"
	if status, body := b.do(http.MethodGet, spaces, nil, ""); status != http.StatusOK {
		t.Fatalf("read with the session: %d %s", status, body)
	}
	status, body := b.do(http.MethodPost, spaces, nil, `{"name":"Ann's space","type":"shared"}`)
	if status != http.StatusForbidden || !strings.Contains(string(body), "CSRF-TOKEN-2") {
		t.Fatalf("write without the CSRF header: %d %s, want 403 CSRF-TOKEN-2", status, body)
	}
	csrf := ""
	for _, c := range b.hc.Jar.Cookies(mustURL(t, f.home.URL)) {
		if c.Name == CSRFCookie {
			csrf = c.Value
		}
	}
	if status, body := b.do(http.MethodPost, spaces, map[string]string{csrfHeader: csrf}, `{"name":"Ann's space","type":"shared"}`); status != http.StatusCreated {
		t.Fatalf("write with the CSRF header: %d %s", status, body)
	}
	// Without any credential the API still answers 401.
	if status, _ := newBrowser(t).do(http.MethodGet, spaces, nil, ""); status != http.StatusUnauthorized {
		t.Errorf("no session: %d, want 401", status)
	}
}

func mustSign(t *testing.T, alg string, key crypto.Signer, kid string, claims map[string]any) string {
	t.Helper()
	tok, err := SignJWT(alg, key, kid, claims)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func mustEC(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
