package qlik

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

const tenantsPath = "/api/v1/tenants"

// Tenant statuses (tenants.json, schema Tenant).
const (
	TenantStatusActive   = "active"
	TenantStatusDisabled = "disabled"
)

// Bounds of purgeAfterDays on deactivation (tenants.json, schema TenantDeactivateRequest).
const (
	MinPurgeAfterDays     = 10
	MaxPurgeAfterDays     = 90
	DefaultPurgeAfterDays = 30
)

// TenantDatacenters are the datacenters POST /api/v1/tenants accepts, with
// the region code Qlik documents for each (copied verbatim from tenants.json,
// schema TenantCreationRequest). Treat it as read-only.
var TenantDatacenters = map[string]string{
	"ap-northeast-1": "jp",
	"ap-southeast-1": "ap",
	"ap-southeast-2": "sg",
	"eu-central-1":   "de",
	"eu-west-1":      "eu",
	"eu-west-2":      "uk",
	"us-east-1":      "us",
}

// ErrTenantCreateUnknown wraps a tenant create whose outcome is unknown (a
// 5xx, a broken connection, or the caller's deadline): the request may have
// reached Qlik, and a tenant has no natural key to look it up by, so the
// client neither retries nor guesses.
var ErrTenantCreateUnknown = errors.New("qlik: the tenant create request failed without a clear answer; a tenant may have been created")

// Tenant is a Qlik Cloud tenant (tenants.json, schema Tenant).
type Tenant struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Hostnames   []string `json:"hostnames"`
	Status      string   `json:"status"`
	Region      string   `json:"region"`
	Datacenter  string   `json:"datacenter"`
	Created     string   `json:"created"`
	LastUpdated string   `json:"lastUpdated"`

	AutoAssignCreateSharedSpacesRoleToProfessionals             bool `json:"autoAssignCreateSharedSpacesRoleToProfessionals"`
	AutoAssignPrivateAnalyticsContentCreatorRoleToProfessionals bool `json:"autoAssignPrivateAnalyticsContentCreatorRoleToProfessionals"`
	AutoAssignDataServicesContributorRoleToProfessionals        bool `json:"autoAssignDataServicesContributorRoleToProfessionals"`
	EnableAppOpeningFeedback                                    bool `json:"enableAppOpeningFeedback"`
}

// Hostname is hostnames[0], the tenant's own host.
func (t *Tenant) Hostname() string {
	if len(t.Hostnames) == 0 {
		return ""
	}
	return t.Hostnames[0]
}

// Alias is hostnames[1], the alias hostname, or "".
func (t *Tenant) Alias() string {
	if len(t.Hostnames) < 2 {
		return ""
	}
	return t.Hostnames[1]
}

// TenantCreateRequest is the body of POST /api/v1/tenants. LicenseKey is
// the signed license key; an empty Datacenter lets the register host choose.
type TenantCreateRequest struct {
	LicenseKey string `json:"licenseKey,omitempty"`
	Datacenter string `json:"datacenter,omitempty"`
}

// TenantUpdateRequest lists the fields to change; nil leaves a field as is.
// It is sent as replace operations on the paths tenants.json allows.
type TenantUpdateRequest struct {
	Name                              *string
	Alias                             *string // hostnames[1]
	AutoAssignCreateSharedSpaces      *bool
	AutoAssignPrivateAnalyticsCreator *bool
	AutoAssignDataServicesContributor *bool
	EnableAppOpeningFeedback          *bool
}

// TenantDeactivation is the answer to a deactivation.
type TenantDeactivation struct {
	ID                 string `json:"id"`
	Status             string `json:"status"`
	EstimatedPurgeDate string `json:"estimatedPurgeDate"`
}

func tenantPath(id string) string { return itemPath(tenantsPath, id) }

// CreateTenant calls POST /api/v1/tenants. Call it on the register host view
// of the tenant's region (RegistrationFor) with that region's OAuth client.
//
// A tenant has no natural key (Qlik names it), so a create whose outcome is
// unknown (5xx, broken connection) cannot be resolved by a lookup and is not
// retried: that would risk a second tenant on the license. It fails with
// ErrTenantCreateUnknown instead. Failures that provably did not reach
// Qlik (429, a dial that timed out) are retried by the request path as usual;
// a host that does not resolve or refuses connections fails at once.
func (c *Client) CreateTenant(ctx context.Context, req TenantCreateRequest) (*Tenant, error) {
	// The license key is a secret like the client secret: mask it in every request log from now on.
	c.core.redact.add(req.LicenseKey)
	var t Tenant
	_, err := c.do(ctx, &request{method: http.MethodPost, path: tenantsPath, body: req, out: &t})
	if err != nil {
		// A deadline or cancellation may strike after the request was sent, so it is as unclear as a 5xx.
		if isAmbiguous(err) || ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %w", ErrTenantCreateUnknown, err)
		}
		return nil, err
	}
	if t.ID == "" {
		return nil, errors.New("qlik: POST /api/v1/tenants answered without a tenant id")
	}
	c.core.created.note(c.ep.host, tenantPath(t.ID), c.core.now())
	return &t, nil
}

// GetTenant calls GET /api/v1/tenants/{tenantId}.
func (c *Client) GetTenant(ctx context.Context, id string) (*Tenant, error) {
	return getObject[Tenant](ctx, c, "tenant", id, tenantPath)
}

// GetCurrentTenant calls GET /api/v1/tenants/me, which redirects (302) to
// the record of the tenant the view is bound to.
func (c *Client) GetCurrentTenant(ctx context.Context) (*Tenant, error) {
	return doJSON[Tenant](ctx, c, &request{method: http.MethodGet, path: tenantsPath + "/me"})
}

// UpdateTenant calls PATCH /api/v1/tenants/{tenantId} with one replace
// operation per field set in req, then reads the tenant back (the PATCH
// answers 204). With nothing to change it only reads.
func (c *Client) UpdateTenant(ctx context.Context, id string, req TenantUpdateRequest) (*Tenant, error) {
	if err := checkID("tenant", id); err != nil {
		return nil, err
	}
	if err := c.patchTenant(ctx, id, req); err != nil {
		return nil, err
	}
	return c.GetTenant(ctx, id)
}

// PatchTenant is UpdateTenant for a caller that holds the tenant as Qlik
// just answered it (a create): it applies req to a copy of current instead
// of reading the tenant back, saving a request per tenant.
func (c *Client) PatchTenant(ctx context.Context, current *Tenant, req TenantUpdateRequest) (*Tenant, error) {
	if current == nil {
		return nil, errors.New("qlik: PatchTenant needs the current tenant")
	}
	if err := checkID("tenant", current.ID); err != nil {
		return nil, err
	}
	if err := c.patchTenant(ctx, current.ID, req); err != nil {
		return nil, err
	}
	t := *current
	t.Hostnames = append([]string(nil), current.Hostnames...)
	if req.Name != nil {
		t.Name = *req.Name
	}
	if req.Alias != nil {
		if len(t.Hostnames) < 2 {
			t.Hostnames = append(t.Hostnames, make([]string, 2-len(t.Hostnames))...)
		}
		t.Hostnames[1] = *req.Alias
	}
	if req.AutoAssignCreateSharedSpaces != nil {
		t.AutoAssignCreateSharedSpacesRoleToProfessionals = *req.AutoAssignCreateSharedSpaces
	}
	if req.AutoAssignPrivateAnalyticsCreator != nil {
		t.AutoAssignPrivateAnalyticsContentCreatorRoleToProfessionals = *req.AutoAssignPrivateAnalyticsCreator
	}
	if req.AutoAssignDataServicesContributor != nil {
		t.AutoAssignDataServicesContributorRoleToProfessionals = *req.AutoAssignDataServicesContributor
	}
	if req.EnableAppOpeningFeedback != nil {
		t.EnableAppOpeningFeedback = *req.EnableAppOpeningFeedback
	}
	return &t, nil
}

// patchTenant sends the PATCH of req, if it changes anything.
func (c *Client) patchTenant(ctx context.Context, id string, req TenantUpdateRequest) error {
	var p jsonPatch
	replaceIfSet(&p, "/name", req.Name)
	replaceIfSet(&p, "/hostnames/1", req.Alias)
	replaceIfSet(&p, "/autoAssignCreateSharedSpacesRoleToProfessionals", req.AutoAssignCreateSharedSpaces)
	replaceIfSet(&p, "/autoAssignPrivateAnalyticsContentCreatorRoleToProfessionals", req.AutoAssignPrivateAnalyticsCreator)
	replaceIfSet(&p, "/autoAssignDataServicesContributorRoleToProfessionals", req.AutoAssignDataServicesContributor)
	replaceIfSet(&p, "/enableAppOpeningFeedback", req.EnableAppOpeningFeedback)
	return patchObject(ctx, c, "tenant", id, tenantPath, p, nil)
}

// DeactivateTenant calls POST /api/v1/tenants/{tenantId}/actions/deactivate
// on the register host with the qlik-confirm-hostname header. The tenant is
// purged after purgeAfterDays (10 to 90; 0 selects Qlik's default of 30)
// unless it is reactivated first.
func (c *Client) DeactivateTenant(ctx context.Context, id, hostname string, purgeAfterDays int) (*TenantDeactivation, error) {
	if err := checkID("tenant", id); err != nil {
		return nil, err
	}
	if hostname == "" {
		return nil, errors.New("qlik: deactivating a tenant needs its hostname for the qlik-confirm-hostname header")
	}
	body := map[string]int{}
	if purgeAfterDays != 0 {
		if purgeAfterDays < MinPurgeAfterDays || purgeAfterDays > MaxPurgeAfterDays {
			return nil, fmt.Errorf("qlik: purgeAfterDays %d is out of range %d to %d", purgeAfterDays, MinPurgeAfterDays, MaxPurgeAfterDays)
		}
		body["purgeAfterDays"] = purgeAfterDays
	}
	var out TenantDeactivation
	_, err := c.do(ctx, &request{
		method: http.MethodPost, path: tenantPath(id) + "/actions/deactivate",
		header: http.Header{"qlik-confirm-hostname": {hostname}},
		body:   body, out: &out,
		// Deactivating twice leaves the tenant as the first call did.
		idempotent: true,
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ReactivateTenant calls POST /api/v1/tenants/{tenantId}/actions/reactivate
// on the register host with the qlik-confirm-hostname header.
func (c *Client) ReactivateTenant(ctx context.Context, id, hostname string) error {
	if err := checkID("tenant", id); err != nil {
		return err
	}
	if hostname == "" {
		return errors.New("qlik: reactivating a tenant needs one of its hostnames for the qlik-confirm-hostname header")
	}
	_, err := c.do(ctx, &request{
		method: http.MethodPost, path: tenantPath(id) + "/actions/reactivate",
		header: http.Header{"qlik-confirm-hostname": {hostname}},
		body:   struct{}{},
		// Reactivating an active tenant changes nothing.
		idempotent: true,
	})
	return err
}
