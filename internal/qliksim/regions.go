package qliksim

import (
	"crypto/subtle"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"
)

// Regions. Qlik Cloud is split into regions, each with its own register host
// (https://register.<region>.qlikcloud.com) and its own region-level OAuth clients: "Each region level OAuth client
// provides access to all Qlik Cloud tenants deployed to that region" (qlik.dev, Create a region level M2M OAuth2
// client), and "Tenant creation, deactivation, and reactivation requests must be sent to the register endpoint in
// the relevant Qlik Cloud region" (tenants.json createTenant). The simulator serves one register host and one OAuth
// client per region and holds clients to those rules:
//
//   - a register host creates tenants only in its region's datacenter and answers 400 for a datacenter of another
//     region (Qlik documents no code for it: an assumption);
//   - a register host serves (reads, patches, deactivates, reactivates) only the tenants of its region and answers
//     404 for the others, as for an unknown id (an assumption);
//   - a client mints tokens only on the register host and the tenants of its own region; elsewhere /oauth/token
//     answers 401 invalid_client (an assumption: Qlik documents 401 for invalid client credentials).

// simRegion is one region of the simulator.
type simRegion struct {
	code       string
	datacenter string // the region's datacenter; each documented region has exactly one
	register   *host
	client     Credentials // ClientID and ClientSecret; APIKey unused
	ip         string      // the address its hosts listen on
}

// RegionInfo describes one simulated region: its code, datacenter, register host and region-level OAuth client.
type RegionInfo struct {
	Code            string
	Datacenter      string
	RegistrationURL string
	ClientID        string
	ClientSecret    string
}

// RegionDatacenter returns the datacenter of a region code, or "" for an unknown region.
func RegionDatacenter(region string) string {
	for dc, r := range datacenterRegions {
		if r == region {
			return dc
		}
	}
	return ""
}

// RegionCodes returns the region codes of Qlik's documented datacenters, sorted.
func RegionCodes() []string {
	return slices.Compact(slices.Sorted(maps.Values(datacenterRegions)))
}

// regionsOf validates Options.Regions and Options.Datacenter and returns the region codes in order, the home
// region first, and the home datacenter.
func (o Options) regionsOf() ([]string, string, error) {
	var codes []string
	for _, r := range o.Regions {
		r = strings.ToLower(strings.TrimSpace(r))
		if RegionDatacenter(r) == "" {
			return nil, "", fmt.Errorf("qliksim: region %q is not one of Qlik's regions (%s)", r, strings.Join(RegionCodes(), ", "))
		}
		if slices.Contains(codes, r) {
			return nil, "", fmt.Errorf("qliksim: region %q is listed twice", r)
		}
		codes = append(codes, r)
	}
	dc := o.Datacenter
	if dc != "" {
		if _, ok := datacenterRegions[dc]; !ok {
			return nil, "", fmt.Errorf("qliksim: Datacenter %q is not one of Qlik's datacenters", dc)
		}
	}
	if len(codes) > 1 && o.ListenHost != "" && o.ListenHost != "127.0.0.1" {
		return nil, "", fmt.Errorf("qliksim: several regions listen on 127.0.0.1, 127.0.0.2, ... (one loopback address per region); ListenHost %q cannot be used with them", o.ListenHost)
	}
	switch {
	case len(codes) == 0 && dc == "":
		dc = defaultDatacenter
		codes = []string{datacenterRegions[dc]}
	case len(codes) == 0:
		codes = []string{datacenterRegions[dc]}
	case dc == "":
		dc = RegionDatacenter(codes[0])
	default:
		home := datacenterRegions[dc]
		i := slices.Index(codes, home)
		if i < 0 {
			return nil, "", fmt.Errorf("qliksim: Datacenter %q is in region %q, which is not one of Regions %v", dc, home, codes)
		}
		// The home region first.
		codes = append([]string{home}, slices.Delete(codes, i, i+1)...)
	}
	return codes, dc, nil
}

// region returns the simulated region with the given code, or nil.
func (s *Server) region(code string) *simRegion {
	for _, r := range s.regions {
		if r.code == code {
			return r
		}
	}
	return nil
}

// homeRegion is the region of the home tenant.
func (s *Server) homeRegion() *simRegion { return s.regions[0] }

// clientRegion returns the region whose OAuth client has these credentials, or nil. Every comparison runs in
// constant time, so a timing probe cannot learn which client or which half was wrong.
func (s *Server) clientRegion(id, secret string) *simRegion {
	var found *simRegion
	for _, r := range s.regions {
		idOK := subtle.ConstantTimeCompare([]byte(id), []byte(r.client.ClientID))
		secretOK := subtle.ConstantTimeCompare([]byte(secret), []byte(r.client.ClientSecret))
		if idOK&secretOK == 1 {
			found = r
		}
	}
	return found
}

// regionOfClient returns the region of a client id, or "".
func (s *Server) regionOfClient(id string) string {
	for _, r := range s.regions {
		if id != "" && r.client.ClientID == id {
			return r.code
		}
	}
	return ""
}

// Regions returns the simulated regions, the home region first.
func (s *Server) Regions() []RegionInfo {
	out := make([]RegionInfo, 0, len(s.regions))
	for _, r := range s.regions {
		out = append(out, RegionInfo{
			Code: r.code, Datacenter: r.datacenter, RegistrationURL: r.register.url,
			ClientID: r.client.ClientID, ClientSecret: r.client.ClientSecret,
		})
	}
	return out
}

// Region returns one simulated region and whether the simulator serves it.
func (s *Server) Region(code string) (RegionInfo, bool) {
	for _, r := range s.Regions() {
		if r.Code == code {
			return r, true
		}
	}
	return RegionInfo{}, false
}

// AddTenantIn starts another tenant in the given region, as if created on that region's register host.
func (s *Server) AddTenantIn(region, name string) (*Tenant, error) {
	if s.region(region) == nil {
		return nil, fmt.Errorf("qliksim: region %q is not simulated (regions: %s)", region, strings.Join(s.regionCodes(), ", "))
	}
	t, err := s.addTenant(tenantSpec{name: name, datacenter: RegionDatacenter(region)})
	if err != nil {
		return nil, err
	}
	return t.snapshot(), nil
}

func (s *Server) regionCodes() []string {
	out := make([]string, 0, len(s.regions))
	for _, r := range s.regions {
		out = append(out, r.code)
	}
	return out
}

// TrustedHosts returns the provider's trusted_hosts for the simulator: each region's address (any port) → the
// region ("127.0.0.1" = "eu", and with several regions "127.0.0.2" = "us", ...). The hosts do not follow
// Qlik's hostname scheme, so this is how the provider learns their region; tenants created later are covered too.
func (s *Server) TrustedHosts() map[string]string {
	out := map[string]string{}
	for _, r := range s.regions {
		advertise := r.ip
		if ip := net.ParseIP(advertise); ip != nil && ip.IsUnspecified() {
			advertise = "127.0.0.1"
		}
		out[advertise] = r.code
	}
	return out
}
