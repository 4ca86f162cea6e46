package qliksim

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// errorShape decodes the parts of an error body that differ between services.
type errorShape struct {
	Errors []struct {
		Code   string          `json:"code"`
		Title  string          `json:"title"`
		Status json.RawMessage `json:"status"`
	} `json:"errors"`
	TraceID *string `json:"traceId"`
}

func TestEmbedding_ErrorShapes(t *testing.T) {
	t.Parallel()
	_, home, tc, key := startHome(t)
	for _, c := range []struct {
		path, code, status string
		trace              bool
	}{
		{"/api/v1/identity-providers/62716f4b39b865ece543cd45", codeIDPNotFound, "404", false},
		{"/api/v1/web-integrations/Nr8vTL2q0Zd4XW2uPzXmgA", "WEBINTEGRATIONS_NOT_FOUND", `"404"`, true},
		{"/api/v1/csp-origins/62716f4b39b865ece543cd45", codeCSPNotFound, "", false},
	} {
		var body errorShape
		tc.expect(http.StatusNotFound, http.MethodGet, home.URL+c.path, key, nil).decode(t, &body)
		if len(body.Errors) != 1 || body.Errors[0].Code != c.code || string(body.Errors[0].Status) != c.status || (body.TraceID != nil) != c.trace {
			t.Errorf("%s: error body %+v, want code %s, status %s, traceId %v", c.path, body, c.code, c.status, c.trace)
		}
	}
}

func TestIdentityProviders_PatchOnlyDescriptionAndVerificationKey(t *testing.T) {
	t.Parallel()
	sim, home, tc, key := startHome(t)
	url := home.URL + "/api/v1/identity-providers"
	pemText := testPublicKeyPEM(t, "rsa")
	var idp IdentityProvider
	tc.expect(http.StatusCreated, http.MethodPost, url, key, jwtIDPBody("https://vendor.example", "k1", pemText)).decode(t, &idp)
	if !idp.Active || idp.Interactive || idp.ClockToleranceSec != 5 || !reflect.DeepEqual(idp.TenantIDs, []string{home.ID}) {
		t.Errorf("created %+v", idp)
	}
	for _, path := range []string{"/options/issuer", "/options/staticKeys", "/active", "/clockToleranceSec"} {
		r := tc.expect(http.StatusBadRequest, http.MethodPatch, url+"/"+idp.ID, key, []map[string]any{{"op": "replace", "path": path, "value": "x"}})
		if codes := r.errorCodes(t); len(codes) != 1 || codes[0] != codeIDPBadRequest {
			t.Errorf("PATCH %s: codes %v", path, codes)
		}
	}
	// One bad operation rejects the whole document.
	tc.expect(http.StatusBadRequest, http.MethodPatch, url+"/"+idp.ID, key, []map[string]any{
		{"op": "replace", "path": "/description", "value": "changed"}, {"op": "replace", "path": "/active", "value": false},
	})
	byID := func() IdentityProvider {
		for _, p := range sim.IdentityProviders(home.Hostname) {
			if p.ID == idp.ID {
				return p
			}
		}
		t.Fatalf("identity provider %s not in the store", idp.ID)
		return IdentityProvider{}
	}
	if got := byID().Description; got != "embedding" {
		t.Errorf("description after rejected patch = %q", got)
	}
	tc.expect(http.StatusNoContent, http.MethodPatch, url+"/"+idp.ID, key, []map[string]any{{"op": "replace", "path": "/description", "value": "changed"}})
	if got := byID().Description; got != "changed" {
		t.Errorf("description = %q, want changed", got)
	}

	tenant, err := sim.tenantByHostname(home.Hostname)
	if err != nil {
		t.Fatal(err)
	}
	vk, err := tenant.jwtVerificationKey("https://vendor.example", "k1")
	if err != nil || vk.IdentityProviderID != idp.ID || vk.ClockTolerance != 5*time.Second {
		t.Fatalf("jwtVerificationKey = %+v, %v", vk, err)
	}
	want, _ := parsePublicKeyPEM(pemText)
	if got, ok := vk.PublicKey.(*rsa.PublicKey); !ok || !got.Equal(want) {
		t.Errorf("verification key is not the configured one")
	}
	for _, c := range [][2]string{{"https://vendor.example", "k2"}, {"https://other.example", "k1"}} {
		if _, err := tenant.jwtVerificationKey(c[0], c[1]); !errors.Is(err, ErrNotFound) {
			t.Errorf("jwtVerificationKey(%v) = %v, want ErrNotFound", c, err)
		}
	}
	if err := sim.EditIdentityProvider(home.Hostname, idp.ID, func(p *IdentityProvider) { p.Active = false }); err != nil {
		t.Fatal(err)
	}
	if _, err := tenant.jwtVerificationKey("https://vendor.example", "k1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an inactive IdP still verifies tokens: %v", err)
	}
	if err := sim.EditIdentityProvider(home.Hostname, idp.ID, func(p *IdentityProvider) { p.Options.StaticKeys[0].PEM = "junk" }); err == nil {
		t.Error("EditIdentityProvider accepted a bad PEM")
	}
	if err := sim.DeleteIdentityProvider(home.Hostname, idp.ID); err != nil {
		t.Fatal(err)
	}
	tc.expect(http.StatusNotFound, http.MethodGet, url+"/"+idp.ID, key, nil)
}

// Every tenant has its interactive identity provider, which the API refuses to delete
// (identity-providers.json deleteIdp: 400 "The interactive IdP for the tenant can't be deleted").
func TestIdentityProviders_InteractiveCannotBeDeleted(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	other := addTenant(t, sim, "customer")
	tc := newTestClient(t)
	for _, tenant := range []*Tenant{sim.Home(), other} {
		all := sim.IdentityProviders(tenant.Hostname)
		if len(all) != 1 || !all[0].Interactive || all[0].Protocol != "OIDC" || !all[0].Active {
			t.Fatalf("%s starts with %+v, want one active interactive OIDC identity provider", tenant.Name, all)
		}
		token := tc.mintToken(sim, tenant.URL)
		r := tc.expect(http.StatusBadRequest, http.MethodDelete, tenant.URL+"/api/v1/identity-providers/"+all[0].ID, token, nil)
		var body errorShape
		r.decode(t, &body)
		if len(body.Errors) != 1 || !strings.Contains(r.String(), "interactive IdP") {
			t.Errorf("delete answer %s", r.body)
		}
		if err := sim.EditIdentityProvider(tenant.Hostname, all[0].ID, func(p *IdentityProvider) { p.Description = "x" }); err == nil {
			t.Error("EditIdentityProvider changed the interactive identity provider")
		}
	}
}

func TestWebIntegrations_OriginsAndPatch(t *testing.T) {
	t.Parallel()
	sim, home, tc, key := startHome(t)
	url := home.URL + "/api/v1/web-integrations"
	var wi WebIntegration
	tc.expect(http.StatusCreated, http.MethodPost, url, key, map[string]any{
		"name": "Portal", "validOrigins": []string{"HTTPS://Portal.Example.com:443/", "http://localhost:3000", "https://portal.example.com"},
	}).decode(t, &wi)
	if want := []string{"https://portal.example.com", "http://localhost:3000"}; !reflect.DeepEqual(wi.ValidOrigins, want) {
		t.Errorf("validOrigins = %v, want %v", wi.ValidOrigins, want)
	}
	if wi.Links == nil || wi.Links.Self.Href != url+"/"+wi.ID {
		t.Errorf("POST answer links = %+v", wi.Links)
	}
	for _, bad := range []string{"portal.example.com", "ftp://portal.example.com", "https://portal.example.com/app", "https://portal.example.com?x=1", "https://:443"} {
		r := tc.expect(http.StatusBadRequest, http.MethodPost, url, key, map[string]any{"name": "Bad " + bad, "validOrigins": []string{bad}})
		if codes := r.errorCodes(t); len(codes) != 1 || codes[0] != "WEBINTEGRATIONS-6" {
			t.Errorf("origin %q: codes %v", bad, codes)
		}
	}
	// The array form of /validOrigins (what the provider sends) and the string form of the schema both work.
	tc.expect(http.StatusNoContent, http.MethodPatch, url+"/"+wi.ID, key, []map[string]any{{"op": "replace", "path": "/validOrigins", "value": []string{"https://a.example", "https://b.example:8443"}}})
	if got := sim.WebIntegrations(home.Hostname)[0].ValidOrigins; !reflect.DeepEqual(got, []string{"https://a.example", "https://b.example:8443"}) {
		t.Errorf("after array PATCH: %v", got)
	}
	tc.expect(http.StatusNoContent, http.MethodPatch, url+"/"+wi.ID, key, []map[string]any{{"op": "replace", "path": "/validOrigins", "value": "https://c.example"}})
	if got := sim.WebIntegrations(home.Hostname)[0].ValidOrigins; !reflect.DeepEqual(got, []string{"https://c.example"}) {
		t.Errorf("after string PATCH: %v", got)
	}
	r := tc.expect(http.StatusBadRequest, http.MethodPatch, url+"/"+wi.ID, key, []map[string]any{{"op": "replace", "path": "/tenantId", "value": "x"}})
	if codes := r.errorCodes(t); len(codes) != 1 || codes[0] != "WEBINTEGRATIONS-4" {
		t.Errorf("bad path codes %v", codes)
	}
	var other WebIntegration
	tc.expect(http.StatusCreated, http.MethodPost, url, key, map[string]any{"name": "Other"}).decode(t, &other)
	tc.expect(http.StatusConflict, http.MethodPatch, url+"/"+other.ID, key, []map[string]any{{"op": "replace", "path": "/name", "value": "Portal"}})
	if err := sim.EditWebIntegration(home.Hostname, other.ID, func(w *WebIntegration) { w.Name = "Portal" }); !errors.Is(err, ErrConflict) {
		t.Errorf("EditWebIntegration to a taken name = %v", err)
	}
	if err := sim.DeleteWebIntegration(home.Hostname, other.ID); err != nil {
		t.Fatal(err)
	}
	tc.expect(http.StatusNotFound, http.MethodDelete, url+"/"+other.ID, key, nil)
}

func TestCSPOrigins_PutReplacesAndHooks(t *testing.T) {
	t.Parallel()
	sim, home, tc, key := startHome(t)
	url := home.URL + "/api/v1/csp-origins"
	var e CSPEntry
	tc.expect(http.StatusCreated, http.MethodPost, url, key, map[string]any{"name": "Portal", "origin": "portal.example.com", "description": "d", "frameAncestors": true, "imgSrc": true}).decode(t, &e)
	for _, bad := range []string{"", "https://portal.example.com/x", "portal example.com", "portal.example.com:99999x"} {
		tc.expect(http.StatusBadRequest, http.MethodPost, url, key, map[string]any{"origin": bad})
	}
	var put CSPEntry
	tc.expect(http.StatusOK, http.MethodPut, url+"/"+e.ID, key, map[string]any{"origin": "portal.example.com", "frameSrc": true}).decode(t, &put)
	if put.Name != "" || put.Description != "" || put.FrameAncestors || put.ImgSrc || !put.FrameSrc {
		t.Errorf("PUT kept fields it did not send: %+v", put)
	}
	if err := sim.EditCSPOrigin(home.Hostname, e.ID, func(c *CSPEntry) { c.WorkerSrc = true; c.Origin = "new.example.com" }); err != nil {
		t.Fatal(err)
	}
	var got CSPEntry
	tc.expect(http.StatusOK, http.MethodGet, url+"/"+e.ID, key, nil).decode(t, &got)
	if !got.WorkerSrc || got.Origin != "new.example.com" || got.CreatedDate != e.CreatedDate {
		t.Errorf("after out-of-band edit: %+v", got)
	}
	if err := sim.EditCSPOrigin(home.Hostname, e.ID, func(c *CSPEntry) { c.Origin = "bad origin" }); err == nil {
		t.Error("EditCSPOrigin accepted an invalid origin")
	}
	if err := sim.DeleteCSPOrigin(home.Hostname, e.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(sim.CSPOrigins(home.Hostname)); n != 0 {
		t.Errorf("%d entries left", n)
	}
}
