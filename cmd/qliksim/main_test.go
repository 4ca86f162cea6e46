package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer collects stderr, which the request log writes from server goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRunPrintsSettingsAndServes(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	outR, outW := io.Pipe()
	var stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-tenants", "2", "-seed", "7", "-v", "-latency", "1ms"}, outW, &stderr)
		_ = outW.Close()
	}()

	patterns := []*regexp.Regexp{
		regexp.MustCompile(`^export QLIK_TENANT_URL=(http://127\.0\.0\.1:\d+)$`),
		regexp.MustCompile(`^export QLIK_API_KEY=([A-Za-z0-9_-]+)$`),
		regexp.MustCompile(`^export QLIK_CLIENT_ID=([0-9a-f]{32})$`),
		regexp.MustCompile(`^export QLIK_CLIENT_SECRET=([0-9a-f]{64})$`),
		regexp.MustCompile(`^export QLIK_REGISTRATION_URL=(http://127\.0\.0\.1:\d+)$`),
		regexp.MustCompile(`^export QLIK_LICENSE_KEY=([A-Za-z0-9_.-]+)$`),
		regexp.MustCompile(`^export QLIK_REGION=(eu)$`),
		regexp.MustCompile(`^export QLIK_TRUSTED_HOSTS=(127\.0\.0\.1=eu)$`),
	}
	sc := bufio.NewScanner(outR)
	vals := make([]string, 0, len(patterns))
	for i, re := range patterns {
		if !sc.Scan() {
			t.Fatalf("stdout ended after %d lines: %v; stderr: %s", i, sc.Err(), stderr.String())
		}
		m := re.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Fatalf("line %d %q does not match %s", i, sc.Text(), re)
		}
		vals = append(vals, m[1])
	}
	tenantURL, apiKey, clientID, secret, regURL, licenseKey := vals[0], vals[1], vals[2], vals[3], vals[4], vals[5]

	hc := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(hc.CloseIdleConnections)
	call := func(req *http.Request) int {
		t.Helper()
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	var regToken string
	for _, base := range []string{tenantURL, regURL} {
		form := url.Values{"client_id": {clientID}, "client_secret": {secret}, "grant_type": {"client_credentials"}}
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/oauth/token", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		err = json.NewDecoder(resp.Body).Decode(&tok)
		_ = resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("token on %s: %d %v", base, resp.StatusCode, err)
		}
		regToken = tok.AccessToken
	}
	// The printed license key creates a tenant on the printed register host.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, regURL+"/api/v1/tenants",
		strings.NewReader(`{"licenseKey":"`+licenseKey+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+regToken)
	req.Header.Set("Content-Type", "application/json")
	if got := call(req); got != http.StatusCreated {
		t.Errorf("create tenant with QLIK_LICENSE_KEY: %d", got)
	}
	req, err = http.NewRequestWithContext(t.Context(), http.MethodGet, tenantURL+"/api/v1/spaces", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+apiKey)
	if got := call(req); got != http.StatusOK {
		t.Errorf("list spaces: %d", got)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	if rest, _ := io.ReadAll(outR); len(rest) != 0 || sc.Scan() {
		t.Errorf("stdout has more than the eight export lines of a one-region run: %q", rest)
	}
	log := stderr.String()
	for _, want := range []string{"fault seed 7", "tenant tenant-2: 127.0.0.1:", "tenant tenant-3: 127.0.0.1:", "path=/api/v1/spaces", "stopped"} {
		if !strings.Contains(log, want) {
			t.Errorf("stderr lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, apiKey) || strings.Contains(log, secret) {
		t.Error("stderr leaks a secret")
	}
}

func TestRunUsage(t *testing.T) {
	t.Parallel()
	var stderr lockedBuffer
	if err := run(t.Context(), []string{"-h"}, io.Discard, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	for _, f := range []string{"-regions", "-listen", "-home-port", "-register-port", "-seed", "-latency", "-rate-limits", "-fault-429", "-fault-503", "-fault-reset", "-visibility-delay", "-token-ttl", "-tenants", "-seed-app", "-v", "QLIK_TENANT_URL"} {
		if !strings.Contains(stderr.String(), f) {
			t.Errorf("usage lacks %s", f)
		}
	}
	for _, args := range [][]string{
		{"-fault-429", "0.7", "-fault-503", "0.7"},
		{"-fault-reset", "2"},
		{"-listen", "example.com"},
		{"-tenants", "-1"},
		{"-regions", "eu,mars"},
		{"-regions", "eu,eu"},
		{"-token-ttl", "0s"},
		{"-seed-app", "Sales template"},
		{"-seed-app", "=1KiB"},
		{"-seed-app", "Sales template=lots"},
		{"-unknown-flag"},
		{"stray"},
	} {
		var out bytes.Buffer
		if err := run(t.Context(), args, &out, io.Discard); err == nil || out.Len() != 0 {
			t.Errorf("%v: err %v, stdout %q", args, err, out.String())
		}
	}
}

func TestRunSeedsApps(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	outR, outW := io.Pipe()
	var stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-seed-app", "Sales template=256KiB", "-seed-app", "a=b template=1000"}, outW, &stderr)
		_ = outW.Close()
	}()
	settings := map[string]string{}
	sc := bufio.NewScanner(outR)
	for len(settings) < 6 && sc.Scan() {
		k, v, _ := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		settings[k] = v
	}
	// The app lines are written before the settings, so they are complete once the settings are.
	ids := map[string]string{}
	for _, m := range regexp.MustCompile(`app "([^"]+)" in home: ([0-9a-f-]{36}) \((\d+) bytes\)`).FindAllStringSubmatch(stderr.String(), -1) {
		ids[m[1]] = m[2]
		if want := map[string]string{"Sales template": "262144", "a=b template": "1000"}[m[1]]; m[3] != want {
			t.Errorf("app %q: %s bytes, want %s", m[1], m[3], want)
		}
	}
	if len(ids) != 2 {
		t.Fatalf("stderr names %d seeded apps, want 2:\n%s", len(ids), stderr.String())
	}

	hc := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(hc.CloseIdleConnections)
	get := func(method, url string) *http.Response {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+settings["QLIK_API_KEY"])
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	base := settings["QLIK_TENANT_URL"]
	resp := get(http.MethodGet, base+"/api/v1/apps/"+ids["Sales template"])
	var app struct {
		Attributes struct {
			Name string `json:"name"`
		} `json:"attributes"`
	}
	err := json.NewDecoder(resp.Body).Decode(&app)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || app.Attributes.Name != "Sales template" {
		t.Fatalf("GET the seeded app: %d %v %+v", resp.StatusCode, err, app)
	}
	// The export is the QVF a cross-tenant copy moves: it has the size the flag asked for.
	resp = get(http.MethodPost, base+"/api/v1/apps/"+ids["Sales template"]+"/export")
	_ = resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusCreated || loc == "" {
		t.Fatalf("export: %d, Location %q", resp.StatusCode, loc)
	}
	if !strings.HasPrefix(loc, "http") {
		loc = base + loc
	}
	resp = get(http.MethodGet, loc)
	n, err := io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if err != nil || n != 256<<10 {
		t.Errorf("exported %d bytes (%v), want %d", n, err, 256<<10)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"0": 0, "1000": 1000, "1B": 1, "256KiB": 256 << 10, "2MiB": 2 << 20, "1 GiB": 1 << 30, "64GiB": 64 << 30} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "KiB", "-1", "1.5MiB", "2TB", "65GiB", "9223372036854775807KiB", "ten"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}

// With -regions the settings name every region's client and register host; each register host creates tenants of
// its own region only, and each client gets tokens only in its region.
func TestRunRegions(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	outR, outW := io.Pipe()
	var stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-regions", "eu,us,de"}, outW, &stderr)
		_ = outW.Close()
	}()
	settings := map[string]string{}
	var keys []string
	sc := bufio.NewScanner(outR)
	for len(settings) < 14 && sc.Scan() {
		k, v, _ := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		settings[k] = v
		keys = append(keys, k)
	}
	want := "QLIK_TENANT_URL QLIK_API_KEY QLIK_CLIENT_ID QLIK_CLIENT_SECRET QLIK_REGISTRATION_URL QLIK_LICENSE_KEY QLIK_REGION " +
		"QLIK_TRUSTED_HOSTS QLIK_US_CLIENT_ID QLIK_US_CLIENT_SECRET QLIK_US_REGISTRATION_URL QLIK_DE_CLIENT_ID QLIK_DE_CLIENT_SECRET QLIK_DE_REGISTRATION_URL"
	if strings.Join(keys, " ") != want || settings["QLIK_REGION"] != "eu" {
		t.Fatalf("settings %v, want %s", keys, want)
	}
	hc := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(hc.CloseIdleConnections)
	token := func(base, id, secret string) (string, int) {
		t.Helper()
		form := url.Values{"client_id": {id}, "client_secret": {secret}, "grant_type": {"client_credentials"}}
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, base+"/oauth/token", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&tok)
		return tok.AccessToken, resp.StatusCode
	}
	usReg := settings["QLIK_US_REGISTRATION_URL"]
	if _, code := token(settings["QLIK_REGISTRATION_URL"], settings["QLIK_US_CLIENT_ID"], settings["QLIK_US_CLIENT_SECRET"]); code != http.StatusUnauthorized {
		t.Errorf("us client on the eu register host: %d, want 401", code)
	}
	tok, code := token(usReg, settings["QLIK_US_CLIENT_ID"], settings["QLIK_US_CLIENT_SECRET"])
	if code != http.StatusOK {
		t.Fatalf("us client on its register host: %d", code)
	}
	for dc, status := range map[string]int{"us-east-1": http.StatusCreated, "eu-west-1": http.StatusBadRequest} {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, usReg+"/api/v1/tenants",
			strings.NewReader(`{"licenseKey":"`+settings["QLIK_LICENSE_KEY"]+`","datacenter":"`+dc+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != status {
			t.Errorf("create in %s on the us register host: %d, want %d", dc, resp.StatusCode, status)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"region eu (eu-west-1): register host", "region us (us-east-1): register host", "region de (eu-central-1): register host"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
}
