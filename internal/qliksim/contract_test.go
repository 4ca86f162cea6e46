package qliksim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// The contract tests drive the simulator through a transport that validates every request and every response
// against Qlik's OpenAPI files in testdata/openapi. A request or response the spec does not allow fails the test,
// except where undeclaredStatus names the reason.

var uidFormat = sync.OnceFunc(func() {
	// spaces.json types ids as format "uid", which is not a JSON Schema format. Qlik's ids are 24 hex characters
	// (spaces, users) or 32 URL-safe characters (tenants), so a uid is checked as a short URL-safe token.
	uid := regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)
	// users.json types picture as format "url"; it is checked as an absolute URL.
	openapi3.DefineStringFormatValidator("url", openapi3.NewCallbackValidator(func(v string) error {
		if u, err := url.Parse(v); err != nil || !u.IsAbs() {
			return fmt.Errorf("%q is not an absolute URL", v)
		}
		return nil
	}))
	openapi3.DefineStringFormatValidator("uid", openapi3.NewCallbackValidator(func(v string) error {
		if !uid.MatchString(v) {
			return fmt.Errorf("%q is not a uid", v)
		}
		return nil
	}))
	// apps.json types a float as format "float64", a Go name rather than an OpenAPI format; any number fits it.
	// apps.json also puts integer formats (int32, int64) on number schemas and format "string" on strings.
	for _, f := range []string{"float64", "int32", "int64"} {
		openapi3.DefineNumberFormatValidator(f, openapi3.NewCallbackValidator(func(float64) error { return nil }))
	}
	openapi3.DefineStringFormatValidator("string", openapi3.NewCallbackValidator(func(string) error { return nil }))
	// licenses.json types its authorization header as format "bearer" (the scheme, not a format); api-keys.json
	// uses "text" and "JWT ID (jti)" as descriptions. Any string fits them.
	for _, f := range []string{"bearer", "text", "JWT ID (jti)"} {
		openapi3.DefineStringFormatValidator(f, openapi3.NewCallbackValidator(func(string) error { return nil }))
	}
	// api-keys.json types its list cursors as format "uid v4"; they are checked as uids.
	openapi3.DefineStringFormatValidator("uid v4", openapi3.NewCallbackValidator(func(v string) error {
		if !uid.MatchString(v) {
			return fmt.Errorf("%q is not a uid", v)
		}
		return nil
	}))
})

// specRepair is what a spec needs before exchanges are validated against it: repairs of defects of the document
// (each fails the test once the defect is gone), and skipExamples where its examples contradict its own schemas
// and are not relied on.
type specRepair struct {
	fixes        []specFix
	skipExamples bool
}

// specFix repairs one defect of a spec document.
type specFix func(*testing.T, *openapi3.T)

var specRepairs = map[string]specRepair{
	"oauth.json":   {fixes: []specFix{fixAuthorizeScope}},
	"tenants.json": {fixes: []specFix{fixTenantsExamples}},
	// apps.json carries examples of the wrong type (a string example on a number).
	"apps.json": {fixes: []specFix{fixReloadMetadataParam, fixScriptPatchOp}, skipExamples: true},
	// data-connections.json gives tags an example that is a string, not an array.
	"data-connections.json": {fixes: []specFix{fixDataConnectionsLimitDefault}, skipExamples: true},
	"groups.json":           {fixes: []specFix{fixGroupPatchExample}},
	// users.json's examples contradict its schemas in many places (patch paths outside the enum, values matching
	// several oneOf branches).
	"users.json":              {fixes: []specFix{fixUserPatchValue}, skipExamples: true},
	"identity-providers.json": {fixes: []specFix{fixIdentityProviderOneOfs}},
	"oauth-clients.json":      {fixes: []specFix{fixOAuthClientsOneOfs}},
	"web-integrations.json":   {fixes: []specFix{fixWebIntegrationsErrorsExample}},
	// api-keys.json gives the sub parameter (format uid) a subject as example, which is not a uid.
	"api-keys.json": {skipExamples: true},
	// licenses.json's assignments example has an item whose type is false and which lacks excess.
	"licenses.json": {skipExamples: true},
	// workflows-automations.json gives an integer a string example (lastRunDuration "9001").
	"workflows-automations.json": {skipExamples: true},
	// scheduling-tasks.json's examples break its own patterns (stateName "init_state") and enums (a state type
	// "event" where the enum is "EVENT").
	"scheduling-tasks.json": {skipExamples: true},
}

// contract validates exchanges against one or more specs.
type contract struct {
	t       *testing.T
	docs    map[string]*openapi3.T // by spec file
	routers map[string]routers.Router
	// checked counts validated exchanges, so the test can prove no request slipped past validation.
	checked int
}

func loadContract(t *testing.T, baseURLs []string, files ...string) *contract {
	t.Helper()
	uidFormat()
	c := &contract{t: t, docs: map[string]*openapi3.T{}, routers: map[string]routers.Router{}}
	for _, f := range files {
		doc, err := openapi3.NewLoader().LoadFromFile("testdata/openapi/" + f)
		if err != nil {
			t.Fatalf("load %s: %v", f, err)
		}
		// qlik.dev publishes the specs with an empty info.version, which OpenAPI requires; that is a defect of the
		// document, not of the API, so the test names the mirror commit instead of skipping document validation.
		if doc.Info != nil && doc.Info.Version == "" {
			doc.Info.Version = "qc-specs-807fb1f"
		}
		repair := specRepairs[f]
		for _, fix := range repair.fixes {
			fix(t, doc)
		}
		// The specs name https://{tenant}.{region}.qlikcloud.com; requests here go to the simulator's hosts.
		doc.Servers = nil
		for _, u := range baseURLs {
			doc.Servers = append(doc.Servers, &openapi3.Server{URL: u})
		}
		validation := []openapi3.ValidationOption{openapi3.EnableSchemaFormatValidation()}
		if repair.skipExamples {
			validation = append(validation, openapi3.DisableExamplesValidation())
		}
		r, err := legacy.NewRouter(doc, validation...)
		if err != nil {
			t.Fatalf("router for %s: %v", f, err)
		}
		c.docs[f], c.routers[f] = doc, r
	}
	return c
}

// fixReloadMetadataParam declares the reloadId path parameter that apps.json leaves out of GET
// /api/v1/apps/{appId}/reloads/metadata/{reloadId} (its parameter list names it only as a query parameter). The
// simulator does not serve that endpoint; the repair only lets the rest of the document load.
func fixReloadMetadataParam(t *testing.T, doc *openapi3.T) {
	t.Helper()
	item := doc.Paths.Value("/api/v1/apps/{appId}/reloads/metadata/{reloadId}")
	if item == nil || item.Get == nil {
		t.Fatal("apps.json: reload metadata operation missing; drop the repair")
	}
	item.Get.Parameters = append(item.Get.Parameters, &openapi3.ParameterRef{Value: openapi3.NewPathParameter("reloadId").WithSchema(openapi3.NewStringSchema())})
}

// fixAuthorizeScope repairs GET /oauth/authorize's scope parameter, an array without items whose example is a
// string (both invalid OpenAPI). The simulator does not serve that endpoint; the repair only lets the rest of
// oauth.json load with full document validation. The items are strings, as the example "users:read apps:read"
// shows.
func fixAuthorizeScope(t *testing.T, doc *openapi3.T) {
	t.Helper()
	op := doc.Paths.Value("/oauth/authorize").Get
	for _, p := range op.Parameters {
		if p.Value.Name == "scope" && p.Value.Schema.Value.Items == nil {
			p.Value.Schema.Value.Items = openapi3.NewSchemaRef("", openapi3.NewStringSchema())
			p.Value.Schema.Value.Example = []any{"users:read", "apps:read"}
			return
		}
	}
	t.Fatal("oauth.json: GET /oauth/authorize scope parameter is valid now; drop fixAuthorizeScope")
}

// stringErrorStatuses turns the numeric statuses in the example of a document's Errors schema into strings, as
// the schema types them, and returns how many it changed; ok is false when the schema has no example object.
func stringErrorStatuses(doc *openapi3.T) (changed int, ok bool) {
	ex, ok := doc.Components.Schemas["Errors"].Value.Example.(map[string]any)
	if !ok {
		return 0, false
	}
	items, _ := ex["errors"].([]any)
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			if n, isNum := m["status"].(float64); isNum {
				m["status"] = fmt.Sprint(n)
				changed++
			}
		}
	}
	return changed, true
}

// specFor picks the spec that documents a path.
func specFor(path string) string {
	if strings.HasPrefix(path, "/oauth/") {
		return "oauth.json"
	}
	if path == "/api/core/auth-settings" {
		return "core-auth-settings.json"
	}
	if strings.HasPrefix(path, "/api/scheduling/") {
		return "scheduling-tasks.json"
	}
	if strings.HasPrefix(path, "/api/workflows/") {
		return "workflows-automations.json"
	}
	for _, area := range []string{
		"tenants", "apps", "temp-contents", "items", "groups", "roles", "users",
		"identity-providers", "web-integrations", "csp-origins", "oauth-clients",
		"reloads", "data-connections", "licenses", "api-keys",
		"brands", "themes", "extensions", "webhooks",
	} {
		if path == "/api/v1/"+area || strings.HasPrefix(path, "/api/v1/"+area+"/") {
			return area + ".json"
		}
	}
	return "spaces.json"
}

type invalidRequestKey struct{}

// invalidRequest marks a request the test sends on purpose although the spec forbids it (to see the
// simulator's 400); the contract then requires request validation to fail.
func invalidRequest(ctx context.Context) context.Context {
	return context.WithValue(ctx, invalidRequestKey{}, true)
}

// undeclaredStatus returns why a status the spec does not declare for an operation is still right, or "".
func undeclaredStatus(method, specPath string, status int) string {
	switch {
	case status == http.StatusBadRequest && (method == http.MethodPost || method == http.MethodPatch || method == http.MethodPut) && strings.HasPrefix(specPath, "/api/v1/spaces"):
		// spaces.json declares no 400 for create, patch or put, yet the request schemas carry constraints
		// (pattern, maxLength, enum) that a server must enforce somehow; the simulator
		// answers 400 with the spaces error body.
		return "spaces.json declares no 400 for writes that violate its own request schema"
	case status == http.StatusConflict && (method == http.MethodPatch || method == http.MethodPut) && specPath == "/api/v1/spaces/{spaceId}":
		// Names must be unique ("Spaces names must be unique"); the spec documents 409 only on create, but a
		// rename to a taken name has to be refused the same way.
		return "spaces.json documents the uniqueness 409 on create only"
	case status == http.StatusBadRequest && strings.HasPrefix(specPath, "/api/v1/apps") && method != http.MethodGet:
		// apps.json documents no error answers for most app writes, yet a copy into a space
		// that does not exist or a publish to a shared space has to be refused.
		return "apps.json documents no 400 for app writes"
	case status == http.StatusConflict && method == http.MethodPut && specPath == "/api/v1/apps/{appId}/publish":
		// checkOriginAppId ("validate that source app is same as originally published") and orphaned published
		// apps ("cannot be republished", Qlik Help) are refusals the spec gives no status for; the simulator
		// answers 409 (DESIGN.md).
		return "apps.json documents no refusal of a republish"
	case status == http.StatusBadRequest && method == http.MethodGet && specPath == "/api/v1/oauth-clients":
		return "oauth-clients.json declares no 400 for a list whose filter, sort or cursor is invalid"
	case status == http.StatusNotFound && method == http.MethodDelete && specPath == "/api/v1/roles/{id}":
		// GET and PATCH answer an unknown role id with 404; DELETE declares none, yet an id that does not
		// exist cannot be a 400 for a bad request.
		return "roles.json declares no 404 for DELETE"
	case status == http.StatusNotFound && strings.HasPrefix(specPath, "/api/v1/apps/{appId}"):
		return "apps.json documents no 404 for operations on an app id"
	case status == http.StatusConflict && (method == http.MethodPost || method == http.MethodPatch || method == http.MethodPut) &&
		(strings.HasPrefix(specPath, "/api/v1/identity-providers") || strings.HasPrefix(specPath, "/api/v1/web-integrations") || strings.HasPrefix(specPath, "/api/v1/csp-origins")):
		// Qlik documents no uniqueness rule for these; the simulator refuses a second
		// jwtAuth IdP with the same issuer and key id, a second web integration with the same name and a second
		// CSP entry for the same origin, because each would make the provider's lookup by natural key ambiguous.
		return "no uniqueness 409 is documented for identity providers, web integrations or CSP origins"
	}
	return ""
}

func (c *contract) RoundTrip(req *http.Request) (*http.Response, error) {
	t := c.t
	var reqBody []byte
	if req.Body != nil {
		var err error
		if reqBody, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	spec := specFor(req.URL.Path)
	route, params, err := c.routers[spec].FindRoute(req)
	if err != nil {
		t.Errorf("contract: %s %s is not in %s: %v", req.Method, req.URL.Path, spec, err)
		return http.DefaultTransport.RoundTrip(req)
	}
	opts := &openapi3filter.Options{
		MultiError:            true,
		IncludeResponseStatus: true,
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		// Validation must not rewrite the request it checks (it would add schema defaults such as
		// clockToleranceSec to the body and change its length).
		SkipSettingDefaults: true,
	}
	reqOpts := *opts
	isForm, formErr := validateFormBody(route, req, reqBody)
	if isForm {
		reqOpts.ExcludeRequestBody = true
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: &reqOpts}
	verr := errors.Join(openapi3filter.ValidateRequest(req.Context(), in), formErr)
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	in.Options = opts
	wantInvalid, _ := req.Context().Value(invalidRequestKey{}).(bool)
	switch {
	case wantInvalid && verr == nil:
		t.Errorf("contract: %s %s body %s was sent as invalid, but the spec accepts it", req.Method, req.URL, reqBody)
	case !wantInvalid && verr != nil:
		t.Errorf("contract: request %s %s body %s violates %s: %v", req.Method, req.URL, reqBody, spec, verr)
	}

	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))

	c.checked++
	if reason := undeclaredStatus(req.Method, route.Path, resp.StatusCode); reason != "" {
		if _, declared := route.Operation.Responses.Map()[fmt.Sprint(resp.StatusCode)]; declared {
			t.Errorf("contract: %s %s %d is declared now; drop the exception (%s)", req.Method, route.Path, resp.StatusCode, reason)
		}
		c.validateErrors(spec, req, resp.StatusCode, respBody)
		return resp, nil
	}
	if spec == "temp-contents.json" && req.Method == http.MethodGet && resp.StatusCode < 300 {
		// A download's body is the file itself; the spec's object schema is for its JSON error answers.
		opts.ExcludeResponseBody = true
	}
	rin := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(respBody)),
		Options:                opts,
	}
	if err := openapi3filter.ValidateResponse(req.Context(), rin); err != nil {
		t.Errorf("contract: response %d to %s %s violates %s: %v\nbody: %s", resp.StatusCode, req.Method, req.URL, spec, err, respBody)
	}
	return resp, nil
}

// validateFormBody validates a form-urlencoded body itself when its schema is a oneOf: kin-openapi's form decoder
// rejects oneOf schemas outright ("unsupported schema of request body"), and oauth.json declares the token and
// revoke bodies that way. Form fields are strings, so the decoded form is checked as an object of strings.
func validateFormBody(route *routers.Route, req *http.Request, body []byte) (bool, error) {
	rb := route.Operation.RequestBody
	if rb == nil || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return false, nil
	}
	mt := rb.Value.Content.Get("application/x-www-form-urlencoded")
	if mt == nil || mt.Schema == nil || len(mt.Schema.Value.OneOf) == 0 {
		return false, nil
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return true, fmt.Errorf("form body: %w", err)
	}
	obj := map[string]any{}
	for k := range vals {
		obj[k] = vals.Get(k)
	}
	if err := mt.Schema.Value.VisitJSON(obj); err != nil {
		return true, fmt.Errorf("form body: %w", err)
	}
	return true, nil
}

// validateErrors checks an error body for an undeclared status against the spec's own Errors schema.
func (c *contract) validateErrors(spec string, req *http.Request, status int, body []byte) {
	ref := c.docs[spec].Components.Schemas["Errors"]
	if ref == nil {
		ref = c.docs[spec].Components.Schemas["ErrorResponse"] // csp-origins.json's name for the same body
	}
	schema := ref.Value
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		c.t.Errorf("contract: %d to %s %s is not JSON: %s", status, req.Method, req.URL, body)
		return
	}
	if err := schema.VisitJSON(v); err != nil {
		c.t.Errorf("contract: %d to %s %s does not match %s Errors: %v", status, req.Method, req.URL, spec, err)
	}
}

// contractClient sends requests through the validating transport.
type contractClient struct {
	t  *testing.T
	hc *http.Client
}

func (cc *contractClient) do(ctx context.Context, method, rawURL, token, contentType string, body []byte) *response {
	cc.t.Helper()
	return cc.doWith(ctx, method, rawURL, token, contentType, body, nil)
}

// doWith is do with further request headers.
func (cc *contractClient) doWith(ctx context.Context, method, rawURL, token, contentType string, body []byte, header http.Header) *response {
	cc.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	r, err := roundTrip(cc.hc, newRequest(ctx, cc.t, method, rawURL, token, contentType, rd, header))
	if err != nil {
		cc.t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	return r
}

// confirmed POSTs the JSON body with the qlik-confirm-hostname header that deactivating and reactivating a tenant
// require.
func (cc *contractClient) confirmed(ctx context.Context, rawURL, token, hostname string, body []byte) *response {
	cc.t.Helper()
	return cc.doWith(ctx, http.MethodPost, rawURL, token, "application/json", body, http.Header{"Qlik-Confirm-Hostname": {hostname}})
}

func (cc *contractClient) json(method, rawURL, token string, status int, body any) *response {
	cc.t.Helper()
	return cc.jsonCtx(cc.t.Context(), method, rawURL, token, status, body)
}

func (cc *contractClient) jsonCtx(ctx context.Context, method, rawURL, token string, status int, body any) *response {
	cc.t.Helper()
	var data []byte
	ct := ""
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			cc.t.Fatalf("marshal: %v", err)
		}
		ct = "application/json"
	}
	r := cc.do(ctx, method, rawURL, token, ct, data)
	if r.status != status {
		cc.t.Fatalf("%s %s: status %d, want %d: %s", method, rawURL, r.status, status, r.body)
	}
	return r
}

func TestContract(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	home := sim.Home()
	creds := sim.Credentials()
	c := loadContract(t, []string{home.URL, sim.RegistrationURL()}, "spaces.json", "oauth.json")
	calls := newCountedCalls(t, c, "")
	call, callInvalid := calls.callWith, calls.callInvalidWith

	// Tokens: JSON and form bodies, on a tenant and on the register host; bad secret; a grant the simulator
	// does not implement.
	tokenBody := map[string]string{"client_id": creds.ClientID, "client_secret": creds.ClientSecret, "grant_type": "client_credentials"}
	var tok tokenResponse
	call(http.MethodPost, home.URL+"/oauth/token", "", http.StatusOK, tokenBody).decode(t, &tok)
	call(http.MethodPost, sim.RegistrationURL()+"/oauth/token", "", http.StatusOK, tokenBody)
	form := url.Values{"client_id": {creds.ClientID}, "client_secret": {creds.ClientSecret}, "grant_type": {"client_credentials"}, "scope": {"admin_classic"}}
	calls.sent++
	if r := calls.cc.do(t.Context(), http.MethodPost, home.URL+"/oauth/token", "", "application/x-www-form-urlencoded", []byte(form.Encode())); r.status != http.StatusOK {
		t.Fatalf("form token: %d %s", r.status, r.body)
	}
	call(http.MethodPost, home.URL+"/oauth/token", "", http.StatusUnauthorized,
		map[string]string{"client_id": creds.ClientID, "client_secret": "wrong", "grant_type": "client_credentials"})
	call(http.MethodPost, home.URL+"/oauth/token", "", http.StatusBadRequest,
		map[string]string{"grant_type": "refresh_token", "refresh_token": "r"})
	call(http.MethodPost, home.URL+"/oauth/revoke", "", http.StatusOK, map[string]string{"token": "unknown"})
	token := tok.AccessToken

	spaces := home.URL + "/api/v1/spaces"
	call(http.MethodGet, spaces, "", http.StatusUnauthorized, nil)
	call(http.MethodGet, spaces+"/types", token, http.StatusOK, nil)

	// Create 12 spaces, alternating the credential so both identities are exercised.
	var created []Space
	for i := range 12 {
		cred := token
		if i%2 == 1 {
			cred = creds.APIKey
		}
		typ := []string{"shared", "managed", "data"}[i%3]
		var sp Space
		call(http.MethodPost, spaces, cred, http.StatusCreated,
			map[string]string{"name": fmt.Sprintf("Customer %02d", i), "type": typ, "description": "made by the contract test"}).decode(t, &sp)
		created = append(created, sp)
	}
	call(http.MethodPost, spaces, token, http.StatusConflict, map[string]string{"name": "Customer 00", "type": "shared"})
	callInvalid(http.MethodPost, spaces, token, http.StatusBadRequest, map[string]string{"name": "a/b", "type": "shared"})
	callInvalid(http.MethodPost, spaces, token, http.StatusBadRequest, map[string]string{"name": "x", "type": "personal"})
	callInvalid(http.MethodPost, spaces, token, http.StatusBadRequest, map[string]string{"type": "shared"})

	one := created[0]
	call(http.MethodGet, spaces+"/"+one.ID, token, http.StatusOK, nil)
	call(http.MethodGet, spaces+"/62716f4b39b865ece543cd45", token, http.StatusNotFound, nil)

	// Walk the list with small pages, forwards and back, with a sort and a filter.
	walked, prev := walkPages[Space](t, func(u string) *response { return call(http.MethodGet, u, token, http.StatusOK, nil) },
		spaces+"?limit=5&sort=-createdAt", nil)
	if walked != len(created) {
		t.Errorf("walked %d spaces, want %d", walked, len(created))
	}
	if prev == "" {
		t.Fatal("last page has no prev link")
	}
	call(http.MethodGet, prev, token, http.StatusOK, nil)
	call(http.MethodGet, spaces+"?type=managed,data&name=customer", token, http.StatusOK, nil)
	call(http.MethodGet, spaces+"?limit=0", token, http.StatusBadRequest, nil)
	call(http.MethodGet, spaces+"?sort=size", token, http.StatusBadRequest, nil)

	patch := []map[string]string{{"op": "replace", "path": "/name", "value": "Customer 00 (renamed)"}, {"op": "replace", "path": "/description", "value": "patched"}}
	call(http.MethodPatch, spaces+"/"+one.ID, token, http.StatusOK, patch)
	call(http.MethodPatch, spaces+"/"+one.ID, token, http.StatusConflict, []map[string]string{{"op": "replace", "path": "/name", "value": "Customer 01"}})
	callInvalid(http.MethodPatch, spaces+"/"+one.ID, token, http.StatusBadRequest, []map[string]string{{"op": "add", "path": "/name", "value": "x"}})
	call(http.MethodPatch, spaces+"/62716f4b39b865ece543cd45", token, http.StatusNotFound, patch)
	call(http.MethodPut, spaces+"/"+one.ID, token, http.StatusOK, map[string]string{"name": "Customer 00", "description": "put", "ownerId": home.BotUserID})
	call(http.MethodPut, spaces+"/"+one.ID, token, http.StatusConflict, map[string]string{"name": "Customer 02"})
	callInvalid(http.MethodPut, spaces+"/"+one.ID, token, http.StatusBadRequest, map[string]string{"name": "bad:name"})

	if err := sim.SetSpaceContent(home.Hostname, one.ID, 3); err != nil {
		t.Fatal(err)
	}
	call(http.MethodDelete, spaces+"/"+one.ID, token, http.StatusPreconditionFailed, nil)
	if err := sim.SetSpaceContent(home.Hostname, one.ID, 0); err != nil {
		t.Fatal(err)
	}
	call(http.MethodDelete, spaces+"/"+one.ID, token, http.StatusNoContent, nil)
	call(http.MethodGet, spaces+"/"+one.ID, token, http.StatusNotFound, nil)
	call(http.MethodDelete, spaces+"/"+one.ID, token, http.StatusNotFound, nil)

	calls.allValidated(c)
}

// spaceListWire is the list response as a client decodes it.
type spaceListWire struct {
	Data  []Space `json:"data"`
	Links struct {
		Self Link  `json:"self"`
		Next *Link `json:"next"`
		Prev *Link `json:"prev"`
	} `json:"links"`
	Meta struct {
		Count int `json:"count"`
	} `json:"meta"`
}

// TestContractCatchesViolations proves the validating transport fails on a response the spec forbids, so a
// passing contract test means something.
func TestContractCatchesViolations(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	c := loadContract(t, []string{sim.Home().URL}, "spaces.json")
	doc := c.docs["spaces.json"]
	route, params, err := c.routers["spaces.json"].FindRoute(mustRequest(t, http.MethodGet, sim.Home().URL+"/api/v1/spaces/types"))
	if err != nil {
		t.Fatal(err)
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.RequestValidationInput{Request: mustRequest(t, http.MethodGet, sim.Home().URL+"/api/v1/spaces/types"), PathParams: params, Route: route, Options: opts}
	for _, tc := range []struct {
		name   string
		status int
		body   string
	}{
		{"undeclared status", http.StatusTeapot, `{}`},
		{"wrong shape", http.StatusOK, `{"data":[{"type":"shared"}]}`},
		{"unknown type", http.StatusOK, `{"data":["personal"]}`},
	} {
		h := http.Header{"Content-Type": {"application/json"}}
		err := openapi3filter.ValidateResponse(t.Context(), &openapi3filter.ResponseValidationInput{
			RequestValidationInput: in, Status: tc.status, Header: h, Body: io.NopCloser(strings.NewReader(tc.body)), Options: opts,
		})
		if err == nil {
			t.Errorf("%s: validation passed", tc.name)
		}
	}
	if doc.Components.Schemas["Errors"] == nil {
		t.Fatal("spaces.json has no Errors schema")
	}
	var rerr *routers.RouteError
	if _, _, err := c.routers["spaces.json"].FindRoute(mustRequest(t, http.MethodGet, sim.Home().URL+"/api/v1/nothing")); !errors.As(err, &rerr) {
		t.Errorf("unknown path routed: %v", err)
	}
}

func mustRequest(t *testing.T, method, rawURL string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
