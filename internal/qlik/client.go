// Package qlik is the Qlik Cloud REST client of the Terraform provider.
//
// Every API call goes through one request path (Client.do): it resolves the
// URL against the tenant host of the view, authenticates (API key or OAuth
// client credentials, with a per-host token cache), paces itself with one
// token bucket per host and rate-limit tier, retries what may be retried in
// one loop of attempts, decodes Qlik's error bodies into *APIError and logs through Logger with
// secrets masked.
//
// One Client serves a whole provider instance. ForTenant returns views bound
// to other tenant hosts that share the HTTP transport, token cache and rate
// limiters, so a large apply across many tenants paces itself as a whole.
//
// The package knows nothing about Terraform: the provider adapts its logger
// to Logger and turns *APIError into diagnostics.
package qlik

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

const (
	defaultMaxRetries     = 10
	defaultRetryWaitMin   = time.Second
	defaultRetryWaitMax   = 30 * time.Second
	defaultRequestTimeout = 2 * time.Minute
	defaultRateLimitWait  = 30 * time.Minute
	defaultPollWaitMin    = 200 * time.Millisecond
	defaultPollWaitMax    = 15 * time.Second
	defaultUserAgent      = "terraform-provider-qlik"

	// apiVersion is sent as qlik-api-version on every request. It selects which
	// deprecation warnings Qlik returns; payloads do not change with it.
	apiVersion = "2026-08"
)

// Authentication modes returned by Client.AuthMode.
const (
	AuthModeAPIKey = "api_key"
	AuthModeOAuth2 = "oauth2"
)

// ErrAPIKeyOtherTenant is returned by ForTenant when the client authenticates
// with an API key and another tenant is requested. An API key belongs to one
// user in one tenant, so it cannot reach any other host.
var ErrAPIKeyOtherTenant = errors.New(
	"qlik: an API key reaches only its home tenant; configure OAuth client credentials " +
		"(client_id and client_secret of a region-level OAuth client) to manage other tenants")

// Config configures a Client. Only TenantURL and one authentication mode are
// required; zero values of the other fields select the documented defaults.
type Config struct {
	// TenantURL is the home tenant, e.g. https://acme.eu.qlikcloud.com. Plain
	// http is accepted only for loopback hosts (the simulator).
	TenantURL string

	// APIKey authenticates with an API key. Set either APIKey or both
	// ClientID and ClientSecret.
	APIKey string

	// ClientID and ClientSecret authenticate as an OAuth machine-to-machine
	// client. Tokens are minted per host from that host's /oauth/token.
	ClientID     string
	ClientSecret string

	// RegistrationURL is the register host of the home region, e.g.
	// https://register.eu.qlikcloud.com, used to create and deactivate tenants.
	// It defaults to https://register.<region>.qlikcloud.com when the home
	// region is known.
	RegistrationURL string

	// HomeRegion is the region code of the home tenant, e.g. "eu". When empty
	// it is read from TenantURL's hostname (<name>.<region>.qlikcloud.com).
	// ClientID, ClientSecret and RegistrationURL belong to this region.
	HomeRegion string

	// Regions holds the region-level OAuth clients of other regions (or of
	// every region, the home one included, when ClientID is empty), keyed by
	// region code. A region-level client reaches only its own region's tenants
	// and register host.
	Regions map[string]RegionCredentials

	// TrustedHosts maps hosts that do not follow Qlik Cloud's hostname scheme
	// (tenant aliases, simulator hosts on loopback) to their region. Keys are
	// host[:port], host:* (any port) or *.domain. Credentials go only to the
	// home tenant, the register hosts, Qlik Cloud hostnames of configured
	// regions and these hosts.
	TrustedHosts map[string]string

	// UserAgent is the full User-Agent header. The provider builds it from its
	// own and Terraform's versions.
	UserAgent string

	// MaxRetries is the number of retries after a failure (502/503/504, a
	// connection error) after the first attempt. Zero selects 10; a negative
	// value disables them. Rate limits (429) are not counted: they are
	// retried while the caller's deadline allows (see RateLimitWait).
	MaxRetries int

	// RateLimitWait bounds how long one request keeps retrying rate limits
	// when its context has no deadline; with a deadline (a resource's
	// timeouts) the deadline bounds it. Zero selects 30m.
	RateLimitWait time.Duration

	// RetryWaitMin and RetryWaitMax bound the capped exponential backoff
	// (defaults 1s and 30s). A Retry-After header on 429/503 takes precedence.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration

	// PollWaitMin and PollWaitMax bound the waits between polls of long-running work such as a reload
	// (defaults 200ms and 15s): a short reload is seen ending soon after it ends, a long one costs few polls; each
	// wait is jittered.
	PollWaitMin time.Duration
	PollWaitMax time.Duration

	// RequestTimeout bounds one attempt (connect, send, read); zero selects 2m.
	RequestTimeout time.Duration

	// RateLimits overrides the client-side pacing. The zero value paces at
	// Qlik's published limits.
	RateLimits RateLimits

	// VisibilityGrace is how long after creating an object a 404 for it (or
	// for one of its sub-resources) is retried, because Qlik may serve a new
	// object only after a few seconds. Zero selects 10s; negative disables.
	VisibilityGrace time.Duration

	// Logger receives request logs with secrets masked; nil disables logging.
	Logger Logger
}

// Client is a Qlik Cloud REST client bound to one host. The value returned by
// New is bound to the home tenant; ForTenant returns views of other hosts
// that share transport, token cache and rate limiters. A Client is safe for
// concurrent use.
type Client struct {
	core *core
	ep   endpoint
	// register is set on the view of a region's register host.
	register *string
	// createdAt, when set (CreatedAt), is when the object this view works on was created, possibly by an
	// earlier run: a 404 within the visibility grace after it is waited out like one for an object this client
	// created.
	createdAt time.Time
}

// endpoint is the scheme and normalised host[:port] a view talks to.
type endpoint struct {
	scheme string
	host   string
}

func (e endpoint) baseURL() string { return e.scheme + "://" + e.host }

// core is the state shared by all views of one Client.
type core struct {
	cfg          Config
	home         endpoint
	registration *endpoint
	httpClient   *http.Client
	tokens       *tokenCache
	limits       *rateLimiter
	redact       *redactor
	log          logSink
	created      *recentCreates
	exports      exportCache
	now          func() time.Time
	roles        roleCatalogues
	regions      *regionState
	// clock and me prove that an object found after an ambiguous create is ours (provenance.go).
	clock serverClock
	me    currentUsers
	// tenantIDs caches the tenant id of each host (GET /api/v1/tenants/me); it never changes.
	tenantIDs currentUsers
}

// New validates cfg and returns a client bound to the home tenant.
func New(cfg Config) (*Client, error) {
	home, err := endpointFromURL(cfg.TenantURL)
	if err != nil {
		return nil, fmt.Errorf("qlik: invalid tenant URL: %w", err)
	}

	hasKey := cfg.APIKey != ""
	hasOAuth := cfg.ClientID != "" || cfg.ClientSecret != ""
	switch {
	case hasKey && hasOAuth:
		return nil, errors.New("qlik: configure either an API key or OAuth client credentials (client_id and client_secret), not both")
	case !hasKey && !hasOAuth && len(cfg.Regions) == 0:
		return nil, errors.New("qlik: no credentials: configure an API key or OAuth client credentials (client_id and client_secret)")
	case hasOAuth && (cfg.ClientID == "" || cfg.ClientSecret == ""):
		return nil, errors.New("qlik: OAuth client credentials need both client_id and client_secret")
	}

	var registration *endpoint
	if cfg.RegistrationURL != "" {
		ep, err := endpointFromURL(cfg.RegistrationURL)
		if err != nil {
			return nil, fmt.Errorf("qlik: invalid registration URL: %w", err)
		}
		registration = &ep
	}

	cfg.MaxRetries = defaultUnlessNegative(cfg.MaxRetries, defaultMaxRetries)
	if cfg.RetryWaitMin < 0 || cfg.RetryWaitMax < 0 || cfg.RequestTimeout < 0 {
		return nil, errors.New("qlik: retry waits and request timeout must not be negative")
	}
	defaultWaits(&cfg.RetryWaitMin, &cfg.RetryWaitMax, defaultRetryWaitMin, defaultRetryWaitMax)
	orDefault(&cfg.RequestTimeout, defaultRequestTimeout)
	if cfg.RateLimitWait < 0 {
		return nil, errors.New("qlik: the rate-limit wait must not be negative")
	}
	orDefault(&cfg.RateLimitWait, defaultRateLimitWait)
	if cfg.PollWaitMin < 0 || cfg.PollWaitMax < 0 {
		return nil, errors.New("qlik: poll waits must not be negative")
	}
	defaultWaits(&cfg.PollWaitMin, &cfg.PollWaitMax, defaultPollWaitMin, defaultPollWaitMax)
	cfg.VisibilityGrace = defaultUnlessNegative(cfg.VisibilityGrace, DefaultVisibilityGrace)
	orDefault(&cfg.UserAgent, defaultUserAgent)
	limits, err := newRateLimiter(cfg.RateLimits)
	if err != nil {
		return nil, err
	}
	regions, err := newRegionState(cfg, home)
	if err != nil {
		return nil, err
	}

	red := newRedactor()
	red.add(cfg.APIKey)
	red.add(cfg.ClientSecret)
	for _, rc := range cfg.Regions {
		red.add(rc.ClientSecret)
	}

	c := &core{
		cfg:          cfg,
		home:         home,
		registration: registration,
		tokens:       newTokenCache(),
		limits:       limits,
		redact:       red,
		log:          logSink{l: cfg.Logger, r: red},
		created:      &recentCreates{grace: cfg.VisibilityGrace},
		now:          time.Now,
		regions:      regions,
	}
	c.httpClient = c.newHTTPClient()
	return &Client{core: c, ep: home}, nil
}

// orDefault sets an unset setting to its default.
func orDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// defaultUnlessNegative reads a setting where zero selects the default and a negative value disables.
func defaultUnlessNegative[T int | time.Duration](v, def T) T {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// defaultWaits sets the unset bounds of a range of waits to their defaults and raises a maximum below the
// minimum to it.
func defaultWaits(lo, hi *time.Duration, defLo, defHi time.Duration) {
	orDefault(lo, defLo)
	orDefault(hi, defHi)
	if *hi < *lo {
		*hi = *lo
	}
}

// newHTTPClient builds the HTTP client shared by all views: the connection
// pool and the redirect policy. Each call wraps its transport in a
// callTransport that paces, authenticates, bounds and logs each attempt.
func (c *core) newHTTPClient() *http.Client {
	rt := http.DefaultTransport
	if base, ok := http.DefaultTransport.(*http.Transport); ok {
		t := base.Clone()
		t.MaxIdleConnsPerHost = 16
		rt = t
	}
	return &http.Client{
		Transport: &clockObserver{clock: &c.clock, now: time.Now, base: rt},
		// Qlik redirects /users/me and /tenants/me on the same host. Refuse to
		// follow anywhere else so a redirect can never carry the request (or a
		// token minted for it) to another host.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return permanent(errors.New("stopped after 10 redirects"))
			}
			if !sameEndpoint(req.URL, via[0].URL) {
				return permanent(fmt.Errorf("refusing to follow a redirect from %s to another host (%s)", via[0].URL.Host, req.URL.Host))
			}
			return nil
		},
	}
}

// ForTenant returns a view of the client bound to https://<hostname> (http://
// for loopback hosts). An empty hostname or the home host returns the home
// view. With API-key authentication any other host fails with
// ErrAPIKeyOtherTenant. A host whose region is unknown (see Config.TrustedHosts)
// fails with ErrUntrustedHost, and a host of a region without an OAuth client
// with *RegionCredentialsError, both before any request. The view shares
// transport, token cache and rate limiters with c.
func (c *Client) ForTenant(hostname string) (*Client, error) {
	homeView := c
	if c.ep != c.core.home || c.register != nil {
		homeView = &Client{core: c.core, ep: c.core.home}
	}
	if strings.TrimSpace(hostname) == "" {
		return homeView, nil
	}
	host, err := parseHostname(hostname)
	if err != nil {
		return nil, err
	}
	if sameHost(c.core.home, host) {
		return homeView, nil
	}
	if c.core.cfg.APIKey != "" {
		return nil, fmt.Errorf("%w (home tenant %s, requested %s)", ErrAPIKeyOtherTenant, c.core.home.host, host)
	}
	for region, rc := range c.core.regions.creds {
		if r := rc.registration; r != nil && sameHost(*r, host) {
			return &Client{core: c.core, ep: *r, register: &region}, nil
		}
	}
	scheme := "https"
	if isLoopbackHost(host) && (c.core.home.scheme != "https" || !isLoopbackHost(c.core.home.host)) {
		// Simulator tenants live on 127.0.0.1:PORT over plain http. When the home
		// tenant itself is a loopback https server (a TLS test server), keep https.
		scheme = "http"
	}
	ep := endpoint{scheme: scheme, host: normalizeHost(scheme, host)}
	if _, _, err := c.core.credentialsFor(ep); err != nil {
		return nil, err
	}
	if c.ep == ep && c.register == nil {
		return c, nil
	}
	return &Client{core: c.core, ep: ep}, nil
}

// Registration returns a view bound to the register host of the home region,
// used to create, deactivate and reactivate tenants. It needs OAuth client
// credentials.
func (c *Client) Registration() (*Client, error) { return c.RegistrationFor("") }

// RegistrationFor returns a view bound to the register host of region (""
// selects the home region): the configured registration URL of the region or
// https://register.<region>.qlikcloud.com. A region without an OAuth client
// fails with *RegionCredentialsError, except in a configuration with a single
// client and no known home region, whose register host serves every request
// as before regions were configurable.
func (c *Client) RegistrationFor(region string) (*Client, error) {
	rs := c.core.regions
	if c.core.cfg.APIKey != "" {
		r := c.core.registration
		if r == nil {
			return nil, errors.New("qlik: no registration URL configured; set registration_url (e.g. https://register.eu.qlikcloud.com)")
		}
		return nil, fmt.Errorf("%w (requested the register host %s)", ErrAPIKeyOtherTenant, r.host)
	}
	if region == "" {
		region = rs.home
	}
	rc, ok := rs.creds[region]
	if !ok {
		if !rs.legacy() {
			return nil, &RegionCredentialsError{Region: region, Why: "its register host creates, deactivates and reactivates the region's tenants"}
		}
		region, rc = rs.home, rs.creds[rs.home]
	}
	if rc.registration == nil {
		return nil, errors.New("qlik: no registration URL configured; set registration_url (e.g. https://register.eu.qlikcloud.com)")
	}
	return &Client{core: c.core, ep: *rc.registration, register: &region}, nil
}

// RegistrationViews returns a view of every configured register host, the
// home region's first, for a lookup of a tenant whose region is not known.
func (c *Client) RegistrationViews() []*Client {
	if c.core.cfg.APIKey != "" {
		return nil
	}
	rs := c.core.regions
	var out []*Client
	if home, err := c.RegistrationFor(""); err == nil {
		out = append(out, home)
	}
	for _, region := range slices.Sorted(maps.Keys(rs.creds)) {
		if region == rs.home || rs.creds[region].registration == nil {
			continue
		}
		r := region
		out = append(out, &Client{core: c.core, ep: *rs.creds[region].registration, register: &r})
	}
	return out
}

// Region returns the region code of the view's host: the home region, the
// region of a register host, or the region its hostname or trusted_hosts
// says. It is "" when unknown.
func (c *Client) Region() string {
	if c.register != nil {
		return *c.register
	}
	region, _ := c.core.hostRegion(c.ep)
	return region
}

// HomeRegion returns the home tenant's region code, "" when unknown.
func (c *Client) HomeRegion() string { return c.core.regions.home }

// Hostname returns the host[:port] this view talks to.
func (c *Client) Hostname() string { return c.ep.host }

// AuthMode returns AuthModeAPIKey or AuthModeOAuth2.
func (c *Client) AuthMode() string {
	if c.core.cfg.APIKey != "" {
		return AuthModeAPIKey
	}
	return AuthModeOAuth2
}

func (c *core) oauth() bool { return c.cfg.APIKey == "" }

// ValidateBaseURL checks a tenant or registration URL: absolute, scheme https
// (http only for loopback hosts: 127.0.0.0/8, ::1, localhost), a host, no path
// beyond "/", and no query, fragment or user information.
func ValidateBaseURL(raw string) error {
	if strings.TrimSpace(raw) == "" {
		return errors.New("URL must not be empty; give the scheme and host, e.g. https://acme.eu.qlikcloud.com")
	}
	if strings.TrimSpace(raw) != raw {
		return errors.New("URL must not contain leading or trailing spaces")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error echoes the input, which may hold a password; keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("URL is not valid: %w", err)
	}
	if u.User != nil {
		return errors.New("URL must not contain user information (user:password@); pass credentials in their own settings")
	}
	shown := u.String()
	if !u.IsAbs() || u.Opaque != "" {
		return fmt.Errorf("URL %q must be absolute with a scheme and host, e.g. https://acme.eu.qlikcloud.com", shown)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("URL %q has no host", shown)
	}
	if p := u.Port(); p != "" {
		if err := validPort(p); err != nil {
			return fmt.Errorf("URL %q: %w", shown, err)
		}
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopbackHost(u.Host) {
			return fmt.Errorf("URL %q must use https; plain http is allowed only for loopback hosts (127.0.0.1, ::1, localhost)", shown)
		}
	default:
		return fmt.Errorf("URL %q has scheme %q; use https", shown, u.Scheme)
	}
	if u.Path != "" && u.Path != "/" {
		return fmt.Errorf("URL %q must not have a path (got %q); give only the scheme and host, e.g. https://acme.eu.qlikcloud.com", shown, u.Path)
	}
	if u.RawQuery != "" || u.ForceQuery {
		return fmt.Errorf("URL %q must not have a query string", shown)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return fmt.Errorf("URL %q must not have a fragment", shown)
	}
	return nil
}

// endpointFromURL validates a base URL (ValidateBaseURL) and converts it.
func endpointFromURL(raw string) (endpoint, error) {
	if err := ValidateBaseURL(raw); err != nil {
		return endpoint{}, err
	}
	u, err := url.Parse(raw)
	if err != nil {
		return endpoint{}, err
	}
	scheme := strings.ToLower(u.Scheme)
	return endpoint{scheme: scheme, host: normalizeHost(scheme, u.Host)}, nil
}

// parseHostname validates a tenant hostname as given in tenant_hostname: a
// host with an optional port, without scheme, path, query or credentials.
func parseHostname(raw string) (string, error) {
	h := strings.TrimSpace(raw)
	if h != raw {
		return "", fmt.Errorf("qlik: tenant hostname %q must not contain spaces", raw)
	}
	if strings.Contains(h, "://") {
		return "", fmt.Errorf("qlik: tenant hostname %q must not include a scheme; give only the host, e.g. acme.eu.qlikcloud.com", raw)
	}
	if strings.ContainsAny(h, "/?#@ \t") {
		return "", fmt.Errorf("qlik: tenant hostname %q must be a bare host[:port] without path, query or credentials", raw)
	}
	u, err := url.Parse("//" + h)
	if err != nil || u.Host != h || u.Hostname() == "" {
		return "", fmt.Errorf("qlik: tenant hostname %q is not a valid host[:port]", raw)
	}
	if p := u.Port(); p != "" {
		if err := validPort(p); err != nil {
			return "", fmt.Errorf("qlik: tenant hostname %q: %w", raw, err)
		}
	} else if strings.HasSuffix(h, ":") {
		return "", fmt.Errorf("qlik: tenant hostname %q has an empty port", raw)
	}
	return strings.ToLower(h), nil
}

func validPort(p string) error {
	n := 0
	for _, r := range p {
		if r < '0' || r > '9' {
			return fmt.Errorf("port %q is not a number", p)
		}
		n = n*10 + int(r-'0')
		if n > 65535 {
			return fmt.Errorf("port %q is out of range", p)
		}
	}
	if n == 0 {
		return fmt.Errorf("port %q is out of range", p)
	}
	return nil
}

// normalizeHost lower-cases host and drops the scheme's default port, so that
// acme.eu.qlikcloud.com and ACME.eu.qlikcloud.com:443 share one token and one
// rate limiter.
func normalizeHost(scheme, host string) string {
	host = strings.ToLower(host)
	if h, p, err := net.SplitHostPort(host); err == nil {
		if (scheme == "https" && p == "443") || (scheme == "http" && p == "80") {
			if strings.Contains(h, ":") {
				return "[" + h + "]"
			}
			return h
		}
	}
	return host
}

// sameHost reports whether hostname (no scheme) names the endpoint's host.
// A hostname without port matches the endpoint's default port.
func sameHost(ep endpoint, hostname string) bool {
	return normalizeHost(ep.scheme, hostname) == ep.host
}

func sameEndpoint(a, b *url.URL) bool {
	sa, sb := strings.ToLower(a.Scheme), strings.ToLower(b.Scheme)
	return sa == sb && normalizeHost(sa, a.Host) == normalizeHost(sb, b.Host)
}

// isLoopbackHost reports whether host[:port] is localhost or a loopback IP.
func isLoopbackHost(host string) bool {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// hostRole tells whether ep is the home tenant, the register host or another tenant.
func (c *core) hostRole(ep endpoint) HostRole {
	switch {
	case sameHost(c.home, ep.host):
		return HostHome
	case c.registration != nil && sameHost(*c.registration, ep.host):
		return HostRegister
	}
	if c.regions != nil {
		for _, rc := range c.regions.creds {
			if rc.registration != nil && sameHost(*rc.registration, ep.host) {
				return HostRegister
			}
		}
	}
	return HostTenant
}
