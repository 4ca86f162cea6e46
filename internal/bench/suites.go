package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// FaultOptions are the faults of the fault suite: 20 % 429, 10 % 503, 2 % connection resets (writes reset after
// they were committed) and objects invisible for a moment after their create.
func FaultOptions(seed int64) SimOptions {
	return SimOptions{Fault429: 0.20, Fault503: 0.10, FaultReset: 0.02, VisibilityDelay: 300 * time.Millisecond, Seed: seed}
}

// SuiteResult is the outcome of a fault or interrupt suite; Problems is empty when it passed.
type SuiteResult struct {
	Name      string   `json:"name"`
	Customers int      `json:"customers"`
	Resources int      `json:"resources"`
	Seed      int64    `json:"seed"`
	Seconds   float64  `json:"seconds"`
	Injected  int      `json:"injected_faults,omitempty"`
	Detail    string   `json:"detail,omitempty"`
	Problems  []string `json:"problems"`
}

// Passed tells whether the suite found nothing wrong.
func (r SuiteResult) Passed() bool { return len(r.Problems) == 0 }

// RunFaultSuite applies an n-customer estate against a simulator injecting FaultOptions, then requires that the
// apply succeeded, that the next plan (still under faults) is empty and that the simulator holds exactly the
// declared objects.
//
// Before that, every customer tenant holds objects made outside the configuration with the natural keys (and
// fields) of the declared spaces, web integration, CSP origin, JWT identity provider, custom role and administrator
// user (decoyKinds).
// The first apply under faults must fail on them without adopting, changing or deleting any; once their owner
// removes them, the second apply must converge.
//
// The customer tenants are created first, without faults: the provider deliberately never repeats a tenant
// create whose outcome is unknown (a tenant has no natural key to look up, and a second POST could put a second
// tenant on the license), so an injected 503 or reset on POST /api/v1/tenants fails the apply by design. Every
// other request of the estate, tenant reads and updates included, runs under faults.
func RunFaultSuite(ctx context.Context, bins Binaries, dir string, n int, seed int64) (SuiteResult, error) {
	res := SuiteResult{Name: "faults", Customers: n, Seed: seed}
	start := time.Now()
	faults := FaultOptions(seed)
	e, err := NewEstate(ctx, bins, dir, n, Kinds, SimOptions{VisibilityDelay: faults.VisibilityDelay, Seed: seed}, TemplateSize)
	if err != nil {
		return res, err
	}
	defer e.Close()
	res.Resources = e.Resources()
	tenants, err := e.WS.Terraform(ctx, RunOptions{}, "apply", "-auto-approve", "-input=false", "-no-color", "-target=qlik_tenant.customer")
	if err != nil {
		return res, err
	}
	if tenants.ExitCode != 0 {
		return res, fmt.Errorf("creating the customer tenants without faults failed:\n%s", excerpt(tenants.Output))
	}
	before, _, err := e.Sim.Stats(ctx)
	if err != nil {
		return res, err
	}
	decoys, err := e.plantDecoys(ctx)
	if err != nil {
		return res, err
	}
	if err := e.Sim.SetFaults(ctx, faults); err != nil {
		return res, err
	}
	blocked, err := e.Apply(ctx, RunOptions{})
	if err != nil {
		return res, err
	}
	if blocked.ExitCode == 0 {
		res.Problems = append(res.Problems, "the apply over pre-existing objects with the declared names succeeded")
	}
	if n, want := conflictErrors(blocked.Output), len(decoys); n < want {
		res.Problems = append(res.Problems, fmt.Sprintf("the apply over %d pre-existing objects reported %d conflicts:\n%s", want, n, excerpt(blocked.Output)))
	}
	res.Problems = append(res.Problems, e.checkDecoys(ctx, decoys, before)...)
	if err := e.removeDecoys(ctx, decoys); err != nil {
		return res, err
	}
	problems, err := e.applyAndVerify(ctx, "apply under faults")
	if err != nil {
		return res, err
	}
	res.Problems = append(res.Problems, problems...)
	if audit, err := e.Sim.Audit(ctx, before); err == nil {
		st := Stats(audit)
		res.Injected = st.Injected
		res.Detail = fmt.Sprintf("%d requests under faults, %d of them answered by an injected 429, 503 or reset", st.Requests, st.Injected)
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// RunInterruptSuite applies an n-customer estate and sends terraform SIGINT once the simulator has served a
// request count drawn from seed (between 10 % and 70 % of what a full apply makes), then applies again and
// requires an empty plan and exactly the declared objects.
func RunInterruptSuite(ctx context.Context, bins Binaries, dir string, n int, seed int64) (SuiteResult, error) {
	res := SuiteResult{Name: "interrupt", Customers: n, Seed: seed}
	start := time.Now()
	e, err := NewEstate(ctx, bins, dir, n, Kinds, SimOptions{Latency: 20 * time.Millisecond, Seed: seed}, TemplateSize)
	if err != nil {
		return res, err
	}
	defer e.Close()
	res.Resources = e.Resources()
	// About 31 requests per customer and 3 for the template (see Kinds); the seeded draw picks the point.
	full := 3 + 31*n
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed)) //nolint:gosec // a reproducible choice, not a secret
	at := full/10 + rng.IntN(full*6/10)
	before, _, err := e.Sim.Stats(ctx)
	if err != nil {
		return res, err
	}
	interrupt := func() bool {
		served, _, err := e.Sim.Stats(ctx)
		return err == nil && served-before >= at
	}
	first, err := e.Apply(ctx, RunOptions{Interrupt: interrupt})
	if err != nil {
		return res, err
	}
	inState, _ := stateResources(e.StateFile())
	res.Detail = fmt.Sprintf("SIGINT after %d requests; terraform exited %d with %d of %d resources in state", at, first.ExitCode, inState, res.Resources)
	switch {
	case !first.Interrupted:
		res.Problems = append(res.Problems, fmt.Sprintf("the apply finished before request %d, so it was never interrupted", at))
	case first.ExitCode == 0 && inState == res.Resources:
		res.Problems = append(res.Problems, "the interrupted apply still completed every resource: the interrupt came too late to test anything")
	}
	problems, err := e.applyAndVerify(ctx, "apply after the interrupt")
	if err != nil {
		return res, err
	}
	res.Problems = append(res.Problems, problems...)
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// applyAndVerify applies the estate once more and returns what is wrong: the apply failed (what names it), or
// the estate has not converged (verifyConverged).
func (e *Estate) applyAndVerify(ctx context.Context, what string) ([]string, error) {
	apply, err := e.Apply(ctx, RunOptions{})
	if err != nil {
		return nil, err
	}
	var problems []string
	if apply.ExitCode != 0 {
		problems = append(problems, what+" failed:\n"+excerpt(apply.Output))
	}
	return append(problems, e.verifyConverged(ctx)...), nil
}

// verifyConverged requires an empty plan, every resource in state and exactly the declared objects.
func (e *Estate) verifyConverged(ctx context.Context) []string {
	var problems []string
	plan, err := e.Plan(ctx, RunOptions{})
	switch {
	case err != nil:
		problems = append(problems, "plan: "+err.Error())
	case plan.ExitCode != 0:
		problems = append(problems, fmt.Sprintf("the plan after apply is not empty (exit %d):\n%s", plan.ExitCode, tail(plan.Output, 60)))
	}
	if n, err := stateResources(e.StateFile()); err != nil || n != e.Resources() {
		problems = append(problems, fmt.Sprintf("the state holds %d managed resource instances, want %d (%v)", n, e.Resources(), err))
	}
	inv, err := e.CheckInventory(ctx)
	if err != nil {
		return append(problems, "inventory: "+err.Error())
	}
	return append(problems, inv...)
}

// stateResources counts the managed resource instances in a state file.
func stateResources(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("read state: %w", err)
	}
	var st struct {
		Resources []struct {
			Mode      string            `json:"mode"`
			Instances []json.RawMessage `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return 0, fmt.Errorf("decode state: %w", err)
	}
	n := 0
	for _, r := range st.Resources {
		if r.Mode == "managed" {
			n += len(r.Instances)
		}
	}
	return n, nil
}

// apiKeyConfig exercises the API key: it authenticates the provider to the home tenant and makes a space there.
const apiKeyConfig = `terraform {
  required_providers {
    qlik = {
      source = "qlik-terraform/qlik"
    }
  }
}

variable "tenant_url" {
  type = string
}

variable "api_key" {
  type      = string
  sensitive = true
}

provider "qlik" {
  tenant_url = var.tenant_url
  api_key    = var.api_key
}

resource "qlik_space" "home" {
  name = "Secrets suite"
  type = "shared"
}
`

// RunSecretsSuite applies a one-customer estate (client secret, license key and every kind with a secret) and a
// configuration authenticated by API key, both with TF_LOG=TRACE into a file, and requires that no value of
// Secrets appears in a log, in the CLI output or in a state file, and that no secret Qlik generated (an OAuth
// client's, kept in the state by design) appears in a log or in the CLI output.
func RunSecretsSuite(ctx context.Context, bins Binaries, dir string, seed int64) (SuiteResult, error) {
	res := SuiteResult{Name: "secrets", Customers: 1, Seed: seed}
	start := time.Now()
	e, err := NewEstate(ctx, bins, filepath.Join(dir, "estate"), 1, Kinds, SimOptions{Seed: seed}, TemplateSize)
	if err != nil {
		return res, err
	}
	defer e.Close()
	res.Resources = e.Resources() + 1
	keyDir := filepath.Join(dir, "api-key")
	if err := os.MkdirAll(keyDir, 0o700); err != nil {
		return res, fmt.Errorf("workspace: %w", err)
	}
	keyWS, err := NewWorkspace(keyDir, bins, apiKeyConfig, e.Sim.Settings)
	if err != nil {
		return res, err
	}
	var outputs []string
	for _, ws := range []*Workspace{e.WS, keyWS} {
		env := []string{"TF_LOG=TRACE", "TF_LOG_PATH=" + filepath.Join(ws.Dir, "trace.log")}
		for _, args := range [][]string{
			{"apply", "-auto-approve", "-input=false", "-no-color"},
			{"plan", "-detailed-exitcode", "-input=false", "-no-color"},
		} {
			r, err := ws.Terraform(ctx, RunOptions{Env: env}, args...)
			if err != nil {
				return res, err
			}
			if r.ExitCode != 0 {
				res.Problems = append(res.Problems, fmt.Sprintf("terraform %s in %s exited %d:\n%s", args[0], filepath.Base(ws.Dir), r.ExitCode, excerpt(r.Output)))
			}
			outputs = append(outputs, r.Output)
		}
	}
	var files []string
	for _, ws := range []*Workspace{e.WS, keyWS} {
		files = append(files, filepath.Join(ws.Dir, "trace.log"), filepath.Join(ws.Dir, "terraform.tfstate"), filepath.Join(ws.Dir, "terraform.tfstate.backup"))
	}
	lines := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) && strings.HasSuffix(f, ".backup") {
			continue
		}
		if err != nil {
			res.Problems = append(res.Problems, fmt.Sprintf("read %s: %v", f, err))
			continue
		}
		if len(b) == 0 {
			res.Problems = append(res.Problems, f+" is empty: nothing was logged or stored, so nothing was checked")
		}
		lines += strings.Count(string(b), "\n")
		res.Problems = append(res.Problems, findSecrets(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), string(b), e.Sim.Settings)...)
	}
	for i, out := range outputs {
		res.Problems = append(res.Problems, findSecrets(fmt.Sprintf("CLI output %d", i+1), out, e.Sim.Settings)...)
	}
	// Secrets Qlik generates (an OAuth client's secret, shown once) are kept in the state by design, as sensitive
	// values; they must appear nowhere else.
	generated, err := generatedSecrets(filepath.Join(e.WS.Dir, "terraform.tfstate"))
	if err != nil {
		res.Problems = append(res.Problems, err.Error())
	}
	if len(generated) == 0 {
		res.Problems = append(res.Problems, "the state holds no generated OAuth client secret: nothing was checked for it")
	}
	for _, ws := range []*Workspace{e.WS, keyWS} {
		b, _ := os.ReadFile(filepath.Join(ws.Dir, "trace.log"))
		res.Problems = append(res.Problems, findValues(filepath.Base(ws.Dir)+"/trace.log", string(b), generated)...)
	}
	for i, out := range outputs {
		res.Problems = append(res.Problems, findValues(fmt.Sprintf("CLI output %d", i+1), out, generated)...)
	}
	res.Detail = fmt.Sprintf("%d lines of TRACE logs and state checked for %d secret kinds", lines, len(Secrets))
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// generatedSecrets returns the client_secret of every qlik_oauth_client instance in a state file.
func generatedSecrets(statePath string) (map[string]string, error) {
	b, err := os.ReadFile(statePath)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", statePath, err)
	}
	var st struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				IndexKey   any `json:"index_key"`
				Attributes struct {
					ClientSecret string `json:"client_secret"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("parse %s: %w", statePath, err)
	}
	out := map[string]string{}
	for _, r := range st.Resources {
		if r.Type != "qlik_oauth_client" {
			continue
		}
		for _, in := range r.Instances {
			if in.Attributes.ClientSecret != "" {
				out[fmt.Sprintf("OAuth client secret of %v", in.IndexKey)] = in.Attributes.ClientSecret
			}
		}
	}
	return out, nil
}

// findValues reports every line of text containing one of values (name → value).
func findValues(name, text string, values map[string]string) []string {
	var found []string
	for what, v := range values {
		for i, line := range strings.Split(text, "\n") {
			if strings.Contains(line, v) {
				found = append(found, fmt.Sprintf("%s line %d holds the %s", name, i+1, what))
			}
		}
	}
	return found
}

// findSecrets reports every line of text containing a value of Secrets.
func findSecrets(name, text string, s Settings) []string {
	var found []string
	for _, sec := range Secrets {
		v := sec.Value(s)
		if len(v) < 8 {
			found = append(found, fmt.Sprintf("secret %s is too short (%d bytes) to search for reliably", sec.Name, len(v)))
			continue
		}
		for i, line := range strings.Split(text, "\n") {
			if strings.Contains(line, v) {
				found = append(found, fmt.Sprintf("%s line %d holds the %s", name, i+1, sec.Name))
			}
		}
	}
	return found
}

// conflictErrors counts terraform's "Unable to create" errors that point the user at an import: the answer to
// an object that exists already.
func conflictErrors(out string) int {
	n := 0
	for _, part := range strings.Split(out, "\nError: ")[1:] {
		block, _, _ := strings.Cut(part, "\n\n\n")
		if strings.HasPrefix(block, "Unable to create") && strings.Contains(block, "import") {
			n++
		}
	}
	return n
}

// excerpt returns terraform's error messages in out, or its last 40 lines when it printed none.
func excerpt(out string) string {
	var blocks []string
	for _, part := range strings.Split(out, "\nError: ")[1:] {
		block, _, _ := strings.Cut(part, "\n\n\n")
		blocks = append(blocks, "Error: "+strings.TrimSpace(block))
	}
	if len(blocks) == 0 {
		return tail(out, 40)
	}
	return strings.Join(blocks, "\n")
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
