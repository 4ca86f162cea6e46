package qlik

import "testing"

func TestTenantURL(t *testing.T) {
	for in, want := range map[string]string{
		"acme.eu.qlikcloud.com":      "https://acme.eu.qlikcloud.com",
		"ACME.eu.qlikcloud.com:443":  "https://acme.eu.qlikcloud.com",
		"acme.eu.qlikcloud.com:8443": "https://acme.eu.qlikcloud.com:8443",
		"127.0.0.1:41234":            "http://127.0.0.1:41234",
		"localhost:8080":             "http://localhost:8080",
	} {
		if got, err := TenantURL(in); err != nil || got != want {
			t.Errorf("TenantURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "https://acme.eu.qlikcloud.com", "acme.eu.qlikcloud.com/path", "acme:0", " acme"} {
		if got, err := TenantURL(bad); err == nil {
			t.Errorf("TenantURL(%q) = %q, want an error", bad, got)
		}
	}
}
