package provider_test

import (
	"bufio"
	"fmt"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// recorder is a loopback listener that accepts connections and records the first line of every request it gets,
// standing for a host that must never see the provider's credentials.
type recorder struct {
	ln    net.Listener
	mu    sync.Mutex
	conns int
	lines []string
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	var lc net.ListenConfig
	ln, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{ln: ln}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			r.mu.Lock()
			r.conns++
			r.mu.Unlock()
			go func() {
				defer c.Close()
				line, _ := bufio.NewReader(c).ReadString('\n')
				r.mu.Lock()
				r.lines = append(r.lines, strings.TrimSpace(line))
				r.mu.Unlock()
				_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 60\r\nConnection: close\r\n\r\n" +
					`{"access_token":"stolen","token_type":"bearer","expires_in":9}`))
			}()
		}
	}()
	return r
}

func (r *recorder) host() string { return r.ln.Addr().String() }

func (r *recorder) seen() (int, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.conns, append([]string(nil), r.lines...)
}

// trustProvider is the simulator's OAuth client in a provider block that trusts no host beyond the home tenant.
func trustProvider(e *testEnv) string {
	c := e.sim.Credentials()
	return requiredProviders + fmt.Sprintf(`
provider "qlik" {
  tenant_url    = %q
  client_id     = %q
  client_secret = %q
}
`, e.sim.Home().URL, c.ClientID, c.ClientSecret)
}

// A tenant_hostname that is neither a Qlik Cloud hostname nor trusted gets no request, not even for a token: the
// plan fails against the attribute before the client secret can leave. Nothing reaches the listener.
func TestAccTrustedHosts_untrustedTenantHostname(t *testing.T) {
	e, _ := newTestEnv(t)
	rec := newRecorder(t)
	want := regexp.MustCompile(`(?s)Host not trusted with the provider's credentials.*tenant_hostname.*` +
		regexp.QuoteMeta(rec.host()) + `.*trusted_hosts`)
	steps := []resource.TestStep{
		{
			Config:      trustProvider(e) + fmt.Sprintf("data \"qlik_spaces\" \"x\" {\n  tenant_hostname = %q\n}\n", rec.host()),
			ExpectError: want,
		},
		{
			// A resource fails at plan too, before anything is created.
			Config:      trustProvider(e) + fmt.Sprintf("resource \"qlik_space\" \"x\" {\n  tenant_hostname = %q\n  name = \"Sales\"\n  type = \"shared\"\n}\n", rec.host()),
			PlanOnly:    true,
			ExpectError: want,
		},
	}
	for _, host := range []string{"evil.example.com", "169.254.169.254", "acme.eu.qlikcloud.com.evil.example.com"} {
		steps = append(steps, resource.TestStep{
			Config:      trustProvider(e) + fmt.Sprintf("data \"qlik_spaces\" \"x\" {\n  tenant_hostname = %q\n}\n", host),
			ExpectError: regexp.MustCompile(`(?s)Host not trusted with the provider's credentials.*` + regexp.QuoteMeta(host)),
		})
	}
	e.test(t, steps)
	if n, lines := rec.seen(); n != 0 {
		t.Errorf("the untrusted listener got %d connections: %q", n, lines)
	}
	if n := e.writesTo(e.sim.Home().Hostname); n != 0 {
		t.Errorf("%d writes to the home tenant", n)
	}
}

// An import id naming a foreign host fails before any request, and so before its Read could send a token request.
func TestAccTrustedHosts_importForeignHost(t *testing.T) {
	e, _ := newTestEnv(t)
	rec := newRecorder(t)
	cfg := trustProvider(e) + `
resource "qlik_space" "x" {
  name = "Sales"
  type = "shared"
}
`
	steps := []resource.TestStep{{Config: cfg}}
	for _, host := range []string{"evil.example.com", rec.host()} {
		steps = append(steps, resource.TestStep{
			Config:        cfg,
			ResourceName:  "qlik_space.x",
			ImportState:   true,
			ImportStateId: host + "/abc",
			ExpectError:   regexp.MustCompile(`(?s)Host not trusted with the provider's credentials.*` + regexp.QuoteMeta(host)),
		})
	}
	e.test(t, steps)
	if n, lines := rec.seen(); n != 0 {
		t.Errorf("the untrusted listener got %d connections: %q", n, lines)
	}
}

// A host in trusted_hosts is reached with the client of the region it is listed with.
func TestAccTrustedHosts_listedHostIsReached(t *testing.T) {
	e, _ := newTestEnv(t)
	other := e.addTenant("customer-a")
	c := e.sim.Credentials()
	cfg := requiredProviders + fmt.Sprintf(`
provider "qlik" {
  tenant_url    = %q
  client_id     = %q
  client_secret = %q
  trusted_hosts = { %q = "eu" }
}

data "qlik_spaces" "x" {
  tenant_hostname = %q
}
`, e.sim.Home().URL, c.ClientID, c.ClientSecret, other.Hostname, other.Hostname)
	e.test(t, []resource.TestStep{{Config: cfg}})
	if n := e.sim.AuditCount("POST", "/oauth/token", other.Hostname); n == 0 {
		t.Error("the trusted host was not reached")
	}
}
