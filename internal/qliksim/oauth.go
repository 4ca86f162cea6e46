package qliksim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// maxTokenBody bounds token and revoke request bodies; real ones are a few hundred bytes.
const maxTokenBody = 64 << 10

const grantClientCredentials = "client_credentials"

// knownGrants are the grant types oauth.json documents; the simulator implements only client_credentials and says
// so for the others instead of calling them malformed.
var knownGrants = []string{
	grantClientCredentials,
	"refresh_token",
	"authorization_code",
	"urn:ietf:params:oauth:grant-type:token-exchange",
	"urn:qlik:oauth:user-impersonation",
}

func (s *Server) registerOAuthRoutes(h *host) {
	h.mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) { s.handleToken(h, w, r) })
	h.mux.HandleFunc("POST /oauth/revoke", func(w http.ResponseWriter, r *http.Request) { s.handleRevoke(h, w, r) })
}

// oauthRoutes authenticate with the body, not a bearer token, and are exempt from faults unless
// Faults.IncludeToken is set.
func isOAuthRoute(route string) bool {
	return route == "/oauth/token" || route == "/oauth/revoke"
}

// tokenResponse is oauth.json's oauth-token-response plus expires_in, which Qlik's documented example returns
// although the schema omits it.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope,omitempty"`
	ExpiresAt   string `json:"expires_at"`
	ExpiresIn   int64  `json:"expires_in"`
}

// readFormOrJSON reads a body that oauth.json allows as JSON or form-urlencoded, into string fields. A missing
// Content-Type is sniffed, because curl users forget it.
func readFormOrJSON(r *http.Request) (map[string]string, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxTokenBody))
	if err != nil {
		return nil, errors.New("request body is too large or unreadable")
	}
	ct := r.Header.Get("Content-Type")
	mediaType := ""
	if ct != "" {
		if mediaType, _, err = mime.ParseMediaType(ct); err != nil {
			return nil, errors.New("malformed Content-Type header")
		}
	} else if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] == '{' {
		mediaType = "application/json"
	} else {
		mediaType = "application/x-www-form-urlencoded"
	}
	fields := map[string]string{}
	switch {
	case mediaType == "application/json" || strings.HasSuffix(mediaType, "+json"):
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(body, &raw); err != nil {
			return nil, errors.New("body is not a JSON object")
		}
		for k, v := range raw {
			var str string
			if err := json.Unmarshal(v, &str); err != nil {
				// user_lookup is the one object: the impersonation grant's {field, value}.
				var lookup map[string]string
				if k == "user_lookup" && json.Unmarshal(v, &lookup) == nil {
					fields["user_lookup[field]"], fields["user_lookup[value]"] = lookup["field"], lookup["value"]
					continue
				}
				return nil, errors.New("field " + k + " must be a string")
			}
			fields[k] = str
		}
	case mediaType == "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, errors.New("malformed form body")
		}
		for k := range vals {
			fields[k] = vals.Get(k)
		}
	default:
		return nil, errors.New("Content-Type must be application/json or application/x-www-form-urlencoded")
	}
	return fields, nil
}

// tokenClient returns the client credentials of a token request: from HTTP Basic auth or from the body, but not
// from both (RFC 6749 §2.3).
func tokenClient(r *http.Request, fields map[string]string) (id, secret string, err error) {
	id, secret = fields["client_id"], fields["client_secret"]
	if bid, bsecret, ok := r.BasicAuth(); ok {
		if id != "" || secret != "" {
			return "", "", errors.New("send client credentials either in the Authorization header or in the body, not both")
		}
		id, secret = bid, bsecret
	}
	return id, secret, nil
}

// peekTokenCaller identifies the client of a token request before it is handled, so the audit and the rate
// limiter can attribute it. The body is restored for the handler.
func (s *Server) peekTokenCaller(h *host, r *http.Request) *caller {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxTokenBody+1))
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
	if err != nil {
		return nil
	}
	probe := r.Clone(r.Context())
	probe.Body = io.NopCloser(bytes.NewReader(body))
	fields, err := readFormOrJSON(probe)
	if err != nil {
		return nil
	}
	id, secret, err := tokenClient(probe, fields)
	if err != nil {
		return nil
	}
	if _, ok := s.tenantOAuthClient(h, id); !ok && s.clientRegion(id, secret) == nil {
		return nil
	}
	// The client itself, not its bot user: token requests are counted and rate-limited per client.
	return &caller{clientID: id}
}

// handleToken implements POST /oauth/token for the client_credentials grant.
func (s *Server) handleToken(h *host, w http.ResponseWriter, r *http.Request) {
	fields, err := readFormOrJSON(r)
	if err != nil {
		oauthErrors.write(w, http.StatusBadRequest, "invalid_request", "Invalid request parameters.", err.Error())
		return
	}
	grant := fields["grant_type"]
	switch {
	case grant == "":
		oauthErrors.write(w, http.StatusBadRequest, "invalid_request", "Invalid request parameters.", "grant_type is required.")
		return
	case h.tenant != nil:
		if rec, ok := s.tenantOAuthClient(h, tokenClientID(r, fields)); ok {
			s.tenantClientToken(h, w, r, fields, rec)
			return
		}
	}
	if grant == grantUserImpersonation && s.regionOfClient(tokenClientID(r, fields)) == "" {
		oauthErrors.write(w, http.StatusUnauthorized, "invalid_client", "Invalid client credentials.",
			"Client authentication failed: no OAuth client of this tenant (or published in its region) has this id.")
		return
	}
	if grant != grantClientCredentials {
		detail := "grant_type " + grant + " is not supported."
		if slices.Contains(knownGrants, grant) {
			detail = "grant_type " + grant + " is not available to this client: the region-level client has client_credentials only; user impersonation needs a web OAuth client of the tenant (/api/v1/oauth-clients)."
		}
		oauthErrors.write(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type.", detail)
		return
	}
	id, secret, err := tokenClient(r, fields)
	if err != nil {
		oauthErrors.write(w, http.StatusBadRequest, "invalid_request", "Invalid request parameters.", err.Error())
		return
	}
	if id == "" || secret == "" {
		oauthErrors.write(w, http.StatusUnauthorized, "invalid_client", "Invalid client credentials.", "client_id and client_secret are required.")
		return
	}
	region := s.clientRegion(id, secret)
	if region == nil {
		oauthErrors.write(w, http.StatusUnauthorized, "invalid_client", "Invalid client credentials.", "Client authentication failed.")
		return
	}
	if region != h.region {
		// A region-level client reaches only the tenants (and the register host) of its own region.
		oauthErrors.write(w, http.StatusUnauthorized, "invalid_client", "Invalid client credentials.",
			"The OAuth client belongs to region "+region.code+"; this host is in region "+h.region.code+
				". A region-level OAuth client reaches only the tenants of its own region.")
		return
	}
	// Qlik grants the client's whole allow-list when no scope is asked for, and only allow-listed scopes otherwise.
	granted := s.scopes
	if requested := strings.Fields(fields["scope"]); len(requested) > 0 {
		for _, sc := range requested {
			if !slices.Contains(s.scopes, sc) {
				oauthErrors.write(w, http.StatusBadRequest, "invalid_scope", "Invalid scope.",
					"Scope "+sc+" is not assigned to the OAuth client.")
				return
			}
		}
		granted = requested
	}
	now := time.Now()
	tok, expires := h.tokens.mint(s.clientCaller(h), now, s.opts.TokenTTL)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken: tok,
		TokenType:   "bearer",
		Scope:       strings.Join(granted, " "),
		ExpiresAt:   formatTime(expires),
		// Rounded up so that a sub-second test TTL does not announce a token that is already expired.
		ExpiresIn: int64(math.Ceil(s.opts.TokenTTL.Seconds())),
	})
}

// handleRevoke implements POST /oauth/revoke; like RFC 7009 it answers 200 for unknown tokens too.
func (s *Server) handleRevoke(h *host, w http.ResponseWriter, r *http.Request) {
	fields, err := readFormOrJSON(r)
	if err != nil {
		oauthErrors.write(w, http.StatusBadRequest, "invalid_request", "Invalid request.", err.Error())
		return
	}
	tok := fields["token"]
	if tok == "" {
		oauthErrors.write(w, http.StatusBadRequest, "invalid_request", "Invalid request.", "token is required.")
		return
	}
	if hint := fields["token_type_hint"]; hint != "" && hint != "access_token" && hint != "refresh_token" {
		oauthErrors.write(w, http.StatusBadRequest, "invalid_request", "Invalid request.", "token_type_hint must be access_token or refresh_token.")
		return
	}
	h.tokens.revoke(tok)
	writeJSON(w, http.StatusOK, struct{}{})
}

// formatTime renders times the way Qlik does: RFC 3339, UTC, milliseconds.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
