package qliksim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// OIDCOptions are the OIDC fields of an identity provider's options (identity-providers.json IDPOIDCOptions).
// ClientSecret is kept for the login flow and never sent back: Qlik shows no secret after it was written
// [simulator's assumption; the schema lists the field without saying whether it is returned].
type OIDCOptions struct {
	DiscoveryURL            string         `json:"discoveryUrl,omitempty"`
	ClientID                string         `json:"clientId,omitempty"`
	ClientSecret            string         `json:"-"`
	Realm                   string         `json:"realm,omitempty"`
	Scope                   string         `json:"scope,omitempty"`
	ClaimsMapping           map[string]any `json:"claimsMapping,omitempty"`
	BlockOfflineAccessScope *bool          `json:"blockOfflineAccessScope,omitempty"`
	EmailVerifiedAlwaysTrue *bool          `json:"emailVerifiedAlwaysTrue,omitempty"`
	AllowedClientIDs        []string       `json:"allowedClientIds,omitempty"`
}

// Limits of CreateOIDCPayload: realm pattern and length, scope and URI lengths.
const (
	oidcRealmMax   = 254
	oidcScopeMax   = 254
	oidcLogoutMax  = 2083
	codeIDPOneOnly = "IDENTITY-PROVIDERS-400"
)

var (
	oidcRealmPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.\-_]+$`)
	oidcProviders    = []string{"auth0", "okta", "generic", "salesforce", "keycloak", "adfs", "azureAD"}
	// oidcClaims are claimsMappingInteractive's keys.
	oidcClaims = []string{"sub", "name", "email", "groups", "locale", "picture", "zoneinfo", "client_id", "email_verified"}
)

// oidcOptionsWire is the options object as a request carries it, secret included.
type oidcOptionsWire struct {
	DiscoveryURL            *string         `json:"discoveryUrl"`
	ClientID                *string         `json:"clientId"`
	ClientSecret            *string         `json:"clientSecret"`
	Realm                   *string         `json:"realm"`
	Scope                   *string         `json:"scope"`
	ClaimsMapping           json.RawMessage `json:"claimsMapping"`
	OpenIDConfiguration     json.RawMessage `json:"openid_configuration"`
	BlockOfflineAccessScope *bool           `json:"blockOfflineAccessScope"`
	EmailVerifiedAlwaysTrue *bool           `json:"emailVerifiedAlwaysTrue"`
	AllowedClientIDs        []string        `json:"allowedClientIds"`
}

type oidcCreateRequest struct {
	Provider    *string `json:"provider"`
	Interactive *bool   `json:"interactive"`
	idpCreateCommon
	SkipVerify            bool             `json:"skipVerify"`
	PostLogoutRedirectURI *string          `json:"postLogoutRedirectUri"`
	CreateNewUsersOnLogin *bool            `json:"createNewUsersOnLogin"`
	Options               *oidcOptionsWire `json:"options"`
	PendingOptions        *oidcOptionsWire `json:"pendingOptions"`
}

// parseClaimsMapping checks a claims mapping: every key one of claimsMappingInteractive's, every value a list
// of JSON pointers (or claim names, which Qlik's examples use too).
func parseClaimsMapping(raw json.RawMessage, pointer string) (map[string]any, error) {
	var m map[string][]string
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, &inputError{detail: "claimsMapping must be an object of arrays of strings.", pointer: pointer}
	}
	out := map[string]any{}
	for k, v := range m {
		if !slices.Contains(oidcClaims, k) {
			return nil, &inputError{detail: fmt.Sprintf("claimsMapping has no claim %q; the claims are %s.", k, strings.Join(oidcClaims, ", ")), pointer: pointer + "/" + k}
		}
		for _, p := range v {
			if strings.TrimSpace(p) == "" {
				return nil, &inputError{detail: "claimsMapping." + k + " holds an empty entry.", pointer: pointer + "/" + k}
			}
		}
		out[k] = v
	}
	return out, nil
}

// parseOIDCOptions checks an options object; an interactive IdP needs the client id and secret, a discovery URL
// (or an OpenID configuration) and a claims mapping.
func parseOIDCOptions(in *oidcOptionsWire, interactive bool, base string) (JWTOptions, error) {
	var o JWTOptions
	if in == nil {
		return o, &inputError{detail: base[1:] + " is required.", pointer: base}
	}
	if in.ClaimsMapping == nil {
		return o, &inputError{detail: base[1:] + ".claimsMapping is required.", pointer: base + "/claimsMapping"}
	}
	cm, err := parseClaimsMapping(in.ClaimsMapping, base+"/claimsMapping")
	if err != nil {
		return o, err
	}
	o.ClaimsMapping = cm
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	o.DiscoveryURL, o.ClientID, o.ClientSecret = str(in.DiscoveryURL), str(in.ClientID), str(in.ClientSecret)
	o.Realm, o.Scope = str(in.Realm), str(in.Scope)
	o.BlockOfflineAccessScope, o.EmailVerifiedAlwaysTrue = in.BlockOfflineAccessScope, in.EmailVerifiedAlwaysTrue
	o.AllowedClientIDs = in.AllowedClientIDs
	if o.DiscoveryURL == "" && in.OpenIDConfiguration == nil {
		return o, &inputError{detail: base[1:] + ".discoveryUrl is required when openid_configuration is not given.", pointer: base + "/discoveryUrl"}
	}
	if o.DiscoveryURL != "" {
		if u, err := url.Parse(o.DiscoveryURL); err != nil || u.Scheme != "https" || u.Host == "" {
			return o, &inputError{detail: base[1:] + ".discoveryUrl must be an https URL.", pointer: base + "/discoveryUrl"}
		}
	}
	if o.Realm != "" && (len(o.Realm) > oidcRealmMax || !oidcRealmPattern.MatchString(o.Realm)) {
		return o, &inputError{detail: base[1:] + ".realm must match ^[A-Za-z0-9][A-Za-z0-9.\\-_]+$ and be at most 254 characters long.", pointer: base + "/realm"}
	}
	if len(o.Scope) > oidcScopeMax {
		return o, &inputError{detail: base[1:] + ".scope must be at most 254 characters long.", pointer: base + "/scope"}
	}
	if interactive && (o.ClientID == "" || o.ClientSecret == "") {
		return o, &inputError{detail: "An interactive OIDC identity provider needs " + base[1:] + ".clientId and clientSecret.", pointer: base + "/clientId"}
	}
	return o, nil
}

func oneInteractiveError(w http.ResponseWriter, existing IdentityProvider) {
	idpErrors.writeAbout(w, http.StatusBadRequest, codeIDPOneOnly, "Bad Request", &inputError{
		detail: "Each tenant supports one interactive identity provider; " + existing.ID + " (" + existing.Provider +
			") is active. Deactivate it first, or manage that one.",
		pointer: "/interactive",
	})
}

// createOIDC creates an OIDC identity provider. With options and skipVerify it is active at once; with
// pendingOptions it waits for the interactive verification (pendingState pending), which the simulator never
// runs. An interactive one replaces the Qlik Account IdP, which is deactivated (qlik.dev: "If you deploy your own
// interactive IdP, then this will replace the Qlik Account IdP"); a second active interactive one is refused.
func (api *idpAPI) createOIDC(w http.ResponseWriter, body []byte) {
	var req oidcCreateRequest
	if err := json.Unmarshal(body, &req); err != nil {
		idpBadRequest(w, &inputError{detail: "The request body is not a valid OIDC identity provider: " + err.Error() + "."})
		return
	}
	idp, err := api.parseOIDCCreate(req)
	now := time.Now()
	if !api.admit(w, &idp, err, now) {
		return
	}
	var existing IdentityProvider
	err = api.t.idps.insert(idp.ID, idp, now.Add(api.s.opts.VisibilityDelay), func(o IdentityProvider) bool {
		if idp.Interactive && idp.Active && o.Interactive && o.Active && o.Provider != "qlik" {
			existing = o
			return true
		}
		return false
	})
	if err != nil {
		oneInteractiveError(w, existing)
		return
	}
	if idp.Interactive && idp.Active {
		api.retireQlikAccount(now)
	}
	writeJSON(w, http.StatusCreated, idp)
}

// retireQlikAccount deactivates the Qlik Account identity provider, which an interactive IdP replaces.
func (api *idpAPI) retireQlikAccount(now time.Time) {
	for _, it := range api.t.idps.list(now, true) {
		if it.Val.Provider == "qlik" && it.Val.Active {
			_, _ = api.t.idps.update(it.ID, now, true, func(cur IdentityProvider) (IdentityProvider, error) {
				cur.Active = false
				cur.LastUpdated = formatTime(now)
				return cur, nil
			}, nil)
		}
	}
}

func (api *idpAPI) parseOIDCCreate(req oidcCreateRequest) (IdentityProvider, error) {
	var idp IdentityProvider
	switch {
	case req.Provider == nil || !slices.Contains(oidcProviders, *req.Provider):
		return idp, &inputError{detail: "provider must be one of " + strings.Join(oidcProviders, ", ") + " for the OIDC protocol.", pointer: "/provider"}
	case req.Interactive == nil:
		return idp, &inputError{detail: "interactive is required.", pointer: "/interactive"}
	case req.Options != nil && req.PendingOptions != nil:
		return idp, &inputError{detail: "Send either options (with skipVerify for an interactive IdP) or pendingOptions, not both.", pointer: "/options"}
	case *req.Interactive && req.Options != nil && !req.SkipVerify:
		return idp, &inputError{detail: "An interactive IdP created with options needs skipVerify: true; otherwise send pendingOptions for the interactive verification.", pointer: "/skipVerify"}
	}
	idp.Protocol, idp.Provider, idp.Interactive = "OIDC", *req.Provider, *req.Interactive
	switch {
	case req.Options != nil:
		o, err := parseOIDCOptions(req.Options, idp.Interactive, "/options")
		if err != nil {
			return idp, err
		}
		idp.Options, idp.Active = o, true
	case req.PendingOptions != nil:
		o, err := parseOIDCOptions(req.PendingOptions, true, "/pendingOptions")
		if err != nil {
			return idp, err
		}
		// skipVerify "assumes the IdP is verified": the pending options take effect at once.
		idp.Options, idp.Active = o, req.SkipVerify
	default:
		return idp, &inputError{detail: "options or pendingOptions is required.", pointer: "/options"}
	}
	if err := req.apply(&idp, api.t.id); err != nil {
		return idp, err
	}
	if req.PostLogoutRedirectURI != nil {
		if err := checkLogoutURI(*req.PostLogoutRedirectURI, "/postLogoutRedirectUri"); err != nil {
			return idp, err
		}
		idp.PostLogoutRedirectURI = *req.PostLogoutRedirectURI
	}
	create := true
	if req.CreateNewUsersOnLogin != nil {
		create = *req.CreateNewUsersOnLogin
	}
	idp.CreateNewUsersOnLogin = &create
	return idp, nil
}

func checkLogoutURI(v, pointer string) error {
	if v == "" {
		return nil
	}
	if u, err := url.Parse(v); err != nil || !u.IsAbs() || utf8.RuneCountInString(v) > oidcLogoutMax {
		return &inputError{detail: "postLogoutRedirectUri must be an absolute URL of at most 2083 characters.", pointer: pointer}
	}
	return nil
}

// patchOIDC applies PatchOIDCPayload operations, all or nothing ("Partial failure is treated as complete
// failure"). The simulator implements replace of /active, /description, /clockToleranceSec,
// /postLogoutRedirectUri, /options (the whole connection, secret included) and /options/realm, discoveryUrl and
// claimsMapping; the pending-options workflow needs the interactive test, which it does not run.
func (api *idpAPI) patchOIDC(w http.ResponseWriter, r *http.Request, id string) {
	ops, err := decodePatch[rawPatchOp](r)
	if err != nil {
		idpBadRequest(w, err)
		return
	}
	var existing IdentityProvider
	if _, ok := api.idps.edit(w, id, func(cur IdentityProvider, now time.Time) (IdentityProvider, error) {
		next := cur
		for i, op := range ops {
			at := "/" + strconv.Itoa(i)
			if op.Op == nil || *op.Op != "replace" {
				return cur, &inputError{detail: "The simulator supports the replace operation on OIDC identity providers (promote-options needs the interactive test).", pointer: at + "/op"}
			}
			if op.Path == nil {
				return cur, &inputError{detail: "path is required.", pointer: at + "/path"}
			}
			bad := func(what string) error {
				return &inputError{detail: "value must be " + what + " for " + *op.Path + ".", pointer: at + "/value"}
			}
			switch *op.Path {
			case "/active":
				if json.Unmarshal(op.Value, &next.Active) != nil {
					return cur, bad("a boolean")
				}
			case "/description":
				if json.Unmarshal(op.Value, &next.Description) != nil {
					return cur, bad("a string")
				}
				if err := validateIDPDescription(next.Description, at+"/value"); err != nil {
					return cur, err
				}
			case "/clockToleranceSec":
				if json.Unmarshal(op.Value, &next.ClockToleranceSec) != nil || next.ClockToleranceSec < 0 || next.ClockToleranceSec > idpClockToleranceMax {
					return cur, bad(fmt.Sprintf("an integer from 0 to %d", idpClockToleranceMax))
				}
			case "/postLogoutRedirectUri":
				if json.Unmarshal(op.Value, &next.PostLogoutRedirectURI) != nil {
					return cur, bad("a string")
				}
				if err := checkLogoutURI(next.PostLogoutRedirectURI, at+"/value"); err != nil {
					return cur, err
				}
			case "/options":
				var in oidcOptionsWire
				if json.Unmarshal(op.Value, &in) != nil {
					return cur, bad("an options object")
				}
				if in.ClientSecret == nil && next.Options.ClientSecret != "" {
					// A replace of the options that leaves the secret out keeps the stored one.
					in.ClientSecret = &next.Options.ClientSecret
				}
				o, err := parseOIDCOptions(&in, next.Interactive, at+"/value")
				if err != nil {
					return cur, err
				}
				next.Options = o
			case "/options/realm":
				if json.Unmarshal(op.Value, &next.Options.Realm) != nil || (next.Options.Realm != "" && !oidcRealmPattern.MatchString(next.Options.Realm)) {
					return cur, bad("a realm matching ^[A-Za-z0-9][A-Za-z0-9.\\-_]+$")
				}
			case "/options/discoveryUrl":
				if json.Unmarshal(op.Value, &next.Options.DiscoveryURL) != nil || !strings.HasPrefix(next.Options.DiscoveryURL, "https://") {
					return cur, bad("an https URL")
				}
			case "/options/claimsMapping":
				cm, err := parseClaimsMapping(op.Value, at+"/value")
				if err != nil {
					return cur, err
				}
				next.Options.ClaimsMapping = cm
			default:
				return cur, &inputError{detail: "path " + strconv.Quote(*op.Path) + " is not supported on an OIDC identity provider by the simulator.", pointer: at + "/path"}
			}
		}
		next.LastUpdated = formatTime(now)
		return next, nil
	}, func(updated, other IdentityProvider) bool {
		if updated.Interactive && updated.Active && other.Interactive && other.Active && other.Provider != "qlik" {
			existing = other
			return true
		}
		return false
	}, func(w http.ResponseWriter, err error) {
		if errors.Is(err, ErrConflict) {
			oneInteractiveError(w, existing)
			return
		}
		idpBadRequest(w, err)
	}); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}
