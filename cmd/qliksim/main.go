// Command qliksim runs the Qlik Cloud simulator standalone, for demos and for users' own CI.
//
// It prints the provider's connection settings to stdout as shell export lines, all in one write, and nothing
// else; everything else (tenant hostnames, the request log with -v) goes to stderr. It serves until SIGINT or
// SIGTERM, so a script runs it in the background and sources the settings once they are written:
//
//	qliksim -regions eu,us,de -tenants 2 > qliksim.env &
//	until [ "$(wc -l < qliksim.env)" -ge 6 ]; do sleep 0.1; done
//	. ./qliksim.env
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// auditCap bounds the in-memory audit log by default: without -admin nothing reads it, and it must not grow
// without bound.
const auditCap = 10000

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "qliksim:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("invalid command line")

const usageHeader = `Usage: qliksim [flags]
       qliksim jwt ...      sign a login JWT, or make a signing key (qliksim jwt -h)
       qliksim portal ...   serve the vendor portal of the OEM example (qliksim portal -h)

Runs an in-memory simulator of the Qlik Cloud REST API: per region (-regions, default eu) a register host and a
region-level OAuth client, and a home tenant in the first region (plus -tenants more), each on its own port. On
start it prints the connection settings as shell export lines on stdout, all in one write:

  export QLIK_TENANT_URL=http://127.0.0.1:PORT
  export QLIK_API_KEY=...
  export QLIK_CLIENT_ID=...          (the home region's OAuth client)
  export QLIK_CLIENT_SECRET=...
  export QLIK_REGISTRATION_URL=http://127.0.0.1:PORT   (the home region's register host)
  export QLIK_LICENSE_KEY=...   (a license key every register host accepts, for qlik_tenant)
  export QLIK_REGION=eu         (the home region)
  export QLIK_TRUSTED_HOSTS=127.0.0.1=eu   (the address of each region, host=region, comma-separated)

and for every further region R of -regions:

  export QLIK_<R>_CLIENT_ID=...
  export QLIK_<R>_CLIENT_SECRET=...
  export QLIK_<R>_REGISTRATION_URL=http://127.0.0.1:PORT

A register host creates tenants in its own region only, and a region's client gets tokens only on its register host
and its region's tenants, as on Qlik Cloud. Everything else goes to stderr. It serves until interrupted (SIGINT or
SIGTERM).

Tenants also serve what an embedding portal's browser uses: POST /login/jwt-session (JWT login, checking the
web integration id and the browser's Origin, with CORS), /single/?appid=...&sheet=... (a page naming the app,
sheet, user and roles, or refusing the user), and a Content-Security-Policy frame-ancestors header built from
the tenant's CSP origins.

With -admin 127.0.0.1:PORT it also serves, on that loopback address only, GET /audit?since=N (the request audit
as JSON), GET /inventory (every tenant's objects), GET /stats (audit size and 429s served) and
POST /apps?tenant=HOST&name=NAME&size=BYTES (seed a template app), and prints "qliksim: admin URL" on stderr.

Flags:
`

// run parses args, starts the simulator, prints the settings and serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "portal":
			return runPortal(ctx, args[1:], stdout, stderr)
		case "jwt":
			return runJWT(args[1:], stdout, stderr)
		}
	}
	fs := flag.NewFlagSet("qliksim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHeader)
		fs.PrintDefaults()
	}
	var (
		opts     qliksim.Options
		seed     int64
		faults   qliksim.Faults
		tenants  int
		verbose  bool
		perType  bool
		tokenTTL time.Duration
		apps     seedApps
		admin    string
		auditMax int
		regions  string
	)
	fs.StringVar(&opts.ListenHost, "listen", "127.0.0.1", "IP address to listen on. With 0.0.0.0 the printed URLs still use 127.0.0.1. With several -regions the n-th region listens on 127.0.0.n instead, and only 127.0.0.1 is accepted here.")
	fs.IntVar(&opts.HomePort, "home-port", 0, "port of the home tenant (QLIK_TENANT_URL); 0 picks a free port")
	fs.IntVar(&opts.RegisterPort, "register-port", 0, "port of the home region's register host (QLIK_REGISTRATION_URL); 0 picks a free port")
	fs.StringVar(&regions, "regions", "eu", "comma-separated region codes to simulate, the home region first, e.g. eu,us,de (of "+strings.Join(qliksim.RegionCodes(), ", ")+")")
	fs.Int64Var(&seed, "seed", 0, "seed of the fault injection, to replay a run; when omitted a random seed is used and printed on stderr")
	fs.DurationVar(&opts.Latency, "latency", 0, "latency added to every request, e.g. 20ms")
	fs.BoolVar(&opts.EnforceRateLimits, "rate-limits", false, "enforce Qlik's rate limits per tier, user and tenant over 5-minute windows (Tier 1 1000/min, Tier 2 100/min, Special tiers from the specs), plus the tenant-wide limit")
	fs.DurationVar(&opts.RateWindow, "rate-window", 0, "period over which -rate-limits are evaluated, whole seconds; 0 is Qlik's five minutes. A shorter window admits proportionally fewer requests and clears sooner (a test knob)")
	fs.Float64Var(&faults.RateLimit, "fault-429", 0, "fraction of requests answered 429 with retry-after (0 to 1)")
	fs.Float64Var(&faults.Unavailable, "fault-503", 0, "fraction of requests answered 503 (0 to 1)")
	fs.Float64Var(&faults.Reset, "fault-reset", 0, "fraction of requests whose connection is reset; writes are reset after they were committed (0 to 1)")
	fs.IntVar(&faults.RetryAfterSeconds, "fault-retry-after", 1, "retry-after seconds of injected 429 answers")
	fs.BoolVar(&faults.IncludeToken, "fault-token", false, "inject faults into /oauth/token and /oauth/revoke too")
	fs.DurationVar(&opts.VisibilityDelay, "visibility-delay", 0, "how long a new object stays invisible to reads and lists (it still counts for uniqueness)")
	fs.DurationVar(&tokenTTL, "token-ttl", qliksim.DefaultTokenTTL, "lifetime of OAuth access tokens")
	fs.IntVar(&tenants, "tenants", 0, "number of extra tenants to create at start; their hostnames are printed on stderr")
	fs.BoolVar(&perType, "space-names-unique-per-type", false, "make space names unique per space type instead of tenant-wide")
	fs.Var(&apps, "seed-app", "`name=size` of an app to store in the home tenant at start, e.g. \"Sales template=256KiB\" (size in bytes or with KiB, MiB, GiB); repeat for more apps. Their ids are printed on stderr")
	fs.BoolVar(&verbose, "v", false, "log every request to stderr")
	fs.StringVar(&admin, "admin", "", "loopback address (e.g. 127.0.0.1:0) of the admin endpoint: audit, inventory, stats, app seeding and users' private content in apps; off when empty")
	fs.IntVar(&auditMax, "audit-max", auditCap, "how many audit entries to keep (the newest); 0 keeps all, for a harness reading /audit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "qliksim: unexpected arguments: %v\n", fs.Args())
		fs.Usage()
		return errUsage
	}
	if tenants < 0 {
		return errors.New("-tenants must not be negative")
	}
	if tokenTTL <= 0 {
		return errors.New("-token-ttl must be positive")
	}
	if auditMax < 0 {
		return errors.New("-audit-max must not be negative")
	}

	seedSet := false
	fs.Visit(func(f *flag.Flag) { seedSet = seedSet || f.Name == "seed" })
	if !seedSet {
		// A seed for reproducible fault injection, not a secret, so math/rand is the right source.
		seed = rand.Int64()
	}
	opts.Seed = seed
	opts.Faults = faults
	opts.TokenTTL = tokenTTL
	opts.SpaceNamesUniquePerType = perType
	opts.MaxAuditEntries = auditMax
	for _, r := range strings.Split(regions, ",") {
		if r = strings.TrimSpace(r); r != "" {
			opts.Regions = append(opts.Regions, r)
		}
	}
	if verbose {
		opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}

	sim, err := qliksim.Start(opts)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	defer sim.Close()

	if admin != "" {
		ln, err := listenAdmin(ctx, admin)
		if err != nil {
			return err
		}
		srv := newAdminServer(sim)
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		fmt.Fprintf(stderr, "qliksim: admin http://%s\n", ln.Addr())
	}

	fmt.Fprintf(stderr, "qliksim: fault seed %d\n", seed)
	for _, r := range sim.Regions() {
		fmt.Fprintf(stderr, "qliksim: region %s (%s): register host %s\n", r.Code, r.Datacenter, r.RegistrationURL)
	}
	fmt.Fprintf(stderr, "qliksim: tenant %s: %s (region %s)\n", sim.Home().Name, sim.Home().Hostname, sim.Home().Region)
	for range tenants {
		t, err := sim.AddTenant("")
		if err != nil {
			return fmt.Errorf("create tenant: %w", err)
		}
		fmt.Fprintf(stderr, "qliksim: tenant %s: %s (region %s)\n", t.Name, t.Hostname, t.Region)
	}
	for _, a := range apps {
		id, err := sim.SeedApp(sim.Home().Hostname, a.name, "", a.size)
		if err != nil {
			return fmt.Errorf("seed app %q: %w", a.name, err)
		}
		fmt.Fprintf(stderr, "qliksim: app %q in %s: %s (%d bytes)\n", a.name, sim.Home().Name, id, a.size)
	}
	// One write, so a script that waits for the first lines never sources half of the settings.
	var settings strings.Builder
	for _, kv := range sim.Environment() {
		settings.WriteString("export " + kv + "\n")
	}
	if _, err := io.WriteString(stdout, settings.String()); err != nil {
		return fmt.Errorf("write settings: %w", err)
	}
	fmt.Fprintln(stderr, "qliksim: ready; stop with Ctrl-C")

	<-ctx.Done()
	sim.Close()
	fmt.Fprintln(stderr, "qliksim: stopped")
	return nil
}

// seedApp is one -seed-app value: a template app the vendor would have built by hand in the source tenant.
type seedApp struct {
	name string
	size int64
}

// seedApps collects repeated -seed-app flags.
type seedApps []seedApp

func (s *seedApps) String() string {
	if s == nil {
		return ""
	}
	parts := make([]string, 0, len(*s))
	for _, a := range *s {
		parts = append(parts, fmt.Sprintf("%s=%d", a.name, a.size))
	}
	return strings.Join(parts, ",")
}

// Set parses name=size; the name may contain '=' (the size is after the last one) but must not be blank.
func (s *seedApps) Set(v string) error {
	i := strings.LastIndex(v, "=")
	if i < 0 {
		return fmt.Errorf("%q is not name=size", v)
	}
	name, size := strings.TrimSpace(v[:i]), strings.TrimSpace(v[i+1:])
	if name == "" {
		return fmt.Errorf("%q has no app name", v)
	}
	n, err := parseSize(size)
	if err != nil {
		return err
	}
	*s = append(*s, seedApp{name: name, size: n})
	return nil
}

// sizeUnits are the suffixes -seed-app accepts, longest first so that "KiB" is not read as "B".
var sizeUnits = []struct {
	suffix string
	factor int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// maxSeedSize keeps a typo from asking for an app the disk cannot hold when it is exported.
const maxSeedSize = 64 << 30

// parseSize reads a byte count such as 1048576, 256KiB or 2MiB.
func parseSize(v string) (int64, error) {
	num, factor := v, int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(v, u.suffix) {
			num, factor = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > maxSeedSize/factor {
		return 0, fmt.Errorf("size %q: want a whole number of bytes up to 64GiB, optionally with KiB, MiB or GiB", v)
	}
	return n * factor, nil
}
