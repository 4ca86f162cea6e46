package bench

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// WorkspacesResult is K single-customer workspaces applied at once against one simulator, as a vendor with one
// Terraform Cloud workspace per tenant runs an onboarding wave: K terraform processes, each with its own provider
// process and state, sharing one OAuth client and so Qlik's per-user windows on the register host and the source
// tenant.
type WorkspacesResult struct {
	K int `json:"k"`
	// Failed counts applies that exited non-zero.
	Failed int `json:"failed"`
	// NonEmptyPlans counts the plans after the applies that were not empty (or failed).
	NonEmptyPlans int `json:"non_empty_plans"`
	// Duplicates counts customer tenants beyond one per customer name, and objects sharing a natural key within
	// a tenant.
	Duplicates int `json:"duplicates"`
	// Seconds is the wall time from starting the K applies to the last one's end.
	Seconds float64 `json:"seconds"`
	// SlowestApplySeconds is the longest single apply.
	SlowestApplySeconds float64 `json:"slowest_apply_seconds"`
	// PlanSeconds is the wall time of the K plans, run at once.
	PlanSeconds float64 `json:"plan_seconds"`
	// RateLimited is the number of 429s the simulator's rate limiter served during the applies and plans.
	RateLimited int `json:"rate_limited"`
	// Requests is the number of requests the simulator served during the applies.
	Requests int `json:"requests"`
	// Problems lists every failure: failed applies (with an excerpt), non-empty plans, inventory differences.
	Problems []string `json:"problems"`
}

// Passed tells whether every apply succeeded, every plan was empty and the simulator holds exactly the estate.
func (r WorkspacesResult) Passed() bool { return len(r.Problems) == 0 }

// customerModuleObjects is what one instance of examples/oem-multitenant/modules/customer leaves in its tenant
// with the groups of workspaceConfig: two spaces, the copy and its published app, the data connection, two groups
// with three space assignments between them, the three embedding objects, the portal's OAuth client and the
// published app's reload schedule (the module makes no webhook without alerts).
var customerModuleObjects = map[string]int{
	"space": 2, "app": 2, "data_connection": 1, "group": 2, "space_assignment": 3,
	"identity_provider_jwtAuth": 1, "web_integration": 1, "csp_origin": 1, "oauth_client": 1, "reload_schedule": 1,
}

// workspaceConfig is the root module of one single-customer workspace: the provider, the template lookup and the
// OEM example's customer module for one customer.
func workspaceConfig(key string) string {
	return rootModuleHeader + `
variable "client_secret" {
  type      = string
  sensitive = true
}

variable "license_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "db_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

module "customer" {
  source = "../modules/customer"

  key                 = "` + key + `"
  name                = "Customer ` + key + `"
  datacenter          = "eu-west-1"
  license_key         = var.license_key
  deletion_protection = false

  template_app_id  = data.qlik_app.template.id
  template_version = "2026.1"
  app_name         = "Sales"

  database = {
    host     = "` + key + `.db.example.internal"
    name     = "` + key + `"
    schema   = "sales"
    username = "qlik_reader"
  }
  database_password = var.db_password
  groups = {
    "` + key + `-analysts" = {
      roles                 = ["EmbeddedAnalyticsUser"]
      published_space_roles = ["consumer"]
    }
    "` + key + `-admins" = {
      roles                   = ["EmbeddedAnalyticsUser", "SharedSpaceCreator"]
      published_space_roles   = ["consumer", "facilitator"]
      development_space_roles = ["producer"]
    }
  }

  portal = {
    origin         = "https://portal.example.com"
    jwt_issuer     = "https://portal.example.com"
    jwt_key_id     = "portal-2026"
    public_key_pem = file("${path.module}/jwt_public_key.pem")
  }
  embed_sheets = { overview = "JpXmPa" }
}

output "tenant_id" {
  value = module.customer.tenant_id
}
`
}

// customerModuleDir is the OEM example's customer module in the module containing the working directory.
func customerModuleDir(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	return filepath.Join(filepath.Dir(strings.TrimSpace(string(out))), "examples", "oem-multitenant", "modules", "customer"), nil
}

// copyDir copies the regular files of src (recursively) into dst.
func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o600)
	})
}

// RunWorkspaces applies k single-customer workspaces at once against one simulator started with o, then plans
// them all at once, and checks the simulator's inventory: k customer tenants, each holding exactly what the
// customer module declares, no duplicate, and a home tenant holding only what it held before.
func RunWorkspaces(ctx context.Context, bins Binaries, dir string, k int, o SimOptions) (WorkspacesResult, error) {
	res := WorkspacesResult{K: k}
	sim, _, home, err := startSeeded(ctx, bins.Qliksim, o, TemplateSize)
	if err != nil {
		return res, err
	}
	defer sim.Stop()
	src, err := customerModuleDir(ctx)
	if err != nil {
		return res, err
	}
	if err := copyDir(src, filepath.Join(dir, "modules", "customer")); err != nil {
		return res, fmt.Errorf("copy the customer module: %w", err)
	}
	spaces := make([]*Workspace, k)
	for i := range k {
		wdir := filepath.Join(dir, CustomerKey(i))
		if err := os.MkdirAll(wdir, 0o700); err != nil {
			return res, fmt.Errorf("workspace: %w", err)
		}
		if spaces[i], err = NewWorkspace(wdir, bins, workspaceConfig(CustomerKey(i)), sim.Settings); err != nil {
			return res, err
		}
		// `terraform get` installs the local module without asking a registry about the provider.
		r, err := spaces[i].Terraform(ctx, RunOptions{}, "get", "-no-color")
		if err != nil {
			return res, err
		}
		if r.ExitCode != 0 {
			return res, fmt.Errorf("terraform get in %s:\n%s", wdir, excerpt(r.Output))
		}
	}

	runAll := func(args ...string) ([]RunResult, time.Duration, error) {
		results := make([]RunResult, k)
		errs := make([]error, k)
		start := time.Now()
		var wg sync.WaitGroup
		for i, ws := range spaces {
			wg.Go(func() { results[i], errs[i] = ws.Terraform(ctx, RunOptions{}, args...) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return results, 0, err
			}
		}
		return results, time.Since(start), nil
	}

	applies, wall, err := runAll("apply", "-auto-approve", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", Parallelism))
	if err != nil {
		return res, err
	}
	res.Seconds = wall.Seconds()
	for i, r := range applies {
		res.SlowestApplySeconds = max(res.SlowestApplySeconds, r.Duration.Seconds())
		if r.ExitCode != 0 {
			res.Failed++
			res.Problems = append(res.Problems, fmt.Sprintf("apply of %s failed:\n%s", CustomerKey(i), excerpt(r.Output)))
		}
	}
	if res.Requests, _, err = sim.Stats(ctx); err != nil {
		return res, err
	}
	plans, planWall, err := runAll("plan", "-detailed-exitcode", "-input=false", "-no-color", fmt.Sprintf("-parallelism=%d", Parallelism))
	if err != nil {
		return res, err
	}
	res.PlanSeconds = planWall.Seconds()
	for i, r := range plans {
		if r.ExitCode != 0 {
			res.NonEmptyPlans++
			res.Problems = append(res.Problems, fmt.Sprintf("plan of %s after its apply exited %d:\n%s", CustomerKey(i), r.ExitCode, excerpt(r.Output)))
		}
	}
	if _, res.RateLimited, err = sim.Stats(ctx); err != nil {
		return res, err
	}
	inv, err := sim.Inventory(ctx)
	if err != nil {
		return res, err
	}
	res.Duplicates = countDuplicates(inv)
	res.Problems = append(res.Problems, checkInventory(inv, home, k, customerModuleObjects)...)
	return res, nil
}

// countDuplicates counts the tenants beyond the first of each name and the objects beyond the first of each kind
// and natural key within a tenant.
func countDuplicates(inv []qliksim.TenantInventory) int {
	n := 0
	names := map[string]int{}
	for _, t := range inv {
		names[t.Name]++
		seen := map[string]bool{}
		for _, o := range t.Objects {
			key := o.Kind + " " + o.Key
			if seen[key] {
				n++
			}
			seen[key] = true
		}
	}
	for _, count := range names {
		n += count - 1
	}
	return n
}
