package qlik_test

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func oidcSettings(secret string) qlik.OIDCIdentityProviderSettings {
	return qlik.OIDCIdentityProviderSettings{
		Provider: "okta", Interactive: true, Description: "customer login", ClockToleranceSec: 5, CreateNewUsersOnLogin: true,
		Options: qlik.OIDCOptions{
			DiscoveryURL: "https://customer.okta.com/.well-known/openid-configuration", ClientID: "abc", ClientSecret: secret,
			ClaimsMapping: map[string][]string{"sub": {"/sub"}, "groups": {"/groups"}},
		},
	}
}

// TestSim_OIDCIdentityProvider: an interactive OIDC identity provider is in use at once, adopted after a lost
// answer, changed all at once with the stored secret kept unless a new one is sent, and deactivated.
func TestSim_OIDCIdentityProvider(t *testing.T) {
	t.Parallel()
	sim, c, home := startSim(t)
	ctx := t.Context()
	sim.FailRoute(home, http.MethodPost, "/api/v1/identity-providers", 1, qliksim.RouteFault{})
	p, err := c.CreateOIDCIdentityProvider(ctx, oidcSettings("first"))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Active || !p.Interactive || p.Options.ClientSecret != "" {
		t.Fatalf("created %+v", p)
	}
	if n := len(sim.IdentityProviders(home)); n != 2 {
		t.Fatalf("%d identity providers after an adopted create, want 2 (Qlik Account and this one)", n)
	}
	opts := oidcSettings("").Options
	opts.Scope = "openid email"
	desc := "changed"
	if err := c.UpdateOIDCIdentityProvider(ctx, p.ID, qlik.OIDCIdentityProviderUpdate{Description: &desc, Options: &opts}); err != nil {
		t.Fatal(err)
	}
	if s, _ := sim.OIDCClientSecret(home, p.ID); s != "first" {
		t.Errorf("secret %q after an options change without a secret, want the stored one", s)
	}
	opts.ClientSecret = "second"
	if err := c.UpdateOIDCIdentityProvider(ctx, p.ID, qlik.OIDCIdentityProviderUpdate{Options: &opts}); err != nil {
		t.Fatal(err)
	}
	if s, _ := sim.OIDCClientSecret(home, p.ID); s != "second" {
		t.Errorf("secret %q after sending a new one", s)
	}
	if _, err := c.CreateOIDCIdentityProvider(ctx, oidcSettings("x")); !qlik.IsNotFound(err) {
		var apiErr *qlik.APIError
		if err == nil || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
			t.Errorf("a second interactive identity provider: %v, want Qlik's 400", err)
		}
	}
	if err := c.DeleteIdentityProvider(ctx, p.ID); err == nil {
		t.Error("Qlik refuses to delete the interactive identity provider, the client did not say so")
	}
	off := false
	if err := c.UpdateOIDCIdentityProvider(ctx, p.ID, qlik.OIDCIdentityProviderUpdate{Active: &off}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetIdentityProvider(ctx, p.ID)
	if err != nil || got.Active || got.Description != "changed" || got.Options.Scope != "openid email" {
		t.Errorf("read back %+v, %v", got, err)
	}
}

// TestSim_OIDCIdentityProviderLostAnswerNotYetListed: the first create commits but its answer is lost, and the new
// provider is not listed yet when the client looks for it, so the client tries again and Qlik refuses the retry
// with its one-interactive-IdP 400. That refusal is the first attempt's own provider: the client waits for it to
// be listed and takes it, instead of failing and leaving it outside the state.
func TestSim_OIDCIdentityProviderLostAnswerNotYetListed(t *testing.T) {
	t.Parallel()
	sim, c, home := startSimWith(t, qliksim.Options{VisibilityDelay: 300 * time.Millisecond}, true)
	sim.FailRoute(home, http.MethodPost, "/api/v1/identity-providers", 1, qliksim.RouteFault{})
	p, err := c.CreateOIDCIdentityProvider(t.Context(), oidcSettings("first"))
	if err != nil {
		t.Fatalf("create after a lost answer: %v", err)
	}
	all := sim.IdentityProviders(home)
	if len(all) != 2 {
		t.Fatalf("%d identity providers, want 2 (Qlik Account and this one)", len(all))
	}
	if posts := sim.AuditCount(http.MethodPost, "/api/v1/identity-providers", home); posts != 2 {
		t.Errorf("%d creates sent, want 2 (the lost one and the refused retry)", posts)
	}
	if !slices.ContainsFunc(all, func(o qliksim.IdentityProvider) bool { return o.ID == p.ID && o.Interactive && o.Active }) {
		t.Errorf("took %s, which is not the tenant's active interactive provider: %+v", p.ID, all)
	}
}
