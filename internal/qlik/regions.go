package qlik

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"regexp"
	"slices"
	"strings"
)

// Qlik Cloud is split into regions. A region-level OAuth client reaches only the tenants of its region ("Each
// region level OAuth client provides access to all Qlik Cloud tenants deployed to that region",
// https://qlik.dev/authenticate/oauth/create/create-region-oauth-client), and
// tenants are created, deactivated and reactivated on their region's register host
// (https://register.<region>.qlikcloud.com, tenants.json createTenant). A tenant's hostname carries its region:
// <name>.<region>.qlikcloud.com, as in the token endpoint of https://qlik.dev/authenticate/oauth/manage-oauth-tokens.
//
// The client therefore keeps one set of credentials per region and sends a token request only to a host whose
// region it knows from the configuration alone: the home tenant, a register host of the configuration, a Qlik
// Cloud hostname, or a host the configuration trusts (Config.TrustedHosts). Anything else fails before any
// request with ErrUntrustedHost. The answer never depends on what an earlier request returned, so plan, apply,
// import and destroy (each a separate provider process) route a host the same way.

// qlikCloudDomain is the domain of every Qlik Cloud tenant and register host (tenants.json createTenant names
// https://register.<region>.qlikcloud.com).
const qlikCloudDomain = "qlikcloud.com"

// ErrUntrustedHost is returned, wrapped, before any request when a host is neither a Qlik Cloud hostname nor
// trusted by the configuration: the client never sends credentials to it.
var ErrUntrustedHost = errors.New("qlik: untrusted host")

// RegionCredentialsError is returned before any request when a region has no OAuth client in the
// configuration.
type RegionCredentialsError struct {
	// Region is the region code, e.g. "us".
	Region string
	// Why names what needed the region, e.g. "host acme.us.qlikcloud.com".
	Why string
}

func (e *RegionCredentialsError) Error() string {
	up := strings.ToUpper(e.Region)
	return fmt.Sprintf("qlik: no OAuth client for region %q (%s): a region-level OAuth client reaches only the tenants "+
		"of its own region; add regions = { %s = { client_id = \"...\", client_secret = \"...\" } } to the provider "+
		"block, or set QLIK_%s_CLIENT_ID and QLIK_%s_CLIENT_SECRET", e.Region, e.Why, e.Region, up, up)
}

// RegionCredentials are the region-level OAuth client of one region and, optionally, its register host.
type RegionCredentials struct {
	ClientID     string
	ClientSecret string
	// RegistrationURL defaults to https://register.<region>.qlikcloud.com.
	RegistrationURL string
}

// Regions returns the region codes of Qlik's documented datacenters, sorted.
func Regions() []string {
	return slices.Sorted(maps.Keys(regionSet()))
}

func regionSet() map[string]bool {
	out := map[string]bool{}
	for _, r := range TenantDatacenters {
		out[r] = true
	}
	return out
}

// IsRegion reports whether code is the region code of a documented datacenter.
func IsRegion(code string) bool { return regionSet()[code] }

// DatacenterRegion returns the region code of a documented datacenter, or "".
func DatacenterRegion(datacenter string) string { return TenantDatacenters[datacenter] }

// DefaultRegistrationURL is the register host of a region, https://register.<region>.qlikcloud.com.
func DefaultRegistrationURL(region string) string {
	return "https://register." + region + "." + qlikCloudDomain
}

// HostnameRegion returns the region of a hostname that follows Qlik Cloud's scheme, <name>.<region>.qlikcloud.com
// (with an optional port), and false for any other host.
func HostnameRegion(hostname string) (string, bool) {
	h := strings.ToLower(hostname)
	if hh, _, err := net.SplitHostPort(h); err == nil {
		h = hh
	}
	h = strings.TrimSuffix(h, ".")
	labels := strings.Split(h, ".")
	if len(labels) != 4 || labels[2]+"."+labels[3] != qlikCloudDomain || labels[0] == "" || labels[1] == "" {
		return "", false
	}
	return labels[1], true
}

// trustPattern is one entry of Config.TrustedHosts: a host (any port), a host:port (that port only), or any
// subdomain of a domain ("*.example.com", optionally with ":port").
type trustPattern struct {
	raw      string
	host     string // exact host, or the domain after "*." when wildcard
	port     string // "" (any port) or a number
	wildcard bool
	region   string
}

var trustHostPattern = regexp.MustCompile(`^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$`)

// ParseTrustedHost checks one key of trusted_hosts and returns it normalised (lower case).
func ParseTrustedHost(raw string) (string, error) {
	p, err := parseTrustPattern(raw, "")
	if err != nil {
		return "", err
	}
	return p.raw, nil
}

func parseTrustPattern(raw, region string) (trustPattern, error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	if s == "" || s != strings.ToLower(raw) {
		return trustPattern{}, fmt.Errorf("trusted host %q must be a host[:port] without spaces", raw)
	}
	if strings.Contains(s, "://") || strings.ContainsAny(s, "/?#@") {
		return trustPattern{}, fmt.Errorf("trusted host %q must be a bare host[:port], without scheme, path or credentials", raw)
	}
	p := trustPattern{raw: s, region: region}
	host := s
	if strings.HasPrefix(s, "[") || strings.Count(s, ":") == 1 {
		h, port, err := net.SplitHostPort(s)
		if err != nil {
			return trustPattern{}, fmt.Errorf("trusted host %q is not a valid host[:port]", raw)
		}
		if err := validPort(port); err != nil {
			return trustPattern{}, fmt.Errorf("trusted host %q: %w", raw, err)
		}
		host, p.port = h, port
	}
	if ip := net.ParseIP(host); ip != nil {
		p.host = ip.String()
		return p, nil
	}
	if !trustHostPattern.MatchString(host) {
		return trustPattern{}, fmt.Errorf("trusted host %q must be a hostname, an IP address or *.domain, with an optional :port", raw)
	}
	if rest, ok := strings.CutPrefix(host, "*."); ok {
		if !strings.Contains(rest, ".") {
			return trustPattern{}, fmt.Errorf("trusted host %q: a wildcard needs a domain of at least two labels, e.g. *.analytics.example.com", raw)
		}
		if rest == qlikCloudDomain {
			return trustPattern{}, fmt.Errorf("trusted host %q: Qlik Cloud hostnames carry their region (<name>.<region>.qlikcloud.com) and need no entry", raw)
		}
		p.wildcard, host = true, rest
	}
	p.host = host
	return p, nil
}

// match reports whether host[:port] (lower case, scheme's default port dropped) matches the pattern.
func (p trustPattern) match(hostport string) bool {
	h, port := hostport, ""
	if hh, pp, err := net.SplitHostPort(hostport); err == nil {
		h, port = hh, pp
	}
	if ip := net.ParseIP(strings.Trim(h, "[]")); ip != nil {
		h = ip.String()
	}
	if p.port != "" && p.port != port && (p.port != "443" || port != "") {
		// An entry with a port matches that port only (443 is https's default, which normalised hosts omit).
		return false
	}
	if p.wildcard {
		return strings.HasSuffix(h, "."+p.host)
	}
	return h == p.host
}

// regionState is what the client knows about regions: credentials per region and trusted hosts.
type regionState struct {
	home    string // region of the home tenant; "" when unknown
	creds   map[string]regionCreds
	trusted []trustPattern // exact entries first, then by length, so the most specific wins
}

type regionCreds struct {
	clientID, clientSecret string
	registration           *endpoint
}

// legacy is a configuration with one OAuth client and no known home region: its client serves every region, as
// before regions were configurable, and Qlik decides what it may reach.
func (r *regionState) legacy() bool { return r.home == "" && len(r.creds) <= 1 }

func newRegionState(cfg Config, home endpoint) (*regionState, error) {
	rs := &regionState{creds: map[string]regionCreds{}}
	rs.home = strings.ToLower(strings.TrimSpace(cfg.HomeRegion))
	if rs.home == "" {
		rs.home, _ = HostnameRegion(home.host)
	}
	if rs.home != "" && !IsRegion(rs.home) {
		return nil, fmt.Errorf("qlik: home region %q is not one of Qlik's regions (%s)", rs.home, strings.Join(Regions(), ", "))
	}
	add := func(region string, rc RegionCredentials) error {
		c := regionCreds{clientID: rc.ClientID, clientSecret: rc.ClientSecret}
		regURL := rc.RegistrationURL
		if regURL == "" && region != "" {
			regURL = DefaultRegistrationURL(region)
		}
		if regURL != "" {
			ep, err := endpointFromURL(regURL)
			if err != nil {
				return fmt.Errorf("qlik: invalid registration URL of region %q: %w", region, err)
			}
			c.registration = &ep
		}
		rs.creds[region] = c
		return nil
	}
	if cfg.APIKey != "" {
		if len(cfg.Regions) > 0 {
			return nil, errors.New("qlik: regions need OAuth client credentials; an API key reaches only the home tenant")
		}
	} else {
		for _, region := range slices.Sorted(maps.Keys(cfg.Regions)) {
			rc := cfg.Regions[region]
			switch {
			case !IsRegion(region):
				return nil, fmt.Errorf("qlik: region %q is not one of Qlik's regions (%s)", region, strings.Join(Regions(), ", "))
			case rc.ClientID == "" || rc.ClientSecret == "":
				return nil, fmt.Errorf("qlik: region %q needs both client_id and client_secret", region)
			case region == rs.home && cfg.ClientID != "":
				return nil, fmt.Errorf("qlik: region %q is the home region, whose OAuth client is already set by client_id and client_secret; set it in one place", region)
			}
			if region == rs.home && rc.RegistrationURL == "" {
				rc.RegistrationURL = cfg.RegistrationURL
			}
			if err := add(region, rc); err != nil {
				return nil, err
			}
		}
		if len(cfg.Regions) > 0 && rs.home == "" {
			return nil, errors.New("qlik: the home tenant's region is unknown (its hostname does not follow " +
				"<name>.<region>.qlikcloud.com); set the home region so that requests can be routed by region")
		}
		if _, ok := rs.creds[rs.home]; !ok {
			if cfg.ClientID == "" {
				return nil, fmt.Errorf("qlik: no OAuth client for the home region %q: set client_id and client_secret, or add the region to regions", rs.home)
			}
			if err := add(rs.home, RegionCredentials{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RegistrationURL: cfg.RegistrationURL}); err != nil {
				return nil, err
			}
		}
	}
	for raw, region := range cfg.TrustedHosts {
		region = strings.ToLower(strings.TrimSpace(region))
		if !IsRegion(region) {
			return nil, fmt.Errorf("qlik: trusted host %q names region %q, which is not one of Qlik's regions (%s)", raw, region, strings.Join(Regions(), ", "))
		}
		p, err := parseTrustPattern(raw, region)
		if err != nil {
			return nil, fmt.Errorf("qlik: %w", err)
		}
		rs.trusted = append(rs.trusted, p)
	}
	slices.SortFunc(rs.trusted, func(a, b trustPattern) int {
		if a.wildcard != b.wildcard {
			if a.wildcard {
				return 1
			}
			return -1
		}
		if d := len(b.raw) - len(a.raw); d != 0 {
			return d
		}
		return strings.Compare(a.raw, b.raw)
	})
	return rs, nil
}

// hostRegion returns the region of the endpoint's host, or ErrUntrustedHost.
func (c *core) hostRegion(ep endpoint) (string, error) {
	rs := c.regions
	if ep == c.home {
		return rs.home, nil
	}
	for region, rc := range rs.creds {
		if rc.registration != nil && *rc.registration == ep {
			return region, nil
		}
	}
	for _, p := range rs.trusted {
		if p.match(ep.host) {
			return p.region, nil
		}
	}
	if region, ok := HostnameRegion(ep.host); ok {
		return region, nil
	}
	return "", fmt.Errorf("%w: %s is not a Qlik Cloud hostname (<name>.<region>.%s) of a configured region, not a "+
		"register host of the provider block and not in trusted_hosts, so the provider sends no credentials to it; "+
		"check the hostname, or add it to trusted_hosts with its region if it is a tenant's alias or a simulator host",
		ErrUntrustedHost, ep.host, qlikCloudDomain)
}

// credentialsFor returns the OAuth client for requests to ep, or why there is none. It is the one place that
// decides where client credentials may go.
func (c *core) credentialsFor(ep endpoint) (regionCreds, string, error) {
	region, err := c.hostRegion(ep)
	if err != nil {
		return regionCreds{}, "", err
	}
	if rc, ok := c.regions.creds[region]; ok {
		return rc, region, nil
	}
	if c.regions.legacy() {
		return c.regions.creds[c.regions.home], region, nil
	}
	return regionCreds{}, region, &RegionCredentialsError{Region: region, Why: "host " + ep.host}
}
