package qliksim

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"
	"sync"
	"time"
)

// caller is the authenticated identity behind a request.
type caller struct {
	// userID is the tenant user (the API key's admin, or the OAuth client's bot user); empty on the register
	// host, where there are no users.
	userID string
	// clientID is set when the caller authenticated with an OAuth token.
	clientID string
	// session is set when the caller authenticated with the session cookie of a JWT login; csrfOK tells
	// whether the request carried the session's CSRF token.
	session, csrfOK bool
}

// id is the identity used for audit and rate limiting: Qlik limits per user, and on the register host the only
// identity is the client.
func (c *caller) id() string {
	if c == nil {
		return ""
	}
	if c.userID != "" {
		return c.userID
	}
	return c.clientID
}

type callerKey struct{}

func withCaller(ctx context.Context, c *caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// callerFrom returns the caller the middleware authenticated; handlers behind auth always have one.
func callerFrom(ctx context.Context) *caller {
	c, _ := ctx.Value(callerKey{}).(*caller)
	if c == nil {
		return &caller{}
	}
	return c
}

// tokenStore holds the access tokens minted on one host.
type tokenStore struct {
	mu        sync.Mutex
	tokens    map[string]tokenGrant
	nextSweep int
}

type tokenGrant struct {
	who     caller
	expires time.Time
}

// sweepFloor is the store size below which expired tokens are not swept; a sweep then doubles the threshold, so
// sweeping stays amortised O(1) per mint however many tokens a long run mints.
const sweepFloor = 1024

func newTokenStore() *tokenStore {
	return &tokenStore{tokens: map[string]tokenGrant{}, nextSweep: sweepFloor}
}

func (ts *tokenStore) mint(who caller, now time.Time, ttl time.Duration) (string, time.Time) {
	tok := randomToken(48)
	expires := now.Add(ttl)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.tokens) >= ts.nextSweep {
		for k, g := range ts.tokens {
			if !now.Before(g.expires) {
				delete(ts.tokens, k)
			}
		}
		ts.nextSweep = max(sweepFloor, 2*len(ts.tokens))
	}
	ts.tokens[tok] = tokenGrant{who: who, expires: expires}
	return tok, expires
}

func (ts *tokenStore) lookup(tok string, now time.Time) (caller, bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	g, ok := ts.tokens[tok]
	if !ok {
		return caller{}, false
	}
	if !now.Before(g.expires) {
		delete(ts.tokens, tok)
		return caller{}, false
	}
	return g.who, true
}

func (ts *tokenStore) revoke(tok string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	delete(ts.tokens, tok)
}

// bearer extracts the token of an "Authorization: Bearer" header; the scheme is case-insensitive (RFC 6750).
func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// authenticate resolves the credential of a request on h: the API key (home tenant only), a token minted on h
// that has not expired, or the session cookie of a JWT login on h.
func (s *Server) authenticate(h *host, r *http.Request) *caller {
	tok := bearer(r)
	if tok == "" {
		return s.sessionCaller(h, r)
	}
	if t := h.tenant; t != nil && t.apiKey != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(t.apiKey)) == 1 {
		return &caller{userID: t.adminUserID}
	}
	if who, ok := h.tokens.lookup(tok, time.Now()); ok {
		return &who
	}
	return nil
}

// clientCaller is who the OAuth client of h's region acts as on h: its bot user in a tenant, itself on the register
// host.
func (s *Server) clientCaller(h *host) caller {
	c := caller{clientID: h.region.client.ClientID}
	if h.tenant != nil {
		c.userID = h.tenant.botUserID
	}
	return c
}
