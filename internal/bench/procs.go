package bench

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// Binaries are the provider and the simulator, built with `go build` so that each runs as its own process, as
// users run them.
type Binaries struct {
	// ProviderDir holds terraform-provider-qlik, for dev_overrides.
	ProviderDir string
	// Qliksim is the simulator binary.
	Qliksim string
}

// Build compiles the provider and cmd/qliksim of the module containing the working directory into dir.
func Build(ctx context.Context, dir string) (Binaries, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return Binaries{}, fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	b := Binaries{ProviderDir: dir, Qliksim: filepath.Join(dir, "qliksim")}
	for _, target := range [][2]string{
		{filepath.Join(dir, "terraform-provider-qlik"), "."},
		{b.Qliksim, "./cmd/qliksim"},
	} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", target[0], target[1])
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return Binaries{}, fmt.Errorf("go build %s: %w\n%s", target[1], err, out)
		}
	}
	return b, nil
}

// SimOptions are the simulator flags a run uses.
type SimOptions struct {
	Latency    time.Duration
	RateLimits bool
	// RateWindow shortens the simulator's 5-minute rate window (0 keeps it), for suites that want many 429s
	// quickly.
	RateWindow      time.Duration
	Fault429        float64
	Fault503        float64
	FaultReset      float64
	VisibilityDelay time.Duration
	Seed            int64
	// Tenants are extra tenants created at start (the sequential replay maps the estate's tenants onto them).
	Tenants int
}

func (o SimOptions) args() []string {
	args := []string{
		"-admin", "127.0.0.1:0", "-audit-max", "0", "-seed", strconv.FormatInt(o.Seed, 10),
		"-latency", o.Latency.String(), "-visibility-delay", o.VisibilityDelay.String(),
		"-fault-429", strconv.FormatFloat(o.Fault429, 'f', -1, 64),
		"-fault-503", strconv.FormatFloat(o.Fault503, 'f', -1, 64),
		"-fault-reset", strconv.FormatFloat(o.FaultReset, 'f', -1, 64),
		"-tenants", strconv.Itoa(o.Tenants),
	}
	if o.RateLimits {
		args = append(args, "-rate-limits")
	}
	if o.RateWindow > 0 {
		args = append(args, "-rate-window", o.RateWindow.String())
	}
	return args
}

// Settings are the connection settings qliksim prints, and its admin endpoint.
type Settings struct {
	TenantURL       string
	APIKey          string
	ClientID        string
	ClientSecret    string
	RegistrationURL string
	LicenseKey      string
	// TrustedHosts is QLIK_TRUSTED_HOSTS: the simulator's addresses with their regions, without which the provider
	// sends no credentials to the simulator's tenants.
	TrustedHosts string
	AdminURL     string
}

// Sim is a qliksim process.
type Sim struct {
	Settings
	cmd    *exec.Cmd
	done   chan struct{}
	stderr *lockedBuffer
	http   *http.Client
}

var adminLine = regexp.MustCompile(`qliksim: admin (http://\S+)`)

// StartSim runs the simulator binary and waits until it prints its settings and its admin URL.
func StartSim(ctx context.Context, bin string, o SimOptions) (*Sim, error) {
	cmd := exec.CommandContext(ctx, bin, o.args()...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("qliksim stdout: %w", err)
	}
	s := &Sim{cmd: cmd, done: make(chan struct{}), stderr: &lockedBuffer{}, http: &http.Client{Timeout: 2 * time.Minute}}
	cmd.Stderr = s.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start qliksim: %w", err)
	}
	go func() { _ = cmd.Wait(); close(s.done) }()
	env := map[string]string{}
	sc := bufio.NewScanner(stdout)
	// The settings arrive in one write; QLIK_TRUSTED_HOSTS follows the six lines of a one-region run.
	for (len(env) < 6 || env["QLIK_TRUSTED_HOSTS"] == "") && sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if ok {
			env[k] = v
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	deadline := time.Now().Add(30 * time.Second)
	for s.AdminURL == "" && time.Now().Before(deadline) {
		if m := adminLine.FindStringSubmatch(s.stderr.String()); m != nil {
			s.AdminURL = m[1]
			break
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("qliksim exited: %s", s.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if len(env) < 6 || s.AdminURL == "" {
		s.Stop()
		return nil, fmt.Errorf("qliksim did not print its settings: %v\n%s", env, s.stderr.String())
	}
	s.TenantURL, s.APIKey, s.ClientID = env["QLIK_TENANT_URL"], env["QLIK_API_KEY"], env["QLIK_CLIENT_ID"]
	s.ClientSecret, s.RegistrationURL, s.LicenseKey = env["QLIK_CLIENT_SECRET"], env["QLIK_REGISTRATION_URL"], env["QLIK_LICENSE_KEY"]
	s.TrustedHosts = env["QLIK_TRUSTED_HOSTS"]
	return s, nil
}

// Stop interrupts the simulator and waits for it to exit.
func (s *Sim) Stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

func (s *Sim) admin(ctx context.Context, method, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, s.AdminURL+path, nil)
	if err != nil {
		return fmt.Errorf("admin request: %w", err)
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("admin %s %s: %s: %s", method, path, resp.Status, bytes.TrimSpace(body))
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	return nil
}

// SeedApp stores an app of size bytes in the home tenant and returns its id.
func (s *Sim) SeedApp(ctx context.Context, name string, size int64) (string, error) {
	var out struct{ ID string }
	q := url.Values{"name": {name}, "size": {strconv.FormatInt(size, 10)}}
	if err := s.admin(ctx, http.MethodPost, "/apps?"+q.Encode(), &out); err != nil {
		return "", err
	}
	return out.ID, nil
}

// Audit returns the audit entries from the since-th on.
func (s *Sim) Audit(ctx context.Context, since int) ([]qliksim.AuditEntry, error) {
	var out []qliksim.AuditEntry
	err := s.admin(ctx, http.MethodGet, "/audit?since="+strconv.Itoa(since), &out)
	return out, err
}

// Stats returns the number of audit entries and of 429s served by the rate limiter.
func (s *Sim) Stats(ctx context.Context) (entries, rateLimited int, err error) {
	var out map[string]int
	if err := s.admin(ctx, http.MethodGet, "/stats", &out); err != nil {
		return 0, 0, err
	}
	return out["audit_entries"], out["rate_limited"], nil
}

// SetFaults changes the simulator's fault rates for the following requests.
func (s *Sim) SetFaults(ctx context.Context, o SimOptions) error {
	q := url.Values{
		"429":   {strconv.FormatFloat(o.Fault429, 'f', -1, 64)},
		"503":   {strconv.FormatFloat(o.Fault503, 'f', -1, 64)},
		"reset": {strconv.FormatFloat(o.FaultReset, 'f', -1, 64)},
	}
	var out struct{}
	return s.admin(ctx, http.MethodPost, "/faults?"+q.Encode(), &out)
}

// Inventory returns every tenant's objects.
func (s *Sim) Inventory(ctx context.Context) ([]qliksim.TenantInventory, error) {
	var out []qliksim.TenantInventory
	err := s.admin(ctx, http.MethodGet, "/inventory", &out)
	return out, err
}

// startSeeded starts a simulator with o and seeds the template app of size bytes (seedTemplate). It returns the
// simulator, which the caller stops, the template's id and the home tenant as it is then.
func startSeeded(ctx context.Context, bin string, o SimOptions, size int64) (*Sim, string, qliksim.TenantInventory, error) {
	sim, err := StartSim(ctx, bin, o)
	if err != nil {
		return nil, "", qliksim.TenantInventory{}, err
	}
	template, home, err := sim.seedTemplate(ctx, size)
	if err != nil {
		sim.Stop()
		return nil, "", home, err
	}
	return sim, template, home, nil
}

// seedTemplate seeds the template app of size bytes and returns its id and the home tenant as the inventory lists
// it then: what the home tenant holds before an estate is built.
func (s *Sim) seedTemplate(ctx context.Context, size int64) (string, qliksim.TenantInventory, error) {
	var home qliksim.TenantInventory
	template, err := s.SeedApp(ctx, TemplateAppName, size)
	if err != nil {
		return "", home, err
	}
	inv, err := s.Inventory(ctx)
	if err != nil {
		return "", home, err
	}
	for _, t := range inv {
		if t.Home {
			home = t
		}
	}
	return template, home, nil
}

// Workspace is a terraform working directory that uses the built provider through dev_overrides.
type Workspace struct {
	Dir string
	env []string
}

// NewWorkspace writes config, the JWT public key it reads and a CLI configuration with dev_overrides into dir.
// The settings go in as variables; secrets through TF_VAR_* so they never appear on a command line.
func NewWorkspace(dir string, bins Binaries, config string, s Settings) (*Workspace, error) {
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"qlik-terraform/qlik\" = %q\n  }\n  direct {}\n}\n", bins.ProviderDir)
	files := map[string]string{"main.tf": config, "terraformrc": rc, "jwt_public_key.pem": jwtPublicKeyPEM}
	for name, content := range uploadFiles {
		files[name] = content
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
	}
	env := make([]string, 0, len(os.Environ())+10)
	for _, kv := range os.Environ() {
		// The configuration carries its own settings; stray QLIK_* or TF_* variables of the caller must not leak in.
		if !strings.HasPrefix(kv, "QLIK_") && !strings.HasPrefix(kv, "TF_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"TF_CLI_CONFIG_FILE="+filepath.Join(dir, "terraformrc"), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"TF_VAR_tenant_url="+s.TenantURL, "TF_VAR_registration_url="+s.RegistrationURL,
		"TF_VAR_client_id="+s.ClientID, "QLIK_TRUSTED_HOSTS="+s.TrustedHosts,
	)
	for _, sec := range Secrets {
		env = append(env, "TF_VAR_"+sec.Name+"="+sec.Value(s))
	}
	return &Workspace{Dir: dir, env: env}, nil
}

// RunOptions tune one terraform run.
type RunOptions struct {
	// Env is added to the environment, e.g. TF_LOG=TRACE.
	Env []string
	// Interrupt, when set, is polled while terraform runs; once it returns true terraform gets SIGINT.
	Interrupt func() bool
}

// RunResult is the outcome of one terraform run.
type RunResult struct {
	Duration time.Duration
	ExitCode int
	Output   string
	// ProviderPeakRSS is the largest VmHWM of any provider process terraform started, in bytes.
	ProviderPeakRSS int64
	// Interrupted tells whether SIGINT was sent.
	Interrupted bool
}

// Terraform runs the terraform CLI in the workspace, sampling the provider's peak RSS.
func (w *Workspace) Terraform(ctx context.Context, o RunOptions, args ...string) (RunResult, error) {
	cmd := exec.CommandContext(ctx, terraformPath(), args...)
	cmd.Dir = w.Dir
	cmd.Env = append(append([]string(nil), w.env...), o.Env...)
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return RunResult{}, fmt.Errorf("start terraform: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	res := RunResult{}
	sampler := newRSSSampler(cmd.Process.Pid)
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	var err error
loop:
	for {
		select {
		case err = <-done:
			break loop
		case <-tick.C:
			sampler.sample()
			if o.Interrupt != nil && !res.Interrupted && o.Interrupt() {
				_ = cmd.Process.Signal(os.Interrupt)
				res.Interrupted = true
			}
		}
	}
	res.Duration = time.Since(start)
	res.Output = out.String()
	res.ProviderPeakRSS = sampler.peak
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		res.ExitCode = exit.ExitCode()
	default:
		return res, fmt.Errorf("terraform %v: %w", args, err)
	}
	return res, nil
}

func terraformPath() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return "terraform"
}

// rssSampler reads VmHWM (the kernel's peak resident set size of a process) of every provider process whose
// parent is terraform. VmHWM only grows, so sampling every 25 ms loses at most the growth of a process's last
// 25 ms before it exits.
type rssSampler struct {
	parent int
	peak   int64
}

func newRSSSampler(parent int) *rssSampler { return &rssSampler{parent: parent} }

func (r *rssSampler) sample() {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		fields := procStatus(status)
		if fields["PPid"] != strconv.Itoa(r.parent) || !strings.HasPrefix(fields["Name"], "terraform-provi") || pid == r.parent {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(fields["VmHWM"], " kB"), 10, 64)
		if err == nil && kb*1024 > r.peak {
			r.peak = kb * 1024
		}
	}
}

// procStatus parses /proc/<pid>/status into its fields.
func procStatus(b []byte) map[string]string {
	out := map[string]string{}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			out[k] = strings.TrimSpace(v)
		}
	}
	return out
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// jwtPublicKeyPEM is the public half of a key generated once per process: the identity providers only need a
// well-formed RSA public key.
var jwtPublicKeyPEM = func() string {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(fmt.Sprintf("generate RSA key: %v", err))
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		panic(fmt.Sprintf("marshal RSA public key: %v", err))
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}()

// uploadFiles are the files the estate uploads, written beside main.tf: the app file qlik_app_import imports, the
// brand's logo (a PNG signature) and favicon (an ICO signature), and the theme's and extension's archives.
var uploadFiles = map[string]string{
	"theme.zip":     qextZip("vendor-theme", `{"name": "Vendor theme", "type": "theme", "version": "1.0.0"}`),
	"extension.zip": qextZip("vendor-kpi", `{"name": "Vendor KPI", "type": "visualization", "version": "1.0.0"}`),
	"release.qvf":   strings.Repeat("qlik_app_import bench release\n", 2048),
	"logo.png":      "\x89PNG\r\n\x1a\n" + strings.Repeat("logo", 1024),
	"favicon.ico":   "\x00\x00\x01\x00" + strings.Repeat("icon", 256),
}

// qextZip is a zip archive holding name/name.qext with the given JSON, as Qlik Sense themes and extensions are packed.
func qextZip(name, qext string) string {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	if w, err := zw.Create(name + "/" + name + ".qext"); err == nil {
		_, _ = w.Write([]byte(qext))
	}
	_ = zw.Close()
	return b.String()
}
