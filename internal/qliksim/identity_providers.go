package qliksim

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// IdentityProvider is the simulator's wire form of an identity provider (identity-providers.json IDP). Every
// tenant starts with its interactive identity provider (the Qlik account login, protocol OIDC, which cannot be
// deleted); the API creates only jwtAuth identity providers, the protocol used for embedding, and answers 400 to
// OIDC and SAML payloads.
type IdentityProvider struct {
	ID                string   `json:"id"`
	Active            bool     `json:"active"`
	Interactive       bool     `json:"interactive"`
	Protocol          string   `json:"protocol"`
	Provider          string   `json:"provider"`
	Description       string   `json:"description"`
	TenantIDs         []string `json:"tenantIds"`
	ClockToleranceSec int      `json:"clockToleranceSec"`
	Created           string   `json:"created"`
	LastUpdated       string   `json:"lastUpdated"`
	// PostLogoutRedirectURI and CreateNewUsersOnLogin are set for OIDC identity providers.
	PostLogoutRedirectURI string `json:"postLogoutRedirectUri,omitempty"`
	CreateNewUsersOnLogin *bool  `json:"createNewUsersOnLogin,omitempty"`
	// Options holds the issuer and key of a jwtAuth identity provider, or the connection of an OIDC one; the
	// Qlik Account IdP has none.
	Options JWTOptions `json:"options,omitzero"`
}

// JWTOptions are an identity provider's options (IDPJWTAuth options or IDPOIDCOptions): for jwtAuth the expected
// issuer and its one static key, for OIDC the connection to the external provider. An OIDC client secret is
// stored but never rendered.
type JWTOptions struct {
	Issuer     string      `json:"issuer,omitempty"`
	StaticKeys []StaticKey `json:"staticKeys,omitempty"`
	OIDCOptions
}

// StaticKey is a key id with its PEM-encoded public key.
type StaticKey struct {
	KID string `json:"kid"`
	PEM string `json:"pem"`
}

const (
	idpDescriptionMaxLength = 128
	idpClockToleranceMax    = 7200
	idpClockToleranceDef    = 5
	// Qlik documents no codes for these answers; the names follow the service's name.
	codeIDPBadRequest = "IDENTITY-PROVIDERS-400"
	codeIDPNotFound   = "IDENTITY-PROVIDERS-404"
	codeIDPConflict   = "IDENTITY-PROVIDERS-409"
	codeIDPForbidden  = "IDENTITY-PROVIDERS-403"
)

// idpErrors: identity-providers.json's Error has a numeric status, and the body has no traceId.
var idpErrors = errorStyle{status: statusNumber}

type idpAPI struct {
	tenantAPI
	idps byID[IdentityProvider]
}

func (s *Server) registerIdentityProviderRoutes(h *host) {
	api := &idpAPI{s.apiOn(h), byID[IdentityProvider]{h.tenant.idps, "id", idpNotFound}}
	h.handleObjects("/api/v1/identity-providers", "id", objectRoutes{list: api.list, create: api.create, get: api.get, patch: api.patch, delete: api.delete})
}

func idpBadRequest(w http.ResponseWriter, err error) {
	idpErrors.writeAbout(w, http.StatusBadRequest, codeIDPBadRequest, "Bad Request", err)
}

func idpNotFound(w http.ResponseWriter, id string) {
	idpErrors.writeAbout(w, http.StatusNotFound, codeIDPNotFound, "Not Found", &inputError{detail: "No identity provider with id " + id + "."})
}

// parsePublicKeyPEM decodes one PEM block holding an RSA or ECDSA public key (PKIX "PUBLIC KEY" or PKCS #1
// "RSA PUBLIC KEY"), the keys Qlik accepts for verifying JWTs signed with RS* or ES* algorithms.
func parsePublicKeyPEM(s string) (crypto.PublicKey, error) {
	block, rest := pem.Decode([]byte(strings.TrimSpace(s)))
	if block == nil {
		return nil, errors.New("pem is not PEM-encoded")
	}
	if len(strings.TrimSpace(string(rest))) > 0 {
		return nil, errors.New("pem holds more than one PEM block; Qlik keeps one key per identity provider")
	}
	switch block.Type {
	case "PUBLIC KEY":
		key, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("pem: %w", err)
		}
		switch key.(type) {
		case *rsa.PublicKey, *ecdsa.PublicKey:
			return key, nil
		}
		return nil, fmt.Errorf("pem holds a %T; only RSA and ECDSA keys can verify JWTs here", key)
	case "RSA PUBLIC KEY":
		key, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("pem: %w", err)
		}
		return key, nil
	}
	return nil, fmt.Errorf("pem holds a %q block; a public key is required", block.Type)
}

// idpCreateCommon is what the create bodies of every protocol hold: a description, the tenants the identity
// provider serves and its clock tolerance.
type idpCreateCommon struct {
	Description       *string  `json:"description"`
	TenantIDs         []string `json:"tenantIds"`
	ClockToleranceSec *int     `json:"clockToleranceSec"`
}

// apply checks the common fields and sets them on idp; without them the clock tolerance is 5 seconds and the
// identity provider serves the tenant creating it.
func (c idpCreateCommon) apply(idp *IdentityProvider, tenantID string) error {
	idp.ClockToleranceSec = idpClockToleranceDef
	if c.ClockToleranceSec != nil {
		if *c.ClockToleranceSec < 0 || *c.ClockToleranceSec > idpClockToleranceMax {
			return &inputError{detail: fmt.Sprintf("clockToleranceSec must be from 0 to %d.", idpClockToleranceMax), pointer: "/clockToleranceSec"}
		}
		idp.ClockToleranceSec = *c.ClockToleranceSec
	}
	if c.Description != nil {
		if err := validateIDPDescription(*c.Description, "/description"); err != nil {
			return err
		}
		idp.Description = *c.Description
	}
	idp.TenantIDs = []string{tenantID}
	if len(c.TenantIDs) > 0 {
		idp.TenantIDs = slices.Clone(c.TenantIDs)
	}
	return nil
}

type idpCreateRequest struct {
	Protocol *string `json:"protocol"`
	Provider *string `json:"provider"`
	idpCreateCommon
	Options *struct {
		Issuer     *string `json:"issuer"`
		StaticKeys []struct {
			KID *string `json:"kid"`
			PEM *string `json:"pem"`
		} `json:"staticKeys"`
	} `json:"options"`
}

func validateIDPDescription(d, pointer string) error {
	if utf8.RuneCountInString(d) > idpDescriptionMaxLength {
		return &inputError{detail: fmt.Sprintf("description must be at most %d characters long.", idpDescriptionMaxLength), pointer: pointer}
	}
	return nil
}

// parseCreate checks a CreateJWTAuthPayload and returns the IdP it describes.
func (api *idpAPI) parseCreate(req idpCreateRequest) (IdentityProvider, error) {
	var idp IdentityProvider
	switch {
	case req.Protocol == nil:
		return idp, &inputError{detail: "protocol is required.", pointer: "/protocol"}
	case *req.Protocol != "jwtAuth":
		return idp, &inputError{detail: "protocol " + strconv.Quote(*req.Protocol) + " is not supported by the simulator; use jwtAuth or OIDC.", pointer: "/protocol"}
	case req.Provider == nil || *req.Provider != "external":
		return idp, &inputError{detail: `provider must be "external" for the jwtAuth protocol.`, pointer: "/provider"}
	case req.Options == nil:
		return idp, &inputError{detail: "options is required.", pointer: "/options"}
	case req.Options.Issuer == nil || strings.TrimSpace(*req.Options.Issuer) == "":
		return idp, &inputError{detail: "options.issuer is required.", pointer: "/options/issuer"}
	case len(req.Options.StaticKeys) != 1:
		return idp, &inputError{detail: fmt.Sprintf("options.staticKeys must hold exactly one key (limited to 1 key per identity provider), not %d.", len(req.Options.StaticKeys)), pointer: "/options/staticKeys"}
	}
	key := req.Options.StaticKeys[0]
	if key.KID == nil || strings.TrimSpace(*key.KID) == "" {
		return idp, &inputError{detail: "options.staticKeys[0].kid is required.", pointer: "/options/staticKeys/0/kid"}
	}
	if key.PEM == nil {
		return idp, &inputError{detail: "options.staticKeys[0].pem is required.", pointer: "/options/staticKeys/0/pem"}
	}
	if _, err := parsePublicKeyPEM(*key.PEM); err != nil {
		return idp, &inputError{detail: "options.staticKeys[0]." + err.Error() + ".", pointer: "/options/staticKeys/0/pem"}
	}
	if err := req.apply(&idp, api.t.id); err != nil {
		return idp, err
	}
	idp.Protocol, idp.Provider = "jwtAuth", "external"
	idp.Options = JWTOptions{Issuer: *req.Options.Issuer, StaticKeys: []StaticKey{{KID: *key.KID, PEM: *key.PEM}}}
	return idp, nil
}

// sameJWTKey is the uniqueness rule of the simulator: two jwtAuth IdPs with the same issuer and key id would make
// a token's verification key ambiguous, so the second is refused with 409. Qlik documents no such rule [INF].
func sameJWTKey(a, b IdentityProvider) bool {
	return a.Options.Issuer == b.Options.Issuer && len(a.Options.StaticKeys) == 1 && len(b.Options.StaticKeys) == 1 &&
		a.Options.StaticKeys[0].KID == b.Options.StaticKeys[0].KID
}

// admit refuses a create body that did not parse (400, err) and a new identity provider whose tenantIds leave out
// the tenant creating it (403), and otherwise gives it its id and dates; it reports whether the create goes on.
func (api *idpAPI) admit(w http.ResponseWriter, idp *IdentityProvider, err error, now time.Time) bool {
	if err != nil {
		idpBadRequest(w, err)
		return false
	}
	if !slices.Contains(idp.TenantIDs, api.t.id) {
		idpErrors.writeAbout(w, http.StatusForbidden, codeIDPForbidden, "Forbidden",
			&inputError{detail: "The tenant making the request is not one of tenantIds.", pointer: "/tenantIds"})
		return false
	}
	idp.ID = newObjectID()
	idp.Created = formatTime(now)
	idp.LastUpdated = idp.Created
	return true
}

func (api *idpAPI) create(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		idpBadRequest(w, err)
		return
	}
	var probe struct {
		Protocol string `json:"protocol"`
	}
	if json.Unmarshal(body, &probe) == nil && probe.Protocol == "OIDC" {
		api.createOIDC(w, body)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req idpCreateRequest
	if err := decodeJSON(r, &req); err != nil {
		idpBadRequest(w, err)
		return
	}
	idp, err := api.parseCreate(req)
	now := time.Now()
	if !api.admit(w, &idp, err, now) {
		return
	}
	idp.Active = true
	err = api.t.idps.insert(idp.ID, idp, now.Add(api.s.opts.VisibilityDelay), func(existing IdentityProvider) bool {
		return sameJWTKey(idp, existing)
	})
	if err != nil {
		idpErrors.writeAbout(w, http.StatusConflict, codeIDPConflict, "Conflict",
			&inputError{detail: fmt.Sprintf("An identity provider for issuer %q with key id %q already exists.", idp.Options.Issuer, idp.Options.StaticKeys[0].KID)})
		return
	}
	writeJSON(w, http.StatusCreated, idp)
}

func (api *idpAPI) get(w http.ResponseWriter, r *http.Request) {
	if _, idp, ok := api.idps.find(w, r); ok {
		writeJSON(w, http.StatusOK, idp)
	}
}

// parseIDPPatch accepts only what PatchJWTAuthPayload allows: replace /description with a string.
func parseIDPPatch(r *http.Request) (string, error) {
	ops, err := decodePatch[rawPatchOp](r)
	if err != nil {
		return "", err
	}
	var desc string
	for i, op := range ops {
		at := "/" + strconv.Itoa(i)
		switch {
		case op.Op == nil || *op.Op != "replace":
			return "", &inputError{detail: "Only the replace operation is supported for a jwtAuth identity provider.", pointer: at + "/op"}
		case op.Path == nil || *op.Path != "/description":
			p := ""
			if op.Path != nil {
				p = *op.Path
			}
			return "", &inputError{detail: "path " + strconv.Quote(p) + " cannot be patched on a jwtAuth identity provider; only /description can.", pointer: at + "/path"}
		}
		if err := json.Unmarshal(op.Value, &desc); err != nil {
			return "", &inputError{detail: "value must be a string for /description.", pointer: at + "/value"}
		}
		if err := validateIDPDescription(desc, at+"/value"); err != nil {
			return "", err
		}
	}
	return desc, nil
}

func (api *idpAPI) patch(w http.ResponseWriter, r *http.Request) {
	id, cur, ok := api.idps.find(w, r)
	if !ok {
		return
	}
	if cur.Protocol == "OIDC" {
		api.patchOIDC(w, r, id)
		return
	}
	desc, err := parseIDPPatch(r)
	if err != nil {
		idpBadRequest(w, err)
		return
	}
	if _, ok := api.idps.set(w, r, func(cur IdentityProvider, now time.Time) IdentityProvider {
		cur.Description = desc
		cur.LastUpdated = formatTime(now)
		return cur
	}); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

var errInteractiveIDP = errors.New("interactive identity provider")

func (api *idpAPI) delete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	err := api.t.idps.remove(id, time.Now(), false, func(cur IdentityProvider) error {
		if cur.Interactive {
			return errInteractiveIDP
		}
		return nil
	})
	switch {
	case errors.Is(err, errInteractiveIDP):
		idpBadRequest(w, &inputError{detail: "The interactive IdP for the tenant can't be deleted."})
	case err != nil:
		idpNotFound(w, id)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// seedInteractiveIdentityProvider gives a new tenant the interactive identity provider every Qlik Cloud tenant
// has: the Qlik account login.
func (t *tenantState) seedInteractiveIdentityProvider() {
	now := formatTime(time.Now())
	idp := IdentityProvider{
		ID: newObjectID(), Active: true, Interactive: true, Protocol: "OIDC", Provider: "qlik",
		Description: "Qlik Account", TenantIDs: []string{t.id}, ClockToleranceSec: idpClockToleranceDef,
		Created: now, LastUpdated: now,
	}
	_ = t.idps.insert(idp.ID, idp, time.Time{}, nil) // a fresh collection with a fresh id cannot conflict
}

func idpSortKey(it stored[IdentityProvider]) []string {
	return []string{fmt.Sprintf("%020d", it.Seq), it.ID}
}

// idpListSpec is the list query of GET /identity-providers (identity-providers.json getIdps: limit 1-100,
// default 20, in creation order).
var idpListSpec = &listSpec{
	limitDefault: 20, limitMin: 1,
	sortDefault:  "created",
	cursorDetail: "The %s cursor is invalid; follow the links returned by the API.",
}

func (api *idpAPI) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lq, err := parseList(r, idpListSpec, api.s)
	if err != nil {
		idpBadRequest(w, err)
		return
	}
	var active *bool
	if v := q.Get("active"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			idpBadRequest(w, &inputError{detail: "active must be true or false.", parameter: "active"})
			return
		}
		active = &b
	}
	var items []stored[IdentityProvider]
	for _, it := range api.t.idps.list(time.Now(), false) {
		if active == nil || it.Val.Active == *active {
			items = append(items, it)
		}
	}
	writeJSON(w, http.StatusOK, onePage(lq, api.h, r, items, idpSortKey, storedValue[IdentityProvider]))
}

// JWTVerificationKey is what a JWT login needs from the identity provider that issued a token.
type JWTVerificationKey struct {
	IdentityProviderID string
	PublicKey          crypto.PublicKey
	// ClockTolerance is the IdP's allowance for clock skew when checking iat, nbf and exp.
	ClockTolerance time.Duration
}

// jwtVerificationKey finds the active jwtAuth identity provider of the tenant whose issuer and key id match a
// token's iss claim and kid header, and returns its public key. A /login/jwt-session handler calls it before
// verifying the token's signature. It reports ErrNotFound when no IdP matches.
func (t *tenantState) jwtVerificationKey(issuer, kid string) (JWTVerificationKey, error) {
	for _, it := range t.idps.list(time.Now(), false) {
		idp := it.Val
		if !idp.Active || idp.Protocol != "jwtAuth" || idp.Options.Issuer != issuer || !slices.Contains(idp.TenantIDs, t.id) {
			continue
		}
		for _, k := range idp.Options.StaticKeys {
			if k.KID != kid {
				continue
			}
			key, err := parsePublicKeyPEM(k.PEM)
			if err != nil {
				return JWTVerificationKey{}, fmt.Errorf("qliksim: identity provider %s: %w", idp.ID, err)
			}
			return JWTVerificationKey{
				IdentityProviderID: idp.ID,
				PublicKey:          key,
				ClockTolerance:     time.Duration(idp.ClockToleranceSec) * time.Second,
			}, nil
		}
	}
	return JWTVerificationKey{}, fmt.Errorf("%w: no active jwtAuth identity provider for issuer %q and key id %q", ErrNotFound, issuer, kid)
}
