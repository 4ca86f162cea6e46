package qlik

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// echoHandler misbehaves on purpose: it reflects the caller's credential in
// headers and bodies, so the test proves masking rather than luck.
func echoHandler() http.HandlerFunc {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("X-Echo", auth)
		switch i := n.Add(1); {
		case i == 1:
			w.Header().Set("Retry-After", "0")
			writeQlikError(w, http.StatusTooManyRequests, "HTTP-429", "API rate limit reached.")
		case i == 2:
			writeQlikError(w, http.StatusServiceUnavailable, "E", "unavailable "+auth)
		case r.URL.Path == "/api/v1/spaces/bad":
			writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []map[string]any{{"code": "X", "title": "bad", "detail": "you sent " + auth}}})
		default:
			writeJSON(w, http.StatusOK, Space{ID: "s1", Name: "echo " + auth, Description: strings.Repeat("d", 6000)})
		}
	}
}

func assertNoSecrets(t *testing.T, entries []logEntry, secrets ...string) {
	t.Helper()
	if len(entries) == 0 {
		t.Fatal("nothing was logged")
	}
	for _, e := range entries {
		text := fmt.Sprintf("%s %s %#v %v", e.level, e.msg, e.fields, e.fields)
		for _, s := range secrets {
			if s != "" && strings.Contains(text, s) {
				t.Errorf("secret %q leaked in %s log %q: %s", s, e.level, e.msg, text)
			}
		}
	}
}

func TestLogging_MasksSecrets_OAuth(t *testing.T) {
	ten := newOAuthTenant(t, "home")
	ten.apiHandler = echoHandler()
	log := &captureLogger{}
	cfg := ten.config()
	cfg.Logger = log
	c := newClient(t, cfg)
	ctx := t.Context()

	if _, err := c.GetSpace(ctx, "s1"); err != nil { // 429, 503, 200
		t.Fatal(err)
	}
	if _, err := c.GetSpace(ctx, "bad"); err == nil {
		t.Fatal("want the 400")
	}
	if _, err := c.CreateSpace(ctx, SpaceCreateRequest{Name: "n", Type: "shared", Description: testClientSecret}); err != nil {
		t.Fatal(err)
	}

	ten.mu.Lock()
	token := ten.lastTk
	ten.mu.Unlock()
	if token == "" {
		t.Fatal("no token minted")
	}
	entries := log.all()
	assertNoSecrets(t, entries, testClientSecret, token, strings.TrimSuffix(token, "-SECRET"))

	var sawMaskedAuth, sawAttemptLine, sawTokenAttempt, sawTruncated bool
	for _, e := range entries {
		url, _ := e.fields["url"].(string)
		if h, ok := e.fields["headers"].(map[string]string); ok && h["Authorization"] == "Bearer ***" {
			sawMaskedAuth = true
		}
		if strings.Contains(url, "/oauth/token") {
			sawTokenAttempt = true
			if _, ok := e.fields["body"]; ok {
				t.Errorf("token endpoint body logged: %s %#v", e.msg, e.fields)
			}
		}
		if e.level == "debug" && e.msg == "qlik: HTTP request" {
			for _, k := range []string{"method", "url", "status", "duration_ms", "attempt", "trace_id"} {
				if _, ok := e.fields[k]; !ok {
					t.Errorf("attempt line lacks %q: %#v", k, e.fields)
				}
			}
			sawAttemptLine = true
		}
		if b, ok := e.fields["body"].(string); ok {
			if len(b) > maxLoggedBody+64 {
				t.Errorf("logged body of %d bytes exceeds the cap", len(b))
			}
			if strings.Contains(b, "bytes total") {
				sawTruncated = true
			}
		}
	}
	if !sawMaskedAuth || !sawAttemptLine || !sawTokenAttempt || !sawTruncated {
		t.Errorf("masked auth %v, attempt line %v, token attempt %v, truncated body %v", sawMaskedAuth, sawAttemptLine, sawTokenAttempt, sawTruncated)
	}
	if log.count("warn", "qlik: rate limited by Qlik Cloud (429); pausing this tier on this host") != 1 {
		t.Error("want a Warn for the 429")
	}
	if log.count("debug", "qlik: retrying request") != 2 {
		t.Errorf("want 2 retry lines, got %d", log.count("debug", "qlik: retrying request"))
	}
	if log.count("debug", "qlik: HTTP request") != 6 { // token, 429, 503, 200, 400, 201
		t.Errorf("attempt lines = %d, want 6", log.count("debug", "qlik: HTTP request"))
	}
}

func TestLogging_MasksSecrets_APIKey(t *testing.T) {
	log := &captureLogger{}
	cfg := fastConfig(newServer(t, echoHandler()).URL)
	cfg.Logger = log
	c := newClient(t, cfg)
	if _, err := c.GetSpace(t.Context(), "s1"); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetSpace(t.Context(), "bad")
	if err == nil {
		t.Fatal("want the 400")
	}
	assertNoSecrets(t, log.all(), testAPIKey)
}

func TestRedactor(t *testing.T) {
	r := newRedactor()
	r.add("abc<def>&ghi")
	r.add("abc")
	r.add("")
	for in, want := range map[string]string{
		"x abc<def>&ghi y":                    "x *** y",
		`{"t":"abc\u003cdef\u003e\u0026ghi"}`: `{"t":"***"}`,
		"q=abc%3Cdef%3E%26ghi":                "q=***",
		"abc abcd":                            "*** ***d",
		"nothing here":                        "nothing here",
	} {
		if got := r.mask(in); got != want {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
	}
	h := maskHeaders(http.Header{"Authorization": {"Bearer xyz"}, "Cookie": {"a=b"}, "Accept": {"application/json"}})
	if h["Authorization"] != "Bearer ***" || h["Cookie"] != "***" || h["Accept"] != "application/json" {
		t.Errorf("maskHeaders = %v", h)
	}
}

// TestBodyForLog_MasksSecretFields covers secrets the redactor was never told about: values of secret field
// names, and JSON-Patch values whose path names a secret field, never reach a log line.
func TestBodyForLog_MasksSecretFields(t *testing.T) {
	r := newRedactor()
	for _, c := range []struct{ body, secret, keep string }{
		{`{"qName":"orders","qPassword":"unregistered-1","qUsername":"reader"}`, "unregistered-1", `"qUsername":"reader"`},
		{`[{"op":"replace","path":"/qPassword","value":"unregistered-2"},{"op":"replace","path":"/qName","value":"orders"}]`, "unregistered-2", `"value":"orders"`},
		{`{"licenseKey":"unregistered-3","datacenter":"eu-west-1"}`, "unregistered-3", `"datacenter":"eu-west-1"`},
		{`{"nested":{"client_secret":"unregistered-4"},"list":[{"Password":"unregistered-5"}]}`, "unregistered-4", `"nested"`},
	} {
		got := r.bodyForLog([]byte(c.body))
		if strings.Contains(got, c.secret) || strings.Contains(got, "unregistered-5") || !strings.Contains(got, c.keep) {
			t.Errorf("bodyForLog(%s) = %s", c.body, got)
		}
	}
	if got := r.bodyForLog([]byte("not json password=x")); got != "not json password=x" {
		t.Errorf("a non-JSON body changed: %q", got)
	}
}

// The secrets of the other regions' clients are masked like the home region's, wherever they appear.
func TestLogging_MasksRegionSecrets(t *testing.T) {
	ten := newOAuthTenant(t, "home")
	ten.apiHandler = echoHandler()
	log := &captureLogger{}
	cfg := ten.config()
	cfg.HomeRegion = "eu"
	const usSecret = "us-region-client-secret-5f1c"
	cfg.Regions = map[string]RegionCredentials{"us": {ClientID: "us-id", ClientSecret: usSecret}}
	cfg.Logger = log
	c := newClient(t, cfg)
	if _, err := c.CreateSpace(t.Context(), SpaceCreateRequest{Name: "n", Type: "shared", Description: "x " + usSecret}); err != nil {
		t.Fatal(err)
	}
	entries := log.all()
	if len(entries) == 0 {
		t.Fatal("nothing logged; the check proves nothing")
	}
	assertNoSecrets(t, entries, usSecret)
}
