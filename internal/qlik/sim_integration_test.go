package qlik_test

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	// The simulator is used only as a black-box HTTP server here; no type is shared with the client.
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func TestSim_SpaceLifecycle(t *testing.T) {
	sim, c, home := startSimWith(t, qliksim.Options{}, false)
	ctx := t.Context()

	s, err := c.CreateSpace(ctx, qlik.SpaceCreateRequest{Name: "Finance", Type: "shared", Description: "numbers"})
	if err != nil {
		t.Fatal(err)
	}
	if s.ID == "" || s.OwnerID == "" || s.TenantID == "" || s.CreatedAt == "" {
		t.Errorf("created = %+v", s)
	}
	if _, err := c.CreateSpace(ctx, qlik.SpaceCreateRequest{Name: "Finance", Type: "shared"}); !qlik.IsConflict(err) {
		t.Errorf("duplicate create = %v, want a conflict", err)
	} else {
		var apiErr *qlik.APIError
		if !errors.As(err, &apiErr) || apiErr.Code == "" || apiErr.Title == "" {
			t.Errorf("conflict lacks Qlik's code/title: %+v", apiErr)
		}
	}
	name := "Finance EMEA"
	upd, err := c.UpdateSpace(ctx, s.ID, qlik.SpaceUpdateRequest{Name: &name})
	if err != nil || upd.Name != name || upd.Description != "numbers" {
		t.Fatalf("UpdateSpace = %+v, %v", upd, err)
	}
	found, err := c.FindSpaceByName(ctx, name, "shared")
	if err != nil || found.ID != s.ID {
		t.Fatalf("FindSpaceByName = %+v, %v", found, err)
	}
	for i := range 25 {
		if _, err := c.CreateSpace(ctx, qlik.SpaceCreateRequest{Name: fmt.Sprintf("bulk %02d", i), Type: "managed"}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := c.ListSpaces(ctx, qlik.ListSpacesOptions{Limit: 7})
	if err != nil || len(all) != 26 {
		t.Fatalf("ListSpaces = %d, %v", len(all), err)
	}
	managed, err := c.ListSpaces(ctx, qlik.ListSpacesOptions{Types: []string{"managed"}})
	if err != nil || len(managed) != 25 {
		t.Fatalf("ListSpaces(managed) = %d, %v", len(managed), err)
	}

	if err := sim.SetSpaceContent(home, s.ID, 1); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSpace(ctx, s.ID); !errors.Is(err, qlik.ErrPreconditionFailed) {
		t.Errorf("delete of a non-empty space = %v, want 412", err)
	}
	if err := sim.SetSpaceContent(home, s.ID, 0); err != nil {
		t.Fatal(err)
	}
	deleteThenGone(t, s.ID, c.DeleteSpace, c.GetSpace)
}

func TestSim_OAuthOneTokenPerHost(t *testing.T) {
	sim := qliksim.StartT(t, qliksim.Options{})
	other, err := sim.AddTenant("customer-1")
	if err != nil {
		t.Fatal(err)
	}
	c := simClient(t, sim, true)
	ov, err := c.ForTenant(other.Hostname)
	if err != nil {
		t.Fatal(err)
	}
	if ov.Hostname() != other.Hostname {
		t.Errorf("view hostname %q, want %q", ov.Hostname(), other.Hostname)
	}

	var wg sync.WaitGroup
	for i := range 40 {
		v := c
		if i%2 == 1 {
			v = ov
		}
		wg.Go(func() {
			if _, err := v.CreateSpace(t.Context(), qlik.SpaceCreateRequest{Name: fmt.Sprintf("s%02d", i), Type: "shared"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for _, host := range []string{sim.Home().Hostname, other.Hostname} {
		if n := sim.AuditCount(http.MethodPost, "/oauth/token", host); n != 1 {
			t.Errorf("%s: %d token requests, want 1", host, n)
		}
		if n := len(sim.Spaces(host)); n != 20 {
			t.Errorf("%s: %d spaces, want 20", host, n)
		}
	}

	apiKey := simClient(t, sim, false)
	if _, err := apiKey.ForTenant(other.Hostname); !errors.Is(err, qlik.ErrAPIKeyOtherTenant) {
		t.Errorf("API key ForTenant = %v", err)
	}
}

func TestSim_ResetAfterCommitWithDelayedVisibility(t *testing.T) {
	sim, c, home := startSimWith(t, qliksim.Options{VisibilityDelay: 300 * time.Millisecond}, false)
	sim.FailNext(1, 0) // the POST commits, then the connection drops
	s, err := c.CreateSpace(t.Context(), qlik.SpaceCreateRequest{Name: "Ops", Type: "shared"})
	if err != nil {
		t.Fatal(err)
	}
	spaces := sim.Spaces(home)
	if len(spaces) != 1 || spaces[0].ID != s.ID {
		t.Errorf("server has %d spaces (%+v), want exactly the adopted one %s", len(spaces), spaces, s.ID)
	}
}

func TestSim_FaultsConvergeWithoutDuplicates(t *testing.T) {
	for name, faults := range map[string]qliksim.Faults{
		// 30 % of calls answered 429 or 503.
		"429 and 503": {RateLimit: 0.15, Unavailable: 0.15, RetryAfterSeconds: 1},
		// Resets after the write committed are the ambiguous case that could duplicate.
		"with resets": {RateLimit: 0.05, Unavailable: 0.15, Reset: 0.15, RetryAfterSeconds: 1},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testFaultsConverge(t, faults)
		})
	}
}

func testFaultsConverge(t *testing.T, faults qliksim.Faults) {
	sim, c, home := startSimWith(t, qliksim.Options{
		Seed:            7,
		VisibilityDelay: 100 * time.Millisecond,
		Faults:          faults,
	}, true)
	const n = 12
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s, err := c.CreateSpace(t.Context(), qlik.SpaceCreateRequest{Name: fmt.Sprintf("team-%02d", i), Type: "managed"})
			if err != nil {
				t.Errorf("create %d: %v", i, err)
				return
			}
			ids[i] = s.ID
		})
	}
	wg.Wait()
	byName := map[string][]string{}
	for _, s := range sim.Spaces(home) {
		byName[s.Name] = append(byName[s.Name], s.ID)
	}
	for i := range n {
		got := byName[fmt.Sprintf("team-%02d", i)]
		if len(got) != 1 || got[0] != ids[i] {
			t.Errorf("team-%02d: server ids %v, client id %q; want exactly one, the same", i, got, ids[i])
		}
	}
	if t.Failed() {
		return
	}
	for _, id := range ids {
		wg.Go(func() {
			if err := c.DeleteSpace(t.Context(), id); err != nil {
				t.Errorf("delete %s: %v", id, err)
			}
		})
	}
	wg.Wait()
	if left := sim.Spaces(home); len(left) != 0 {
		t.Errorf("%d spaces left after deleting all", len(left))
	}
	injected := 0
	for _, e := range sim.Audit() {
		if e.Fault != "" {
			injected++
		}
	}
	if injected == 0 {
		t.Error("no faults were injected; the test proves nothing")
	}
	t.Logf("%d requests, %d faults injected", len(sim.Audit()), injected)
}

// The platform-operations flow against the simulator: create on the register host, act inside the new tenant
// with a token minted there, patch, deactivate and reactivate with the confirm header.
func TestSim_TenantLifecycle(t *testing.T) {
	sim, c, _ := startSim(t)
	ctx := t.Context()
	reg, err := c.Registration()
	if err != nil {
		t.Fatal(err)
	}

	for key, code := range map[string]string{"": "TENANTS-21", sim.InvalidLicenseKey(): "TENANTS-23", sim.NewLicenseKey(0): "TENANTS-22"} {
		var apiErr *qlik.APIError
		if _, err := reg.CreateTenant(ctx, qlik.TenantCreateRequest{LicenseKey: key}); !errors.As(err, &apiErr) || apiErr.Code != code || apiErr.TraceID == "" {
			t.Errorf("license %q: %v, want %s", key, err, code)
		}
	}
	tn, err := reg.CreateTenant(ctx, qlik.TenantCreateRequest{LicenseKey: sim.LicenseKey(), Datacenter: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	if tn.Status != qlik.TenantStatusActive || tn.Region != "eu" || tn.Hostname() == "" {
		t.Fatalf("created %+v", tn)
	}
	inside, err := c.ForTenant(tn.Hostname())
	if err != nil {
		t.Fatal(err)
	}
	me, err := inside.GetCurrentTenant(ctx)
	if err != nil || me.ID != tn.ID {
		t.Fatalf("GetCurrentTenant = %+v, %v", me, err)
	}
	if home, err := c.GetCurrentTenant(ctx); err != nil || home.ID != sim.Home().ID {
		t.Errorf("home GetCurrentTenant = %+v, %v", home, err)
	}

	name, alias, off := "Acme", "acme-analytics.example.com", false
	upd, err := reg.UpdateTenant(ctx, tn.ID, qlik.TenantUpdateRequest{Name: &name, Alias: &alias, AutoAssignCreateSharedSpaces: &off})
	if err != nil || upd.Name != name || upd.Alias() != alias || upd.AutoAssignCreateSharedSpacesRoleToProfessionals {
		t.Fatalf("update = %+v, %v", upd, err)
	}

	if _, err := reg.DeactivateTenant(ctx, tn.ID, sim.Home().Hostname, 30); !errors.Is(err, qlik.ErrPreconditionFailed) {
		t.Errorf("deactivate with another tenant's hostname = %v, want 412", err)
	}
	d, err := reg.DeactivateTenant(ctx, tn.ID, tn.Hostname(), 12)
	if err != nil || d.Status != qlik.TenantStatusDisabled || d.EstimatedPurgeDate == "" {
		t.Fatalf("deactivate = %+v, %v", d, err)
	}
	if got, err := reg.GetTenant(ctx, tn.ID); err != nil || got.Status != qlik.TenantStatusDisabled {
		t.Errorf("after deactivate = %+v, %v", got, err)
	}
	if _, err := inside.ListSpaces(ctx, qlik.ListSpacesOptions{}); !errors.Is(err, qlik.ErrForbidden) {
		t.Errorf("a deactivated tenant's host answered %v, want 403", err)
	}
	if err := reg.ReactivateTenant(ctx, tn.ID, alias); err != nil {
		t.Fatal(err)
	}
	if got, err := reg.GetTenant(ctx, tn.ID); err != nil || got.Status != qlik.TenantStatusActive {
		t.Errorf("after reactivate = %+v, %v", got, err)
	}
	if err := sim.PurgeTenant(tn.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.GetTenant(ctx, tn.ID); !qlik.IsNotFound(err) {
		t.Errorf("purged tenant = %v, want 404", err)
	}
}

// One client for three regions: each tenant is created on its region's register host and reached with its
// region's client only; a region without a client and an untrusted host get no request at all.
func TestSim_RegionsRouteByTenant(t *testing.T) {
	sim := qliksim.StartT(t, qliksim.Options{Regions: []string{"eu", "us", "de"}})
	regions := map[string]qlik.RegionCredentials{}
	for _, r := range sim.Regions()[1:] {
		regions[r.Code] = qlik.RegionCredentials{ClientID: r.ClientID, ClientSecret: r.ClientSecret, RegistrationURL: r.RegistrationURL}
	}
	creds := sim.Credentials()
	c, err := qlik.New(qlik.Config{
		TenantURL: sim.Home().URL, HomeRegion: "eu", ClientID: creds.ClientID, ClientSecret: creds.ClientSecret,
		RegistrationURL: sim.RegistrationURL(), Regions: regions, TrustedHosts: sim.TrustedHosts(),
		RetryWaitMin: 20 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond, RateLimits: qlik.RateLimits{Disabled: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for _, dc := range []string{"eu-west-1", "us-east-1", "eu-central-1"} {
		region := qlik.DatacenterRegion(dc)
		reg, err := c.RegistrationFor(region)
		if err != nil {
			t.Fatal(err)
		}
		tn, err := reg.CreateTenant(ctx, qlik.TenantCreateRequest{LicenseKey: sim.LicenseKey(), Datacenter: dc})
		if err != nil {
			t.Fatalf("%s: %v", dc, err)
		}
		inside, err := c.ForTenant(tn.Hostname())
		if err != nil || inside.Region() != region {
			t.Fatalf("ForTenant(%s) = %v, %v", tn.Hostname(), inside, err)
		}
		if tn.Region != region {
			t.Errorf("tenant of datacenter %s in region %q", dc, tn.Region)
		}
		if _, err := inside.CreateSpace(ctx, qlik.SpaceCreateRequest{Name: "Sales", Type: "shared"}); err != nil {
			t.Fatalf("%s: %v", dc, err)
		}
	}
	var rce *qlik.RegionCredentialsError
	if _, err := c.RegistrationFor("jp"); !errors.As(err, &rce) {
		t.Errorf("RegistrationFor(jp) = %v", err)
	}
	before := len(sim.Audit())
	if _, err := c.ForTenant("evil.example.com"); !errors.Is(err, qlik.ErrUntrustedHost) {
		t.Errorf("ForTenant(evil) = %v", err)
	}
	if len(sim.Audit()) != before {
		t.Error("a refused host caused requests")
	}
	for _, a := range sim.Audit() {
		if a.ClientID != "" && a.ClientRegion != a.Region {
			t.Errorf("%s %s on %s (region %s) with the client of region %s", a.Method, a.Route, a.Host, a.Region, a.ClientRegion)
		}
		if a.Status >= 400 {
			t.Errorf("refused: %+v", a)
		}
	}
}

// TestSim_PatchTenantAnswersWhatQlikHolds: the tenant PatchTenant builds from the create's answer equals what a
// read returns afterwards, and it makes no read itself.
func TestSim_PatchTenantAnswersWhatQlikHolds(t *testing.T) {
	sim, c, _ := startSim(t)
	ctx := t.Context()
	reg, err := c.Registration()
	if err != nil {
		t.Fatal(err)
	}
	created, err := reg.CreateTenant(ctx, qlik.TenantCreateRequest{LicenseKey: sim.LicenseKey(), Datacenter: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	name, alias, yes := "Acme", "acme-analytics.eu.qlikcloud.com", true
	before := len(sim.Audit())
	patched, err := reg.PatchTenant(ctx, created, qlik.TenantUpdateRequest{Name: &name, Alias: &alias, EnableAppOpeningFeedback: &yes, AutoAssignCreateSharedSpaces: &yes})
	if err != nil {
		t.Fatal(err)
	}
	if calls := sim.Audit()[before:]; len(calls) != 1 || calls[0].Method != http.MethodPatch {
		t.Errorf("PatchTenant made %d calls (%v), want one PATCH", len(calls), calls)
	}
	read, err := reg.GetTenant(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	read.LastUpdated, patched.LastUpdated = "", ""
	if fmt.Sprintf("%+v", *read) != fmt.Sprintf("%+v", *patched) {
		t.Errorf("PatchTenant answered\n%+v\nQlik holds\n%+v", *patched, *read)
	}
}
