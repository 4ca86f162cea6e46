package qlik

import (
	"errors"
	"strings"
	"testing"
)

func TestHostnameRegion(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]string{
		"acme.eu.qlikcloud.com":      "eu",
		"ACME.US.qlikcloud.com:443":  "us",
		"register.de.qlikcloud.com":  "de",
		"acme.qlikcloud.com":         "",
		"a.b.eu.qlikcloud.com":       "",
		"acme.eu.qlikcloud.com.evil": "",
		"acme.eu.notqlikcloud.com":   "",
		"127.0.0.1:4001":             "",
	} {
		got, ok := HostnameRegion(host)
		if got != want || ok != (want != "") {
			t.Errorf("HostnameRegion(%q) = %q, %v; want %q", host, got, ok, want)
		}
	}
}

func TestTrustedHostPatterns(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", " a.example", "https://a.example", "a.example/x", "user@a.example", "a.example:0", "a.example:x", "127.0.0.1:*", "*.com", "*.qlikcloud.com", "a*.example.com", "a..example"} {
		if _, err := ParseTrustedHost(bad); err == nil {
			t.Errorf("ParseTrustedHost(%q) must fail", bad)
		}
	}
	cases := []struct {
		pattern, host string
		match         bool
	}{
		{"127.0.0.1:4001", "127.0.0.1:4001", true},
		{"127.0.0.1:4001", "127.0.0.1:4002", false},
		{"127.0.0.1", "127.0.0.1:4002", true},
		{"127.0.0.1", "127.0.0.2:4002", false},
		{"analytics.acme.com", "analytics.acme.com", true},
		{"analytics.acme.com", "analytics.acme.com:8443", true},
		{"analytics.acme.com:443", "analytics.acme.com", true},
		{"analytics.acme.com:443", "analytics.acme.com:8443", false},
		{"*.analytics.example.com", "acme.analytics.example.com", true},
		{"*.analytics.example.com", "analytics.example.com", false},
		{"*.analytics.example.com", "acme.analytics.example.com.evil.com", false},
		{"[::1]:4001", "[::1]:4001", true},
		{"::1", "[::1]:4001", true},
	}
	for _, c := range cases {
		p, err := parseTrustPattern(c.pattern, "eu")
		if err != nil {
			t.Fatalf("parse %q: %v", c.pattern, err)
		}
		if got := p.match(c.host); got != c.match {
			t.Errorf("%q matches %q = %v, want %v", c.pattern, c.host, got, c.match)
		}
	}
}

func TestRegionsConfig(t *testing.T) {
	t.Parallel()
	base := Config{TenantURL: "https://vendor.eu.qlikcloud.com", ClientID: "eu-id", ClientSecret: "eu-secret"}
	with := func(fn func(*Config)) Config { c := base; fn(&c); return c }
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"unknown region", with(func(c *Config) { c.Regions = map[string]RegionCredentials{"mars": {ClientID: "a", ClientSecret: "b"}} }), `region "mars" is not one of Qlik's regions (ap, de, eu, jp, sg, uk, us)`},
		{"half a client", with(func(c *Config) { c.Regions = map[string]RegionCredentials{"us": {ClientID: "a"}} }), `region "us" needs both client_id and client_secret`},
		{"home twice", with(func(c *Config) { c.Regions = map[string]RegionCredentials{"eu": {ClientID: "a", ClientSecret: "b"}} }), `set it in one place`},
		{"home region unknown", Config{TenantURL: "http://127.0.0.1:4000", ClientID: "a", ClientSecret: "b", Regions: map[string]RegionCredentials{"us": {ClientID: "a", ClientSecret: "b"}}}, "set the home region"},
		{"no client for home", Config{TenantURL: "https://vendor.eu.qlikcloud.com", Regions: map[string]RegionCredentials{"us": {ClientID: "a", ClientSecret: "b"}}}, `no OAuth client for the home region "eu"`},
		{"api key and regions", Config{TenantURL: "https://vendor.eu.qlikcloud.com", APIKey: "k", Regions: map[string]RegionCredentials{"us": {ClientID: "a", ClientSecret: "b"}}}, "regions need OAuth client credentials"},
		{"trusted host of unknown region", with(func(c *Config) { c.TrustedHosts = map[string]string{"a.example.com": "xx"} }), `names region "xx"`},
		{"bad trusted host", with(func(c *Config) { c.TrustedHosts = map[string]string{"https://a.example.com": "eu"} }), "bare host[:port]"},
	} {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: New = %v, want %q", tc.name, err, tc.want)
		}
	}

	c, err := New(with(func(c *Config) {
		c.Regions = map[string]RegionCredentials{"us": {ClientID: "us-id", ClientSecret: "us-secret"}}
		c.TrustedHosts = map[string]string{"analytics.acme.com": "us"}
	}))
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]struct{ region, clientID string }{
		"acme.eu.qlikcloud.com":   {"eu", "eu-id"},
		"acme.us.qlikcloud.com":   {"us", "us-id"},
		"analytics.acme.com":      {"us", "us-id"},
		"vendor.eu.qlikcloud.com": {"eu", "eu-id"},
	}
	for host, want := range routes {
		v, err := c.ForTenant(host)
		if err != nil {
			t.Fatalf("ForTenant(%s): %v", host, err)
		}
		rc, region, err := c.core.credentialsFor(v.ep)
		if err != nil || region != want.region || rc.clientID != want.clientID || v.Region() != want.region {
			t.Errorf("%s: region %q client %q (%v), want %+v", host, region, rc.clientID, err, want)
		}
	}
	var rce *RegionCredentialsError
	if _, err := c.ForTenant("acme.de.qlikcloud.com"); !errors.As(err, &rce) || rce.Region != "de" ||
		!strings.Contains(err.Error(), "regions = { de = {") || !strings.Contains(err.Error(), "QLIK_DE_CLIENT_ID") {
		t.Errorf("ForTenant(de host) = %v, want a RegionCredentialsError naming the setting", err)
	}
	for _, host := range []string{"evil.example.com", "127.0.0.1:4001", "169.254.169.254", "acme.eu.qlikcloud.com.evil.example"} {
		if _, err := c.ForTenant(host); !errors.Is(err, ErrUntrustedHost) || !strings.Contains(err.Error(), "trusted_hosts") {
			t.Errorf("ForTenant(%s) = %v, want ErrUntrustedHost", host, err)
		}
	}
	us, err := c.RegistrationFor("us")
	if err != nil || us.Hostname() != "register.us.qlikcloud.com" || us.Region() != "us" {
		t.Errorf("RegistrationFor(us) = %v, %v", us, err)
	}
	if home, err := c.RegistrationFor(""); err != nil || home.Hostname() != "register.eu.qlikcloud.com" {
		t.Errorf("RegistrationFor(home) = %v, %v", home, err)
	}
	if _, err := c.RegistrationFor("jp"); !errors.As(err, &rce) || rce.Region != "jp" {
		t.Errorf("RegistrationFor(jp) = %v", err)
	}
	if n := len(c.RegistrationViews()); n != 2 {
		t.Errorf("RegistrationViews: %d, want 2", n)
	}
}

// A configuration with one client and no known home region (a loopback home tenant) keeps working as before
// regions: its client serves every Qlik Cloud region and its one register host.
func TestRegionsLegacySingleClient(t *testing.T) {
	t.Parallel()
	c, err := New(Config{TenantURL: "http://127.0.0.1:4000", ClientID: "id", ClientSecret: "s", RegistrationURL: "http://127.0.0.1:4001"})
	if err != nil {
		t.Fatal(err)
	}
	for _, region := range []string{"", "us", "de"} {
		if r, err := c.RegistrationFor(region); err != nil || r.Hostname() != "127.0.0.1:4001" {
			t.Errorf("RegistrationFor(%q) = %v, %v", region, r, err)
		}
	}
	v, err := c.ForTenant("acme.us.qlikcloud.com")
	if err != nil {
		t.Fatal(err)
	}
	if rc, _, err := c.core.credentialsFor(v.ep); err != nil || rc.clientID != "id" {
		t.Errorf("legacy credentials: %+v, %v", rc, err)
	}
	if _, err := c.ForTenant("127.0.0.1:4002"); !errors.Is(err, ErrUntrustedHost) {
		t.Errorf("untrusted loopback host: %v", err)
	}
}
