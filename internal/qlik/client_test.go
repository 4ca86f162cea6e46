package qlik

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

func TestValidateBaseURL(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string // substring; "" = valid
	}{
		{"https://acme.eu.qlikcloud.com", ""},
		{"https://acme.eu.qlikcloud.com/", ""},
		{"https://acme.eu.qlikcloud.com:8443", ""},
		{"HTTPS://ACME.eu.qlikcloud.com", ""},
		{"http://127.0.0.1:8080", ""},
		{"http://127.5.6.7", ""},
		{"http://localhost:3000/", ""},
		{"http://[::1]:9000", ""},
		{"https://[::1]:9000", ""},
		{"", "must not be empty"},
		{" https://acme.eu.qlikcloud.com", "spaces"},
		{"acme.eu.qlikcloud.com", "must be absolute"},
		{"//acme.eu.qlikcloud.com", "must be absolute"},
		{"http://acme.eu.qlikcloud.com", "must use https"},
		{"http://10.0.0.1", "must use https"},
		{"http://localhost.evil.com", "must use https"},
		{"ftp://acme.eu.qlikcloud.com", `scheme "ftp"`},
		{"https://", "no host"},
		{"https://:443", "no host"},
		{"https://acme.eu.qlikcloud.com/api/v1", "must not have a path"},
		{"https://acme.eu.qlikcloud.com?x=1", "query"},
		{"https://acme.eu.qlikcloud.com/?", "query"},
		{"https://acme.eu.qlikcloud.com#top", "fragment"},
		{"https://user:hunter2@acme.eu.qlikcloud.com", "user information"},
		{"https://acme.eu.qlikcloud.com:99999", "out of range"},
		{"https://acme.eu.qlikcloud.com:abc", "not valid"},
		{"mailto:someone@example.com", "must be absolute"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			err := ValidateBaseURL(tt.in)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("expected an error containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
}

func TestNew_ConfigErrors(t *testing.T) {
	base := "https://acme.eu.qlikcloud.com"
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no credentials", Config{TenantURL: base}, "no credentials"},
		{"both modes", Config{TenantURL: base, APIKey: "k", ClientID: "id", ClientSecret: "s"}, "not both"},
		{"id without secret", Config{TenantURL: base, ClientID: "id"}, "both client_id and client_secret"},
		{"secret without id", Config{TenantURL: base, ClientSecret: "s"}, "both client_id and client_secret"},
		{"bad tenant URL", Config{TenantURL: "http://acme.eu.qlikcloud.com", APIKey: "k"}, "invalid tenant URL"},
		{"bad registration URL", Config{TenantURL: base, APIKey: "k", RegistrationURL: "register.eu.qlikcloud.com"}, "invalid registration URL"},
		{"negative rate", Config{TenantURL: base, APIKey: "k", RateLimits: RateLimits{Tier1: TierLimit{PerMinute: -1}}}, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New() error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestForTenant(t *testing.T) {
	apiKey := newClient(t, Config{TenantURL: "https://acme.eu.qlikcloud.com", APIKey: "k"})
	if apiKey.AuthMode() != AuthModeAPIKey || apiKey.Hostname() != "acme.eu.qlikcloud.com" {
		t.Fatalf("AuthMode/Hostname = %q/%q", apiKey.AuthMode(), apiKey.Hostname())
	}
	for _, h := range []string{"", "acme.eu.qlikcloud.com", "ACME.eu.qlikcloud.com:443"} {
		v, err := apiKey.ForTenant(h)
		if err != nil || v != apiKey {
			t.Errorf("ForTenant(%q) = %v, %v; want the home client", h, v, err)
		}
	}
	_, err := apiKey.ForTenant("other:443")
	if !errors.Is(err, ErrAPIKeyOtherTenant) || !strings.Contains(err.Error(), "OAuth client credentials") {
		t.Errorf("ForTenant(other) with API key = %v", err)
	}
	if _, err := apiKey.Registration(); err == nil {
		t.Error("Registration() without registration URL must fail")
	}

	oauth := newClient(t, Config{
		TenantURL: "https://acme.eu.qlikcloud.com", ClientID: "id", ClientSecret: "secret",
		RegistrationURL: "https://register.eu.qlikcloud.com",
	})
	if oauth.AuthMode() != AuthModeOAuth2 {
		t.Errorf("AuthMode = %q", oauth.AuthMode())
	}
	v, err := oauth.ForTenant("customer1.eu.qlikcloud.com")
	if err != nil || v.Hostname() != "customer1.eu.qlikcloud.com" || v.ep.scheme != "https" {
		t.Fatalf("ForTenant = %+v, %v", v, err)
	}
	if v.core != oauth.core {
		t.Error("views must share the core (transport, tokens, limiters)")
	}
	if home, _ := v.ForTenant(""); home.Hostname() != "acme.eu.qlikcloud.com" {
		t.Errorf("view.ForTenant(\"\") = %s, want the home tenant", home.Hostname())
	}
	if _, err := oauth.ForTenant("127.0.0.1:8123"); !errors.Is(err, ErrUntrustedHost) {
		t.Errorf("untrusted loopback view: %v, want ErrUntrustedHost", err)
	}
	trusting := newClient(t, Config{
		TenantURL: "https://acme.eu.qlikcloud.com", ClientID: "id", ClientSecret: "secret",
		TrustedHosts: map[string]string{"127.0.0.1:8123": "eu"},
	})
	loop, err := trusting.ForTenant("127.0.0.1:8123")
	if err != nil || loop.ep.baseURL() != "http://127.0.0.1:8123" || loop.Region() != "eu" {
		t.Errorf("loopback view = %+v, %v", loop, err)
	}
	reg, err := oauth.Registration()
	if err != nil || reg.Hostname() != "register.eu.qlikcloud.com" {
		t.Errorf("Registration() = %v, %v", reg, err)
	}
	if r2, _ := oauth.ForTenant("register.eu.qlikcloud.com"); r2.ep != reg.ep {
		t.Errorf("ForTenant(register host) = %+v", r2.ep)
	}

	for _, bad := range []string{"https://x.example", "x.example/path", "x.example?q", "user@x.example", "x.example:port", "x.example:0", "a b", ":443", "x.example:"} {
		if _, err := oauth.ForTenant(bad); err == nil {
			t.Errorf("ForTenant(%q) must fail", bad)
		}
	}
}

func TestRequestHeadersAndBody(t *testing.T) {
	var calls atomic.Int32
	c := fastClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		check := map[string]string{
			"Authorization":    "Bearer " + testAPIKey,
			"User-Agent":       "qlik-test/1.0",
			"Qlik-Api-Version": "2026-08",
			"Accept":           "application/json",
		}
		for k, want := range check {
			if got := r.Header.Get(k); got != want {
				t.Errorf("%s %s: header %s = %q, want %q", r.Method, r.URL.Path, k, got, want)
			}
		}
		if r.Method == http.MethodPost {
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			b, _ := io.ReadAll(r.Body)
			var got SpaceCreateRequest
			if err := json.Unmarshal(b, &got); err != nil || got.Name != "Sales" || got.Type != "shared" {
				t.Errorf("body = %s", b)
			}
			if strings.Contains(string(b), "description") {
				t.Errorf("empty description must be omitted: %s", b)
			}
			writeJSON(w, http.StatusCreated, Space{ID: "s1", Name: "Sales", Type: "shared"})
			return
		}
		writeJSON(w, http.StatusOK, Space{ID: "s1"})
	}))
	s, err := c.CreateSpace(t.Context(), SpaceCreateRequest{Name: "Sales", Type: "shared"})
	if err != nil || s.ID != "s1" {
		t.Fatalf("CreateSpace = %+v, %v", s, err)
	}
	if _, err := c.GetSpace(t.Context(), "s1"); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 {
		t.Errorf("calls = %d", calls.Load())
	}
}

func TestResolveRefusesOtherHost(t *testing.T) {
	c := newClient(t, Config{TenantURL: "https://acme.eu.qlikcloud.com", APIKey: "k"})
	if _, err := c.resolve("https://evil.example/api/v1/spaces", nil); err == nil {
		t.Error("resolve must refuse another host")
	}
	if _, err := c.resolve("http://acme.eu.qlikcloud.com/api/v1/spaces", nil); err == nil {
		t.Error("resolve must refuse a scheme downgrade")
	}
	u, err := c.resolve("https://ACME.eu.qlikcloud.com:443/api/v1/spaces?next=a%2Fb&z=1", nil)
	if err != nil || u.RawQuery != "next=a%2Fb&z=1" {
		t.Errorf("resolve same host = %v, %v (query must stay verbatim)", u, err)
	}
	u, err = c.resolve(spacePath("a/b c"), nil)
	if err != nil || u.String() != "https://acme.eu.qlikcloud.com/api/v1/spaces/a%2Fb%20c" {
		t.Errorf("escaped id: %v, %v", u, err)
	}
}
