package qliksim

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// DefaultTokenTTL is the lifetime of an OAuth access token, as documented by Qlik (expires_in 21600).
const DefaultTokenTTL = 6 * time.Hour

// Options configures a simulator. The zero value is a quiet, fault-free simulator on random loopback ports.
type Options struct {
	// ListenHost is the IP address every host listens on; default 127.0.0.1. When it is an unspecified address
	// (0.0.0.0 or ::) hostnames and URLs still advertise 127.0.0.1. With several Regions, the hosts of the n-th
	// region listen on 127.0.0.n instead (127.0.0.1, 127.0.0.2, ...), so that a host's address tells its region
	// (trusted_hosts "127.0.0.2:*" = "us"); ListenHost must then be empty or 127.0.0.1.
	ListenHost string
	// HomePort and RegisterPort pin the ports of the home tenant and the home region's register host; 0 picks a
	// free port.
	HomePort     int
	RegisterPort int
	// HomeTenantName is the display name of the home tenant; default "home".
	HomeTenantName string
	// Datacenter is where the home tenant lives; one of the datacenters of tenants.json. Default: the datacenter
	// of the first of Regions, or "eu-west-1".
	Datacenter string
	// Regions are the region codes simulated (e.g. "eu", "us", "de"), each with its own register host and
	// region-level OAuth client. Default: the region of Datacenter. The home tenant's region is always included.
	Regions []string
	// LicenseQuota is how many live tenants the license key of LicenseKey may create; 0 selects 1000. Other keys
	// come from NewLicenseKey.
	LicenseQuota int

	// Latency is added to every request before it is handled.
	Latency time.Duration
	// Seed drives fault injection, so a given seed and request sequence always fail the same requests.
	Seed int64
	// Faults are the initial fault-injection rates; see [Server.SetFaults].
	Faults Faults

	// EnforceRateLimits turns on Qlik's rate limits: per tier, per user, per tenant over 5-minute windows, plus the
	// tenant-wide limit (see RateWindow and TenantLimitFactor).
	EnforceRateLimits bool
	// Limits overrides requests per minute for some tiers; tiers not listed (or 0) keep Qlik's limits
	// (DefaultLimits).
	Limits map[Tier]int
	// RateWindow overrides the period over which the limits are evaluated, in whole seconds; 0 selects Qlik's
	// five minutes (the package's RateWindow). A window of W admits limit × W/1m requests per user, so a short
	// window is a stricter limit that clears quickly: a test knob for serving many 429s in little time.
	RateWindow time.Duration

	// TokenTTL is the lifetime of minted OAuth access tokens; default DefaultTokenTTL.
	TokenTTL time.Duration
	// VisibilityDelay hides newly created objects from reads and lists for this long. They still count for
	// uniqueness, as on Qlik Cloud where reads can lag behind a create.
	VisibilityDelay time.Duration
	// SpaceNamesUniquePerType makes space names unique per space type instead of tenant-wide (Qlik does not
	// document which one applies).
	SpaceNamesUniquePerType bool

	// RepublishKeepsOrigin makes a republish from another app leave the published app's originAppId at the app it
	// was published from. Qlik does not document which app is the origin after such a republish; by default the
	// simulator makes it the new source, and this option models the other reading.
	RepublishKeepsOrigin bool

	// ReloadDuration is how long a reload stays RELOADING unless SetReloadBehaviour says otherwise for its app;
	// 0 selects DefaultReloadDuration.
	ReloadDuration time.Duration

	// Logger, when set, receives one line per request and the HTTP servers' own error log.
	Logger *slog.Logger
	// MaxAuditEntries bounds the audit log: once it holds twice this many entries the oldest are dropped down to
	// this many. 0 keeps everything (tests); a long-running process should set a bound.
	MaxAuditEntries int

	// WebhookClient sends webhook deliveries; nil uses a client with a 10-second timeout. A test whose receiver
	// is an httptest TLS server passes that server's Client(), which trusts its certificate.
	WebhookClient *http.Client
}

// Credentials are the secrets a client needs to talk to the simulator.
type Credentials struct {
	// APIKey is accepted as a bearer token on the home tenant only; its user is a tenant admin.
	APIKey string
	// ClientID and ClientSecret identify the home region's OAuth machine-to-machine client that, like a Qlik
	// region-level client, can mint tokens on its region's register host and on every tenant host of its region.
	ClientID     string
	ClientSecret string
}

// Tenant is a snapshot of one simulated tenant.
type Tenant struct {
	ID       string
	Name     string
	Hostname string // 127.0.0.1:<port>, the value a client passes as tenant hostname
	URL      string // http://127.0.0.1:<port>
	// AdminUserID is the tenant admin user behind the API key; it is set on the home tenant only.
	AdminUserID string
	// BotUserID is the user the OAuth client acts as in this tenant.
	BotUserID string
	// Status is the tenant's status: active, or disabled after deactivation.
	Status string
	// Region and Datacenter are where the tenant lives, e.g. "us" and "us-east-1".
	Region     string
	Datacenter string
}

// Server is a running simulator: a register host and one or more tenants, each on its own loopback listener.
type Server struct {
	opts      Options
	creds     Credentials
	scopes    []string
	cursorKey []byte
	latency   atomic.Int64
	faults    *faultInjector
	limiter   *rateLimiter
	audit     auditLog
	errorLog  *log.Logger

	regions []*simRegion // the home region first

	mu       sync.RWMutex
	closed   bool
	register *host // the home region's register host
	home     *tenantState
	hosts    map[string]*host // by hostname
	tenants  []*tenantState   // creation order
	license  string           // the key LicenseKey returns

	licenseMu sync.Mutex // guards licenses and serialises tenant creation against quotas
	licenses  map[string]*license

	done      chan struct{}
	closeOnce sync.Once
	serving   sync.WaitGroup // one per http.Server.Serve goroutine
	inflight  sync.WaitGroup // one per request inside the middleware
	active    atomic.Int64   // the same count, readable

	spoolMu   sync.Mutex
	spoolPath string // directory of spooled uploads, created on first use
	// spoolPending holds the spooled files not yet recorded in a store, which collectSpool must keep.
	spoolPending map[string]bool
}

// host is one listener with its routes: the register host or a tenant.
type host struct {
	hostname string
	url      string
	tenant   *tenantState // nil on the register host
	mux      *http.ServeMux
	srv      *http.Server
	ln       net.Listener
	tokens   *tokenStore // tokens minted here are accepted only here
	region   *simRegion  // the region the host belongs to
}

// tenantState is a tenant's live state; Tenant is its exported snapshot.
type tenantState struct {
	id          string
	host        *host
	adminUserID string
	botUserID   string
	apiKey      string // home tenant only

	usersMu sync.RWMutex
	users   map[string]bool

	// infoMu guards info, the tenant record the tenants API serves.
	infoMu sync.Mutex
	info   tenantInfo

	spaces          *collection[spaceRecord]
	apps            *collection[appRecord]
	temp            *collection[tempContent]
	access          *accessState
	idps            *collection[IdentityProvider]
	webIntegrations *collection[WebIntegration]
	cspOrigins      *collection[CSPEntry]
	sessions        *sessionStore
	scripts         *scriptStore
	reloads         *reloadStore
	dataConns       *collection[dataConnRecord]
	oauthClients    *collection[oauthClientRecord]
	workflows       *workflowState
	brands          *brandState
	archives        *archiveState
}

// tenantAPI is what the handlers of an API area on a tenant host work with: the simulator, the host that serves
// the request and its tenant. An area whose objects live in a collection adds a byID (byid.go) for the handlers
// that find, change or delete the object their path names.
type tenantAPI struct {
	s *Server
	h *host
	t *tenantState
}

// apiOn is the tenantAPI of the tenant host h.
func (s *Server) apiOn(h *host) tenantAPI { return tenantAPI{s: s, h: h, t: h.tenant} }

func (t *tenantState) snapshot() *Tenant {
	t.infoMu.Lock()
	defer t.infoMu.Unlock()
	return &Tenant{
		ID:          t.id,
		Name:        t.info.name,
		Hostname:    t.host.hostname,
		URL:         t.host.url,
		AdminUserID: t.adminUserID,
		BotUserID:   t.botUserID,
		Status:      t.info.status,
		Region:      t.info.region,
		Datacenter:  t.info.datacenter,
	}
}

func (t *tenantState) hasUser(id string) bool {
	t.usersMu.RLock()
	defer t.usersMu.RUnlock()
	return t.users[id]
}

// userCount is the number of users in the tenant, for the tenant-wide rate limit (at least 1: the OAuth client's
// bot user exists from the tenant's creation).
func (t *tenantState) userCount() int {
	t.usersMu.RLock()
	defer t.usersMu.RUnlock()
	return max(1, len(t.users))
}

// Start starts a simulator with a register host and a home tenant.
func Start(opts Options) (*Server, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if opts.ListenHost == "" {
		opts.ListenHost = "127.0.0.1"
	}
	if opts.HomeTenantName == "" {
		opts.HomeTenantName = "home"
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = DefaultTokenTTL
	}
	codes, dc, err := opts.regionsOf()
	if err != nil {
		return nil, err
	}
	opts.Datacenter, opts.Regions = dc, codes
	if opts.LicenseQuota == 0 {
		opts.LicenseQuota = defaultLicenseQuota
	}
	s := &Server{
		opts: opts,
		creds: Credentials{
			APIKey:       randomToken(64),
			ClientID:     randomHex(16),
			ClientSecret: randomHex(32),
		},
		scopes:    []string{"admin_classic", "user_default", "tenants:create", "tenants:deactivate", "tenants:reactivate"},
		cursorKey: make([]byte, 32),
		faults:    newFaultInjector(opts.Seed, opts.Faults),
		limiter:   newRateLimiter(opts.Limits, opts.RateWindow),
		hosts:     map[string]*host{},
		licenses:  map[string]*license{},
		done:      make(chan struct{}),
	}
	s.license = s.NewLicenseKey(opts.LicenseQuota)
	_, _ = rand.Read(s.cursorKey)
	s.latency.Store(int64(opts.Latency))
	if opts.Logger != nil {
		s.errorLog = slog.NewLogLogger(opts.Logger.Handler(), slog.LevelWarn)
	} else {
		// net/http logs to the standard logger by default, which would write to a test's or user's stderr.
		s.errorLog = log.New(io.Discard, "", 0)
	}

	for i, code := range codes {
		r := &simRegion{code: code, datacenter: RegionDatacenter(code), client: Credentials{ClientID: s.creds.ClientID, ClientSecret: s.creds.ClientSecret}}
		if i > 0 {
			r.client = Credentials{ClientID: randomHex(16), ClientSecret: randomHex(32)}
		}
		port := 0
		if i == 0 {
			port = opts.RegisterPort
		}
		r.ip = opts.ListenHost
		if len(codes) > 1 {
			r.ip = "127.0.0." + strconv.Itoa(i+1)
		}
		reg, err := s.newHost(r.ip, port, nil)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("start register host of region %s: %w", code, err)
		}
		reg.region = r
		r.register = reg
		s.regions = append(s.regions, r)
		s.registerOAuthRoutes(reg)
		s.registerTenantsRoutes(reg)
		if err := s.serveHost(reg); err != nil {
			_ = reg.ln.Close()
			s.Close()
			return nil, err
		}
	}
	s.register = s.regions[0].register

	home, err := s.addTenant(tenantSpec{name: opts.HomeTenantName, port: opts.HomePort, home: true})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("start home tenant: %w", err)
	}
	s.home = home
	return s, nil
}

// StartT starts a simulator for a test, fails the test if it cannot start, and closes it when the test ends.
func StartT(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatalf("qliksim: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

func (o Options) validate() error {
	if o.ListenHost != "" && net.ParseIP(o.ListenHost) == nil {
		return fmt.Errorf("qliksim: ListenHost %q is not an IP address", o.ListenHost)
	}
	for name, p := range map[string]int{"HomePort": o.HomePort, "RegisterPort": o.RegisterPort} {
		if p < 0 || p > 65535 {
			return fmt.Errorf("qliksim: %s %d out of range", name, p)
		}
	}
	if o.HomePort != 0 && o.HomePort == o.RegisterPort {
		return errors.New("qliksim: HomePort and RegisterPort must differ")
	}
	if o.Latency < 0 || o.TokenTTL < 0 || o.VisibilityDelay < 0 || o.ReloadDuration < 0 {
		return errors.New("qliksim: Latency, TokenTTL, VisibilityDelay and ReloadDuration must not be negative")
	}
	if err := o.Faults.validate(); err != nil {
		return err
	}
	for tier, n := range o.Limits {
		if n < 0 {
			return fmt.Errorf("qliksim: limit for tier %s is negative", tier)
		}
	}
	if o.RateWindow < 0 || o.RateWindow%time.Second != 0 {
		return errors.New("qliksim: RateWindow must be a positive whole number of seconds (or 0 for five minutes)")
	}
	if _, _, err := o.regionsOf(); err != nil {
		return err
	}
	if o.LicenseQuota < 0 {
		return errors.New("qliksim: LicenseQuota must not be negative")
	}
	if o.MaxAuditEntries < 0 {
		return errors.New("qliksim: MaxAuditEntries must not be negative")
	}
	return nil
}

// newHost opens a listener; the caller registers routes and then calls serveHost.
func (s *Server) newHost(ip string, port int, t *tenantState) (*host, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		if ip != s.opts.ListenHost {
			// macOS configures only 127.0.0.1 on lo0; the other loopback addresses need an alias.
			return nil, fmt.Errorf("listen on %s (the address of a further region; on macOS add it with "+
				"`sudo ifconfig lo0 alias %s up`): %w", ip, ip, err)
		}
		return nil, fmt.Errorf("listen: %w", err)
	}
	tcpAddr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		_ = ln.Close()
		return nil, fmt.Errorf("listen: unexpected address type %T", ln.Addr())
	}
	advertise := ip
	if ip := net.ParseIP(advertise); ip.IsUnspecified() {
		advertise = "127.0.0.1"
	}
	hostname := net.JoinHostPort(advertise, strconv.Itoa(tcpAddr.Port))
	h := &host{
		hostname: hostname,
		url:      "http://" + hostname,
		tenant:   t,
		mux:      http.NewServeMux(),
		ln:       ln,
		tokens:   newTokenStore(),
	}
	h.srv = &http.Server{
		Handler:           s.handler(h),
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          s.errorLog,
	}
	return h, nil
}

// serveHost publishes h and starts serving it, unless the server is already closed.
func (s *Server) serveHost(h *host) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.hosts[h.hostname] = h
	if h.tenant != nil {
		s.tenants = append(s.tenants, h.tenant)
	}
	s.serving.Add(1)
	go func() {
		defer s.serving.Done()
		// Serve always returns an error; after Close it is http.ErrServerClosed, and before that any error means
		// the listener died, which the next request will surface as a connection error.
		_ = h.srv.Serve(h.ln)
	}()
	return nil
}

// AddTenant starts another tenant in the home region on its own loopback port. The home region's OAuth client
// can mint tokens on it at once.
func (s *Server) AddTenant(name string) (*Tenant, error) {
	t, err := s.addTenant(tenantSpec{name: name})
	if err != nil {
		return nil, err
	}
	return t.snapshot(), nil
}

// tenantSpec describes a tenant to start.
type tenantSpec struct {
	name       string
	port       int
	home       bool
	datacenter string // default Options.Datacenter
	licenseKey string // the key it was created with, if any
}

func (s *Server) addTenant(spec tenantSpec) (*tenantState, error) {
	s.mu.RLock()
	closed, n := s.closed, len(s.tenants)
	s.mu.RUnlock()
	if closed {
		return nil, ErrClosed
	}
	name := spec.name
	if name == "" {
		name = "tenant-" + strconv.Itoa(n+1)
	}
	dc := spec.datacenter
	if dc == "" {
		dc = s.opts.Datacenter
	}
	t := &tenantState{
		id:              newTenantID(),
		botUserID:       newObjectID(),
		users:           map[string]bool{},
		spaces:          newCollection[spaceRecord](),
		apps:            newCollection[appRecord](),
		temp:            newCollection[tempContent](),
		idps:            newCollection[IdentityProvider](),
		webIntegrations: newCollection[WebIntegration](),
		cspOrigins:      newCollection[CSPEntry](),
		sessions:        newSessionStore(),
		scripts:         newScriptStore(),
		reloads:         newReloadStore(),
		dataConns:       newCollection[dataConnRecord](),
		workflows:       newWorkflowState(),
		brands:          &brandState{brands: newCollection[brandRecord]()},
		archives:        newArchiveState(),
	}
	stamp := formatTime(time.Now())
	t.info = tenantInfo{
		name:                              name,
		datacenter:                        dc,
		region:                            datacenterRegions[dc],
		status:                            tenantActive,
		created:                           stamp,
		lastUpdated:                       stamp,
		statusUpdatedAt:                   stamp,
		createdByUser:                     t.botUserID,
		licenseKey:                        spec.licenseKey,
		autoAssignCreateSharedSpaces:      true,
		autoAssignPrivateAnalytics:        true,
		autoAssignDataServicesContributor: true,
	}
	t.users[t.botUserID] = true
	t.seedInteractiveIdentityProvider()
	if spec.home {
		t.adminUserID = newObjectID()
		t.users[t.adminUserID] = true
		t.apiKey = s.creds.APIKey
	}
	s.initAccess(t)
	region := s.region(t.info.region)
	if region == nil {
		return nil, fmt.Errorf("qliksim: datacenter %s is in region %s, which is not simulated", dc, t.info.region)
	}
	h, err := s.newHost(region.ip, spec.port, t)
	if err != nil {
		return nil, err
	}
	t.host = h
	h.region = region
	for _, register := range tenantAreas() {
		register(s, h)
	}
	if err := s.serveHost(h); err != nil {
		_ = h.ln.Close()
		return nil, err
	}
	return t, nil
}

// tenantAreas are the API areas every tenant host serves, each as the function that registers its routes (and
// sets up any tenant state it keeps apart). A new area is one more entry here, one in inventoryKinds when a
// configuration can create its objects, and its hooks in a section of hooks.go. (A function, not a variable:
// tenant creation is itself one of the routes.)
func tenantAreas() []func(*Server, *host) {
	return []func(*Server, *host){
		(*Server).registerOAuthRoutes,
		(*Server).registerTenantsRoutes,
		(*Server).registerSpacesRoutes,
		(*Server).registerAppsRoutes,
		(*Server).registerTempContentsRoutes,
		(*Server).registerItemsRoutes,
		(*Server).registerAccessRoutes,
		(*Server).registerDirectoryRoutes,
		(*Server).registerIdentityProviderRoutes,
		(*Server).registerWebIntegrationRoutes,
		(*Server).registerCSPOriginRoutes,
		(*Server).registerLoginRoutes,
		(*Server).registerScriptsRoutes,
		(*Server).registerReloadsRoutes,
		(*Server).registerDataConnectionRoutes,
		(*Server).registerOAuthClientRoutes,
		(*Server).registerWorkflowRoutes,
		(*Server).registerBrandsRoutes,
		(*Server).registerThemesAndExtensionsRoutes,
	}
}

// Close stops every listener, drops open connections and waits for all request goroutines to finish. It is safe
// to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		hosts := make([]*host, 0, len(s.hosts))
		for _, h := range s.hosts {
			hosts = append(hosts, h)
		}
		s.mu.Unlock()
		// done wakes requests sleeping for latency; closing the connections cancels the rest.
		close(s.done)
		for _, h := range hosts {
			_ = h.srv.Close()
		}
		s.serving.Wait()
		s.inflight.Wait()
		s.removeSpool()
	})
}

// enter admits a request unless the server is closing; the caller must call leave.
func (s *Server) enter() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return false
	}
	s.inflight.Add(1)
	s.active.Add(1)
	return true
}

// leave ends a request admitted by enter.
func (s *Server) leave() {
	s.active.Add(-1)
	s.inflight.Done()
}

// inflightCount is the number of requests being handled.
func (s *Server) inflightCount() int64 { return s.active.Load() }

// Home returns the home tenant.
func (s *Server) Home() *Tenant { return s.home.snapshot() }

// Tenant returns the tenant served on hostname (127.0.0.1:<port>), or nil.
func (s *Server) Tenant(hostname string) *Tenant {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return nil
	}
	return t.snapshot()
}

// Tenants returns every tenant, the home tenant first.
func (s *Server) Tenants() []*Tenant {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*Tenant, 0, len(s.tenants))
	for _, t := range s.tenants {
		out = append(out, t.snapshot())
	}
	return out
}

// RegistrationURL is the register host's URL (http://127.0.0.1:<port>), the simulator's
// https://register.<region>.qlikcloud.com.
func (s *Server) RegistrationURL() string { return s.register.url }

// Credentials returns the API key and the home region's OAuth client.
func (s *Server) Credentials() Credentials { return s.creds }

// Environment returns the settings a provider needs, as NAME=value lines in a fixed order. The first six are
// those of a one-region run: QLIK_TENANT_URL, QLIK_API_KEY, QLIK_CLIENT_ID, QLIK_CLIENT_SECRET (the home region's
// client), QLIK_REGISTRATION_URL (the home region's register host) and QLIK_LICENSE_KEY. Then QLIK_REGION (the
// home region), QLIK_TRUSTED_HOSTS (TrustedHosts as address=region pairs, comma-separated) and, for every other
// region R, QLIK_<R>_CLIENT_ID, QLIK_<R>_CLIENT_SECRET and QLIK_<R>_REGISTRATION_URL. Values never need shell
// quoting.
func (s *Server) Environment() []string {
	home := s.homeRegion()
	env := []string{
		"QLIK_TENANT_URL=" + s.home.host.url,
		"QLIK_API_KEY=" + s.creds.APIKey,
		"QLIK_CLIENT_ID=" + home.client.ClientID,
		"QLIK_CLIENT_SECRET=" + home.client.ClientSecret,
		"QLIK_REGISTRATION_URL=" + home.register.url,
		"QLIK_LICENSE_KEY=" + s.license,
		"QLIK_REGION=" + home.code,
	}
	trusted := s.TrustedHosts()
	hosts := slices.Sorted(maps.Keys(trusted))
	pairs := make([]string, 0, len(hosts))
	for _, h := range hosts {
		pairs = append(pairs, h+"="+trusted[h])
	}
	env = append(env, "QLIK_TRUSTED_HOSTS="+strings.Join(pairs, ","))
	for _, r := range s.regions[1:] {
		up := strings.ToUpper(r.code)
		env = append(env,
			"QLIK_"+up+"_CLIENT_ID="+r.client.ClientID,
			"QLIK_"+up+"_CLIENT_SECRET="+r.client.ClientSecret,
			"QLIK_"+up+"_REGISTRATION_URL="+r.register.url,
		)
	}
	return env
}

// SetLatency changes the per-request latency.
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(max(d, 0))) }

func (s *Server) tenantByHostname(hostname string) (*tenantState, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	h, ok := s.hosts[hostname]
	if !ok || h.tenant == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownTenant, hostname)
	}
	return h.tenant, nil
}

// sleep waits d unless the request is cancelled or the server closes; it reports whether the full time passed.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}
