package qliksim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// surfaceFixture is a tenant set up for embedding as the OEM example sets up a customer: a JWT identity
// provider, a web integration for the portal's origin, an app in a managed space whose consumers are a group.
type surfaceFixture struct {
	*loginFixture
	token    string // API key of the home tenant
	wiID     string
	appID    string
	spaceID  string
	portal   string // the portal's origin
	listener string // the tenant's own origin
}

func newSurfaceFixture(t *testing.T) *surfaceFixture {
	t.Helper()
	f := &surfaceFixture{loginFixture: newLoginFixture(t, "rsa"), portal: "http://localhost:8123"}
	f.token = f.sim.Credentials().APIKey
	f.listener = f.home.URL
	c := newTestClient(t)
	var wi WebIntegration
	c.expect(http.StatusCreated, http.MethodPost, f.home.URL+"/api/v1/web-integrations", f.token,
		map[string]any{"name": "Portal", "validOrigins": []string{f.portal}}).decode(t, &wi)
	f.wiID = wi.ID
	sp := c.createSpace(f.home.URL, f.token, "Published", "managed")
	f.spaceID = sp.ID
	app, err := f.sim.SeedApp(f.home.Hostname, "Sales", sp.ID, 1024)
	if err != nil {
		t.Fatal(err)
	}
	f.appID = app
	if _, err := f.sim.AddUser(f.home.Hostname, "seed", "acme-analysts", "globex-viewers"); err != nil {
		t.Fatal(err)
	}
	g, _ := f.sim.GroupByName(f.home.Hostname, "acme-analysts")
	c.expect(http.StatusCreated, http.MethodPost, f.home.URL+"/api/v1/spaces/"+sp.ID+"/assignments", f.token,
		map[string]any{"type": "group", "assigneeId": g.ID, "roles": []string{"consumer"}})
	return f
}

// answer is a response as a test reads it, with the body already read and closed.
type answer struct {
	StatusCode int
	Header     http.Header
	cookies    []*http.Cookie
}

func (a *answer) Cookies() []*http.Cookie { return a.cookies }

// request sends one browser-like request and returns the answer and its body.
func (f *surfaceFixture) request(hc *http.Client, method, rawURL string, header map[string]string) (*answer, string) {
	f.t.Helper()
	req, err := http.NewRequestWithContext(f.t.Context(), method, rawURL, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &answer{StatusCode: resp.StatusCode, Header: resp.Header, cookies: resp.Cookies()}, string(b)
}

func (f *surfaceFixture) loginHeaders(origin, wi string, groups ...string) map[string]string {
	h := map[string]string{"Authorization": "Bearer " + f.sign(LoginClaims(testIssuer, "user-"+strings.Join(groups, "-"), "Pat Doe", "pat@example.com", groups...))}
	if origin != "" {
		h["Origin"] = origin
	}
	if wi != "" {
		h[webIntegrationHeader] = wi
	}
	return h
}

func TestEmbeddingSurface_CSPFrameAncestors(t *testing.T) {
	f := newSurfaceFixture(t)
	c := newTestClient(t)
	csp := func() string {
		resp, _ := f.request(nil, http.MethodGet, f.home.URL+"/single/?appid="+f.appID, nil)
		return resp.Header.Get("Content-Security-Policy")
	}
	if got := csp(); got != "frame-ancestors 'self'" {
		t.Fatalf("CSP without origins = %q, want frame-ancestors 'self'", got)
	}
	c.expect(http.StatusCreated, http.MethodPost, f.home.URL+"/api/v1/csp-origins", f.token,
		map[string]any{"name": "portal", "origin": "localhost:8123", "frameAncestors": true})
	c.expect(http.StatusCreated, http.MethodPost, f.home.URL+"/api/v1/csp-origins", f.token,
		map[string]any{"name": "images", "origin": "cdn.example.com", "imgSrc": true})
	c.expect(http.StatusCreated, http.MethodPost, f.home.URL+"/api/v1/csp-origins", f.token,
		map[string]any{"name": "other portal", "origin": "https://portal.example.com", "frameAncestors": true})
	if got, want := csp(), "frame-ancestors 'self' localhost:8123 https://portal.example.com"; got != want {
		t.Errorf("CSP = %q, want %q", got, want)
	}
	// API answers carry it too, as every answer of the tenant does.
	resp, _ := f.request(nil, http.MethodGet, f.home.URL+"/api/v1/spaces", map[string]string{"Authorization": "Bearer " + f.token})
	if got := resp.Header.Get("Content-Security-Policy"); !strings.Contains(got, "localhost:8123") {
		t.Errorf("API answer's CSP = %q", got)
	}
	for _, e := range f.sim.CSPOrigins(f.home.Hostname) {
		if e.Origin == "localhost:8123" {
			if err := f.sim.EditCSPOrigin(f.home.Hostname, e.ID, func(e *CSPEntry) { e.FrameAncestors = false; e.FrameSrc = true }); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got, want := csp(), "frame-ancestors 'self' https://portal.example.com"; got != want {
		t.Errorf("CSP after the portal lost frame-ancestors = %q, want %q", got, want)
	}
}

func TestJWTLogin_WebIntegrationOrigin(t *testing.T) {
	f := newSurfaceFixture(t)
	login := f.home.URL + jwtLoginRoute

	resp, body := f.request(nil, http.MethodPost, login, f.loginHeaders(f.portal, f.wiID, "acme-analysts"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login from a valid origin: %d %s", resp.StatusCode, body)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != f.portal || resp.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("CORS headers of an allowed login: %v", resp.Header)
	}
	cookies := resp.Cookies()
	if len(cookies) != 2 {
		t.Fatalf("cookies: %v", cookies)
	}
	for _, c := range cookies {
		if c.SameSite != http.SameSiteNoneMode || !c.Secure {
			t.Errorf("cookie %s is not SameSite=None; Secure, which a framed page needs: %s", c.Name, c.String())
		}
	}

	for name, tc := range map[string]struct {
		origin, wi, want string
	}{
		"origin not valid for the integration": {"http://localhost:9999", f.wiID, "http://localhost:9999 is not a valid origin of web integration"},
		"no integration id":                    {f.portal, "", "must send the qlik-web-integration-id header"},
		"unknown integration":                  {f.portal, "no-such-id", `No web integration with id \"no-such-id\"`},
		"unknown integration without origin":   {"", "no-such-id", `No web integration with id \"no-such-id\"`},
	} {
		t.Run(name, func(t *testing.T) {
			resp, body := f.request(nil, http.MethodPost, login, f.loginHeaders(tc.origin, tc.wi, "acme-analysts"))
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, tc.want) || !strings.Contains(body, codeEmbeddingForbidden) {
				t.Errorf("got %d %s; want 403 with %q", resp.StatusCode, body, tc.want)
			}
			if resp.Header.Get("Access-Control-Allow-Origin") != "" || len(resp.Cookies()) != 0 {
				t.Errorf("a refused login allowed the origin or set cookies: %v", resp.Header)
			}
		})
	}

	// A backend call (no Origin) needs no integration, as before.
	if resp, body := f.request(nil, http.MethodPost, login, f.loginHeaders("", "", "acme-analysts")); resp.StatusCode != http.StatusOK {
		t.Errorf("server-side login: %d %s", resp.StatusCode, body)
	}
	// A refused token from a valid origin still lets the portal read why.
	resp, _ = f.request(nil, http.MethodPost, login, map[string]string{"Origin": f.portal, webIntegrationHeader: f.wiID, "Authorization": "Bearer x.y.z"})
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Access-Control-Allow-Origin") != f.portal {
		t.Errorf("bad token from a valid origin: %d, CORS %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
}

func TestJWTLogin_Preflight(t *testing.T) {
	f := newSurfaceFixture(t)
	preflight := func(origin, query string) *answer {
		resp, _ := f.request(nil, http.MethodOptions, f.home.URL+jwtLoginRoute+query, map[string]string{
			"Origin": origin, "Access-Control-Request-Method": "POST",
			"Access-Control-Request-Headers": "authorization,qlik-web-integration-id",
		})
		return resp
	}
	for _, q := range []string{"", "?qlik-web-integration-id=" + url.QueryEscape(f.wiID)} {
		resp := preflight(f.portal, q)
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != f.portal ||
			resp.Header.Get("Access-Control-Allow-Credentials") != "true" ||
			!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), webIntegrationHeader) {
			t.Errorf("preflight %q from the portal: %d %v", q, resp.StatusCode, resp.Header)
		}
		if resp := preflight("http://localhost:9999", q); resp.StatusCode != http.StatusForbidden || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight %q from another origin: %d %v", q, resp.StatusCode, resp.Header)
		}
	}
}

func TestSingle_PageByRoles(t *testing.T) {
	f := newSurfaceFixture(t)
	single := f.home.URL + "/single/?appid=" + f.appID + "&sheet=JpXmPa&opt=currsel"

	resp, body := f.request(nil, http.MethodGet, single, nil)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Not signed in") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("without a session: %d %s", resp.StatusCode, body)
	}

	analyst := newBrowser(t)
	analyst.do(http.MethodPost, f.home.URL+jwtLoginRoute, f.loginHeaders(f.portal, f.wiID, "acme-analysts"), "")
	resp, body = f.request(analyst.hc, http.MethodGet, single, nil)
	for _, want := range []string{`id="sheet">Sheet JpXmPa of Sales`, "Pat Doe (user-acme-analysts)", "acme-analysts", `id="space-roles">consumer<`, `id="space">Published<`} {
		if !strings.Contains(body, want) {
			t.Errorf("the analyst's page lacks %q:\n%s", want, body)
		}
	}
	if resp.StatusCode != http.StatusOK {
		t.Errorf("analyst: %d", resp.StatusCode)
	}

	other := newBrowser(t)
	other.do(http.MethodPost, f.home.URL+jwtLoginRoute, f.loginHeaders(f.portal, f.wiID, "globex-viewers"), "")
	resp, body = f.request(other.hc, http.MethodGet, single, nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Access denied") ||
		!strings.Contains(body, `no role that opens apps in space &#34;Published&#34; (has: none)`) || strings.Contains(body, `id="sheet"`) {
		t.Errorf("a user of another group: %d\n%s", resp.StatusCode, body)
	}

	resp, body = f.request(analyst.hc, http.MethodGet, f.home.URL+"/single/?appid=no-such-app", nil)
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "No app with id no-such-app") {
		t.Errorf("unknown app: %d %s", resp.StatusCode, body)
	}
}

// TestSingle_OwnersAndDataConsumers covers the other ways to an app: the owner of the app's space opens it, the
// owner of a personal app opens it, and dataconsumer (data files only) does not.
func TestSingle_OwnersAndDataConsumers(t *testing.T) {
	f := newSurfaceFixture(t)
	c := newTestClient(t)
	page := func(groups []string, appID string) (int, string) {
		b := newBrowser(t)
		b.do(http.MethodPost, f.home.URL+jwtLoginRoute, f.loginHeaders("", "", groups...), "")
		resp, body := f.request(b.hc, http.MethodGet, f.home.URL+"/single/?appid="+appID, nil)
		return resp.StatusCode, body
	}

	if _, err := f.sim.AddUser(f.home.Hostname, "seed-2", "data-team"); err != nil {
		t.Fatal(err)
	}
	group, _ := f.sim.GroupByName(f.home.Hostname, "data-team")
	c.expect(http.StatusCreated, http.MethodPost, f.home.URL+"/api/v1/spaces/"+f.spaceID+"/assignments", f.token,
		map[string]any{"type": "group", "assigneeId": group.ID, "roles": []string{"dataconsumer"}})
	if code, body := page([]string{"data-team"}, f.appID); code != http.StatusForbidden || !strings.Contains(body, "(has: dataconsumer)") {
		t.Errorf("dataconsumer: %d\n%s", code, body)
	}

	// The space's owner needs no assignment.
	owner, err := f.sim.AddUser(f.home.Hostname, "user-space-owners", "space-owners")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.sim.EditSpace(f.home.Hostname, f.spaceID, func(s *Space) { s.OwnerID = owner.ID }); err != nil {
		t.Fatal(err)
	}
	if code, body := page([]string{"space-owners"}, f.appID); code != http.StatusOK || !strings.Contains(body, `id="sheet">Sheet  of Sales<`) {
		t.Errorf("space owner: %d\n%s", code, body)
	}

	// A personal app opens for its owner only: the owner creates it with the session (and the CSRF token).
	b := newBrowser(t)
	b.do(http.MethodPost, f.home.URL+jwtLoginRoute, f.loginHeaders("", "", "space-owners"), "")
	csrf := ""
	for _, ck := range b.hc.Jar.Cookies(mustURL(t, f.home.URL)) {
		if ck.Name == CSRFCookie {
			csrf = ck.Value
		}
	}
	code, body := b.do(http.MethodPost, f.home.URL+"/api/v1/apps", map[string]string{csrfHeader: csrf}, `{"attributes":{"name":"Scratch"}}`)
	var created App
	if code != http.StatusOK && code != http.StatusCreated || json.Unmarshal(body, &created) != nil {
		t.Fatalf("create a personal app with the session: %d %s", code, body)
	}
	personal := created.Attributes.ID
	if code, body := page([]string{"space-owners"}, personal); code != http.StatusOK || !strings.Contains(body, `id="space">personal<`) {
		t.Errorf("owner of a personal app: %d\n%s", code, body)
	}
	if code, body := page([]string{"acme-analysts"}, personal); code != http.StatusForbidden || !strings.Contains(body, "personal space") {
		t.Errorf("someone else's personal app: %d\n%s", code, body)
	}
}
