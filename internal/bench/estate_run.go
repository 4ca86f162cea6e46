package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// Parallelism is terraform's default -parallelism, used for every run and for the lower bound.
const Parallelism = 10

// Estate is an N-customer configuration in a workspace, with the simulator it runs against.
type Estate struct {
	N     int
	Kinds []Kind
	Sim   *Sim
	WS    *Workspace
	// home is the home tenant's inventory before the first apply: the template and nothing the estate owns.
	home qliksim.TenantInventory
}

// TemplateSize is the size of the template app every customer gets a copy of: small, so that the estate's
// time is made of API calls rather than bytes.
const TemplateSize = 256 << 10

// NewEstate starts a simulator with o, seeds the template app of templateSize bytes and writes the
// configuration for n customers into dir.
func NewEstate(ctx context.Context, bins Binaries, dir string, n int, kinds []Kind, o SimOptions, templateSize int64) (*Estate, error) {
	sim, _, home, err := startSeeded(ctx, bins.Qliksim, o, templateSize)
	if err != nil {
		return nil, err
	}
	e := &Estate{N: n, Kinds: kinds, Sim: sim, home: home}
	if err := e.init(bins, dir); err != nil {
		sim.Stop()
		return nil, err
	}
	return e, nil
}

// init writes the estate's configuration into dir.
func (e *Estate) init(bins Binaries, dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("workspace: %w", err)
	}
	var err error
	e.WS, err = NewWorkspace(dir, bins, Config(e.N, e.Kinds), e.Sim.Settings)
	return err
}

// Close stops the simulator.
func (e *Estate) Close() { e.Sim.Stop() }

// Resources is the number of managed resources of the estate.
func (e *Estate) Resources() int { return e.N * ResourcesPerCustomer(e.Kinds) }

// Apply runs terraform apply.
func (e *Estate) Apply(ctx context.Context, o RunOptions) (RunResult, error) {
	return e.WS.Terraform(ctx, o, "apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", Parallelism))
}

// Plan runs terraform plan with -detailed-exitcode: exit code 0 means no change, 2 changes.
func (e *Estate) Plan(ctx context.Context, o RunOptions) (RunResult, error) {
	return e.WS.Terraform(ctx, o, "plan", "-detailed-exitcode", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", Parallelism))
}

// StateFile is the path of the local state.
func (e *Estate) StateFile() string { return filepath.Join(e.WS.Dir, "terraform.tfstate") }

// CheckInventory compares what the simulator holds with what the configuration declares: exactly N customer
// tenants, all active, each holding exactly ExpectedObjects of every kind with no two objects sharing a natural
// key, and a home tenant holding exactly what it held before the first apply. It returns every difference.
func (e *Estate) CheckInventory(ctx context.Context) ([]string, error) {
	inv, err := e.Sim.Inventory(ctx)
	if err != nil {
		return nil, err
	}
	return checkInventory(inv, e.home, e.N, ExpectedObjects(e.Kinds)), nil
}

func checkInventory(inv []qliksim.TenantInventory, home qliksim.TenantInventory, n int, want map[string]int) []string {
	var problems []string
	customers := 0
	for _, t := range inv {
		if t.Home {
			if fmt.Sprint(t.Objects) != fmt.Sprint(home.Objects) {
				problems = append(problems, fmt.Sprintf("home tenant holds %v, want only %v", t.Objects, home.Objects))
			}
			continue
		}
		customers++
		if t.Status != "active" {
			problems = append(problems, fmt.Sprintf("tenant %s (%s) is %s", t.Name, t.Hostname, t.Status))
		}
		got := map[string]int{}
		seen := map[string]bool{}
		for _, o := range t.Objects {
			got[o.Kind]++
			if key := o.Kind + " " + o.Key; seen[key] {
				problems = append(problems, fmt.Sprintf("tenant %s: duplicate %s %q", t.Name, o.Kind, o.Key))
			} else {
				seen[key] = true
			}
		}
		kinds := map[string]bool{}
		for k := range got {
			kinds[k] = true
		}
		for k := range want {
			kinds[k] = true
		}
		for _, k := range sortedKeys(kinds) {
			if got[k] != want[k] {
				problems = append(problems, fmt.Sprintf("tenant %s holds %d %s objects, want %d", t.Name, got[k], k, want[k]))
			}
		}
	}
	if customers != n {
		names := make([]string, 0, len(inv))
		for _, t := range inv {
			names = append(names, t.Name)
		}
		problems = append(problems, fmt.Sprintf("the simulator holds %d customer tenants (%s), want %d", customers, strings.Join(names, ", "), n))
	}
	return problems
}
