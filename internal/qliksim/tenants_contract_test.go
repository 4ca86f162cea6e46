package qliksim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// fixTenantsExamples repairs tenants.json where it contradicts itself. Two examples break their own schemas (an
// errors[].status 404 where the schema says string, a numeric licenseKey where it says string), which stops the
// document from loading with full validation. Tenant.created and lastUpdated are typed format "date" but
// described as timestamps ("1970-01-01T00:00:00.001Z for static tenants"); the simulator follows the description,
// so they are checked as date-time.
func fixTenantsExamples(t *testing.T, doc *openapi3.T) {
	t.Helper()
	htmlDecoder()
	tenant := doc.Components.Schemas["Tenant"].Value
	for _, f := range []string{"created", "lastUpdated"} {
		p := tenant.Properties[f].Value
		if p.Format != "date" {
			t.Fatalf("tenants.json: Tenant.%s is format %q now; revisit fixTenantsExamples", f, p.Format)
		}
		p.Format = "date-time"
	}
	if _, ok := stringErrorStatuses(doc); !ok {
		t.Fatal("tenants.json: Errors example changed; revisit fixTenantsExamples")
	}
	lk := doc.Components.Schemas["TenantCreationRequest"].Value.Properties["licenseKey"].Value
	if _, isNum := lk.Example.(float64); !isNum {
		t.Fatal("tenants.json: licenseKey example is valid now; drop its repair")
	}
	lk.Example = "1234567890"
}

// htmlDecoder lets response validation read the text/html body of GET /tenants/me's 302 as a plain string.
var htmlDecoder = sync.OnceFunc(func() {
	openapi3filter.RegisterBodyDecoder("text/html", func(r io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(r)
		return string(b), err
	})
})

// TestContractTenants drives the tenants API through the validating transport: create with each license
// outcome, read on both hosts, /tenants/me, patch, deactivate and reactivate with the confirm header, purge.
func TestContractTenants(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	reg := sim.RegistrationURL()
	tc := newTestClient(t)
	regToken := tc.mintToken(sim, reg)

	// The new tenant's URL is known only after create; the router needs every host up front, so the contract
	// is loaded per phase.
	c := loadContract(t, []string{reg, sim.Home().URL}, "tenants.json")
	cc := &contractClient{t: t, hc: &http.Client{Transport: c}}
	sent := 0
	call := func(cc *contractClient, method, rawURL, token string, status int, body any) *response {
		t.Helper()
		sent++
		return cc.json(method, rawURL, token, status, body)
	}
	callInvalid := func(cc *contractClient, method, rawURL, token string, status int, body any) *response {
		t.Helper()
		sent++
		return cc.jsonCtx(invalidRequest(t.Context()), method, rawURL, token, status, body)
	}
	wantCode := func(r *response, code string) {
		t.Helper()
		if codes := r.errorCodes(t); len(codes) != 1 || codes[0] != code {
			t.Errorf("error codes %v, want [%s]: %s", codes, code, r.body)
		}
		statuses, traceID := r.errorStatuses(t)
		if _, isString := statuses[0].(string); !isString || traceID == "" {
			t.Errorf("tenants errors carry status as a string and a traceId: %s", r.body)
		}
	}

	tenants := reg + "/api/v1/tenants"
	wantCode(call(cc, http.MethodPost, tenants, regToken, http.StatusBadRequest, map[string]string{}), "TENANTS-21")
	wantCode(call(cc, http.MethodPost, tenants, regToken, http.StatusForbidden, map[string]string{"licenseKey": sim.InvalidLicenseKey()}), "TENANTS-23")
	wantCode(call(cc, http.MethodPost, tenants, regToken, http.StatusForbidden, map[string]string{"licenseKey": sim.NewLicenseKey(0)}), "TENANTS-22")
	call(cc, http.MethodPost, tenants, regToken, http.StatusBadRequest, map[string]string{"licenseKey": sim.LicenseKey(), "datacenter": "mars-north-1"})
	call(cc, http.MethodPost, tenants, "", http.StatusUnauthorized, map[string]string{"licenseKey": sim.LicenseKey()})

	var created TenantRecord
	call(cc, http.MethodPost, tenants, regToken, http.StatusCreated, map[string]string{"licenseKey": sim.LicenseKey(), "datacenter": "eu-west-1"}).decode(t, &created)
	if created.Status != "active" || created.Region != "eu" || created.Datacenter != "eu-west-1" || len(created.Hostnames) != 1 || created.Name == "" {
		t.Fatalf("created tenant %+v", created)
	}
	host := "http://" + created.Hostnames[0]
	tc2 := loadContract(t, []string{reg, host}, "tenants.json")
	cc2 := &contractClient{t: t, hc: &http.Client{Transport: tc2}}
	tenantToken := tc.mintToken(sim, host)

	// /tenants/me redirects to the tenant's own record; the client follows it (two validated exchanges).
	sent++
	var me TenantRecord
	call(cc2, http.MethodGet, host+"/api/v1/tenants/me", tenantToken, http.StatusOK, nil).decode(t, &me)
	if me.ID != created.ID {
		t.Errorf("/tenants/me = %s, want %s", me.ID, created.ID)
	}
	call(cc2, http.MethodGet, host+"/api/v1/tenants/"+created.ID, tenantToken, http.StatusOK, nil)
	call(cc2, http.MethodGet, host+"/api/v1/tenants/"+sim.Home().ID, tenantToken, http.StatusNotFound, nil)
	call(cc2, http.MethodGet, reg+"/api/v1/tenants/"+created.ID, regToken, http.StatusOK, nil)

	patch := []map[string]any{
		{"op": "replace", "path": "/name", "value": "Acme"},
		{"op": "replace", "path": "/hostnames/1", "value": "acme-analytics.example.com"},
		{"op": "replace", "path": "/autoAssignDataServicesContributorRoleToProfessionals", "value": false},
		{"op": "replace", "path": "/enableAppOpeningFeedback", "value": true},
	}
	call(cc2, http.MethodPatch, host+"/api/v1/tenants/"+created.ID, tenantToken, http.StatusNoContent, patch)
	wantPatch := func(r *response) {
		t.Helper()
		var got TenantRecord
		r.decode(t, &got)
		if got.Name != "Acme" || len(got.Hostnames) != 2 || got.Hostnames[1] != "acme-analytics.example.com" ||
			got.AutoAssignDataServicesContributorRoleToProfessionals || !got.EnableAppOpeningFeedback ||
			!got.AutoAssignCreateSharedSpacesRoleToProfessionals {
			t.Errorf("after patch: %+v", got)
		}
	}
	wantPatch(call(cc2, http.MethodGet, reg+"/api/v1/tenants/"+created.ID, regToken, http.StatusOK, nil))
	call(cc2, http.MethodPatch, reg+"/api/v1/tenants/"+created.ID, regToken, http.StatusNoContent, []map[string]any{{"op": "replace", "path": "/name", "value": "Acme"}})
	wantCode(callInvalid(cc2, http.MethodPatch, reg+"/api/v1/tenants/"+created.ID, regToken, http.StatusBadRequest,
		[]map[string]any{{"op": "replace", "path": "/region", "value": "us"}}), "TENANTS-10")
	wantCode(callInvalid(cc2, http.MethodPatch, reg+"/api/v1/tenants/"+created.ID, regToken, http.StatusBadRequest,
		[]map[string]any{{"op": "add", "path": "/name", "value": "x"}}), "TENANTS-10")
	wantCode(call(cc2, http.MethodPatch, reg+"/api/v1/tenants/"+created.ID, regToken, http.StatusBadRequest,
		[]map[string]any{{"op": "replace", "path": "/hostnames/1", "value": "a.b"}}), "TENANTS-10")
	call(cc2, http.MethodPatch, reg+"/api/v1/tenants/xqGQ0k66vSR8f9G7J-vYtHZQkiYrCpct", regToken, http.StatusNotFound, patch)

	deactivate := reg + "/api/v1/tenants/" + created.ID + "/actions/deactivate"
	reactivate := reg + "/api/v1/tenants/" + created.ID + "/actions/reactivate"
	withHeader := func(cc *contractClient, url, confirm string, status int, body string) *response {
		t.Helper()
		sent++
		r := cc.confirmed(t.Context(), url, regToken, confirm, []byte(body))
		if r.status != status {
			t.Fatalf("POST %s: %d, want %d: %s", url, r.status, status, r.body)
		}
		return r
	}
	withHeader(cc2, deactivate, sim.Home().Hostname, http.StatusPreconditionFailed, `{}`)
	// purgeAfterDays out of range is refused by the spec and by the simulator.
	sent++
	bad, _ := json.Marshal(map[string]int{"purgeAfterDays": 5})
	if r := cc2.confirmed(invalidRequest(t.Context()), deactivate, regToken, created.Hostnames[0], bad); r.status != http.StatusBadRequest {
		t.Errorf("purgeAfterDays 5: %d", r.status)
	}

	var deact struct {
		ID                 string `json:"id"`
		Status             string `json:"status"`
		EstimatedPurgeDate string `json:"estimatedPurgeDate"`
	}
	withHeader(cc2, deactivate, created.Hostnames[0], http.StatusOK, `{"purgeAfterDays":10}`).decode(t, &deact)
	if deact.ID != created.ID || deact.Status != "disabled" || deact.EstimatedPurgeDate == "" {
		t.Errorf("deactivate answered %+v", deact)
	}
	var got TenantRecord
	call(cc2, http.MethodGet, reg+"/api/v1/tenants/"+created.ID, regToken, http.StatusOK, nil).decode(t, &got)
	if got.Status != "disabled" {
		t.Errorf("status after deactivate %q", got.Status)
	}
	// The deactivated tenant's own host refuses calls; the register host still serves it.
	call(cc2, http.MethodGet, host+"/api/v1/tenants/"+created.ID, tenantToken, http.StatusForbidden, nil)

	withHeader(cc2, reactivate, "nobody.example.com", http.StatusPreconditionFailed, `{}`)
	// Reactivation accepts any hostname of the tenant, the alias included.
	if r := withHeader(cc2, reactivate, "ACME-analytics.example.com", http.StatusOK, `{}`); string(bytes.TrimSpace(r.body)) != "{}" {
		t.Errorf("reactivate answered %s", r.body)
	}
	call(cc2, http.MethodGet, host+"/api/v1/tenants/"+created.ID, tenantToken, http.StatusOK, nil).decode(t, &got)
	if got.Status != "active" {
		t.Errorf("status after reactivate %q", got.Status)
	}

	if err := sim.PurgeTenant(created.ID); err != nil {
		t.Fatal(err)
	}
	call(cc2, http.MethodGet, reg+"/api/v1/tenants/"+created.ID, regToken, http.StatusNotFound, nil)
	withHeader(cc2, reactivate, created.Hostnames[0], http.StatusNotFound, `{}`)

	if checked := c.checked + tc2.checked; checked != sent {
		t.Errorf("validated %d exchanges, sent %d", checked, sent)
	}
}
