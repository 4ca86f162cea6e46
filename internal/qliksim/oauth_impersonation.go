package qliksim

import (
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
)

// tokenClientID is the client id of a token request, from HTTP Basic auth or the body.
func tokenClientID(r *http.Request, fields map[string]string) string {
	if id, _, ok := r.BasicAuth(); ok {
		return id
	}
	return fields["client_id"]
}

// tenantClientToken answers POST /oauth/token for an OAuth client made through /api/v1/oauth-clients: the
// client_credentials grant (the token acts as the client's own bot user in the tenant) and the user
// impersonation grant (the token acts as an existing user of the tenant, qlik.dev "OAuth impersonation":
// "requires that users already exist in the tenant"). Either grant must be among the client's
// allowedGrantTypes; the client authenticates with one of its secrets or, with private_key_jwt, a signed
// client assertion. Scopes are the client's allowedScopes, or the requested subset of them.
func (s *Server) tenantClientToken(h *host, w http.ResponseWriter, r *http.Request, fields map[string]string, rec oauthClientRecord) {
	grant := fields["grant_type"]
	now := time.Now()
	_, secret, err := tokenClient(r, fields)
	if err != nil {
		oauthErrors.write(w, http.StatusBadRequest, "invalid_request", "Invalid request parameters.", err.Error())
		return
	}
	if assertion := fields["client_assertion"]; assertion != "" {
		if fields["client_assertion_type"] != clientAssertionType || secret != "" {
			oauthErrors.write(w, http.StatusBadRequest, "invalid_request", "Invalid request parameters.",
				"A client assertion needs client_assertion_type "+clientAssertionType+" and no client_secret.")
			return
		}
		if err := rec.verifyClientAssertion(h, assertion, now); err != nil {
			oauthErrors.write(w, http.StatusUnauthorized, "invalid_client", "Invalid client credentials.", "client_assertion: "+err.Error()+".")
			return
		}
	} else if !rec.secretMatches(secret) {
		oauthErrors.write(w, http.StatusUnauthorized, "invalid_client", "Invalid client credentials.", "Client authentication failed.")
		return
	}
	if !slices.Contains(rec.AllowedGrantTypes, grant) {
		oauthErrors.write(w, http.StatusBadRequest, "unauthorized_client", "Grant type not allowed.",
			"grant_type "+grant+" is not among the OAuth client's allowedGrantTypes.")
		return
	}
	granted := rec.AllowedScopes
	if requested := strings.Fields(fields["scope"]); len(requested) > 0 {
		for _, sc := range requested {
			if !slices.Contains(rec.AllowedScopes, sc) {
				oauthErrors.write(w, http.StatusBadRequest, "invalid_scope", "Invalid scope.", "Scope "+sc+" is not assigned to the OAuth client.")
				return
			}
		}
		granted = requested
	}
	t := h.tenant
	who := caller{clientID: rec.ClientID}
	switch grant {
	case grantClientCredentials:
		bot, err := s.signIn(t, "qlikbot\\"+rec.ClientID, "OAuth client "+rec.ClientName, "", nil)
		if err != nil {
			oauthErrors.write(w, http.StatusInternalServerError, "server_error", "Internal error.", err.Error())
			return
		}
		who.userID = bot.ID
	case grantUserImpersonation:
		field, value := fields["user_lookup[field]"], fields["user_lookup[value]"]
		if (field != "subject" && field != "userId") || value == "" {
			oauthErrors.write(w, http.StatusBadRequest, "invalid_request", "Invalid request parameters.",
				`user_lookup is required: {"field": "subject" or "userId", "value": ...}.`)
			return
		}
		var user *User
		for _, it := range t.access.users.list(now, false) {
			if (field == "subject" && it.Val.Subject == value) || (field == "userId" && it.Val.ID == value) {
				u := it.Val.User
				user = &u
				break
			}
		}
		switch {
		case user == nil:
			// Qlik documents no answer for an unknown user; the simulator refuses it like an invalid grant.
			oauthErrors.write(w, http.StatusBadRequest, "invalid_grant", "Invalid grant.",
				"No user with "+field+" "+value+" exists in the tenant; impersonation requires that the user already exists.")
			return
		case user.Status == "disabled" || user.Status == "deleted":
			oauthErrors.write(w, http.StatusForbidden, "access_denied", "Forbidden.", "The user "+value+" is "+user.Status+".")
			return
		}
		who.userID = user.ID
	}
	tok, expires := h.tokens.mint(who, now, s.opts.TokenTTL)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken: tok, TokenType: "bearer", Scope: strings.Join(granted, " "), ExpiresAt: formatTime(expires),
		ExpiresIn: int64(math.Ceil(s.opts.TokenTTL.Seconds())),
	})
}
