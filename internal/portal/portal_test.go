package portal

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

const outputs = `{
  "customers": {"sensitive": false, "type": ["map", {}], "value": {
    "acme": {"name": "Acme Corp", "hostname": "127.0.0.1:4001", "web_integration_id": "wi-acme", "groups": ["acme-admins", "acme-analysts"],
             "embed_urls": {"overview": "http://127.0.0.1:4001/single/?appid=a1&sheet=JpXmPa", "app": "http://127.0.0.1:4001/single/?appid=a1"}},
    "globex": {"name": "Globex", "hostname": "127.0.0.1:4002", "web_integration_id": "wi-globex", "groups": ["globex-viewers"],
             "embed_urls": {"overview": "http://127.0.0.1:4002/single/?appid=g1&sheet=JpXmPa"}}
  }},
  "portal_jwt": {"sensitive": false, "type": ["object", {}], "value": {"issuer": "http://localhost:8080", "key_id": "portal-2026"}}
}`

func newTestPortal(t *testing.T, withOutputs bool) *Portal {
	t.Helper()
	file := filepath.Join(t.TempDir(), "outputs.json")
	if withOutputs {
		if err := os.WriteFile(file, []byte(outputs), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	private, _, err := qliksim.NewSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(file, private)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func get(t *testing.T, h http.Handler, method, target, body string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), method, target, strings.NewReader(body)))
	return rec
}

func TestPage_MenuAndSelection(t *testing.T) {
	p := newTestPortal(t, true)
	rec := get(t, p, http.MethodGet, "/?customer=acme&sheet=overview", "")
	body := rec.Body.String()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, body)
	}
	for _, want := range []string{
		`data-customer="acme" data-sheet="app"`, `data-customer="acme" data-sheet="overview" class="current"`,
		`data-customer="globex" data-sheet="overview"`, `<option value="acme-admins" selected>Acme Corp user (acme-admins)</option>`,
		`<option value="globex-viewers">Globex user (globex-viewers)</option>`,
		`data-src="http://127.0.0.1:4001/single/?appid=a1&amp;sheet=JpXmPa"`,
		`tenant: "http://127.0.0.1:4001"`, `wi: "wi-acme"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// Acme's menu comes before Globex's.
	if strings.Index(body, "Acme Corp <small>") > strings.Index(body, "Globex <small>") {
		t.Error("customers are not in key order")
	}
	// Without a selection there is no frame.
	if body := get(t, p, http.MethodGet, "/", "").Body.String(); strings.Contains(body, "<iframe") || !strings.Contains(body, `data-state="idle"`) {
		t.Errorf("page without a selection:\n%s", body)
	}
}

func TestPage_NoOutputsYet(t *testing.T) {
	p := newTestPortal(t, false)
	rec := get(t, p, http.MethodGet, "/", "")
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "no configuration table yet") {
		t.Errorf("%d %s", rec.Code, rec.Body.String())
	}
}

func TestToken_SignsForTheGroupsUser(t *testing.T) {
	p := newTestPortal(t, true)
	rec := get(t, p, http.MethodPost, "/token", `{"as":"globex-viewers"}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
	var resp struct{ Token, Name string }
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(resp.Token, ".")
	if len(parts) != 3 || resp.Name != "Globex user (globex-viewers)" {
		t.Fatalf("token %q, name %q", resp.Token, resp.Name)
	}
	var hdr struct{ Alg, Kid string }
	var claims struct {
		Iss    string   `json:"iss"`
		Sub    string   `json:"sub"`
		Groups []string `json:"groups"`
	}
	for i, v := range []any{&hdr, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
	if hdr.Alg != "RS256" || hdr.Kid != "portal-2026" || claims.Iss != "http://localhost:8080" || claims.Sub != "portal|globex-viewers" ||
		len(claims.Groups) != 1 || claims.Groups[0] != "globex-viewers" {
		t.Errorf("header %+v, claims %+v", hdr, claims)
	}

	if rec := get(t, p, http.MethodPost, "/token", `{"as":"nobody"}`); rec.Code != http.StatusNotFound {
		t.Errorf("unknown group: %d", rec.Code)
	}
	if rec := get(t, p, http.MethodGet, "/token", ""); rec.Code != http.StatusNotFound {
		t.Errorf("GET /token: %d", rec.Code)
	}
}

func TestNew_RejectsAPublicKey(t *testing.T) {
	_, public, err := qliksim.NewSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New("x", public); err == nil || !strings.Contains(err.Error(), "not a private key") {
		t.Errorf("err = %v", err)
	}
}
