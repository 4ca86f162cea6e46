package qliksim

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The tenants API (tenants.json): create, deactivate and reactivate on the register host; GET and PATCH on the
// tenant's own host and on the register host (tenants.json does not say which one serves them;
// serving both lets a client read a deactivated tenant, whose own host refuses every call).

// Tenant statuses (tenants.json Tenant.status).
const (
	tenantActive   = "active"
	tenantDisabled = "disabled"
)

// Tenants error codes. TENANTS-8, -10, -21, -22 and -23 are documented; Qlik documents no code for a wrong
// confirm header, a bad purgeAfterDays or datacenter, or a call to a deactivated tenant, so those use the
// gateway's HTTP-<status> form.
const (
	codeTenantNotFound       = "TENANTS-8"
	codeTenantPatchInvalid   = "TENANTS-10"
	codeTenantMissingLicense = "TENANTS-21"
	codeTenantQuotaReached   = "TENANTS-22"
	codeTenantInvalidLicense = "TENANTS-23"
	codeTenantBadRequest     = "HTTP-400"
	codeTenantDisabled       = "HTTP-403"
	codeTenantConfirm        = "HTTP-412"
)

const (
	defaultDatacenter   = "eu-west-1"
	defaultLicenseQuota = 1000
	defaultPurgeDays    = 30
	minPurgeDays        = 10
	maxPurgeDays        = 90
	confirmHostHeader   = "qlik-confirm-hostname"
)

// datacenterRegions are the datacenters of tenants.json TenantCreationRequest with their region codes, copied
// verbatim (the ap-southeast pairing is the reverse of AWS's naming and may be a documentation error).
var datacenterRegions = map[string]string{
	"ap-northeast-1": "jp",
	"ap-southeast-1": "ap",
	"ap-southeast-2": "sg",
	"eu-central-1":   "de",
	"eu-west-1":      "eu",
	"eu-west-2":      "uk",
	"us-east-1":      "us",
}

// tenantsErrors: code, title, status as a string, detail, source; traceId (tenants.json Errors).
var tenantsErrors = errorStyle{status: statusString, traceID: true}

// tenantInfo is the mutable part of a tenant record; guarded by tenantState.infoMu.
type tenantInfo struct {
	name                              string
	alias                             string // hostnames[1], "" when none
	datacenter                        string
	region                            string
	status                            string
	created                           string
	lastUpdated                       string
	statusUpdatedAt                   string
	createdByUser                     string
	estimatedPurgeDate                string
	licenseKey                        string
	autoAssignCreateSharedSpaces      bool
	autoAssignPrivateAnalytics        bool
	autoAssignDataServicesContributor bool
	enableAnalyticCreation            bool
	enableAppOpeningFeedback          bool
}

// license is a license key the register host accepts, with how many live tenants it may hold.
type license struct {
	quota int
}

// TenantRecord is the simulator's wire form of a Qlik tenant (tenants.json Tenant).
type TenantRecord struct {
	ID                                                          string      `json:"id"`
	Name                                                        string      `json:"name"`
	Hostnames                                                   []string    `json:"hostnames"`
	Status                                                      string      `json:"status"`
	Region                                                      string      `json:"region"`
	Datacenter                                                  string      `json:"datacenter"`
	Created                                                     string      `json:"created"`
	LastUpdated                                                 string      `json:"lastUpdated"`
	StatusLastUpdatedAt                                         string      `json:"statusLastUpdatedAt"`
	CreatedByUser                                               string      `json:"createdByUser"`
	AutoAssignCreateSharedSpacesRoleToProfessionals             bool        `json:"autoAssignCreateSharedSpacesRoleToProfessionals"`
	AutoAssignPrivateAnalyticsContentCreatorRoleToProfessionals bool        `json:"autoAssignPrivateAnalyticsContentCreatorRoleToProfessionals"`
	AutoAssignDataServicesContributorRoleToProfessionals        bool        `json:"autoAssignDataServicesContributorRoleToProfessionals"`
	EnableAnalyticCreation                                      bool        `json:"enableAnalyticCreation"`
	EnableAppOpeningFeedback                                    bool        `json:"enableAppOpeningFeedback"`
	Links                                                       TenantLinks `json:"links"`
	// EstimatedPurgeDate is not part of the API's Tenant; store snapshots carry it for tests.
	EstimatedPurgeDate string `json:"-"`
}

// TenantLinks are a tenant's hypermedia links.
type TenantLinks struct {
	Self Link `json:"self"`
}

func (t *tenantState) deactivated() bool {
	t.infoMu.Lock()
	defer t.infoMu.Unlock()
	return t.info.status == tenantDisabled
}

// record renders the tenant as served by h.
func (t *tenantState) record(h *host) TenantRecord {
	t.infoMu.Lock()
	defer t.infoMu.Unlock()
	i := t.info
	hostnames := []string{t.host.hostname}
	if i.alias != "" {
		hostnames = append(hostnames, i.alias)
	}
	return TenantRecord{
		ID:                  t.id,
		Name:                i.name,
		Hostnames:           hostnames,
		Status:              i.status,
		Region:              i.region,
		Datacenter:          i.datacenter,
		Created:             i.created,
		LastUpdated:         i.lastUpdated,
		StatusLastUpdatedAt: i.statusUpdatedAt,
		CreatedByUser:       i.createdByUser,
		AutoAssignCreateSharedSpacesRoleToProfessionals:             i.autoAssignCreateSharedSpaces,
		AutoAssignPrivateAnalyticsContentCreatorRoleToProfessionals: i.autoAssignPrivateAnalytics,
		AutoAssignDataServicesContributorRoleToProfessionals:        i.autoAssignDataServicesContributor,
		EnableAnalyticCreation:                                      i.enableAnalyticCreation,
		EnableAppOpeningFeedback:                                    i.enableAppOpeningFeedback,
		Links:                                                       TenantLinks{Self: Link{Href: h.url + "/api/v1/tenants/" + t.id}},
		EstimatedPurgeDate:                                          i.estimatedPurgeDate,
	}
}

// hasHostname reports whether name is one of the tenant's hostnames; hostnames are case-insensitive.
func (t *tenantState) hasHostname(name string) bool {
	if name == "" {
		return false
	}
	t.infoMu.Lock()
	defer t.infoMu.Unlock()
	return strings.EqualFold(name, t.host.hostname) || (t.info.alias != "" && strings.EqualFold(name, t.info.alias))
}

type tenantsAPI struct {
	s *Server
	h *host
}

func (s *Server) registerTenantsRoutes(h *host) {
	api := &tenantsAPI{s: s, h: h}
	h.mux.HandleFunc("GET /api/v1/tenants/{tenantId}", api.get)
	h.mux.HandleFunc("PATCH /api/v1/tenants/{tenantId}", api.patch)
	if h.tenant == nil {
		h.mux.HandleFunc("POST /api/v1/tenants", api.create)
		h.mux.HandleFunc("POST /api/v1/tenants/{tenantId}/actions/deactivate", api.deactivate)
		h.mux.HandleFunc("POST /api/v1/tenants/{tenantId}/actions/reactivate", api.reactivate)
		return
	}
	h.mux.HandleFunc("GET /api/v1/tenants/me", api.me)
}

func tenantError(w http.ResponseWriter, status int, code, title, detail, pointer string) {
	writeError(w, status, tenantsErrors, apiError{code: code, title: title, detail: detail, pointer: pointer})
}

func tenantNotFound(w http.ResponseWriter, id string) {
	tenantError(w, http.StatusNotFound, codeTenantNotFound, "Not found", "No tenant with id "+id+".", "")
}

// lookup finds the tenant a request names: any live tenant of the register host's region on a register host
// (another region's tenant is as unknown as a wrong id), only itself on a tenant host.
func (api *tenantsAPI) lookup(id string) *tenantState {
	if t := api.h.tenant; t != nil {
		if t.id == id {
			return t
		}
		return nil
	}
	t := api.s.tenantByID(id)
	if t == nil || t.host.region != api.h.region {
		return nil
	}
	return t
}

func (s *Server) tenantByID(id string) *tenantState {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, t := range s.tenants {
		if t.id == id {
			return t
		}
	}
	return nil
}

type tenantCreateRequest struct {
	LicenseKey *string `json:"licenseKey"`
	Datacenter *string `json:"datacenter"`
}

func (api *tenantsAPI) create(w http.ResponseWriter, r *http.Request) {
	var req tenantCreateRequest
	if err := decodeJSON(r, &req); err != nil {
		var in *inputError
		pointer := ""
		if errors.As(err, &in) {
			pointer = in.pointer
		}
		tenantError(w, http.StatusBadRequest, codeTenantBadRequest, "Bad request", err.Error(), pointer)
		return
	}
	if req.LicenseKey == nil || *req.LicenseKey == "" {
		tenantError(w, http.StatusBadRequest, codeTenantMissingLicense, "Missing license key",
			"licenseKey is required: the signed license key of the license the tenant is created under.", "/licenseKey")
		return
	}
	// A register host creates tenants in its own region only; without a datacenter the tenant goes to the
	// region's datacenter.
	region := api.h.region
	dc := region.datacenter
	if req.Datacenter != nil {
		other, ok := datacenterRegions[*req.Datacenter]
		if !ok {
			tenantError(w, http.StatusBadRequest, codeTenantBadRequest, "Invalid datacenter",
				"datacenter "+strconv.Quote(*req.Datacenter)+" is not supported; use one of "+strings.Join(Datacenters(), ", ")+".", "/datacenter")
			return
		}
		if other != region.code {
			tenantError(w, http.StatusBadRequest, codeTenantBadRequest, "Datacenter of another region",
				"datacenter "+strconv.Quote(*req.Datacenter)+" is in region "+other+"; this is the register host of region "+
					region.code+" ("+region.datacenter+"). Send the request to the register endpoint of region "+other+".", "/datacenter")
			return
		}
		dc = *req.Datacenter
	}
	// The quota check and the tenant's creation happen under one lock so that concurrent creates cannot
	// overrun a license.
	api.s.licenseMu.Lock()
	lic, ok := api.s.licenses[*req.LicenseKey]
	if !ok {
		api.s.licenseMu.Unlock()
		tenantError(w, http.StatusForbidden, codeTenantInvalidLicense, "Invalid license",
			"The license key is not valid for this region.", "/licenseKey")
		return
	}
	if api.s.tenantsWithLicense(*req.LicenseKey) >= lic.quota {
		api.s.licenseMu.Unlock()
		tenantError(w, http.StatusForbidden, codeTenantQuotaReached, "License quota reached",
			fmt.Sprintf("The license allows %d tenant(s) and all of them exist.", lic.quota), "/licenseKey")
		return
	}
	t, err := api.s.addTenant(tenantSpec{name: generatedTenantName(), datacenter: dc, licenseKey: *req.LicenseKey})
	api.s.licenseMu.Unlock()
	if err != nil {
		tenantError(w, http.StatusInternalServerError, "TENANTS-24", "Internal error", err.Error(), "")
		return
	}
	writeJSON(w, http.StatusCreated, t.record(api.h))
}

// tenantsWithLicense counts the live tenants created with key.
func (s *Server) tenantsWithLicense(key string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, t := range s.tenants {
		t.infoMu.Lock()
		if t.info.licenseKey == key {
			n++
		}
		t.infoMu.Unlock()
	}
	return n
}

// generatedTenantName is a name like the ones Qlik gives new tenants: 15 lowercase letters and digits.
func generatedTenantName() string {
	return strings.ToLower(randomHex(8))[:15]
}

// pathTenant is the tenant that the request path's {tenantId} names; when there is none it answers 404 and
// returns nil.
func (api *tenantsAPI) pathTenant(w http.ResponseWriter, r *http.Request) *tenantState {
	id := r.PathValue("tenantId")
	t := api.lookup(id)
	if t == nil {
		tenantNotFound(w, id)
	}
	return t
}

func (api *tenantsAPI) get(w http.ResponseWriter, r *http.Request) {
	t := api.pathTenant(w, r)
	if t == nil {
		return
	}
	writeJSON(w, http.StatusOK, t.record(api.h))
}

// me answers GET /api/v1/tenants/me with 302 to the tenant's own record (tenants.json
// GET /api/v1/tenants/me documents the 302 and Location, not the target).
func (api *tenantsAPI) me(w http.ResponseWriter, r *http.Request) {
	target := api.h.url + "/api/v1/tenants/" + api.h.tenant.id
	w.Header().Set("Location", target)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusFound)
	_, _ = fmt.Fprintf(w, "<a href=%q>Found</a>.\n", target)
}

// tenantPatchField is the field of the tenant record that a path replaces: a string or a boolean.
type tenantPatchField struct {
	str  func(*tenantInfo) *string
	flag func(*tenantInfo) *bool
}

// tenantPatchPaths are the paths TenantPatchSchema allows, with the field each replaces.
var tenantPatchPaths = map[string]tenantPatchField{
	"/name":        {str: func(i *tenantInfo) *string { return &i.name }},
	"/hostnames/1": {str: func(i *tenantInfo) *string { return &i.alias }},
	"/autoAssignCreateSharedSpacesRoleToProfessionals": {
		flag: func(i *tenantInfo) *bool { return &i.autoAssignCreateSharedSpaces },
	},
	"/autoAssignPrivateAnalyticsContentCreatorRoleToProfessionals": {
		flag: func(i *tenantInfo) *bool { return &i.autoAssignPrivateAnalytics },
	},
	"/autoAssignDataServicesContributorRoleToProfessionals": {
		flag: func(i *tenantInfo) *bool { return &i.autoAssignDataServicesContributor },
	},
	"/enableAnalyticCreation":   {flag: func(i *tenantInfo) *bool { return &i.enableAnalyticCreation }},
	"/enableAppOpeningFeedback": {flag: func(i *tenantInfo) *bool { return &i.enableAppOpeningFeedback }},
}

// aliasLabel is one DNS label; the first label of an alias is its subdomain, 3 to 63 characters.
var aliasPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{1,61}[a-z0-9])(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)

type tenantPatchOp struct {
	path  string
	str   string
	flag  bool
	index int
}

type patchInvalid struct {
	title, detail, pointer string
}

func (api *tenantsAPI) parsePatch(r *http.Request) ([]tenantPatchOp, *patchInvalid) {
	raw, err := decodePatch[map[string]json.RawMessage](r)
	if err != nil {
		return nil, &patchInvalid{title: "Invalid PATCH request", detail: err.Error()}
	}
	ops := make([]tenantPatchOp, 0, len(raw))
	for i, m := range raw {
		at := "/" + strconv.Itoa(i)
		var op, p string
		if json.Unmarshal(m["op"], &op) != nil || op != "replace" {
			return nil, &patchInvalid{title: "Invalid PATCH request", detail: "Only the replace operation is supported.", pointer: at + "/op"}
		}
		if json.Unmarshal(m["path"], &p) != nil {
			return nil, &patchInvalid{title: "Invalid PATCH request", detail: "path is required and must be a string.", pointer: at + "/path"}
		}
		field, known := tenantPatchPaths[p]
		if !known {
			return nil, &patchInvalid{title: "Invalid PATCH request", detail: "path " + strconv.Quote(p) + " cannot be patched.", pointer: at + "/path"}
		}
		o := tenantPatchOp{path: p, index: i}
		value, ok := m["value"]
		if !ok {
			return nil, &patchInvalid{title: "Invalid PATCH request", detail: "value is required.", pointer: at + "/value"}
		}
		if field.flag != nil {
			if json.Unmarshal(value, &o.flag) != nil {
				return nil, &patchInvalid{title: "Invalid PATCH request", detail: p + " takes a boolean.", pointer: at + "/value"}
			}
		} else if json.Unmarshal(value, &o.str) != nil {
			return nil, &patchInvalid{title: "Invalid PATCH request", detail: p + " takes a string.", pointer: at + "/value"}
		}
		switch p {
		case "/name":
			if strings.TrimSpace(o.str) == "" || len(o.str) > 256 {
				return nil, &patchInvalid{title: "Invalid tenant name", detail: "name must be 1 to 256 characters.", pointer: at + "/value"}
			}
		case "/hostnames/1":
			o.str = strings.ToLower(o.str)
			if !aliasPattern.MatchString(o.str) {
				return nil, &patchInvalid{
					title:  "Subdomain should be between 3 and 63 characters",
					detail: "hostnames/1 must be a DNS name whose first label has 3 to 63 letters, digits or hyphens.", pointer: at + "/value",
				}
			}
		}
		ops = append(ops, o)
	}
	return ops, nil
}

func (api *tenantsAPI) patch(w http.ResponseWriter, r *http.Request) {
	t := api.pathTenant(w, r)
	if t == nil {
		return
	}
	ops, bad := api.parsePatch(r)
	if bad == nil {
		for _, o := range ops {
			if o.path == "/hostnames/1" && api.s.hostnameTaken(o.str, t) {
				bad = &patchInvalid{
					title: "Hostname already in use", detail: "hostname " + o.str + " belongs to another tenant.",
					pointer: "/" + strconv.Itoa(o.index) + "/value",
				}
			}
		}
	}
	if bad != nil {
		writeError(w, http.StatusBadRequest, tenantsErrors, apiError{code: codeTenantPatchInvalid, title: bad.title, detail: bad.detail, pointer: bad.pointer})
		return
	}
	t.infoMu.Lock()
	for _, o := range ops {
		if field := tenantPatchPaths[o.path]; field.flag != nil {
			*field.flag(&t.info) = o.flag
		} else {
			*field.str(&t.info) = o.str
		}
	}
	t.info.lastUpdated = formatTime(time.Now())
	t.infoMu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// hostnameTaken reports whether name is a hostname of a tenant other than self.
func (s *Server) hostnameTaken(name string, self *tenantState) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, t := range s.tenants {
		if t != self && t.hasHostname(name) {
			return true
		}
	}
	return false
}

// confirmed checks qlik-confirm-hostname against the tenant's hostnames and answers 412 when it does not match.
// tenants.json asks deactivation for "the hostname associated with the tenant" and reactivation for "one of the
// hostnames of the tenant"; an alias is associated with the tenant too, so both accept any of its hostnames.
func confirmed(w http.ResponseWriter, r *http.Request, t *tenantState) bool {
	if t.hasHostname(r.Header.Get(confirmHostHeader)) {
		return true
	}
	tenantError(w, http.StatusPreconditionFailed, codeTenantConfirm, "Precondition failed",
		"The qlik-confirm-hostname header must name a hostname of tenant "+t.id+".", "")
	return false
}

type tenantDeactivateRequest struct {
	PurgeAfterDays *int `json:"purgeAfterDays"`
}

type tenantDeactivateResponse struct {
	ID                 string `json:"id"`
	Status             string `json:"status"`
	EstimatedPurgeDate string `json:"estimatedPurgeDate"`
}

func (api *tenantsAPI) deactivate(w http.ResponseWriter, r *http.Request) {
	t := api.pathTenant(w, r)
	if t == nil || !confirmed(w, r, t) {
		return
	}
	req := tenantDeactivateRequest{}
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &req); err != nil {
			tenantError(w, http.StatusBadRequest, codeTenantBadRequest, "Bad request", err.Error(), "")
			return
		}
	}
	days := defaultPurgeDays
	if req.PurgeAfterDays != nil {
		days = *req.PurgeAfterDays
	}
	if days < minPurgeDays || days > maxPurgeDays {
		tenantError(w, http.StatusBadRequest, codeTenantBadRequest, "Invalid purgeAfterDays",
			fmt.Sprintf("purgeAfterDays must be from %d to %d.", minPurgeDays, maxPurgeDays), "/purgeAfterDays")
		return
	}
	resp := api.s.deactivate(t, days)
	writeJSON(w, http.StatusOK, resp)
}

// deactivate disables t. Deactivating a disabled tenant keeps its purge date, so a repeated call cannot extend
// the purge window.
func (s *Server) deactivate(t *tenantState, days int) tenantDeactivateResponse {
	now := time.Now()
	t.infoMu.Lock()
	defer t.infoMu.Unlock()
	if t.info.status != tenantDisabled {
		t.info.status = tenantDisabled
		t.info.statusUpdatedAt = formatTime(now)
		t.info.estimatedPurgeDate = formatTime(now.Add(time.Duration(days) * 24 * time.Hour))
	}
	return tenantDeactivateResponse{ID: t.id, Status: tenantDisabled, EstimatedPurgeDate: t.info.estimatedPurgeDate}
}

func (api *tenantsAPI) reactivate(w http.ResponseWriter, r *http.Request) {
	t := api.pathTenant(w, r)
	if t == nil || !confirmed(w, r, t) {
		return
	}
	t.infoMu.Lock()
	if t.info.status != tenantActive {
		t.info.status = tenantActive
		t.info.statusUpdatedAt = formatTime(time.Now())
		t.info.estimatedPurgeDate = ""
	}
	t.infoMu.Unlock()
	writeJSON(w, http.StatusOK, struct{}{})
}

// Datacenters returns the datacenters POST /api/v1/tenants accepts, sorted.
func Datacenters() []string {
	return slices.Sorted(maps.Keys(datacenterRegions))
}

// LicenseKey returns a license key the register host accepts, good for Options.LicenseQuota live tenants.
func (s *Server) LicenseKey() string { return s.license }

// NewLicenseKey issues another valid license key that may hold quota live tenants; with quota 0 every create
// with it answers 403 TENANTS-22.
func (s *Server) NewLicenseKey(quota int) string {
	key := signedLookingKey()
	s.licenseMu.Lock()
	defer s.licenseMu.Unlock()
	s.licenses[key] = &license{quota: max(quota, 0)}
	return key
}

// InvalidLicenseKey returns a key shaped like a real one that the register host rejects with 403 TENANTS-23.
func (s *Server) InvalidLicenseKey() string { return signedLookingKey() }

// signedLookingKey mimics Qlik's signed entitlement keys (three base64url parts, like a JWT).
func signedLookingKey() string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"EdDSA","typ":"JWT"}`)) + "." +
		enc.EncodeToString([]byte(`{"sub":"qliksim-license","jti":"`+randomHex(8)+`"}`)) + "." + randomToken(32)
}
