package qliksim

import (
	"encoding/json"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"time"
)

// Tenant-wide settings with one value per tenant: the API key configuration (api-keys.json
// getApiKeysConfiguration, updateApiKeyConfiguration) and the authentication settings (core-auth-settings.json
// getAuthSettings, updateAuthSettings).
//
// Documented by Qlik: max_keys_per_user defaults to 5 and lies in 0–1000, max_api_key_expiry defaults to PT24H and
// scim_externalClient_expiry to P365D, both ISO 8601 durations; PATCH takes replace on those three paths and answers
// 204 (404 "Failed to update" for another tenant's id). Auth settings: replace on
// /userSessionInactivityTimeoutMinutes, /maxUserSessionLifespanMinutes (a whole number of hours),
// /dynamicClientRegistrationEnabled and /dcrAllowedAuthenticationMethods (only while registration is on), answered
// 200 with the settings; isDefault is true until a value is saved. The simulator's assumptions: the defaults of
// the auth settings are the spec's examples (60 and 1440 minutes); timeouts must be positive; a duration must be
// positive; error codes (API-KEYS-400/404, AUTH-SETTINGS-400) are descriptive, as Qlik documents none.

type tenantSettings struct {
	mu sync.Mutex
	authValues
	// API keys.
	maxKeysPerUser   int
	maxAPIKeyExpiry  string
	scimClientExpiry string
	authID           string
	authDefault      bool
}

// authValues are the authentication settings a PATCH changes.
type authValues struct {
	inactivityMinutes   int64
	lifespanMinutes     int64
	dcrEnabled          bool
	dcrAllowedAuthTypes []string
}

func newTenantSettings(time.Time) *tenantSettings {
	return &tenantSettings{
		maxKeysPerUser: 5, maxAPIKeyExpiry: "PT24H", scimClientExpiry: "P365D",
		authID: newObjectID(), authDefault: true, authValues: authValues{inactivityMinutes: 60, lifespanMinutes: 1440},
	}
}

var (
	apiKeysErrors      = errorStyle{status: statusNumber}
	authSettingsErrors = errorStyle{status: statusAbsent, traceID: true}
)

// isoDuration matches an ISO 8601 duration such as P90D, PT24H or P1DT12H.
var isoDuration = regexp.MustCompile(`^P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$`)

// validDuration reports whether v is a positive ISO 8601 duration.
func validDuration(v string) bool {
	if !isoDuration.MatchString(v) || v == "P" || v[len(v)-1] == 'T' {
		return false
	}
	for _, c := range v {
		if c >= '1' && c <= '9' {
			return true
		}
	}
	return false
}

// APIKeysConfig is ApiKeysConfig.
type APIKeysConfig struct {
	MaxKeysPerUser           int    `json:"max_keys_per_user"`
	MaxAPIKeyExpiry          string `json:"max_api_key_expiry"`
	ScimExternalClientExpiry string `json:"scim_externalClient_expiry"`
}

// AuthSettings is AuthSettingsResource.
type AuthSettings struct {
	ID                                  string   `json:"id"`
	TenantID                            string   `json:"tenantId"`
	IsDefault                           bool     `json:"isDefault"`
	UserSessionInactivityTimeoutMinutes int64    `json:"userSessionInactivityTimeoutMinutes"`
	MaxUserSessionLifespanMinutes       int64    `json:"maxUserSessionLifespanMinutes"`
	DynamicClientRegistrationEnabled    bool     `json:"dynamicClientRegistrationEnabled"`
	DcrAllowedAuthenticationMethods     []string `json:"dcrAllowedAuthenticationMethods,omitempty"`
}

type settingsAPI struct {
	s  *Server
	h  *host
	st *tenantSettings
}

func (s *Server) registerTenantSettingsRoutes(h *host) {
	api := &settingsAPI{s: s, h: h, st: h.tenant.access.settings}
	h.mux.HandleFunc("GET /api/v1/api-keys/configs/{tenantId}", api.getAPIKeys)
	h.mux.HandleFunc("PATCH /api/v1/api-keys/configs/{tenantId}", api.patchAPIKeys)
	h.mux.HandleFunc("GET /api/core/auth-settings", api.getAuth)
	h.mux.HandleFunc("PATCH /api/core/auth-settings", api.patchAuth)
}

func (st *tenantSettings) apiKeysLocked() APIKeysConfig {
	return APIKeysConfig{MaxKeysPerUser: st.maxKeysPerUser, MaxAPIKeyExpiry: st.maxAPIKeyExpiry, ScimExternalClientExpiry: st.scimClientExpiry}
}

func (api *settingsAPI) apiKeysNotFound(w http.ResponseWriter, id string) {
	writeError(w, http.StatusNotFound, apiKeysErrors, apiError{code: "API-KEYS-404", title: "Not found", detail: "No API key configuration for tenant " + id + ".", parameter: "tenantId"})
}

func (api *settingsAPI) getAPIKeys(w http.ResponseWriter, r *http.Request) {
	if id := r.PathValue("tenantId"); id != api.h.tenant.id {
		api.apiKeysNotFound(w, id)
		return
	}
	api.st.mu.Lock()
	defer api.st.mu.Unlock()
	writeJSON(w, http.StatusOK, api.st.apiKeysLocked())
}

// replaceOp is one operation of a replace-only JSON Patch document.
type replaceOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// jsonPatchOps decodes a JSON Patch array whose operations must all be replace.
func jsonPatchOps(r *http.Request) ([]replaceOp, error) {
	ops, err := decodePatch[replaceOp](r)
	if err != nil {
		return nil, err
	}
	for i, op := range ops {
		if op.Op != "replace" {
			return nil, &inputError{detail: `op must be "replace".`, pointer: "/" + strconv.Itoa(i) + "/op"}
		}
		if op.Value == nil {
			return nil, &inputError{detail: "value is required in every operation.", pointer: "/" + strconv.Itoa(i) + "/value"}
		}
	}
	return ops, nil
}

func (api *settingsAPI) patchAPIKeys(w http.ResponseWriter, r *http.Request) {
	if id := r.PathValue("tenantId"); id != api.h.tenant.id {
		api.apiKeysNotFound(w, id)
		return
	}
	api.patchLocked(w, r, func(w http.ResponseWriter, err error) {
		writeError(w, http.StatusBadRequest, apiKeysErrors, errorAbout("API-KEYS-400", "Invalid request", err))
	}, func(ops []replaceOp) error {
		next := api.st.apiKeysLocked()
		for i, op := range ops {
			at := "/" + strconv.Itoa(i) + "/value"
			switch op.Path {
			case "/max_keys_per_user":
				var n float64
				if json.Unmarshal(op.Value, &n) != nil || n != math.Trunc(n) || n < 0 || n > 1000 {
					return &inputError{detail: "max_keys_per_user must be a whole number from 0 to 1000.", pointer: at}
				}
				next.MaxKeysPerUser = int(n)
			case "/max_api_key_expiry", "/scim_externalClient_expiry":
				var d string
				if json.Unmarshal(op.Value, &d) != nil || !validDuration(d) {
					return &inputError{detail: op.Path[1:] + " must be a positive ISO 8601 duration such as P30D or PT24H.", pointer: at}
				}
				if op.Path == "/max_api_key_expiry" {
					next.MaxAPIKeyExpiry = d
				} else {
					next.ScimExternalClientExpiry = d
				}
			default:
				return &inputError{detail: "path " + strconv.Quote(op.Path) + " cannot be patched.", pointer: "/" + strconv.Itoa(i) + "/path"}
			}
		}
		api.st.maxKeysPerUser, api.st.maxAPIKeyExpiry, api.st.scimClientExpiry = next.MaxKeysPerUser, next.MaxAPIKeyExpiry, next.ScimExternalClientExpiry
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// patchLocked reads a replace-only JSON Patch document and hands its operations to apply, holding the settings'
// lock; apply changes the settings and answers, or refuses the document. A document that does not decode, and one
// apply refuses, is answered by bad.
func (api *settingsAPI) patchLocked(w http.ResponseWriter, r *http.Request, bad func(w http.ResponseWriter, err error), apply func(ops []replaceOp) error) {
	ops, err := jsonPatchOps(r)
	if err == nil {
		api.st.mu.Lock()
		defer api.st.mu.Unlock()
		err = apply(ops)
	}
	if err != nil {
		bad(w, err)
	}
}

func (api *settingsAPI) authLocked() AuthSettings {
	st := api.st
	out := AuthSettings{
		ID: st.authID, TenantID: api.h.tenant.id, IsDefault: st.authDefault,
		UserSessionInactivityTimeoutMinutes: st.inactivityMinutes, MaxUserSessionLifespanMinutes: st.lifespanMinutes,
		DynamicClientRegistrationEnabled: st.dcrEnabled,
	}
	if st.dcrEnabled {
		out.DcrAllowedAuthenticationMethods = append([]string{}, st.dcrAllowedAuthTypes...)
	}
	return out
}

func (api *settingsAPI) getAuth(w http.ResponseWriter, _ *http.Request) {
	api.st.mu.Lock()
	defer api.st.mu.Unlock()
	writeJSON(w, http.StatusOK, api.authLocked())
}

func (api *settingsAPI) patchAuth(w http.ResponseWriter, r *http.Request) {
	api.patchLocked(w, r, func(w http.ResponseWriter, err error) {
		writeError(w, http.StatusBadRequest, authSettingsErrors, errorAbout("AUTH-SETTINGS-400", "Bad Request", err))
	}, func(ops []replaceOp) error {
		st := api.st.authValues
		for i, op := range ops {
			at := "/" + strconv.Itoa(i) + "/value"
			switch op.Path {
			case "/userSessionInactivityTimeoutMinutes", "/maxUserSessionLifespanMinutes":
				var n int64
				if json.Unmarshal(op.Value, &n) != nil || n < 1 {
					return &inputError{detail: op.Path[1:] + " takes a positive whole number of minutes.", pointer: at}
				}
				if op.Path == "/maxUserSessionLifespanMinutes" {
					if n%60 != 0 {
						return &inputError{detail: "maxUserSessionLifespanMinutes must be a whole number of hours (divisible by 60).", pointer: at}
					}
					st.lifespanMinutes = n
				} else {
					st.inactivityMinutes = n
				}
			case "/dynamicClientRegistrationEnabled":
				if json.Unmarshal(op.Value, &st.dcrEnabled) != nil {
					return &inputError{detail: "dynamicClientRegistrationEnabled takes a boolean.", pointer: at}
				}
			case "/dcrAllowedAuthenticationMethods":
				var methods []string
				if json.Unmarshal(op.Value, &methods) != nil {
					return &inputError{detail: "dcrAllowedAuthenticationMethods takes an array of strings.", pointer: at}
				}
				for _, m := range methods {
					if m != "none" && m != "client_secret" {
						return &inputError{detail: `dcrAllowedAuthenticationMethods takes "none" and "client_secret".`, pointer: at}
					}
				}
				st.dcrAllowedAuthTypes = methods
			default:
				return &inputError{detail: "path " + strconv.Quote(op.Path) + " cannot be patched.", pointer: "/" + strconv.Itoa(i) + "/path"}
			}
		}
		for i, op := range ops {
			if op.Path == "/dcrAllowedAuthenticationMethods" && !st.dcrEnabled {
				return &inputError{detail: "dcrAllowedAuthenticationMethods is available only when dynamic client registration is enabled.", pointer: "/" + strconv.Itoa(i) + "/path"}
			}
		}
		api.st.authValues = st
		api.st.authDefault = false
		writeJSON(w, http.StatusOK, api.authLocked())
		return nil
	})
}
