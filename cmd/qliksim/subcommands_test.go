package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// TestJWTSignsALoginTheTenantAccepts makes a key with `qliksim jwt -new-key`, registers its public half as a
// JWT identity provider and logs in with a token from `qliksim jwt`, as a user's CI does.
func TestJWTSignsALoginTheTenantAccepts(t *testing.T) {
	t.Parallel()
	keyFile := filepath.Join(t.TempDir(), "portal_key.pem")
	var pub, stderr bytes.Buffer
	if err := run(t.Context(), []string{"jwt", "-new-key", keyFile}, &pub, &stderr); err != nil {
		t.Fatalf("new-key: %v\n%s", err, stderr.String())
	}
	if info, err := os.Stat(keyFile); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", info, err)
	}
	if !strings.HasPrefix(pub.String(), "-----BEGIN PUBLIC KEY-----") {
		t.Fatalf("public key output:\n%s", pub.String())
	}

	sim := qliksim.StartT(t, qliksim.Options{})
	home := sim.Home()
	idp, _ := json.Marshal(map[string]any{
		"protocol": "jwtAuth", "provider": "external",
		"options": map[string]any{"issuer": "https://portal.example.com", "staticKeys": []map[string]string{{"kid": "portal-2026", "pem": pub.String()}}},
	})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, home.URL+"/api/v1/identity-providers", bytes.NewReader(idp))
	req.Header.Set("Authorization", "Bearer "+sim.Credentials().APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create identity provider: %d", resp.StatusCode)
	}

	var token bytes.Buffer
	args := []string{
		"jwt", "-key", keyFile, "-kid", "portal-2026", "-iss", "https://portal.example.com", "-sub", "ci-user-1",
		"-name", "CI user", "-groups", "acme-analysts, acme-admins", "-claims", `{"email":"ci@example.com"}`,
	}
	if err := run(t.Context(), args, &token, &stderr); err != nil {
		t.Fatalf("sign: %v\n%s", err, stderr.String())
	}
	login := func(tok string) int {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, home.URL+"/login/jwt-session", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := login(strings.TrimSpace(token.String())); code != http.StatusOK {
		t.Fatalf("login with the signed token: %d", code)
	}
	users := sim.Users(home.Hostname)
	var found bool
	for _, u := range users {
		if u.Subject == "ci-user-1" {
			found = true
			if u.Name != "CI user" || u.Email != "ci@example.com" || strings.Join(u.GroupNames(), ",") != "acme-analysts,acme-admins" {
				t.Errorf("signed-in user %+v", u)
			}
		}
	}
	if !found {
		t.Fatalf("no user ci-user-1 after the login: %+v", users)
	}
	// The token is single-use (jti), as Qlik requires.
	if code := login(strings.TrimSpace(token.String())); code != http.StatusUnauthorized {
		t.Errorf("second login with the same token: %d", code)
	}
}

func TestJWTFlags(t *testing.T) {
	t.Parallel()
	keyFile := filepath.Join(t.TempDir(), "k.pem")
	var out, stderr bytes.Buffer
	if err := run(t.Context(), []string{"jwt", "-new-key", keyFile}, &out, &stderr); err != nil {
		t.Fatal(err)
	}
	pubFile := filepath.Join(t.TempDir(), "pub.pem")
	if err := os.WriteFile(pubFile, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"missing flags": {[]string{"jwt", "-key", keyFile}, "missing -iss, -kid, -sub"},
		"ttl too long":  {[]string{"jwt", "-key", keyFile, "-kid", "k", "-iss", "i", "-sub", "s", "-ttl", "2h"}, "at most an hour"},
		"public key":    {[]string{"jwt", "-key", pubFile, "-kid", "k", "-iss", "i", "-sub", "s"}, "not a private key"},
		"bad claims":    {[]string{"jwt", "-key", keyFile, "-kid", "k", "-iss", "i", "-sub", "s", "-claims", "[1]"}, "-claims"},
	} {
		t.Run(name, func(t *testing.T) {
			var out, stderr bytes.Buffer
			err := run(t.Context(), tc.args, &out, &stderr)
			if err == nil || (!strings.Contains(err.Error(), tc.want) && !strings.Contains(stderr.String(), tc.want)) {
				t.Errorf("err = %v, stderr = %s; want %q", err, stderr.String(), tc.want)
			}
			if out.Len() != 0 {
				t.Errorf("printed a token: %s", out.String())
			}
		})
	}
}

func TestPortalListensOnLoopbackOnly(t *testing.T) {
	t.Parallel()
	keyFile := filepath.Join(t.TempDir(), "k.pem")
	var out, stderr bytes.Buffer
	if err := run(t.Context(), []string{"jwt", "-new-key", keyFile}, &out, &stderr); err != nil {
		t.Fatal(err)
	}
	err := run(t.Context(), []string{"portal", "-key", keyFile, "-outputs", "o.json", "-listen", "0.0.0.0:0"}, &out, &stderr)
	if err == nil || !strings.Contains(err.Error(), "loopback address only") {
		t.Errorf("err = %v", err)
	}
	if err := run(t.Context(), []string{"portal", "-key", keyFile}, &out, &stderr); !errors.Is(err, errUsage) {
		t.Errorf("without -outputs: %v", err)
	}
}

// TestPortalServesUntilCancelled starts `qliksim portal`, reads the URL it prints and loads the page, which
// asks for the configuration table until the apply has written it.
func TestPortalServesUntilCancelled(t *testing.T) {
	t.Parallel()
	keyFile := filepath.Join(t.TempDir(), "k.pem")
	var pub, stderr bytes.Buffer
	if err := run(t.Context(), []string{"jwt", "-new-key", keyFile}, &pub, &stderr); err != nil {
		t.Fatal(err)
	}
	outputs := filepath.Join(t.TempDir(), "outputs.json")
	ctx, cancel := context.WithCancel(t.Context())
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"portal", "-key", keyFile, "-outputs", outputs}, outW, &stderr)
		_ = outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	url := strings.TrimSpace(line)
	if !regexp.MustCompile(`^http://localhost:\d+/$`).MatchString(url) {
		t.Fatalf("printed %q", url)
	}
	get := func() (int, string) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(); code != http.StatusServiceUnavailable || !strings.Contains(body, "no configuration table yet") {
		t.Errorf("before the apply: %d %s", code, body)
	}
	table := `{"customers":{"value":{"acme":{"name":"Acme Corp","hostname":"127.0.0.1:1","web_integration_id":"wi","groups":["acme-analysts"],"embed_urls":{"app":"http://127.0.0.1:1/single/?appid=a"}}}},"portal_jwt":{"value":{"issuer":"http://localhost","key_id":"k"}}}`
	if err := os.WriteFile(outputs, []byte(table), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, body := get(); code != http.StatusOK || !strings.Contains(body, `data-customer="acme"`) {
		t.Errorf("after the apply: %d %s", code, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("portal ended with %v", err)
	}
}
