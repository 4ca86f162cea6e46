package qlik_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func rsaPublicKeyPEM(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func TestSim_JWTIdentityProviderLifecycle(t *testing.T) {
	t.Parallel()
	_, c, _ := startSim(t)
	ctx := t.Context()
	pemText := rsaPublicKeyPEM(t)

	idp, err := c.CreateJWTIdentityProvider(ctx, qlik.JWTIdentityProviderCreateRequest{
		Issuer: "https://vendor.example", KeyID: "key-1", PublicKey: pemText, Description: "embedding",
	})
	if err != nil {
		t.Fatal(err)
	}
	if idp.ID == "" || idp.Protocol != "jwtAuth" || idp.Options.Issuer != "https://vendor.example" || idp.KeyID() != "key-1" || idp.PublicKey() != pemText || !idp.Active {
		t.Errorf("created = %+v", idp)
	}
	_, err = c.CreateJWTIdentityProvider(ctx, qlik.JWTIdentityProviderCreateRequest{Issuer: "https://vendor.example", KeyID: "key-1", PublicKey: pemText})
	var apiErr *qlik.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusConflict || apiErr.Code == "" {
		t.Errorf("duplicate = %v, want Qlik's 409", err)
	}
	_, err = c.CreateJWTIdentityProvider(ctx, qlik.JWTIdentityProviderCreateRequest{Issuer: "https://vendor.example", KeyID: "key-2", PublicKey: "not a key"})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || apiErr.Detail == "" {
		t.Errorf("bad PEM = %v, want Qlik's 400 with a detail", err)
	}

	upd, err := c.UpdateIdentityProviderDescription(ctx, idp.ID, "rotated soon")
	if err != nil || upd.Description != "rotated soon" || upd.Options.Issuer != "https://vendor.example" {
		t.Fatalf("UpdateIdentityProviderDescription = %+v, %v", upd, err)
	}
	for i := range 3 {
		if _, err := c.CreateJWTIdentityProvider(ctx, qlik.JWTIdentityProviderCreateRequest{
			Issuer: "https://other.example", KeyID: fmt.Sprint("k", i), PublicKey: pemText,
		}); err != nil {
			t.Fatal(err)
		}
	}
	found, err := c.FindJWTIdentityProvider(ctx, "https://vendor.example", "key-1")
	if err != nil || found.ID != idp.ID {
		t.Errorf("FindJWTIdentityProvider = %+v, %v", found, err)
	}
	if _, err := c.FindJWTIdentityProvider(ctx, "https://vendor.example", "key-9"); !qlik.IsNotFound(err) {
		t.Errorf("FindJWTIdentityProvider(missing) = %v", err)
	}
	all, err := c.ListIdentityProviders(ctx)
	if err != nil || len(all) != 5 || !all[0].Interactive {
		t.Fatalf("ListIdentityProviders = %+v, %v; want the interactive one and 4 jwtAuth", all, err)
	}
	err = c.DeleteIdentityProvider(ctx, all[0].ID)
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest || apiErr.Detail != "The interactive IdP for the tenant can't be deleted." {
		t.Errorf("deleting the interactive IdP = %v, want Qlik's 400", err)
	}
	deleteThenGone(t, idp.ID, c.DeleteIdentityProvider, c.GetIdentityProvider)
}

func TestSim_WebIntegrationLifecycle(t *testing.T) {
	t.Parallel()
	sim, c, _ := startSim(t)
	ctx := t.Context()

	wi, err := c.CreateWebIntegration(ctx, qlik.WebIntegrationCreateRequest{Name: "Portal", ValidOrigins: []string{"https://portal.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if wi.ID == "" || wi.TenantID != sim.Home().ID || !reflect.DeepEqual(wi.ValidOrigins, []string{"https://portal.example.com"}) {
		t.Errorf("created = %+v", wi)
	}
	_, err = c.CreateWebIntegration(ctx, qlik.WebIntegrationCreateRequest{Name: "No scheme", ValidOrigins: []string{"portal.example.com"}})
	var apiErr *qlik.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "WEBINTEGRATIONS-6" || apiErr.TraceID == "" {
		t.Errorf("origin without scheme = %v, want WEBINTEGRATIONS-6 with a trace id", err)
	}
	origins := []string{"https://a.example", "http://localhost:8080"}
	name := "Portal (EU)"
	upd, err := c.UpdateWebIntegration(ctx, wi.ID, qlik.WebIntegrationUpdateRequest{Name: &name, ValidOrigins: &origins})
	if err != nil || upd.Name != name || !reflect.DeepEqual(upd.ValidOrigins, origins) {
		t.Fatalf("UpdateWebIntegration = %+v, %v", upd, err)
	}
	empty := []string{}
	if upd, err = c.UpdateWebIntegration(ctx, wi.ID, qlik.WebIntegrationUpdateRequest{ValidOrigins: &empty}); err != nil || len(upd.ValidOrigins) != 0 {
		t.Fatalf("clearing origins = %+v, %v", upd, err)
	}
	// 101 more make two pages of 100, walked with startingAfter.
	for i := range 101 {
		if _, err := c.CreateWebIntegration(ctx, qlik.WebIntegrationCreateRequest{Name: fmt.Sprintf("Bulk %03d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	sim.ResetAudit()
	all, err := c.ListWebIntegrations(ctx)
	if err != nil || len(all) != 102 {
		t.Fatalf("ListWebIntegrations = %d, %v", len(all), err)
	}
	seen := map[string]bool{}
	for _, w := range all {
		seen[w.ID] = true
	}
	if len(seen) != 102 || sim.AuditCount("GET", "/api/v1/web-integrations", "") != 2 {
		t.Errorf("listed %d distinct integrations in %d pages, want 102 in 2", len(seen), sim.AuditCount("GET", "/api/v1/web-integrations", ""))
	}
	found, err := c.FindWebIntegrationByName(ctx, name)
	if err != nil || found.ID != wi.ID {
		t.Errorf("FindWebIntegrationByName = %+v, %v", found, err)
	}
	if err := c.DeleteWebIntegration(ctx, wi.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetWebIntegration(ctx, wi.ID)
	if !errors.As(err, &apiErr) || apiErr.Code != "WEBINTEGRATIONS_NOT_FOUND" {
		t.Errorf("GetWebIntegration after delete = %v", err)
	}
}

func TestSim_CSPOriginLifecycle(t *testing.T) {
	t.Parallel()
	_, c, _ := startSim(t)
	ctx := t.Context()

	flags, err := qlik.CSPDirectiveFlagsFrom([]string{"frame-ancestors", "img-src"})
	if err != nil {
		t.Fatal(err)
	}
	e, err := c.CreateCSPOrigin(ctx, qlik.CSPOriginRequest{Name: "Portal", Origin: "portal.example.com", CSPDirectiveFlags: flags})
	if err != nil {
		t.Fatal(err)
	}
	if e.ID == "" || !reflect.DeepEqual(e.Directives(), []string{"frame-ancestors", "img-src"}) {
		t.Errorf("created = %+v", e)
	}
	if _, err := c.CreateCSPOrigin(ctx, qlik.CSPOriginRequest{Origin: "portal.example.com"}); !qlik.IsConflict(err) {
		t.Errorf("duplicate origin = %v, want 409", err)
	}
	flags, _ = qlik.CSPDirectiveFlagsFrom([]string{"frame-src"})
	put, err := c.ReplaceCSPOrigin(ctx, e.ID, qlik.CSPOriginRequest{Origin: "portal.example.com:8443", CSPDirectiveFlags: flags})
	if err != nil || put.Name != "" || !reflect.DeepEqual(put.Directives(), []string{"frame-src"}) || put.Origin != "portal.example.com:8443" {
		t.Fatalf("ReplaceCSPOrigin = %+v, %v", put, err)
	}
	found, err := c.FindCSPOrigin(ctx, "Portal.Example.com:8443")
	if err != nil || found.ID != e.ID {
		t.Errorf("FindCSPOrigin = %+v, %v", found, err)
	}
	deleteThenGone(t, e.ID, c.DeleteCSPOrigin, c.GetCSPOrigin)
	if _, err := qlik.CSPDirectiveFlagsFrom([]string{"frame_ancestors"}); err == nil {
		t.Error("unknown directive accepted")
	}
}

// TestSim_EmbeddingCreatesRecoverFromResets drops the connection after each create committed: the client looks
// the object up by its natural key and adopts it, so there is exactly one of each.
func TestSim_EmbeddingCreatesRecoverFromResets(t *testing.T) {
	t.Parallel()
	sim, c, home := startSimWith(t, qliksim.Options{}, false)
	ctx := t.Context()

	sim.FailNext(1, 0)
	idp, err := c.CreateJWTIdentityProvider(ctx, qlik.JWTIdentityProviderCreateRequest{Issuer: "https://vendor.example", KeyID: "k", PublicKey: rsaPublicKeyPEM(t)})
	// The tenant's interactive identity provider comes first.
	if all := sim.IdentityProviders(home); err != nil || len(all) != 2 || all[1].ID != idp.ID {
		t.Errorf("IdP after reset: %+v, %v; simulator holds %d", idp, err, len(all))
	}
	sim.FailNext(1, 0)
	wi, err := c.CreateWebIntegration(ctx, qlik.WebIntegrationCreateRequest{Name: "Portal"})
	if err != nil || len(sim.WebIntegrations(home)) != 1 || sim.WebIntegrations(home)[0].ID != wi.ID {
		t.Errorf("web integration after reset: %+v, %v; simulator holds %d", wi, err, len(sim.WebIntegrations(home)))
	}
	sim.FailNext(1, 0)
	e, err := c.CreateCSPOrigin(ctx, qlik.CSPOriginRequest{Origin: "portal.example.com"})
	if err != nil || len(sim.CSPOrigins(home)) != 1 || sim.CSPOrigins(home)[0].ID != e.ID {
		t.Errorf("CSP origin after reset: %+v, %v; simulator holds %d", e, err, len(sim.CSPOrigins(home)))
	}
	if n := sim.AuditCount("POST", "", home); n != 3 {
		t.Errorf("%d POSTs, want 3 (one per object, none repeated)", n)
	}
}

func TestEmbedding_EmptyIDRejectedBeforeSending(t *testing.T) {
	t.Parallel()
	sim, c, _ := startSimWith(t, qliksim.Options{}, false)
	ctx := t.Context()
	errs := map[string]error{}
	_, errs["get idp"] = c.GetIdentityProvider(ctx, "")
	_, errs["patch idp"] = c.UpdateIdentityProviderDescription(ctx, " ", "x")
	errs["delete idp"] = c.DeleteIdentityProvider(ctx, "")
	_, errs["get wi"] = c.GetWebIntegration(ctx, "")
	_, errs["patch wi"] = c.UpdateWebIntegration(ctx, "", qlik.WebIntegrationUpdateRequest{})
	errs["delete wi"] = c.DeleteWebIntegration(ctx, "")
	_, errs["get csp"] = c.GetCSPOrigin(ctx, "")
	_, errs["put csp"] = c.ReplaceCSPOrigin(ctx, "", qlik.CSPOriginRequest{Origin: "a.example"})
	errs["delete csp"] = c.DeleteCSPOrigin(ctx, "")
	for name, err := range errs {
		if !errors.Is(err, qlik.ErrInvalidID) {
			t.Errorf("%s: %v, want ErrInvalidID", name, err)
		}
	}
	if n := len(sim.Audit()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}
