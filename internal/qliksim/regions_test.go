package qliksim

import (
	"net/http"
	"strings"
	"testing"
)

// regionToken mints a token with one region's client on baseURL, expecting status; it returns the token on 200.
func (c *testClient) regionToken(r RegionInfo, baseURL string, status int) *response {
	c.t.Helper()
	return c.expect(status, http.MethodPost, baseURL+"/oauth/token", "", map[string]string{
		"client_id": r.ClientID, "client_secret": r.ClientSecret, "grant_type": "client_credentials",
	})
}

func accessToken(t *testing.T, r *response) string {
	t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	r.decode(t, &tok)
	if tok.AccessToken == "" {
		t.Fatalf("no access_token: %s", r.body)
	}
	return tok.AccessToken
}

func TestRegions_Options(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts Options
		want string
	}{
		{Options{Regions: []string{"eu", "mars"}}, `region "mars" is not one of Qlik's regions`},
		{Options{Regions: []string{"eu", "eu"}}, `region "eu" is listed twice`},
		{Options{Regions: []string{"us"}, Datacenter: "eu-west-1"}, `Datacenter "eu-west-1" is in region "eu", which is not one of Regions`},
	} {
		if _, err := Start(tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Start(%+v) = %v, want %q", tc.opts, err, tc.want)
		}
	}
	sim := StartT(t, Options{Regions: []string{"us", "de", "eu"}, Datacenter: "eu-west-1"})
	var codes []string
	for _, r := range sim.Regions() {
		codes = append(codes, r.Code)
	}
	if strings.Join(codes, ",") != "eu,us,de" || sim.Home().Region != "eu" || sim.Home().Datacenter != "eu-west-1" {
		t.Errorf("regions %v, home %+v: the home region comes first", codes, sim.Home())
	}
}

// TestContractRegions holds the simulator to Qlik's region rules: a register host per region that creates tenants
// in its own region only, region-level clients that get tokens only in their region, and register hosts that do
// not serve other regions' tenants. Every request and answer is validated against tenants.json and oauth.json.
func TestContractRegions(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{Regions: []string{"eu", "us", "de"}})
	eu, _ := sim.Region("eu")
	us, _ := sim.Region("us")
	de, _ := sim.Region("de")
	if eu.RegistrationURL == us.RegistrationURL || us.RegistrationURL == de.RegistrationURL || eu.ClientID == us.ClientID || us.ClientID == de.ClientID {
		t.Fatalf("regions share a register host or a client: %+v", sim.Regions())
	}
	if us.Datacenter != "us-east-1" || de.Datacenter != "eu-central-1" {
		t.Errorf("datacenters %s %s", us.Datacenter, de.Datacenter)
	}
	c := newTestClient(t)

	// A region's client gets a token on its own register host only.
	usReg := accessToken(t, c.regionToken(us, us.RegistrationURL, http.StatusOK))
	refused := c.regionToken(us, eu.RegistrationURL, http.StatusUnauthorized)
	if codes := refused.errorCodes(t); len(codes) != 1 || codes[0] != "invalid_client" || !strings.Contains(string(refused.body), "region us") {
		t.Errorf("us client on the eu register host: %s", refused.body)
	}

	contract := loadContract(t, []string{eu.RegistrationURL, us.RegistrationURL, de.RegistrationURL}, "tenants.json")
	cc := &contractClient{t: t, hc: &http.Client{Transport: contract}}
	tenants := func(r RegionInfo) string { return r.RegistrationURL + "/api/v1/tenants" }

	// A datacenter of another region is refused with Qlik's error shape, and nothing is created.
	before := len(sim.Tenants())
	wrong := cc.json(http.MethodPost, tenants(us), usReg, http.StatusBadRequest, map[string]string{"licenseKey": sim.LicenseKey(), "datacenter": "eu-central-1"})
	if codes := wrong.errorCodes(t); len(codes) != 1 || codes[0] != "HTTP-400" || !strings.Contains(string(wrong.body), "region de") {
		t.Errorf("wrong-region create: %s", wrong.body)
	}
	if len(sim.Tenants()) != before {
		t.Fatal("a refused create made a tenant")
	}

	// The region's own datacenter, named or defaulted, creates a tenant of the region.
	var named, defaulted TenantRecord
	cc.json(http.MethodPost, tenants(us), usReg, http.StatusCreated, map[string]string{"licenseKey": sim.LicenseKey(), "datacenter": "us-east-1"}).decode(t, &named)
	cc.json(http.MethodPost, tenants(us), usReg, http.StatusCreated, map[string]string{"licenseKey": sim.LicenseKey()}).decode(t, &defaulted)
	for _, tn := range []TenantRecord{named, defaulted} {
		if tn.Region != "us" || tn.Datacenter != "us-east-1" {
			t.Errorf("tenant of the us register host: region %q datacenter %q", tn.Region, tn.Datacenter)
		}
		// The n-th region's hosts listen on 127.0.0.n, which trusted_hosts maps to the region.
		if !strings.HasPrefix(tn.Hostnames[0], "127.0.0.2:") || sim.TrustedHosts()["127.0.0.2"] != "us" {
			t.Errorf("us tenant on %s, trusted hosts %v", tn.Hostnames[0], sim.TrustedHosts())
		}
		if got := sim.Tenant(tn.Hostnames[0]); got == nil || got.Region != "us" {
			t.Errorf("Tenant(%s) = %+v", tn.Hostnames[0], got)
		}
	}

	// Another region's register host does not know the tenant.
	deReg := accessToken(t, c.regionToken(de, de.RegistrationURL, http.StatusOK))
	cc.json(http.MethodGet, tenants(de)+"/"+named.ID, deReg, http.StatusNotFound, nil)
	resp := cc.confirmed(t.Context(), tenants(de)+"/"+named.ID+"/actions/deactivate", deReg, named.Hostnames[0], []byte(`{}`))
	if resp.status != http.StatusNotFound || sim.Tenant(named.Hostnames[0]).Status != "active" {
		t.Errorf("deactivate on another region's register host: %d, tenant %+v", resp.status, sim.Tenant(named.Hostnames[0]))
	}
	cc.json(http.MethodGet, tenants(us)+"/"+named.ID, usReg, http.StatusOK, nil)

	// In the tenant, only the us client gets a token; the eu and de clients are refused.
	host := "http://" + named.Hostnames[0]
	inside := accessToken(t, c.regionToken(us, host, http.StatusOK))
	c.regionToken(eu, host, http.StatusUnauthorized)
	c.regionToken(de, host, http.StatusUnauthorized)
	c.expect(http.StatusOK, http.MethodGet, host+"/api/v1/spaces", inside, nil)
	// A token of another tenant (or region) is not accepted here.
	euHome := accessToken(t, c.regionToken(eu, sim.Home().URL, http.StatusOK))
	c.expect(http.StatusUnauthorized, http.MethodGet, host+"/api/v1/spaces", euHome, nil)

	// The audit names the client and the region of every token request.
	for _, a := range sim.Audit() {
		if a.Route != "/oauth/token" {
			continue
		}
		if a.ClientID == "" || a.Region == "" || a.ClientRegion == "" {
			t.Errorf("token request without client or region in the audit: %+v", a)
		}
		if (a.Status == http.StatusOK) != (a.ClientRegion == a.Region) {
			t.Errorf("token request %+v: a token is granted exactly when the client is of the host's region", a)
		}
	}
}
