package qliksim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// OAuthClient is the simulator's wire form of an OAuth client as an admin reads it (oauth-clients.json
// OAuthClientAdminReadResponse). The secrets themselves are never part of it: Qlik returns a secret once, in the
// answer that made it, and afterwards only its hint.
type OAuthClient struct {
	ClientID           string             `json:"clientId"`
	AppType            string             `json:"appType"`
	ClientName         string             `json:"clientName"`
	Description        string             `json:"description,omitempty"`
	OwnerID            string             `json:"ownerId"`
	TenantID           string             `json:"tenantId"`
	CreatedAt          string             `json:"createdAt"`
	UpdatedAt          string             `json:"updatedAt"`
	CreatedByType      string             `json:"createdByType"`
	PublishedAt        string             `json:"publishedAt,omitempty"`
	AllowedGrantTypes  []string           `json:"allowedGrantTypes"`
	AllowedScopes      []string           `json:"allowedScopes"`
	RedirectURIs       []string           `json:"redirectUris"`
	AllowedOrigins     []string           `json:"allowedOrigins"`
	AllowedAuthMethods []string           `json:"allowedAuthMethods"`
	PublicKeys         []JWK              `json:"publicKeys"`
	ClientSecrets      []OAuthClientHint  `json:"clientSecrets"`
	ConnectionConfig   OAuthConnectConfig `json:"connectionConfig"`
}

// OAuthClientHint is what Qlik shows of a client secret after its creation (ClientSecrets items).
type OAuthClientHint struct {
	Hint      string `json:"hint"`
	CreatedAt string `json:"createdAt"`
	CreatedBy string `json:"createdBy"`
}

// OAuthConnectConfig is the consent method of a client (connectionConfig).
type OAuthConnectConfig struct {
	ConsentMethod string `json:"consentMethod"`
}

// JWK is a public key of a client that authenticates with private_key_jwt (oauth-clients.json JWK).
type JWK struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
}

// oauthClientRecord is a stored client: its wire form and its secrets, which are never rendered.
type oauthClientRecord struct {
	OAuthClient
	secrets map[string]string // hint → secret
}

// Limits of oauth-clients.json (maxLength, maxItems) and Qlik Help ("up to 5 redirect URLs", "up to 5 origins",
// "a maximum of 5 client secrets at one time").
const (
	oauthClientNameMax        = 512
	oauthClientDescriptionMax = 4096
	oauthClientURIMax         = 256
	oauthClientURIsMax        = 5
	oauthClientScopeMax       = 256
	oauthClientSecretsMax     = 5
	grantUserImpersonation    = "urn:qlik:oauth:user-impersonation"
	authMethodSecret          = "client_secret"
	authMethodPrivateKeyJWT   = "private_key_jwt"
	confirmDeleteHeader       = "qlik-confirm-delete"
	// oauth-clients.json documents no error codes; these follow the service's name.
	codeOAuthClientBadRequest = "OAUTH-CLIENTS-400"
	codeOAuthClientNotFound   = "OAUTH-CLIENTS-404"
	codeOAuthClientTooMany    = "OAUTH-CLIENTS-409"
)

var (
	oauthAppTypes    = []string{"web", "native", "spa", "anonymous-embed"}
	oauthGrantTypes  = []string{grantClientCredentials, grantUserImpersonation}
	oauthAuthMethods = []string{authMethodSecret, authMethodPrivateKeyJWT}
	oauthConsents    = []string{"required", "trusted"}
)

// oauthClientErrors: oauth-clients.json's Error has code, title and detail only: no status, no source, and the
// ErrorResponse has no traceId.
var oauthClientErrors = errorStyle{status: statusAbsent}

type oauthClientsAPI struct {
	tenantAPI
	clients byID[oauthClientRecord]
}

func (s *Server) registerOAuthClientRoutes(h *host) {
	h.tenant.oauthClients = newCollection[oauthClientRecord]()
	api := &oauthClientsAPI{s.apiOn(h), byID[oauthClientRecord]{h.tenant.oauthClients, "id", oauthClientNotFound}}
	const base = "/api/v1/oauth-clients"
	h.handleObjects(base, "id", objectRoutes{list: api.list, create: api.create, get: api.get, patch: api.patch, delete: api.delete})
	h.mux.HandleFunc("POST "+base+"/{id}/actions/publish", api.publish)
	h.mux.HandleFunc("POST "+base+"/{id}/client-secrets", api.createSecret)
	h.mux.HandleFunc("DELETE "+base+"/{id}/client-secrets/{hint}", api.deleteSecret)
	h.mux.HandleFunc("GET "+base+"/{id}/connection-configs/me", api.getConnectionConfig)
	h.mux.HandleFunc("PATCH "+base+"/{id}/connection-configs/me", api.patchConnectionConfig)
	h.mux.HandleFunc("DELETE "+base+"/{id}/connection-configs/me", api.deleteConnectionConfig)
}

func oauthClientError(w http.ResponseWriter, status int, code, title string, err error) {
	writeError(w, status, oauthClientErrors, apiError{code: code, title: title, detail: err.Error()})
}

func oauthClientBadRequest(w http.ResponseWriter, err error) {
	oauthClientError(w, http.StatusBadRequest, codeOAuthClientBadRequest, "Bad Request", err)
}

func oauthClientNotFound(w http.ResponseWriter, id string) {
	oauthClientError(w, http.StatusNotFound, codeOAuthClientNotFound, "Not Found", errors.New("No OAuth client with id "+id+"."))
}

// oauthClientInput is OAuthClientCreateRequest, and the state a PATCH works on.
type oauthClientInput struct {
	AppType            *string  `json:"appType"`
	ClientName         *string  `json:"clientName"`
	Description        *string  `json:"description"`
	LogoURI            *string  `json:"logoUri"`
	ClientURI          *string  `json:"clientUri"`
	AllowedGrantTypes  []string `json:"allowedGrantTypes"`
	AllowedScopes      []string `json:"allowedScopes"`
	RedirectURIs       []string `json:"redirectUris"`
	AllowedOrigins     []string `json:"allowedOrigins"`
	AllowedAuthMethods []string `json:"allowedAuthMethods"`
	PublicKeys         []JWK    `json:"publicKeys"`
	ConnectionConfig   *struct {
		ConsentMethod *string `json:"consentMethod"`
	} `json:"connectionConfig"`
}

// checkOAuthClient applies the rules of oauth-clients.json and Qlik Help to a client's settings: lengths, the
// 5-item limits, grant types only for web clients (impersonation included), origins only for SPAs, and public
// keys for private_key_jwt.
func checkOAuthClient(c OAuthClient) error {
	switch {
	case strings.TrimSpace(c.ClientName) == "":
		return &inputError{detail: "clientName is required.", pointer: "/clientName"}
	case utf8.RuneCountInString(c.ClientName) > oauthClientNameMax:
		return &inputError{detail: fmt.Sprintf("clientName must be at most %d characters long.", oauthClientNameMax), pointer: "/clientName"}
	case utf8.RuneCountInString(c.Description) > oauthClientDescriptionMax:
		return &inputError{detail: fmt.Sprintf("description must be at most %d characters long.", oauthClientDescriptionMax), pointer: "/description"}
	}
	for _, grant := range c.AllowedGrantTypes {
		if !slices.Contains(oauthGrantTypes, grant) {
			return &inputError{detail: fmt.Sprintf("allowedGrantTypes: %q is not one of %s.", grant, strings.Join(oauthGrantTypes, ", ")), pointer: "/allowedGrantTypes"}
		}
	}
	if len(c.AllowedGrantTypes) > 0 && c.AppType != "web" {
		return &inputError{detail: "allowedGrantTypes are only for use with appType web.", pointer: "/allowedGrantTypes"}
	}
	for _, sc := range c.AllowedScopes {
		if strings.TrimSpace(sc) == "" || len(sc) > oauthClientScopeMax || strings.ContainsAny(sc, " \t\n") {
			return &inputError{detail: fmt.Sprintf("allowedScopes: %q is not a scope (a word of at most %d characters).", sc, oauthClientScopeMax), pointer: "/allowedScopes"}
		}
	}
	if err := checkURIList("redirectUris", c.RedirectURIs, false); err != nil {
		return err
	}
	if err := checkURIList("allowedOrigins", c.AllowedOrigins, true); err != nil {
		return err
	}
	if len(c.AllowedOrigins) > 0 && c.AppType != "spa" {
		return &inputError{detail: "allowedOrigins are only available with the spa application type.", pointer: "/allowedOrigins"}
	}
	for _, m := range c.AllowedAuthMethods {
		if !slices.Contains(oauthAuthMethods, m) {
			return &inputError{detail: fmt.Sprintf("allowedAuthMethods: %q is not one of %s.", m, strings.Join(oauthAuthMethods, ", ")), pointer: "/allowedAuthMethods"}
		}
	}
	if len(c.AllowedAuthMethods) > 0 && c.AppType != "web" {
		return &inputError{detail: "allowedAuthMethods apply to confidential clients (appType web) only; " + c.AppType + " clients are public.", pointer: "/allowedAuthMethods"}
	}
	if c.AppType == "web" && len(c.AllowedAuthMethods) == 0 {
		return &inputError{detail: "A web client needs at least one of allowedAuthMethods.", pointer: "/allowedAuthMethods"}
	}
	if slices.Contains(c.AllowedAuthMethods, authMethodPrivateKeyJWT) && len(c.PublicKeys) == 0 {
		return &inputError{detail: "publicKeys are required when using private_key_jwt.", pointer: "/publicKeys"}
	}
	kids := map[string]bool{}
	for i, k := range c.PublicKeys {
		if _, err := k.publicKey(); err != nil {
			return &inputError{detail: fmt.Sprintf("publicKeys[%d]: %v.", i, err), pointer: "/publicKeys/" + strconv.Itoa(i)}
		}
		if kids[k.Kid] {
			return &inputError{detail: fmt.Sprintf("publicKeys[%d]: kid %q is used twice.", i, k.Kid), pointer: "/publicKeys/" + strconv.Itoa(i) + "/kid"}
		}
		kids[k.Kid] = true
	}
	return nil
}

// checkURIList checks a list of at most 5 distinct absolute URLs of at most 256 characters; origins have no path.
func checkURIList(field string, uris []string, origins bool) error {
	if len(uris) > oauthClientURIsMax {
		return &inputError{detail: fmt.Sprintf("%s holds %d entries; at most %d are allowed.", field, len(uris), oauthClientURIsMax), pointer: "/" + field}
	}
	seen := map[string]bool{}
	for i, raw := range uris {
		at := "/" + field + "/" + strconv.Itoa(i)
		if len(raw) > oauthClientURIMax {
			return &inputError{detail: fmt.Sprintf("%s[%d] is longer than %d characters.", field, i, oauthClientURIMax), pointer: at}
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return &inputError{detail: fmt.Sprintf("%s[%d] %q is not an absolute http(s) URL.", field, i, raw), pointer: at}
		}
		if origins && (u.Path != "" || u.RawQuery != "" || u.Fragment != "") {
			return &inputError{detail: fmt.Sprintf("%s[%d] %q is not an origin: it has a path, query or fragment.", field, i, raw), pointer: at}
		}
		if seen[raw] {
			return &inputError{detail: fmt.Sprintf("%s[%d] %q is listed twice.", field, i, raw), pointer: at}
		}
		seen[raw] = true
	}
	return nil
}

// publicKey decodes an RSA or EC JWK of the algorithms Qlik accepts (RS256, RS512, ES384).
func (k JWK) publicKey() (crypto.PublicKey, error) {
	if k.Kid == "" || k.Use != "sig" {
		return nil, errors.New("kid is required and use must be sig")
	}
	b64 := func(s string) (*big.Int, error) {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) == 0 {
			return nil, errors.New("a key parameter is not base64url")
		}
		return new(big.Int).SetBytes(b), nil
	}
	switch {
	case k.Kty == "RSA" && (k.Alg == "RS256" || k.Alg == "RS512"):
		n, err := b64(k.N)
		if err != nil {
			return nil, err
		}
		e, err := b64(k.E)
		if err != nil || !e.IsInt64() || e.Int64() < 3 || n.BitLen() < 2048 {
			return nil, errors.New("an RSA key needs a modulus of at least 2048 bits and a valid exponent")
		}
		return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
	case k.Kty == "EC" && k.Alg == "ES384":
		if k.Crv != "P-384" {
			return nil, errors.New("an ES384 key must be on the P-384 curve")
		}
		x, err := b64(k.X)
		if err != nil {
			return nil, err
		}
		y, err := b64(k.Y)
		if err != nil {
			return nil, err
		}
		const size = 48 // P-384 coordinates
		if len(x.Bytes()) > size || len(y.Bytes()) > size {
			return nil, errors.New("the EC point is not on P-384")
		}
		point := append(append([]byte{4}, x.FillBytes(make([]byte, size))...), y.FillBytes(make([]byte, size))...)
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P384(), point)
		if err != nil {
			return nil, errors.New("the EC point is not on P-384")
		}
		return pub, nil
	}
	return nil, fmt.Errorf("kty %q with alg %q is not accepted (RSA with RS256 or RS512, EC with ES384)", k.Kty, k.Alg)
}

func renderOAuthClient(rec oauthClientRecord) OAuthClient {
	c := rec.OAuthClient
	c.ClientSecrets = slices.Clone(c.ClientSecrets)
	for _, p := range []*[]string{&c.AllowedGrantTypes, &c.AllowedScopes, &c.RedirectURIs, &c.AllowedOrigins, &c.AllowedAuthMethods} {
		if *p == nil {
			*p = []string{}
		}
	}
	if c.PublicKeys == nil {
		c.PublicKeys = []JWK{}
	}
	if c.ClientSecrets == nil {
		c.ClientSecrets = []OAuthClientHint{}
	}
	return c
}

// newSecret adds a secret to rec and returns it. The hint is the secret's last four characters.
func (rec *oauthClientRecord) newSecret(by string, now time.Time) string {
	secret := randomHex(32)
	hint := secret[len(secret)-4:]
	for rec.secrets[hint] != "" { // a hint names one secret of the client
		secret = randomHex(32)
		hint = secret[len(secret)-4:]
	}
	if rec.secrets == nil {
		rec.secrets = map[string]string{}
	}
	rec.secrets[hint] = secret
	rec.ClientSecrets = append(slices.Clone(rec.ClientSecrets), OAuthClientHint{Hint: hint, CreatedAt: formatTime(now), CreatedBy: by})
	return secret
}

type oauthClientCreated struct {
	OAuthClient
	ClientSecret string `json:"clientSecret"`
}

func (api *oauthClientsAPI) create(w http.ResponseWriter, r *http.Request) {
	var in oauthClientInput
	if err := decodeJSON(r, &in); err != nil {
		oauthClientBadRequest(w, err)
		return
	}
	switch {
	case in.AppType == nil:
		oauthClientBadRequest(w, &inputError{detail: "appType is required.", pointer: "/appType"})
		return
	case !slices.Contains(oauthAppTypes, *in.AppType):
		oauthClientBadRequest(w, &inputError{detail: fmt.Sprintf("appType %q is not one of %s.", *in.AppType, strings.Join(oauthAppTypes, ", ")), pointer: "/appType"})
		return
	case in.ClientName == nil:
		oauthClientBadRequest(w, &inputError{detail: "clientName is required.", pointer: "/clientName"})
		return
	}
	now := time.Now()
	who := callerFrom(r.Context())
	c := OAuthClient{
		ClientID: randomHex(16), AppType: *in.AppType, ClientName: *in.ClientName, OwnerID: who.userID, TenantID: api.t.id,
		CreatedAt: formatTime(now), UpdatedAt: formatTime(now), CreatedByType: "user",
		AllowedGrantTypes: in.AllowedGrantTypes, AllowedScopes: in.AllowedScopes, RedirectURIs: in.RedirectURIs,
		AllowedOrigins: in.AllowedOrigins, AllowedAuthMethods: in.AllowedAuthMethods, PublicKeys: in.PublicKeys,
		ConnectionConfig: OAuthConnectConfig{ConsentMethod: "required"},
	}
	if in.Description != nil {
		c.Description = *in.Description
	}
	if c.AppType == "web" && in.AllowedAuthMethods == nil {
		c.AllowedAuthMethods = []string{authMethodSecret}
	}
	if in.ConnectionConfig != nil && in.ConnectionConfig.ConsentMethod != nil {
		if *in.ConnectionConfig.ConsentMethod != "trusted" {
			oauthClientBadRequest(w, &inputError{detail: `connectionConfig.consentMethod can only be "trusted" at creation; change it afterwards with PATCH .../connection-configs/me.`, pointer: "/connectionConfig/consentMethod"})
			return
		}
		c.ConnectionConfig.ConsentMethod = "trusted"
	}
	if err := checkOAuthClient(c); err != nil {
		oauthClientBadRequest(w, err)
		return
	}
	rec := oauthClientRecord{OAuthClient: c}
	secret := ""
	if slices.Contains(c.AllowedAuthMethods, authMethodSecret) {
		secret = rec.newSecret(who.userID, now)
	}
	// A fresh random client id cannot clash; Qlik keeps no other name unique.
	_ = api.t.oauthClients.insert(c.ClientID, rec, now.Add(api.s.opts.VisibilityDelay), nil)
	writeJSON(w, http.StatusCreated, oauthClientCreated{OAuthClient: renderOAuthClient(rec), ClientSecret: secret})
}

func (api *oauthClientsAPI) get(w http.ResponseWriter, r *http.Request) {
	if _, rec, ok := api.clients.find(w, r); ok {
		writeJSON(w, http.StatusOK, renderOAuthClient(rec))
	}
}

var oauthClientSortKeys = map[string]func(oauthClientRecord) []string{
	"clientId":   func(c oauthClientRecord) []string { return []string{c.ClientID} },
	"clientName": func(c oauthClientRecord) []string { return []string{c.ClientName, c.ClientID} },
	"appType":    func(c oauthClientRecord) []string { return []string{c.AppType, c.ClientID} },
	"tenantId":   func(c oauthClientRecord) []string { return []string{c.TenantID, c.ClientID} },
	"createdAt":  func(c oauthClientRecord) []string { return []string{c.CreatedAt, c.ClientID} },
	"updatedAt":  func(c oauthClientRecord) []string { return []string{c.UpdatedAt, c.ClientID} },
}

// oauthClientListSpec is readAllOAuthClients' query: limit 1–100 (default 20), sort by six fields, an RFC 7644
// filter on five, totalResults, next/prev cursors.
var oauthClientListSpec = &listSpec{
	limitDefault: 20, limitMin: 1,
	sortFields:   []string{"appType", "clientId", "clientName", "createdAt", "tenantId", "updatedAt"},
	sortDefault:  "createdAt",
	totalResults: true,
	filterFields: []string{"clientId", "clientName", "appType", "tenantId", "createdByType"},
}

func (api *oauthClientsAPI) list(w http.ResponseWriter, r *http.Request) {
	lq, err := parseList(r, oauthClientListSpec, api.s)
	if err != nil {
		oauthClientBadRequest(w, err)
		return
	}
	var items []oauthClientRecord
	for _, it := range api.t.oauthClients.list(time.Now(), false) {
		c := it.Val
		fields := func(name string) []string {
			return map[string][]string{
				"clientId": {c.ClientID}, "clientName": {c.ClientName}, "appType": {c.AppType},
				"tenantId": {c.TenantID}, "createdByType": {c.CreatedByType},
			}[name]
		}
		if lq.matches(fields) {
			items = append(items, c)
		}
	}
	pg := onePage(lq, api.h, r, items, oauthClientSortKeys[lq.sortField], renderOAuthClient)
	writeJSON(w, http.StatusOK, pg.counted(lq, len(items)))
}

// oauthClientPatchPaths are OAuthClientUpdate's paths; all but /publicKeys take a string or an array of strings.
var oauthClientPatchPaths = []string{
	"/allowedOrigins", "/clientName", "/clientUri", "/description", "/logoUri", "/redirectUris",
	"/allowedScopes", "/allowedGrantTypes", "/publicKeys", "/allowedAuthMethods",
}

// applyOAuthClientPatch applies JSON Patch operations (add, remove, replace) to a client. List fields take a
// string (one element) or an array of strings; add appends, replace sets, remove clears. /publicKeys takes the
// field's own type, an array of JWK objects (the spec's string-or-array-of-strings cannot carry a JWK).
func applyOAuthClientPatch(c *OAuthClient, body []byte) error {
	var ops []rawPatchOp
	if err := json.Unmarshal(body, &ops); err != nil {
		return &inputError{detail: "The body must be an array of JSON Patch operations."}
	}
	if len(ops) == 0 {
		return &inputError{detail: "The patch document must hold at least one operation."}
	}
	for i, op := range ops {
		at := "/" + strconv.Itoa(i)
		if op.Op == nil || !slices.Contains([]string{"add", "remove", "replace"}, *op.Op) {
			return &inputError{detail: "op must be add, remove or replace.", pointer: at + "/op"}
		}
		if op.Path == nil || !slices.Contains(oauthClientPatchPaths, *op.Path) {
			return &inputError{detail: "path must be one of " + strings.Join(oauthClientPatchPaths, ", ") + ".", pointer: at + "/path"}
		}
		if *op.Path == "/publicKeys" {
			var keys []JWK
			if *op.Op != "remove" {
				if err := json.Unmarshal(op.Value, &keys); err != nil {
					return &inputError{detail: "value must be an array of JWK objects for /publicKeys.", pointer: at + "/value"}
				}
			}
			switch *op.Op {
			case "add":
				c.PublicKeys = append(slices.Clone(c.PublicKeys), keys...)
			case "replace":
				c.PublicKeys = keys
			default:
				c.PublicKeys = nil
			}
			continue
		}
		var vals []string
		if *op.Op != "remove" {
			var one string
			if err := json.Unmarshal(op.Value, &one); err == nil {
				vals = []string{one}
			} else if err := json.Unmarshal(op.Value, &vals); err != nil {
				return &inputError{detail: "value must be a string or an array of strings.", pointer: at + "/value"}
			}
		}
		var scalar *string
		var list *[]string
		switch *op.Path {
		case "/clientName":
			scalar = &c.ClientName
		case "/description":
			scalar = &c.Description
		case "/clientUri", "/logoUri":
			scalar = new(string) // accepted and not kept: the simulator does not model logos and home pages
		case "/allowedOrigins":
			list = &c.AllowedOrigins
		case "/redirectUris":
			list = &c.RedirectURIs
		case "/allowedScopes":
			list = &c.AllowedScopes
		case "/allowedGrantTypes":
			list = &c.AllowedGrantTypes
		case "/allowedAuthMethods":
			list = &c.AllowedAuthMethods
		}
		switch {
		case scalar != nil && *op.Op == "remove":
			*scalar = ""
		case scalar != nil && len(vals) != 1:
			return &inputError{detail: "value must be a string for " + *op.Path + ".", pointer: at + "/value"}
		case scalar != nil:
			*scalar = vals[0]
		case *op.Op == "add":
			*list = append(slices.Clone(*list), vals...)
		case *op.Op == "replace":
			*list = vals
		default:
			*list = nil
		}
	}
	return nil
}

type oauthClientPatched struct {
	ClientSecret string `json:"clientSecret"`
}

// patch answers 204, or 202 with the new secret when the change added client_secret to the auth methods of a
// client that had no secret. Removing client_secret deletes the client's secrets [simulator's assumption].
func (api *oauthClientsAPI) patch(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		oauthClientBadRequest(w, err)
		return
	}
	who := callerFrom(r.Context())
	secret := ""
	_, ok := api.clients.edit(w, r.PathValue("id"), func(cur oauthClientRecord, now time.Time) (oauthClientRecord, error) {
		next := cur
		next.OAuthClient = renderOAuthClient(cur)
		if err := applyOAuthClientPatch(&next.OAuthClient, body); err != nil {
			return cur, err
		}
		if err := checkOAuthClient(next.OAuthClient); err != nil {
			return cur, err
		}
		next.secrets = maps.Clone(cur.secrets)
		switch {
		case !slices.Contains(next.AllowedAuthMethods, authMethodSecret):
			next.secrets, next.ClientSecrets = nil, nil
		case len(next.secrets) == 0:
			secret = next.newSecret(who.userID, now)
		}
		next.UpdatedAt = formatTime(now)
		return next, nil
	}, nil, oauthClientBadRequest)
	switch {
	case !ok:
	case secret != "":
		writeJSON(w, http.StatusAccepted, oauthClientPatched{ClientSecret: secret})
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// delete needs the qlik-confirm-delete header naming the client, as oauth-clients.json requires.
func (api *oauthClientsAPI) delete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if got := r.Header.Get(confirmDeleteHeader); got != id {
		detail := "The " + confirmDeleteHeader + " header is required and must be the id of the OAuth client to delete."
		if got != "" {
			detail = "The " + confirmDeleteHeader + " header " + strconv.Quote(got) + " does not match the OAuth client id " + id + "."
		}
		if _, _, ok := api.clients.find(w, r); ok {
			oauthClientBadRequest(w, errors.New(detail))
		}
		return
	}
	if _, ok := api.clients.remove(w, r); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

// publish makes the client usable in every tenant of the region. Qlik documents no unpublish, and no answer to a
// second publish; the simulator answers it like the first, with the original time [simulator's assumption].
func (api *oauthClientsAPI) publish(w http.ResponseWriter, r *http.Request) {
	if rec, ok := api.clients.set(w, r, func(cur oauthClientRecord, now time.Time) oauthClientRecord {
		if cur.PublishedAt == "" {
			cur.PublishedAt = formatTime(now)
			cur.UpdatedAt = cur.PublishedAt
		}
		return cur
	}); ok {
		writeJSON(w, http.StatusCreated, map[string]string{"publishedAt": rec.PublishedAt})
	}
}

type oauthClientSecretCreated struct {
	Hint         string `json:"hint"`
	ClientID     string `json:"clientId"`
	CreatedAt    string `json:"createdAt"`
	CreatedBy    string `json:"createdBy"`
	ClientSecret string `json:"clientSecret"`
}

var errTooManySecrets = errors.New("too many secrets")

func (api *oauthClientsAPI) createSecret(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	who := callerFrom(r.Context())
	var secret string
	rec, ok := api.clients.edit(w, id, func(cur oauthClientRecord, now time.Time) (oauthClientRecord, error) {
		if !slices.Contains(cur.AllowedAuthMethods, authMethodSecret) {
			return cur, &inputError{detail: "The OAuth client does not allow the client_secret auth method."}
		}
		if len(cur.secrets) >= oauthClientSecretsMax {
			return cur, errTooManySecrets
		}
		next := cur
		next.secrets = maps.Clone(cur.secrets)
		secret = next.newSecret(who.userID, now)
		return next, nil
	}, nil, func(w http.ResponseWriter, err error) {
		if errors.Is(err, errTooManySecrets) {
			oauthClientError(w, http.StatusConflict, codeOAuthClientTooMany, "Conflict",
				&inputError{detail: fmt.Sprintf("The max number of client secrets is %d; delete one before creating another.", oauthClientSecretsMax)})
			return
		}
		oauthClientBadRequest(w, err)
	})
	if ok {
		h := rec.ClientSecrets[len(rec.ClientSecrets)-1]
		writeJSON(w, http.StatusCreated, oauthClientSecretCreated{Hint: h.Hint, ClientID: id, CreatedAt: h.CreatedAt, CreatedBy: h.CreatedBy, ClientSecret: secret})
	}
}

func (api *oauthClientsAPI) deleteSecret(w http.ResponseWriter, r *http.Request) {
	id, hint := r.PathValue("id"), r.PathValue("hint")
	_, err := api.t.oauthClients.update(id, time.Now(), false, func(cur oauthClientRecord) (oauthClientRecord, error) {
		if cur.secrets[hint] == "" {
			return cur, ErrNotFound
		}
		next := cur
		next.secrets = maps.Clone(cur.secrets)
		delete(next.secrets, hint)
		next.ClientSecrets = slices.DeleteFunc(slices.Clone(cur.ClientSecrets), func(h OAuthClientHint) bool { return h.Hint == hint })
		return next, nil
	}, nil)
	if err != nil {
		oauthClientError(w, http.StatusNotFound, codeOAuthClientNotFound, "Not Found", &inputError{detail: fmt.Sprintf("No secret with hint %s on OAuth client %s.", hint, id)})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type connectionConfigWire struct {
	Status        string `json:"status"`
	ConsentMethod string `json:"consentMethod"`
}

func (api *oauthClientsAPI) getConnectionConfig(w http.ResponseWriter, r *http.Request) {
	if _, rec, ok := api.clients.find(w, r); ok {
		writeJSON(w, http.StatusOK, connectionConfigWire{Status: "active", ConsentMethod: rec.ConnectionConfig.ConsentMethod})
	}
}

func (api *oauthClientsAPI) patchConnectionConfig(w http.ResponseWriter, r *http.Request) {
	type consentOp struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value string `json:"value"`
	}
	ops, err := decodePatch[consentOp](r)
	if err != nil {
		oauthClientBadRequest(w, err)
		return
	}
	consent := ""
	for i, op := range ops {
		if op.Op != "replace" || op.Path != "/consentMethod" || !slices.Contains(oauthConsents, op.Value) {
			oauthClientBadRequest(w, &inputError{detail: `Only {"op":"replace","path":"/consentMethod","value":"required"|"trusted"} is accepted.`, pointer: "/" + strconv.Itoa(i)})
			return
		}
		consent = op.Value
	}
	if _, ok := api.clients.set(w, r, func(cur oauthClientRecord, now time.Time) oauthClientRecord {
		cur.ConnectionConfig.ConsentMethod = consent
		cur.UpdatedAt = formatTime(now)
		return cur
	}); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

// deleteConnectionConfig resets the consent method to its default, required [simulator's assumption].
func (api *oauthClientsAPI) deleteConnectionConfig(w http.ResponseWriter, r *http.Request) {
	if _, ok := api.clients.set(w, r, func(cur oauthClientRecord, _ time.Time) oauthClientRecord {
		cur.ConnectionConfig.ConsentMethod = "required"
		return cur
	}); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

// tenantOAuthClient finds an OAuth client by id for a token request on h: one created in h's tenant, or a
// published one of another tenant in h's region ("available to all other tenants within a region").
func (s *Server) tenantOAuthClient(h *host, id string) (oauthClientRecord, bool) {
	if id == "" || h.tenant == nil {
		return oauthClientRecord{}, false
	}
	now := time.Now()
	if rec, ok := h.tenant.oauthClients.get(id, now, true); ok {
		return rec, true
	}
	s.mu.RLock()
	tenants := slices.Clone(s.tenants)
	s.mu.RUnlock()
	for _, t := range tenants {
		if t == h.tenant || t.host.region != h.region || t.oauthClients == nil {
			continue
		}
		if rec, ok := t.oauthClients.get(id, now, true); ok && rec.PublishedAt != "" {
			return rec, true
		}
	}
	return oauthClientRecord{}, false
}

// secretMatches reports whether secret is one of the client's secrets, in constant time per secret.
func (rec oauthClientRecord) secretMatches(secret string) bool {
	if secret == "" || !slices.Contains(rec.AllowedAuthMethods, authMethodSecret) {
		return false
	}
	ok := 0
	for _, s := range rec.secrets {
		ok |= subtle.ConstantTimeCompare([]byte(s), []byte(secret))
	}
	return ok == 1
}

// clientAssertionType is RFC 7523's assertion type for private_key_jwt.
const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// verifyClientAssertion checks a private_key_jwt client assertion (RFC 7523): signed with one of the client's
// public keys (by kid), iss and sub the client id, aud the token endpoint of this host, and not expired.
func (rec oauthClientRecord) verifyClientAssertion(h *host, assertion string, now time.Time) error {
	if !slices.Contains(rec.AllowedAuthMethods, authMethodPrivateKeyJWT) {
		return errors.New("the client does not allow private_key_jwt")
	}
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return errors.New("client_assertion is not a compact JWS")
	}
	var hdr jwtHeader
	var claims struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
		Exp *float64        `json:"exp"`
	}
	if decodeSegment(parts[0], &hdr) != nil || decodeSegment(parts[1], &claims) != nil {
		return errors.New("client_assertion is not a JWT")
	}
	var key crypto.PublicKey
	for _, k := range rec.PublicKeys {
		if k.Kid == hdr.Kid && k.Alg == hdr.Alg {
			key, _ = k.publicKey()
		}
	}
	if key == nil {
		return fmt.Errorf("no public key of the client has kid %q and alg %q", hdr.Kid, hdr.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return errors.New("the signature is not base64url")
	}
	if err := verifyJWS(hdr.Alg, key, parts[0]+"."+parts[1], sig); err != nil {
		return err
	}
	switch {
	case claims.Iss != rec.ClientID || claims.Sub != rec.ClientID:
		return errors.New("iss and sub must be the client id")
	case !audienceContains(claims.Aud, h.url+"/oauth/token"):
		return fmt.Errorf("aud must be %s/oauth/token", h.url)
	case claims.Exp == nil || !now.Before(unixTime(*claims.Exp)):
		return errors.New("the assertion has expired (exp)")
	}
	return nil
}
