package provider_test

import (
	"bytes"
	"context"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/portal"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// The browser tests load the vendor portal in headless Chromium: the portal signs a customer's user in to the
// customer's tenant with a JWT from the page (CORS, the web integration's origins), and frames a sheet of the
// tenant (its CSP frame-ancestors, the session cookie inside a third-party frame, the user's roles). The
// estate is the OEM example applied with terraform, as in the demo.

// chromiumPath finds the browser; a missing browser fails the test (make test installs Chromium).
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium on PATH (nor CHROMIUM_PATH): the browser tests need it; `make test` installs it with apt-get install chromium")
	return ""
}

// allowThirdPartyCookies is the profile setting "Allow third-party cookies" (chrome://settings/cookies). This
// Chromium blocks third-party cookies by default, and a cookie set for the tenant from the portal's page is one;
// iframe embedding with a JWT session works only where the user's browser allows them.
const allowThirdPartyCookies = `{"profile":{"cookie_controls_mode":0,"block_third_party_cookies":false}}`

// blockThirdPartyCookies is "Block third-party cookies", this Chromium's default, Safari's and Firefox's
// strict mode.
const blockThirdPartyCookies = `{"profile":{"cookie_controls_mode":1,"block_third_party_cookies":true}}`

// newBrowserTab starts a headless Chromium with a new, empty profile and returns a tab; the browser stops with
// the test.
func newBrowserTab(t *testing.T, profilePrefs string) context.Context {
	t.Helper()
	dir := t.TempDir()
	if profilePrefs != "" {
		if err := os.MkdirAll(filepath.Join(dir, "Default"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "Default", "Preferences"), []byte(profilePrefs), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(t.Context(),
		chromedp.ExecPath(chromiumPath(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("lang", "en-US"), chromedp.UserDataDir(dir), chromedp.WindowSize(1280, 720),
	)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// portalStatus opens a portal URL and waits for the page's sign-in to end; it returns data-state (signed-in,
// refused, error) and the status line.
func portalStatus(t *testing.T, tab context.Context, url string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	state, err := chromedp.Run(ctx, chromedp.Poll[string](
		`(s => s && s.dataset.state !== 'signing-in' && s.dataset.state)(document.getElementById('status'))`,
		chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		t.Fatalf("the portal's sign-in did not finish: %v", err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("status")))
	if err != nil {
		t.Fatal(err)
	}
	return state, text
}

// signedInTab opens the portal at url in a new tab with the cookie setting prefs and waits for its sign-in, which
// must succeed with a status line that holds wantStatus; it returns the tab.
func signedInTab(t *testing.T, prefs, url, wantStatus string) context.Context {
	t.Helper()
	tab := newBrowserTab(t, prefs)
	state, status := portalStatus(t, tab, url)
	if state != "signed-in" || !strings.Contains(status, wantStatus) {
		t.Fatalf("sign-in at %s: %s: %s", url, state, status)
	}
	return tab
}

// framed is what the portal's iframe shows: the address of its document and its text.
type framed struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

// frameContent waits for the iframe that was sent to the tenant at tenantURL and returns its document: the
// tenant's page, or Chromium's error page (chrome-error://) when the browser refused to frame it. The tenant is
// another site, so Chromium runs the frame as its own target. It returns false when no frame went to the tenant
// within the wait.
func frameContent(t *testing.T, tab context.Context, tenantURL string, wait time.Duration) (framed, bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) {
		infos, err := chromedp.Targets(tab)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if info.Type != "iframe" || !strings.HasPrefix(info.URL, tenantURL+"/single/") {
				continue
			}
			// Detach on cancel: closing the frame's target would take the portal's page with it.
			fctx, cancel := chromedp.NewContext(tab, chromedp.WithTargetID(info.TargetID), chromedp.WithDetachOnCancel())
			tctx, cancelT := context.WithTimeout(fctx, 10*time.Second)
			doc, err := chromedp.Run(tctx, chromedp.Poll[framed](
				`document.readyState === 'complete' && document.body && {href: location.href, text: document.body.innerText}`,
				chromedp.WithPollingTimeout(5*time.Second)))
			cancelT()
			cancel()
			if err == nil {
				return doc, true
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return framed{}, false
}

// frameText returns the text of the tenant's page in the portal's iframe, or false when the frame shows no page
// of the tenant (none was sent there, or the browser refused to frame it).
func frameText(t *testing.T, tab context.Context, tenantURL string, wait time.Duration) (string, bool) {
	t.Helper()
	doc, ok := frameContent(t, tab, tenantURL, wait)
	if !ok || !strings.HasPrefix(doc.Href, tenantURL+"/single/") {
		return doc.Href + "\n" + doc.Text, false
	}
	return doc.Text, true
}

// startPortal serves the portal on a loopback port and returns its origin, http://localhost:PORT: another site
// than the tenants on 127.0.0.1, as a vendor's portal is.
func startPortal(t *testing.T, p http.Handler) string {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	_, port, err := net.SplitHostPort(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return "http://localhost:" + port
}

// TestBrowserPortal applies the OEM example for the portal's origin, then drives the portal in Chromium.
func TestBrowserPortal(t *testing.T) {
	// The OEM example places its customers in three regions, as in TestAccExamples.
	e, _ := newTestEnvWith(t, qliksim.Options{Regions: estateRegions})
	e.seedTemplate(t, "")

	private, public, err := qliksim.NewSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	outputsFile := filepath.Join(t.TempDir(), "outputs.json")
	p, err := portal.New(outputsFile, private)
	if err != nil {
		t.Fatal(err)
	}
	origin := startPortal(t, p)

	dir := e.exampleDir(t, filepath.Join("..", "..", "examples", "oem-multitenant"))
	if err := os.WriteFile(filepath.Join(dir, "portal_jwt_public_key.pem"), public, 0o600); err != nil {
		t.Fatal(err)
	}
	tf := newTFCLI(t, dir)
	vars := append(exampleVars["oem-multitenant"](e), "-var", "portal_origin="+origin)
	tf.apply(vars...)
	out := tf.mustRun("output", "-json")
	if err := os.WriteFile(outputsFile, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	table, err := portal.ParseOutputs([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	acme := table.Customers["acme"]
	acmeURL := "http://" + acme.Hostname

	t.Run("customer user sees the sheet in the frame", func(t *testing.T) {
		tab := signedInTab(t, allowThirdPartyCookies, origin+"/?customer=acme&sheet=overview&as=acme-analysts", "Acme Corp user (acme-analysts)")
		text, ok := frameText(t, tab, acmeURL, 15*time.Second)
		if !ok {
			t.Fatalf("the frame shows no page of %s; it shows:\n%s", acmeURL, text)
		}
		for _, want := range []string{"Sheet JpXmPa of Sales", "Acme Corp user (acme-analysts) (portal|acme-analysts)", "EmbeddedAnalyticsUser", "consumer", acme.Hostname} {
			if !strings.Contains(text, want) {
				t.Errorf("the framed page lacks %q:\n%s", want, text)
			}
		}
		shot, err := chromedp.Run(tab, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(shot)); err != nil {
			t.Fatalf("screenshot: %v", err)
		}
		// PORTAL_SCREENSHOT=docs/images/portal.png (make screenshot) keeps it for the README.
		if path := os.Getenv("PORTAL_SCREENSHOT"); path != "" {
			if !filepath.IsAbs(path) {
				path = filepath.Join("..", "..", path)
			}
			if err := os.WriteFile(path, shot, 0o644); err != nil { //nolint:gosec // an image for the docs
				t.Fatal(err)
			}
		}
	})

	t.Run("user of another customer's group is refused", func(t *testing.T) {
		tab := signedInTab(t, allowThirdPartyCookies, origin+"/?customer=acme&sheet=details&as=globex-viewers", "")
		text, ok := frameText(t, tab, acmeURL, 15*time.Second)
		if !ok || !strings.Contains(text, "Access denied") || !strings.Contains(text, `no role that opens apps in space "Acme Corp analytics" (has: none)`) ||
			strings.Contains(text, "Sheet aBcDeF of") {
			t.Errorf("a Globex user in Acme's tenant (frame found %v):\n%s", ok, text)
		}
	})

	// Two more portal origins, served by the same portal: one the web integration lists but the CSP origins do
	// not, one the other way round.
	acmeAPI := e.tenantClient(t, acme.Hostname)

	t.Run("portal origin not in the CSP origins cannot frame the tenant", func(t *testing.T) {
		other := startPortal(t, p)
		wi, err := acmeAPI.GetWebIntegration(t.Context(), acme.WebIntegrationID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := acmeAPI.UpdateWebIntegration(t.Context(), wi.ID, qlik.WebIntegrationUpdateRequest{ValidOrigins: new(append(wi.ValidOrigins, other))}); err != nil {
			t.Fatal(err)
		}
		// The web integration lists the origin: the sign-in succeeds.
		tab := signedInTab(t, allowThirdPartyCookies, other+"/?customer=acme&sheet=overview&as=acme-analysts", "")
		// The frame went to the tenant, and Chromium put its error page in its place.
		doc, ok := frameContent(t, tab, acmeURL, 15*time.Second)
		if !ok || !strings.HasPrefix(doc.Href, "chrome-error:") || !strings.Contains(doc.Text, "refused to connect") {
			t.Errorf("the tenant was framed by %s, which is not in its CSP origins (frame found %v): %s\n%s", other, ok, doc.Href, doc.Text)
		}
	})

	t.Run("origin missing from the web integration cannot sign in", func(t *testing.T) {
		other := startPortal(t, p)
		if _, err := acmeAPI.CreateCSPOrigin(t.Context(), qlik.CSPOriginRequest{
			Name: "Second portal", Origin: other, CSPDirectiveFlags: qlik.CSPDirectiveFlags{FrameAncestors: true},
		}); err != nil {
			t.Fatal(err)
		}
		logins := e.sim.AuditCount(http.MethodPost, "/login/jwt-session", acme.Hostname)
		tab := newBrowserTab(t, allowThirdPartyCookies)
		state, status := portalStatus(t, tab, other+"/?customer=acme&sheet=overview&as=acme-analysts")
		if state != "refused" || !strings.Contains(status, "does not accept calls from "+other) {
			t.Errorf("sign-in from an origin outside the web integration: %s: %s", state, status)
		}
		if text, ok := frameText(t, tab, acmeURL, 2*time.Second); ok {
			t.Errorf("the portal framed the tenant after a refused sign-in:\n%s", text)
		}
		// The tenant refused the browser's preflight, so the browser never sent the login.
		if n := e.sim.AuditCount(http.MethodPost, "/login/jwt-session", acme.Hostname); n != logins {
			t.Errorf("the browser sent %d logins after a refused preflight", n-logins)
		}
		refused := 0
		for _, a := range e.sim.Audit() {
			if a.Method == http.MethodOptions && a.Route == "/login/jwt-session" && a.Host == acme.Hostname && a.Status == http.StatusForbidden {
				refused++
			}
		}
		if refused == 0 {
			t.Error("no refused preflight of the login in the audit")
		}
	})

	t.Run("third-party cookies blocked: signed in, but the frame has no session", func(t *testing.T) {
		tab := signedInTab(t, blockThirdPartyCookies, origin+"/?customer=acme&sheet=overview&as=acme-analysts", "")
		text, ok := frameText(t, tab, acmeURL, 15*time.Second)
		if !ok || !strings.Contains(text, "Not signed in") {
			t.Errorf("with Chromium's default cookie settings the frame should show no session (found %v):\n%s", ok, text)
		}
	})
}
