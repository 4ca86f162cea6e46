package qlik

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testClientID     = "client-id-1"
	testClientSecret = "client-SECRET-abcdef0123456789"
)

// oauthTenant is a fake tenant host with its own token endpoint. Tokens are
// accepted only by the host that minted them.
type oauthTenant struct {
	t          *testing.T
	name       string
	tokenCalls atomic.Int32
	apiCalls   atomic.Int32

	mu     sync.Mutex
	valid  map[string]bool
	lastTk string

	// tokenDelay slows the token endpoint so concurrent callers overlap.
	tokenDelay time.Duration
	// tokenGate, when set, holds every token request until it is closed.
	tokenGate chan struct{}
	// expiresIn and expiresAt shape the token response.
	expiresIn any
	expiresAt string
	// rejectToken answers the token endpoint with 401, refuseToken with 403.
	rejectToken, refuseToken bool
	// apiHandler overrides the API answer.
	apiHandler func(w http.ResponseWriter, r *http.Request)
}

func newOAuthTenant(t *testing.T, name string) *oauthTenant {
	return &oauthTenant{t: t, name: name, valid: map[string]bool{}, expiresIn: 21600}
}

func (o *oauthTenant) revokeAll() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.valid = map[string]bool{}
}

func (o *oauthTenant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/oauth/token" {
		o.token(w, r)
		return
	}
	o.apiCalls.Add(1)
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	o.mu.Lock()
	ok := o.valid[tok]
	o.mu.Unlock()
	if !ok {
		writeQlikError(w, http.StatusUnauthorized, "AUTH-1", "Invalid token")
		return
	}
	if o.apiHandler != nil {
		o.apiHandler(w, r)
		return
	}
	writeJSON(w, http.StatusOK, Space{ID: "s1", Name: o.name})
}

func (o *oauthTenant) token(w http.ResponseWriter, r *http.Request) {
	n := o.tokenCalls.Add(1)
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Authorization") != "" {
		o.t.Errorf("token request: method %s, content type %q, authorization %q", r.Method, r.Header.Get("Content-Type"), r.Header.Get("Authorization"))
	}
	var body map[string]any
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &body); err != nil {
		o.t.Errorf("token body: %s", b)
	}
	if _, hasScope := body["scope"]; hasScope || body["grant_type"] != "client_credentials" ||
		body["client_id"] != testClientID || len(body) != 3 {
		o.t.Errorf("token body = %s", b)
	}
	if o.tokenDelay > 0 {
		time.Sleep(o.tokenDelay)
	}
	if o.tokenGate != nil {
		select {
		case <-o.tokenGate:
		case <-r.Context().Done():
			return
		}
	}
	if o.refuseToken {
		writeQlikError(w, http.StatusForbidden, "OAUTH-3", "user is disabled or has reached the maximum number of tokens")
		return
	}
	if o.rejectToken || body["client_secret"] != testClientSecret {
		writeQlikError(w, http.StatusUnauthorized, "OAUTH-1", "invalid client credentials")
		return
	}
	tok := fmt.Sprintf("access-token-%s-%d-SECRET", o.name, n)
	o.mu.Lock()
	o.valid[tok] = true
	o.lastTk = tok
	o.mu.Unlock()
	resp := map[string]any{"access_token": tok, "token_type": "bearer", "scope": "admin_classic"}
	if o.expiresIn != nil {
		resp["expires_in"] = o.expiresIn
	}
	if o.expiresAt != "" {
		resp["expires_at"] = o.expiresAt
	}
	writeJSON(w, http.StatusOK, resp)
}

// config is oauthConfig for a test server that serves this tenant.
func (o *oauthTenant) config() Config { return oauthConfig(newServer(o.t, o).URL) }

// client is a client of a test server that serves this tenant, signing in with the test OAuth client.
func (o *oauthTenant) client() *Client {
	o.t.Helper()
	return newClient(o.t, o.config())
}

func oauthConfig(url string) Config {
	cfg := fastConfig(url)
	cfg.APIKey = ""
	cfg.ClientID = testClientID
	cfg.ClientSecret = testClientSecret
	// The test servers are loopback hosts on random ports, trusted like qliksim's.
	cfg.TrustedHosts = map[string]string{"127.0.0.1": "eu"}
	return cfg
}

func TestOAuth_ConcurrentCallsMintOneTokenPerHost(t *testing.T) {
	home := newOAuthTenant(t, "home")
	other := newOAuthTenant(t, "other")
	home.tokenDelay = 50 * time.Millisecond
	other.tokenDelay = 50 * time.Millisecond
	homeSrv, otherSrv := newServer(t, home), newServer(t, other)
	c := newClient(t, oauthConfig(homeSrv.URL))
	ov, err := c.ForTenant(hostOf(otherSrv))
	if err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 100 {
		view := c
		if i%2 == 1 {
			view = ov
		}
		wg.Go(func() {
			if _, err := view.GetSpace(t.Context(), "s1"); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if home.tokenCalls.Load() != 1 || other.tokenCalls.Load() != 1 {
		t.Errorf("token requests: home %d, other %d; want exactly 1 each", home.tokenCalls.Load(), other.tokenCalls.Load())
	}
	if home.apiCalls.Load() != 50 || other.apiCalls.Load() != 50 {
		t.Errorf("api calls: home %d, other %d", home.apiCalls.Load(), other.apiCalls.Load())
	}
}

func TestOAuth_RefreshBeforeExpiry(t *testing.T) {
	for _, tc := range []struct {
		name      string
		expiresIn any
		expiresAt func(now time.Time) string
	}{
		{name: "expires_in", expiresIn: 1000},
		{name: "expires_in as string", expiresIn: "1000"},
		{name: "expires_at fallback", expiresAt: func(now time.Time) string { return now.Add(1000 * time.Second).Format(time.RFC3339) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ten := newOAuthTenant(t, "home")
			ten.expiresIn = tc.expiresIn
			c := ten.client()
			var mu sync.Mutex
			now := time.Now()
			c.core.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
			if tc.expiresAt != nil {
				ten.expiresAt = tc.expiresAt(now)
			}

			get := func() {
				t.Helper()
				if _, err := c.GetSpace(t.Context(), "s1"); err != nil {
					t.Fatal(err)
				}
			}
			get()
			advance(850 * time.Second) // 150s left of 1000s: more than 10%
			get()
			if n := ten.tokenCalls.Load(); n != 1 {
				t.Fatalf("token requests = %d, want 1 while the token is fresh", n)
			}
			advance(60 * time.Second) // 90s left: under 10% of the lifetime
			get()
			if n := ten.tokenCalls.Load(); n != 2 {
				t.Fatalf("token requests = %d, want a refresh near expiry", n)
			}
		})
	}
}

func TestOAuth_RefreshMarginCappedAtFiveMinutes(t *testing.T) {
	ten := newOAuthTenant(t, "home") // 6 h token: 10% would be 36 min
	c := ten.client()
	now := time.Now()
	var mu sync.Mutex
	c.core.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	if _, err := c.GetSpace(t.Context(), "s1"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(6*time.Hour - 6*time.Minute)
	mu.Unlock()
	if _, err := c.GetSpace(t.Context(), "s1"); err != nil {
		t.Fatal(err)
	}
	if n := ten.tokenCalls.Load(); n != 1 {
		t.Errorf("token requests = %d; with 6 min left of 6 h the token is still used", n)
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	if _, err := c.GetSpace(t.Context(), "s1"); err != nil {
		t.Fatal(err)
	}
	if n := ten.tokenCalls.Load(); n != 2 {
		t.Errorf("token requests = %d; with 4 min left it must be refreshed", n)
	}
}

func TestOAuth_401WithCachedTokenRefreshesOnce(t *testing.T) {
	ten := newOAuthTenant(t, "home")
	c := ten.client()
	if _, err := c.GetSpace(t.Context(), "s1"); err != nil {
		t.Fatal(err)
	}
	ten.revokeAll()
	if _, err := c.GetSpace(t.Context(), "s1"); err != nil {
		t.Fatalf("GetSpace after revocation: %v", err)
	}
	if ten.tokenCalls.Load() != 2 || ten.apiCalls.Load() != 3 {
		t.Errorf("token requests = %d, api calls = %d; want 2 and 3 (ok, 401, retry)", ten.tokenCalls.Load(), ten.apiCalls.Load())
	}
}

func TestOAuth_401WithFreshTokenIsNotRetried(t *testing.T) {
	ten := newOAuthTenant(t, "home")
	ten.apiHandler = func(w http.ResponseWriter, _ *http.Request) {
		writeQlikError(w, http.StatusUnauthorized, "AUTH-2", "no access")
	}
	c := ten.client()
	_, err := c.GetSpace(t.Context(), "s1")
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v", err)
	}
	if ten.tokenCalls.Load() != 1 || ten.apiCalls.Load() != 1 {
		t.Errorf("token requests = %d, api calls = %d; want 1 and 1", ten.tokenCalls.Load(), ten.apiCalls.Load())
	}
	// Now the token is cached: exactly one refresh, then the 401 is returned.
	_, err = c.GetSpace(t.Context(), "s1")
	if !errors.Is(err, ErrUnauthorized) || ten.tokenCalls.Load() != 2 || ten.apiCalls.Load() != 3 {
		t.Errorf("err = %v, token requests = %d, api calls = %d; want 401, 2, 3", err, ten.tokenCalls.Load(), ten.apiCalls.Load())
	}
}

// TestOAuth_RefusedTokenRequest: a 403 from the token endpoint is not reported as rejected credentials (Qlik
// answers it to valid credentials of a disabled user, or on a deactivated tenant's host), and is not retried.
func TestOAuth_RefusedTokenRequest(t *testing.T) {
	ten := newOAuthTenant(t, "home")
	ten.refuseToken = true
	c := ten.client()
	_, err := c.GetSpace(t.Context(), "s1")
	host, refusing := TenantRefusing(err)
	if !refusing || host == "" {
		t.Fatalf("err = %v, want the token endpoint's 403, which TenantRefusing recognises", err)
	}
	if strings.Contains(err.Error(), "rejected") || !strings.Contains(err.Error(), "refused an OAuth access token") {
		t.Errorf("message should say the host refused the token, not that the credentials were rejected: %v", err)
	}
	if ten.tokenCalls.Load() != 1 || ten.apiCalls.Load() != 0 {
		t.Errorf("token requests = %d, api calls = %d; a refused token request is not retried", ten.tokenCalls.Load(), ten.apiCalls.Load())
	}
}

func TestOAuth_RejectedCredentials(t *testing.T) {
	ten := newOAuthTenant(t, "home")
	ten.rejectToken = true
	c := ten.client()
	_, err := c.GetSpace(t.Context(), "s1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || apiErr.Path != "/oauth/token" {
		t.Fatalf("err = %v, want the token endpoint's 401 as *APIError", err)
	}
	if !strings.Contains(err.Error(), "credentials") || !strings.Contains(err.Error(), "rejected") {
		t.Errorf("message should say the client credentials were rejected: %v", err)
	}
	if strings.Contains(err.Error(), testClientSecret) {
		t.Error("error leaks the client secret")
	}
	if ten.tokenCalls.Load() != 1 || ten.apiCalls.Load() != 0 {
		t.Errorf("token requests = %d, api calls = %d; a rejected secret is not retried", ten.tokenCalls.Load(), ten.apiCalls.Load())
	}
}

func TestOAuth_TokenWaitersWatchTheirContext(t *testing.T) {
	ten := newOAuthTenant(t, "home")
	ten.tokenGate = make(chan struct{})
	c := ten.client()

	// A waiter whose context ends returns at once, though the token request
	// it joined is still pending.
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := c.GetSpace(t.Context(), "s1") // a patient caller
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	start := time.Now()
	_, err := c.GetSpace(ctx, "s1")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 300*time.Millisecond {
		t.Fatalf("impatient caller: %v after %s", err, time.Since(start))
	}
	close(ten.tokenGate)
	if err := <-done; err != nil {
		t.Fatalf("patient caller: %v", err)
	}
	if ten.tokenCalls.Load() != 1 {
		t.Errorf("token requests = %d, want 1", ten.tokenCalls.Load())
	}
}

func TestOAuth_AbandonedTokenRequestIsCancelled(t *testing.T) {
	ten := newOAuthTenant(t, "home")
	ten.tokenGate = make(chan struct{})
	c := ten.client()
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.GetSpace(ctx, "s1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	close(ten.tokenGate)
	// The next caller starts a fresh token request rather than joining the
	// abandoned one.
	if _, err := c.GetSpace(t.Context(), "s1"); err != nil {
		t.Fatal(err)
	}
	if n := ten.tokenCalls.Load(); n != 2 {
		t.Errorf("token requests = %d, want 2", n)
	}
}

func TestOAuth_APIKeyClientCannotReachOtherTenant(t *testing.T) {
	c := newClient(t, fastConfig("http://127.0.0.1:1"))
	_, err := c.ForTenant("other:443")
	if !errors.Is(err, ErrAPIKeyOtherTenant) {
		t.Fatalf("err = %v", err)
	}
}

func TestOAuth_TokenNotSentToOtherHostOnRedirect(t *testing.T) {
	var leaked atomic.Value
	evil := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("Authorization"))
		writeJSON(w, http.StatusOK, Space{ID: "evil"})
	}))
	ten := newOAuthTenant(t, "home")
	ten.apiHandler = func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil.URL+"/api/v1/spaces/s1", http.StatusFound)
	}
	c := ten.client()
	_, err := c.GetSpace(t.Context(), "s1")
	if err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Errorf("err = %v, want a refused redirect", err)
	}
	if v := leaked.Load(); v != nil {
		t.Errorf("the other host received a request with Authorization %q", v)
	}
}
