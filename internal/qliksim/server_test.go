package qliksim

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTopology(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	home := sim.Home()
	if !strings.HasPrefix(home.Hostname, "127.0.0.1:") || home.URL != "http://"+home.Hostname || home.Name != "home" {
		t.Errorf("home %+v", home)
	}
	reg := sim.RegistrationURL()
	if !strings.HasPrefix(reg, "http://127.0.0.1:") || reg == home.URL {
		t.Errorf("registration URL %q", reg)
	}
	if sim.Tenant(home.Hostname).ID != home.ID {
		t.Error("Tenant(home hostname) is not home")
	}
	if sim.Tenant(strings.TrimPrefix(reg, "http://")) != nil || sim.Tenant("127.0.0.1:1") != nil {
		t.Error("Tenant returned a tenant for a host that is not one")
	}

	a := addTenant(t, sim, "customer-a")
	b := addTenant(t, sim, "")
	if a.Hostname == home.Hostname || a.ID == home.ID || len(a.ID) != 32 || a.Name != "customer-a" || b.Name == "" {
		t.Errorf("tenants %+v %+v", a, b)
	}
	if got := sim.Tenants(); len(got) != 3 || got[0].ID != home.ID || got[1].ID != a.ID || got[2].ID != b.ID {
		t.Errorf("Tenants() %+v", got)
	}

	// Tenants are isolated: same name allowed, objects invisible across tenants.
	c := newTestClient(t)
	sp := c.createSpace(home.URL, sim.Credentials().APIKey, "Shared name", "shared")
	tok := c.mintToken(sim, a.URL)
	other := c.createSpace(a.URL, tok, "Shared name", "shared")
	if other.TenantID != a.ID {
		t.Errorf("space tenant %q, want %q", other.TenantID, a.ID)
	}
	c.expect(http.StatusNotFound, http.MethodGet, a.URL+"/api/v1/spaces/"+sp.ID, tok, nil)
	if len(sim.Spaces(a.Hostname)) != 1 || len(sim.Spaces(home.Hostname)) != 1 {
		t.Error("spaces leaked between tenants")
	}

	env := sim.Environment()
	want := []string{
		"QLIK_TENANT_URL=" + home.URL,
		"QLIK_API_KEY=" + sim.Credentials().APIKey,
		"QLIK_CLIENT_ID=" + sim.Credentials().ClientID,
		"QLIK_CLIENT_SECRET=" + sim.Credentials().ClientSecret,
		"QLIK_REGISTRATION_URL=" + reg,
		"QLIK_LICENSE_KEY=" + sim.LicenseKey(),
		"QLIK_REGION=eu",
		"QLIK_TRUSTED_HOSTS=127.0.0.1=eu",
	}
	if strings.Join(env, "\n") != strings.Join(want, "\n") {
		t.Errorf("Environment() %q", env)
	}
	for _, kv := range env {
		if strings.ContainsAny(kv, " '\"$`\\;&|") {
			t.Errorf("%q needs shell quoting", kv)
		}
	}
}

func TestFixedPorts(t *testing.T) {
	t.Parallel()
	ports := freePorts(t, 2)
	sim := StartT(t, Options{HomePort: ports[0], RegisterPort: ports[1]})
	if sim.Home().Hostname != "127.0.0.1:"+strconv.Itoa(ports[0]) || sim.RegistrationURL() != "http://127.0.0.1:"+strconv.Itoa(ports[1]) {
		t.Errorf("home %s register %s, want ports %v", sim.Home().Hostname, sim.RegistrationURL(), ports)
	}
	if _, err := Start(Options{HomePort: ports[0]}); err == nil {
		t.Error("second simulator on a taken port started")
	}
}

func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var out []int
	var lc net.ListenConfig
	for range n {
		ln, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ln.Addr().(*net.TCPAddr).Port) //nolint:forcetypeassert // a TCP listener has a TCP address
		_ = ln.Close()
	}
	return out
}

func TestStartRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for name, o := range map[string]Options{
		"listen host":      {ListenHost: "localhost"},
		"port":             {HomePort: 70000},
		"same ports":       {HomePort: 30000, RegisterPort: 30000},
		"negative latency": {Latency: -time.Second},
		"fault above 1":    {Faults: Faults{Reset: 1.5}},
		"faults sum":       {Faults: Faults{RateLimit: 0.5, Unavailable: 0.6}},
		"negative limit":   {Limits: map[Tier]int{Tier1: -1}},
		"partial second":   {RateWindow: 1500 * time.Millisecond},
		"negative retry":   {Faults: Faults{RetryAfterSeconds: -1}},
		"negative audit":   {MaxAuditEntries: -1},
	} {
		if s, err := Start(o); err == nil {
			s.Close()
			t.Errorf("%s: Start accepted %+v", name, o)
		}
	}
}

func TestRoutingErrors(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	c := newTestClient(t)
	key := sim.Credentials().APIKey
	for _, tc := range []struct {
		method, url string
		status      int
		allow       string
	}{
		{http.MethodGet, sim.Home().URL + "/api/v1/nothing", 404, ""},
		{http.MethodGet, sim.Home().URL + "/api/v1/spaces/", 404, ""},
		{http.MethodGet, sim.Home().URL + "/api/v1//spaces", 404, ""},
		{http.MethodGet, sim.Home().URL + "/api/v1/spaces/x/../types", 404, ""},
		{http.MethodGet, sim.RegistrationURL() + "/api/v1/spaces", 404, ""},
		{http.MethodGet, sim.Home().URL + "/oauth/token", 405, "POST"},
		{http.MethodPost, sim.Home().URL + "/api/v1/spaces/abc", 405, "GET, PUT, PATCH, DELETE"},
		{http.MethodDelete, sim.Home().URL + "/api/v1/spaces", 405, "GET, POST"},
	} {
		r := c.do(tc.method, tc.url, key, nil)
		if r.status != tc.status || r.header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d Allow %q, want %d %q", tc.method, tc.url, r.status, r.header.Get("Allow"), tc.status, tc.allow)
		}
		if codes := r.errorCodes(t); len(codes) != 1 || codes[0] != "HTTP-"+strconv.Itoa(tc.status) {
			t.Errorf("%s %s: codes %v", tc.method, tc.url, codes)
		}
	}
}

func TestAudit(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	sim := StartT(t, Options{Logger: slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil))})
	c := newTestClient(t)
	home := sim.Home()
	key := sim.Credentials().APIKey
	sp := c.createSpace(home.URL, key, "Audited", "shared")
	c.expect(http.StatusOK, http.MethodGet, home.URL+"/api/v1/spaces/"+sp.ID, key, nil)
	c.expect(http.StatusUnauthorized, http.MethodGet, home.URL+"/api/v1/spaces/"+sp.ID, "", nil)
	sim.FailNext(1, http.StatusServiceUnavailable)
	c.expect(http.StatusServiceUnavailable, http.MethodGet, home.URL+"/api/v1/spaces", key, nil)
	c.expect(http.StatusNotFound, http.MethodGet, home.URL+"/nowhere", key, nil)

	got := sim.Audit()
	want := []AuditEntry{
		{Method: "POST", Route: "/api/v1/spaces", Path: "/api/v1/spaces", Status: 201, Identity: home.AdminUserID},
		{Method: "GET", Route: "/api/v1/spaces/{spaceId}", Path: "/api/v1/spaces/" + sp.ID, Status: 200, Identity: home.AdminUserID},
		{Method: "GET", Route: "/api/v1/spaces/{spaceId}", Path: "/api/v1/spaces/" + sp.ID, Status: 401},
		{Method: "GET", Route: "/api/v1/spaces", Path: "/api/v1/spaces", Status: 503, Fault: "503", Identity: home.AdminUserID},
		{Method: "GET", Route: "", Path: "/nowhere", Status: 404, Identity: home.AdminUserID},
	}
	if len(got) != len(want) {
		t.Fatalf("audit %+v", got)
	}
	for i, w := range want {
		g := got[i]
		w.Host, w.Region, w.Time = home.Hostname, "eu", g.Time
		if g != w || g.Time.IsZero() {
			t.Errorf("audit[%d] = %+v, want %+v", i, g, w)
		}
	}
	for _, tc := range []struct {
		method, route, host string
		want                int
	}{
		{"", "", "", 5},
		{"GET", "", "", 4},
		{"GET", "/api/v1/spaces/{spaceId}", home.Hostname, 2},
		{"", "", "127.0.0.1:1", 0},
	} {
		if n := sim.AuditCount(tc.method, tc.route, tc.host); n != tc.want {
			t.Errorf("AuditCount(%q, %q, %q) = %d, want %d", tc.method, tc.route, tc.host, n, tc.want)
		}
	}
	if !strings.Contains(logs.String(), "route=/api/v1/spaces/{spaceId}") || strings.Contains(logs.String(), key) {
		t.Errorf("request log %s", logs.String())
	}
	sim.ResetAudit()
	if n := len(sim.Audit()); n != 0 {
		t.Errorf("%d entries after ResetAudit", n)
	}
}

func TestAuditBound(t *testing.T) {
	t.Parallel()
	var a auditLog
	for i := range 25 {
		a.add(AuditEntry{Status: i}, 10)
	}
	if n := len(a.entries); n < 10 || n >= 20 || a.entries[n-1].Status != 24 {
		t.Errorf("%d entries kept, last %+v", n, a.entries[n-1])
	}
}

// syncWriter serialises writes from the server's request goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

func TestLatency(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{Latency: 150 * time.Millisecond})
	c := newTestClient(t)
	start := time.Now()
	c.expect(http.StatusOK, http.MethodGet, sim.Home().URL+"/api/v1/spaces", sim.Credentials().APIKey, nil)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("request took %v with 150ms latency", d)
	}
	// After an hour of latency is set and then removed, a request still answers within a generous timeout:
	// the reset took effect (no wall-clock bound, which a loaded machine would break).
	sim.SetLatency(time.Hour)
	sim.SetLatency(0)
	quick, cancelQuick := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancelQuick()
	get, err := http.NewRequestWithContext(quick, http.MethodGet, sim.Home().URL+"/api/v1/spaces", nil)
	if err != nil {
		t.Fatal(err)
	}
	get.Header.Set("Authorization", "Bearer "+sim.Credentials().APIKey)
	resp, err := c.hc.Do(get)
	if err != nil {
		t.Fatalf("request after SetLatency(0): %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("request after SetLatency(0): status %d", resp.StatusCode)
	}

	// A client that gives up during the latency is not kept waiting, and nothing is handled.
	sim.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sim.Home().URL+"/api/v1/spaces", strings.NewReader(`{"name":"late","type":"shared"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+sim.Credentials().APIKey)
	if resp, err := c.hc.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("request during an hour of latency succeeded")
	}
	deadline := time.Now().Add(5 * time.Second)
	for sim.AuditCount(http.MethodPost, "", "") == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if len(sim.Spaces(sim.Home().Hostname)) != 0 {
		t.Error("a request abandoned during latency was handled")
	}
}

// TestCloseLeavesNoGoroutines must not run in parallel: it counts the process's goroutines.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	settle := func(limit int) int {
		n := runtime.NumGoroutine()
		for deadline := time.Now().Add(5 * time.Second); n > limit && time.Now().Before(deadline); n = runtime.NumGoroutine() {
			time.Sleep(10 * time.Millisecond)
		}
		return n
	}
	before := runtime.NumGoroutine()
	for range 3 {
		sim, err := Start(Options{Latency: time.Millisecond, EnforceRateLimits: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sim.AddTenant(""); err != nil {
			t.Fatal(err)
		}
		tr := &http.Transport{}
		hc := &http.Client{Transport: tr}
		for range 5 {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, sim.Home().URL+"/api/v1/spaces", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+sim.Credentials().APIKey)
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		// A request stuck in latency when Close runs must not keep a goroutine alive.
		sim.SetLatency(time.Hour)
		stuck := make(chan error, 1)
		go func() {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, sim.Home().URL+"/api/v1/spaces", nil)
			if err != nil {
				stuck <- err
				return
			}
			resp, err := hc.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			stuck <- err
		}()
		for sim.inflightCount() == 0 {
			time.Sleep(time.Millisecond)
		}
		closed := make(chan struct{})
		go func() { sim.Close(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(5 * time.Second):
			t.Fatal("Close blocked on a request in latency")
		}
		if err := <-stuck; err == nil {
			t.Error("a request stuck in latency got an answer although the server closed")
		}
		sim.Close() // idempotent
		if _, err := sim.AddTenant(""); !errors.Is(err, ErrClosed) {
			t.Errorf("AddTenant after Close: %v", err)
		}
		tr.CloseIdleConnections()
	}
	if after := settle(before); after > before {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d before, %d after Close\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}

func ExampleStart() {
	sim, err := Start(Options{})
	if err != nil {
		panic(err)
	}
	defer sim.Close()
	fmt.Println(strings.HasPrefix(sim.Home().URL, "http://127.0.0.1:"))
	// Output: true
}
