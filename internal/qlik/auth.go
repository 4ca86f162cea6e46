package qlik

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

const (
	// defaultTokenLifetime is assumed when the token response carries neither
	// expires_in nor expires_at. A 401 still forces a refresh if it is wrong.
	defaultTokenLifetime = time.Hour
	// maxRefreshMargin bounds how early a token is replaced.
	maxRefreshMargin = 5 * time.Minute
)

// tokenCache holds one OAuth access token per host. Each tenant host (and
// the register host) mints its own token from its own /oauth/token, and a
// token is accepted only by the host that minted it.
type tokenCache struct {
	mu      sync.Mutex
	entries map[string]*tokenEntry
}

type tokenEntry struct {
	token     string
	refreshAt time.Time
	flight    *tokenFlight // the one in-flight token request, if any
}

// tokenFlight is a token request shared by every caller that needs a token
// for the host while it runs. It runs on a context detached from any single
// caller, and is cancelled only when all its waiters have given up.
type tokenFlight struct {
	done    chan struct{}
	cancel  context.CancelFunc
	waiters int
	// Set before done is closed.
	token string
	err   error
}

type mintedToken struct {
	token    string
	lifetime time.Duration
}

func newTokenCache() *tokenCache {
	return &tokenCache{entries: map[string]*tokenEntry{}}
}

// get returns a valid token for host, minting one if needed. fromCache tells
// whether the token was already cached (a 401 with a cached token is worth
// one refresh; a 401 with a token just minted is not).
func (tc *tokenCache) get(ctx context.Context, host string, now func() time.Time,
	mint func(context.Context) (mintedToken, error),
) (token string, fromCache bool, err error) {
	tc.mu.Lock()
	e := tc.entries[host]
	if e == nil {
		e = &tokenEntry{}
		tc.entries[host] = e
	}
	if e.token != "" && now().Before(e.refreshAt) {
		tok := e.token
		tc.mu.Unlock()
		return tok, true, nil
	}
	f := e.flight
	if f == nil {
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &tokenFlight{done: make(chan struct{}), cancel: cancel}
		e.flight = f
		go tc.run(fctx, e, f, now, mint)
	}
	f.waiters++
	tc.mu.Unlock()

	select {
	case <-f.done:
		return f.token, false, f.err
	case <-ctx.Done():
		tc.mu.Lock()
		f.waiters--
		if f.waiters == 0 {
			// Nobody wants this token any more: stop the request and let the
			// next caller start a fresh one rather than join a cancelled one.
			f.cancel()
			if e.flight == f {
				e.flight = nil
			}
		}
		tc.mu.Unlock()
		return "", false, ctx.Err()
	}
}

func (tc *tokenCache) run(ctx context.Context, e *tokenEntry, f *tokenFlight,
	now func() time.Time, mint func(context.Context) (mintedToken, error),
) {
	defer f.cancel()
	m, err := mint(ctx)
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if err == nil {
		margin := min(m.lifetime/10, maxRefreshMargin)
		e.token = m.token
		e.refreshAt = now().Add(m.lifetime - margin)
		f.token = m.token
	} else {
		f.err = err
	}
	if e.flight == f {
		e.flight = nil
	}
	close(f.done)
}

// invalidate drops token from host's cache entry if it is still the cached
// one, so a concurrent refresh is not thrown away.
func (tc *tokenCache) invalidate(host, token string) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if e := tc.entries[host]; e != nil && e.token == token {
		e.token = ""
		e.refreshAt = time.Time{}
	}
}

// accessToken returns the bearer credential for a request to ep.
func (c *core) accessToken(ctx context.Context, ep endpoint) (string, bool, error) {
	if !c.oauth() {
		return c.cfg.APIKey, true, nil
	}
	return c.tokens.get(ctx, ep.host, c.now, func(ctx context.Context) (mintedToken, error) {
		return c.mintToken(ctx, ep)
	})
}

type tokenRequestBody struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	GrantType    string `json:"grant_type"`
}

type tokenResponseBody struct {
	AccessToken string     `json:"access_token"`
	TokenType   string     `json:"token_type"`
	ExpiresIn   flexString `json:"expires_in"`
	ExpiresAt   string     `json:"expires_at"`
}

// mintToken calls POST https://<host>/oauth/token with the client
// credentials grant. No scope is sent: Qlik grants every scope on the
// client's allow list, as Qlik's own platform-operations examples rely on.
//
// The credentials are those of the host's region (credentialsFor): a host
// whose region is unknown, or a region without a client, gets no request.
func (c *core) mintToken(ctx context.Context, ep endpoint) (mintedToken, error) {
	creds, region, err := c.credentialsFor(ep)
	if err != nil {
		return mintedToken{}, err
	}
	view := &Client{core: c, ep: ep}
	var out tokenResponseBody
	_, err = view.do(ctx, &request{
		method: http.MethodPost,
		path:   tokenPath,
		body: tokenRequestBody{
			ClientID:     creds.clientID,
			ClientSecret: creds.clientSecret,
			GrantType:    "client_credentials",
		},
		out:          &out,
		tokenRequest: true,
		// Minting twice is harmless, so the token request retries like a GET.
		idempotent: true,
	})
	if err != nil {
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden {
			// Valid credentials the host will not serve: Qlik documents a disabled user or too many tokens, and a
			// deactivated tenant's host refuses every request this way (TenantRefusing).
			return mintedToken{}, fmt.Errorf("qlik: %s refused an OAuth access token to client_id %q%s (403): %w",
				ep.host, creds.clientID, regionNote(region), err)
		}
		if errors.As(err, &apiErr) && apiErr.StatusCode >= 400 && apiErr.StatusCode < 500 && apiErr.StatusCode != http.StatusTooManyRequests {
			return mintedToken{}, fmt.Errorf("qlik: the OAuth client credentials (client_id %q%s) were rejected by %s; check client_id and client_secret and that the client may access this tenant (a region-level client reaches only its own region's tenants): %w",
				creds.clientID, regionNote(region), ep.host, err)
		}
		return mintedToken{}, fmt.Errorf("qlik: requesting an OAuth access token from %s: %w", ep.host, err)
	}
	if out.AccessToken == "" {
		return mintedToken{}, fmt.Errorf("qlik: the token endpoint of %s returned no access_token", ep.host)
	}
	// Register before anything can log it.
	c.redact.add(out.AccessToken)

	lifetime := defaultTokenLifetime
	if secs, err := strconv.ParseFloat(string(out.ExpiresIn), 64); err == nil && secs > 0 && secs < 1e9 {
		lifetime = time.Duration(secs * float64(time.Second))
	} else if t, err := time.Parse(time.RFC3339, out.ExpiresAt); err == nil {
		if d := t.Sub(c.now()); d > 0 {
			lifetime = d
		}
	}
	c.log.debug(ctx, "qlik: obtained OAuth access token", map[string]any{
		"host":               ep.host,
		"expires_in_seconds": int64(lifetime / time.Second),
	})
	return mintedToken{token: out.AccessToken, lifetime: lifetime}, nil
}

// tokenPath is the OAuth token endpoint of every host.
const tokenPath = "/oauth/token"

// regionNote names the region of a client in an error message, when known.
func regionNote(region string) string {
	if region == "" {
		return ""
	}
	return ", region " + region
}
