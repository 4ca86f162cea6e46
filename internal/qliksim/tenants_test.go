package qliksim

import (
	"errors"
	"net/http"
	"sync"
	"testing"
)

func createTenant(t *testing.T, c *testClient, sim *Server, token, key string) (*response, TenantRecord) {
	t.Helper()
	r := c.do(http.MethodPost, sim.RegistrationURL()+"/api/v1/tenants", token, map[string]string{"licenseKey": key})
	var rec TenantRecord
	if r.status == http.StatusCreated {
		r.decode(t, &rec)
	}
	return r, rec
}

// A license's quota holds under concurrent creates, and purging a tenant frees its seat.
func TestTenantLicenseQuotaConcurrent(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	c := newTestClient(t)
	token := c.mintToken(sim, sim.RegistrationURL())
	key := sim.NewLicenseKey(3)

	var mu sync.Mutex
	statuses := map[int]int{}
	var created []TenantRecord
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			r, rec := createTenant(t, c, sim, token, key)
			mu.Lock()
			defer mu.Unlock()
			statuses[r.status]++
			if r.status == http.StatusCreated {
				created = append(created, rec)
			} else if codes := r.errorCodes(t); len(codes) != 1 || codes[0] != "TENANTS-22" {
				t.Errorf("over quota: %v", codes)
			}
		})
	}
	wg.Wait()
	if statuses[http.StatusCreated] != 3 || statuses[http.StatusForbidden] != 5 {
		t.Fatalf("statuses %v, want 3 created and 5 refused", statuses)
	}
	if err := sim.PurgeTenant(created[0].ID); err != nil {
		t.Fatal(err)
	}
	if r, _ := createTenant(t, c, sim, token, key); r.status != http.StatusCreated {
		t.Errorf("after a purge the license has a free seat: %d %s", r.status, r.body)
	}
}

// Tenants are created on the register host only, with a token minted there; a new tenant takes tokens from the
// same client at once.
func TestTenantCreateOnlyOnRegisterHost(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{Datacenter: "eu-central-1"})
	c := newTestClient(t)
	home := sim.Home()
	homeToken := c.mintToken(sim, home.URL)
	c.expect(http.StatusNotFound, http.MethodPost, home.URL+"/api/v1/tenants", homeToken, map[string]string{"licenseKey": sim.LicenseKey()})
	// A token minted on a tenant is not accepted by the register host.
	c.expect(http.StatusUnauthorized, http.MethodPost, sim.RegistrationURL()+"/api/v1/tenants", homeToken, map[string]string{"licenseKey": sim.LicenseKey()})
	c.expect(http.StatusUnauthorized, http.MethodPost, sim.RegistrationURL()+"/api/v1/tenants", sim.Credentials().APIKey, map[string]string{"licenseKey": sim.LicenseKey()})

	r, rec := createTenant(t, c, sim, c.mintToken(sim, sim.RegistrationURL()), sim.LicenseKey())
	if r.status != http.StatusCreated || rec.Datacenter != "eu-central-1" || rec.Region != "de" {
		t.Fatalf("create without datacenter: %d %+v", r.status, rec)
	}
	tok := c.mintToken(sim, "http://"+rec.Hostnames[0])
	c.expect(http.StatusOK, http.MethodGet, "http://"+rec.Hostnames[0]+"/api/v1/spaces", tok, nil)
	if got := sim.Tenant(rec.Hostnames[0]); got == nil || got.ID != rec.ID || got.Name != rec.Name || got.Status != "active" {
		t.Errorf("Tenant(%s) = %+v", rec.Hostnames[0], got)
	}
}

// A tenant deactivated out of band refuses every call on its host, token requests included, while the register
// host serves its record with the purge date; purging closes its listener.
func TestTenantDeactivateAndPurgeHooks(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	c := newTestClient(t)
	other := addTenant(t, sim, "customer-a")
	tok := c.mintToken(sim, other.URL)
	if err := sim.DeactivateTenant(other.ID, 5); err == nil {
		t.Error("DeactivateTenant accepted 5 purge days")
	}
	if err := sim.DeactivateTenant(other.ID, 14); err != nil {
		t.Fatal(err)
	}
	r := c.expect(http.StatusForbidden, http.MethodGet, other.URL+"/api/v1/spaces", tok, nil)
	if codes := r.errorCodes(t); len(codes) != 1 || codes[0] != codeTenantDisabled {
		t.Errorf("codes %v", codes)
	}
	creds := sim.Credentials()
	c.expect(http.StatusForbidden, http.MethodPost, other.URL+"/oauth/token", "", map[string]string{
		"client_id": creds.ClientID, "client_secret": creds.ClientSecret, "grant_type": "client_credentials",
	})
	rec, ok := sim.TenantByID(other.ID)
	if !ok || rec.Status != "disabled" || rec.EstimatedPurgeDate == "" {
		t.Fatalf("TenantByID = %+v, %v", rec, ok)
	}

	if err := sim.PurgeTenant(sim.Home().ID); err == nil {
		t.Error("the home tenant was purged")
	}
	if err := sim.PurgeTenant(other.ID); err != nil {
		t.Fatal(err)
	}
	if err := sim.PurgeTenant(other.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("second purge: %v", err)
	}
	if _, ok := sim.TenantByID(other.ID); ok || sim.Tenant(other.Hostname) != nil {
		t.Error("purged tenant still listed")
	}
	if _, err := c.send(http.MethodGet, other.URL+"/api/v1/spaces", tok, nil); err == nil {
		t.Error("the purged tenant's host still answers")
	}
	regTok := c.mintToken(sim, sim.RegistrationURL())
	c.expect(http.StatusNotFound, http.MethodGet, sim.RegistrationURL()+"/api/v1/tenants/"+other.ID, regTok, nil)
}
