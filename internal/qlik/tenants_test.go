package qlik

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// oauthRegistrationClient is a client whose register host is srv, with OAuth credentials (tokens come from srv's
// /oauth/token).
func oauthRegistrationClient(t *testing.T, srv string) *Client {
	t.Helper()
	cfg := fastConfig("https://home.eu.qlikcloud.com")
	cfg.APIKey = ""
	cfg.ClientID, cfg.ClientSecret = "client", "secret"
	cfg.RegistrationURL = srv
	c, err := newClient(t, cfg).Registration()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func serveToken(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]any{"access_token": "tok", "token_type": "bearer", "expires_in": 21600})
}

// A create that may have reached Qlik is never repeated: there is no natural key to find the tenant by, and a
// second POST could create a second tenant on the license.
func TestTenants_AmbiguousCreateIsNotRetried(t *testing.T) {
	for name, fail := range map[string]func(t *testing.T, w http.ResponseWriter){
		"503": func(_ *testing.T, w http.ResponseWriter) {
			writeQlikError(w, http.StatusServiceUnavailable, "HTTP-503", "Unavailable")
		},
		"hang up": hangUp,
	} {
		t.Run(name, func(t *testing.T) {
			var posts atomic.Int32
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/oauth/token" {
					serveToken(w)
					return
				}
				posts.Add(1)
				_, _ = io.ReadAll(r.Body)
				fail(t, w)
			}))
			_, err := oauthRegistrationClient(t, srv.URL).CreateTenant(t.Context(), TenantCreateRequest{LicenseKey: "key"})
			if !errors.Is(err, ErrTenantCreateUnknown) {
				t.Fatalf("err = %v, want ErrTenantCreateUnknown", err)
			}
			if n := posts.Load(); n != 1 {
				t.Errorf("POST sent %d times, want once", n)
			}
		})
	}
}

// A 429 provably did not create anything, so it is retried; Qlik's license errors come back with their codes.
func TestTenants_CreateRetries429AndKeepsQlikCodes(t *testing.T) {
	var posts atomic.Int32
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			serveToken(w)
			return
		}
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		switch {
		case body["licenseKey"] == "bad":
			writeQlikError(w, http.StatusForbidden, "TENANTS-23", "Invalid license")
		case posts.Add(1) == 1:
			w.Header().Set("Retry-After", "0")
			writeQlikError(w, http.StatusTooManyRequests, "HTTP-429", "API rate limit reached.")
		default:
			if body["datacenter"] != "us-east-1" {
				t.Errorf("datacenter %q", body["datacenter"])
			}
			writeJSON(w, http.StatusCreated, map[string]any{"id": "T1", "name": "abc", "hostnames": []string{"abc.us.qlikcloud.com"}, "status": "active"})
		}
	}))
	c := oauthRegistrationClient(t, srv.URL)
	tn, err := c.CreateTenant(t.Context(), TenantCreateRequest{LicenseKey: "good", Datacenter: "us-east-1"})
	if err != nil || tn.ID != "T1" || tn.Hostname() != "abc.us.qlikcloud.com" || tn.Alias() != "" || posts.Load() != 2 {
		t.Fatalf("create = %+v, %v after %d posts", tn, err, posts.Load())
	}
	var apiErr *APIError
	if _, err := c.CreateTenant(t.Context(), TenantCreateRequest{LicenseKey: "bad"}); !errors.As(err, &apiErr) || apiErr.Code != "TENANTS-23" || !errors.Is(err, ErrForbidden) {
		t.Errorf("invalid license: %v", err)
	}
}

// Deactivate and reactivate send the confirm header and the purge window; bad input is refused before sending.
func TestTenants_DeactivateReactivateRequests(t *testing.T) {
	type seen struct{ path, confirm, body string }
	var got []seen
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			serveToken(w)
			return
		}
		b, _ := io.ReadAll(r.Body)
		got = append(got, seen{r.URL.Path, r.Header.Get("qlik-confirm-hostname"), string(b)})
		if r.URL.Path == "/api/v1/tenants/T1/actions/deactivate" {
			writeJSON(w, http.StatusOK, map[string]string{"id": "T1", "status": "disabled", "estimatedPurgeDate": "2027-01-01T00:00:00.000Z"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{})
	}))
	c := oauthRegistrationClient(t, srv.URL)
	ctx := t.Context()
	d, err := c.DeactivateTenant(ctx, "T1", "acme.eu.qlikcloud.com", 45)
	if err != nil || d.Status != "disabled" || d.EstimatedPurgeDate == "" {
		t.Fatalf("deactivate = %+v, %v", d, err)
	}
	if _, err := c.DeactivateTenant(ctx, "T1", "acme.eu.qlikcloud.com", 0); err != nil {
		t.Fatal(err)
	}
	if err := c.ReactivateTenant(ctx, "T1", "acme.eu.qlikcloud.com"); err != nil {
		t.Fatal(err)
	}
	want := []seen{
		{"/api/v1/tenants/T1/actions/deactivate", "acme.eu.qlikcloud.com", `{"purgeAfterDays":45}`},
		{"/api/v1/tenants/T1/actions/deactivate", "acme.eu.qlikcloud.com", `{}`},
		{"/api/v1/tenants/T1/actions/reactivate", "acme.eu.qlikcloud.com", `{}`},
	}
	if len(got) != len(want) {
		t.Fatalf("requests %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("request %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, bad := range []func() error{
		func() error { _, err := c.DeactivateTenant(ctx, "T1", "acme.eu.qlikcloud.com", 5); return err },
		func() error { _, err := c.DeactivateTenant(ctx, "T1", "", 30); return err },
		func() error { _, err := c.DeactivateTenant(ctx, "", "acme.eu.qlikcloud.com", 30); return err },
		func() error { return c.ReactivateTenant(ctx, "T1", "") },
		func() error { _, err := c.GetTenant(ctx, " "); return err },
	} {
		if bad() == nil {
			t.Error("invalid input accepted")
		}
	}
	if len(got) != len(want) {
		t.Errorf("invalid input reached the server: %+v", got[len(want):])
	}
}

// A create cut off by the caller's deadline may have reached Qlik: it reports the unknown outcome too.
func TestTenants_CreateDeadlineIsUnknownOutcome(t *testing.T) {
	release := make(chan struct{})
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			serveToken(w)
			return
		}
		<-release
	}))
	t.Cleanup(func() { close(release) })
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	_, err := oauthRegistrationClient(t, srv.URL).CreateTenant(ctx, TenantCreateRequest{LicenseKey: "key"})
	if !errors.Is(err, ErrTenantCreateUnknown) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrTenantCreateUnknown wrapping the deadline", err)
	}
}

// The license key never appears in a log line, however verbose.
func TestTenants_LicenseKeyIsMasked(t *testing.T) {
	const key = "eyJhbGciOiJFZERTQSJ9.LICENSE-SECRET-0123456789"
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			serveToken(w)
			return
		}
		// Echo the key back in an error body, as a careless server might.
		writeQlikError(w, http.StatusForbidden, "TENANTS-23", "Invalid license "+key)
	}))
	log := &captureLogger{}
	cfg := fastConfig("https://home.eu.qlikcloud.com")
	cfg.APIKey, cfg.ClientID, cfg.ClientSecret, cfg.RegistrationURL, cfg.Logger = "", "client", "secret", srv.URL, log
	reg, err := newClient(t, cfg).Registration()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.CreateTenant(t.Context(), TenantCreateRequest{LicenseKey: key}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("err = %v", err)
	}
	entries := log.all()
	if len(entries) == 0 {
		t.Fatal("nothing was logged")
	}
	for _, e := range entries {
		if line := fmt.Sprint(e.msg, e.fields); strings.Contains(line, key) {
			t.Errorf("log line leaks the license key: %s", line)
		}
	}
}
