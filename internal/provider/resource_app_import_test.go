package provider_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// writeTestFile writes size pseudo-random bytes (a different content per seed) to dir/name and returns the path
// and the content's SHA-256.
func writeTestFile(t *testing.T, dir, name string, size int, seed uint64) (string, string) {
	t.Helper()
	b := make([]byte, size)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return p, hex.EncodeToString(sum[:])
}

type appImportConfig struct{ source, name, description, space string }

func (c appImportConfig) hcl(provider string) string {
	return testConfig(provider, "TestAccAppImport", tfVars{
		"file": c.source, "name": c.name, "description": orNull(c.description), "space": c.space,
	})
}

// expectOneImport checks that the tenant holds exactly one app, the one in state, with the name and the bytes of
// the file whose SHA-256 is sum.
func (e *testEnv) expectOneImport(name, sum string, id *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		home := e.sim.Home().Hostname
		apps := e.appsIn(home)
		if len(apps) != 1 || apps[0].Attributes.ID != *id || apps[0].Attributes.Name != name {
			return fmt.Errorf("tenant holds %+v, want exactly the app %s named %q", apps, *id, name)
		}
		if got, err := e.sim.AppChecksum(home, *id); err != nil || got != sum {
			return fmt.Errorf("the app's content has SHA-256 %s (%w), the file %s", got, err, sum)
		}
		return nil
	}
}

func (e *testEnv) uploads() int {
	return e.sim.AuditCount(http.MethodPost, "/api/v1/temp-contents", e.sim.Home().Hostname)
}

func (e *testEnv) imports() int {
	return e.sim.AuditCount(http.MethodPost, "/api/v1/apps/import", e.sim.Home().Hostname)
}

var appImportImportIgnore = []string{"source", "source_sha256", "timeouts"}

// TestAccAppImport_lifecycle imports a file, verifies import by id and by host/id, renames and moves the app in
// place, follows the file to a new path without importing again, and replaces the app when the content changes.
func TestAccAppImport_lifecycle(t *testing.T) {
	e, home := newTestEnv(t)
	dir := t.TempDir()
	v1, sum1 := writeTestFile(t, dir, "sales.qvf", 2<<20, 1)
	moved := filepath.Join(dir, "renamed.qvf")
	v2, sum2 := writeTestFile(t, dir, "sales-v2.qvf", 1<<20, 2)
	var first, id string
	base := appImportConfig{source: v1, name: "Sales", description: "From version control", space: "a"}
	renamed := appImportConfig{source: v1, name: "Sales (EMEA)", space: "b"}
	newPath := renamed
	newPath.source = moved
	newContent := renamed
	newContent.source = v2

	e.testCase(t, resource.TestCase{
		CheckDestroy: noneLeftAfterDestroy("apps", countIn(e.sim.Apps, home.Hostname)),
		Steps: []resource.TestStep{
			{
				PreConfig: e.sim.ResetAudit,
				Config:    base.hcl(e.oauthProvider()),
				ConfigStateChecks: []statecheck.StateCheck{
					hasString("qlik_app_import.test", "name", "Sales"),
					hasString("qlik_app_import.test", "description", "From version control"),
					hasString("qlik_app_import.test", "source_sha256", sum1),
					hasString("qlik_app_import.test", "owner_id", home.BotUserID),
					sameValue("qlik_app_import.test", "space_id", "qlik_space.a", "id"),
				},
				// The hash is known at plan, so what depends on it (a reload's triggers) plans exactly.
				ConfigPlanChecks: planThenEmpty("qlik_app_import.test", plancheck.ResourceActionCreate,
					plannedValue("qlik_app_import.test", "source_sha256", knownvalue.StringExact(sum1))),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_app_import.test", &first),
					captureID("qlik_app_import.test", &id),
					e.expectOneImport("Sales", sum1, &id),
					func(*terraform.State) error {
						if e.uploads() != 1 || e.imports() != 1 {
							return fmt.Errorf("%d uploads and %d imports, want 1 each", e.uploads(), e.imports())
						}
						return nil
					},
				),
			},
			importStep("qlik_app_import.test", appImportImportIgnore...),
			importByTenantStep("qlik_app_import.test", home.Hostname, &id, appImportImportIgnore...),
			{
				// Rename, clear the description and move: in place, nothing uploaded.
				PreConfig:        e.sim.ResetAudit,
				Config:           renamed.hcl(e.oauthProvider()),
				ConfigPlanChecks: planThenEmpty("qlik_app_import.test", plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					hasString("qlik_app_import.test", "description", ""),
					sameValue("qlik_app_import.test", "space_id", "qlik_space.b", "id"),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr("qlik_app_import.test", "id", &first),
					e.expectOneImport("Sales (EMEA)", sum1, &id),
					func(*terraform.State) error {
						if e.uploads() != 0 || e.imports() != 0 {
							return fmt.Errorf("a rename uploaded %d times and imported %d times", e.uploads(), e.imports())
						}
						return nil
					},
				),
			},
			{
				// The same content under another path: the path is recorded, nothing is sent to Qlik.
				PreConfig: func() {
					must(t, os.Rename(v1, moved))
					e.sim.ResetAudit()
				},
				Config:           newPath.hcl(e.oauthProvider()),
				ConfigPlanChecks: planThenEmpty("qlik_app_import.test", plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr("qlik_app_import.test", "id", &first),
					resource.TestCheckResourceAttr("qlik_app_import.test", "source", moved),
					func(*terraform.State) error {
						if n := e.writesTo(home.Hostname); n != 0 {
							return fmt.Errorf("a new path to the same content made %d writes", n)
						}
						return nil
					},
				),
			},
			{
				// New content: a new import replaces the app, and the previous one is deleted.
				PreConfig: e.sim.ResetAudit,
				Config:    newContent.hcl(e.oauthProvider()),
				ConfigPlanChecks: planThenEmpty("qlik_app_import.test", plancheck.ResourceActionDestroyBeforeCreate,
					plannedValue("qlik_app_import.test", "source_sha256", knownvalue.StringExact(sum2))),
				Check: resource.ComposeAggregateTestCheckFunc(
					replacedID("qlik_app_import.test", &id, &first),
					e.expectOneImport("Sales (EMEA)", sum2, &id),
				),
			},
		},
	})
}

// TestAccAppImport_driftAndDisappears renames the app in Qlik (the plan renames it back, in place) and deletes it
// (the plan imports the file again).
func TestAccAppImport_driftAndDisappears(t *testing.T) {
	e, _ := newTestEnv(t)
	home := e.sim.Home().Hostname
	src, sum := writeTestFile(t, t.TempDir(), "sales.qvf", 1<<20, 3)
	cfg := appImportConfig{source: src, name: "Sales", space: "a"}.hcl(e.oauthProvider())
	var id string

	e.test(t, []resource.TestStep{
		{Config: cfg, Check: captureID("qlik_app_import.test", &id)},
		driftStep(t, cfg,
			func() error {
				defer e.sim.ResetAudit()
				return e.sim.EditApp(home, id, func(a *qliksim.AppAttributes) { a.Name, a.Description = "Renamed in the hub", "edited" })
			},
			planThenEmpty("qlik_app_import.test", plancheck.ResourceActionUpdate),
			resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPtr("qlik_app_import.test", "id", &id),
				e.expectOneImport("Sales", sum, &id),
				func(*terraform.State) error {
					if e.uploads() != 0 {
						return fmt.Errorf("drift in the name uploaded the file %d times", e.uploads())
					}
					return nil
				},
			)),
		recreateStep(t, cfg, "qlik_app_import.test",
			deleteByID(e.sim.DeleteApp, home, &id), countIn(e.sim.Apps, home)),
	})
}

// TestAccAppImport_validation: a missing file and a directory fail at plan against source, without a call that
// writes; a space that does not exist fails with Qlik's answer before anything is uploaded.
func TestAccAppImport_validation(t *testing.T) {
	e, _ := newTestEnv(t)
	home := e.sim.Home().Hostname
	dir := t.TempDir()
	src, _ := writeTestFile(t, dir, "sales.qvf", 1<<10, 4)
	cases := []planError{
		{"missing file", appImportConfig{source: filepath.Join(dir, "missing.qvf"), name: "Sales", space: "a"}.hcl(e.oauthProvider()), regexp.MustCompile(`(?s)Unusable file.*missing\.qvf.*no such file`)},
		{"directory", appImportConfig{source: dir, name: "Sales", space: "a"}.hcl(e.oauthProvider()), regexp.MustCompile(`(?s)Unusable file.*is not a regular file`)},
		{"empty name", appImportConfig{source: src, name: "", space: "a"}.hcl(e.oauthProvider()), regexp.MustCompile(`(?s)Attribute name string length must be between 1 and 256`)},
	}
	e.expectPlanErrorsWithoutWrites(t, home, cases,
		resource.TestStep{
			Config: appImportConfig{source: src, name: "Sales", space: "missing"}.hcl(e.oauthProvider()),
			ExpectError: regexp.MustCompile(`(?s)Unable to import app.*HTTP\s+404.*Code: \S+.*Request ID: \S+.*` +
				`Space no-such-space does not exist.*nothing was\s+uploaded`),
		},
		resource.TestStep{
			// The spaces exist now; the refused import left no upload behind.
			PreConfig: func() {
				if n := e.uploads() + e.imports(); n != 0 {
					t.Errorf("a refused import made %d upload or import calls", n)
				}
			},
			Config: appImportConfig{source: src, name: "Sales", space: "a"}.hcl(e.oauthProvider()),
			Check: func(*terraform.State) error {
				if n := len(e.sim.Apps(home)); n != 1 {
					return fmt.Errorf("tenant holds %d apps, want 1", n)
				}
				return nil
			},
		},
	)
}

// TestAccAppImport_adopt brings an app made by hand under management with an import block: Qlik does not record
// which file an app came from, so the apply records the file's hash and moves the app into its space, without
// uploading or importing the file.
func TestAccAppImport_adopt(t *testing.T) {
	e, _ := newTestEnv(t)
	home := e.sim.Home().Hostname
	id := e.seedApp(home, "Sales", "", 1<<20)
	src, sum := writeTestFile(t, t.TempDir(), "sales.qvf", 1<<10, 5)
	cfg := appImportConfig{source: src, name: "Sales", space: "a"}.hcl(e.oauthProvider()) +
		fmt.Sprintf("\nimport {\n  to = qlik_app_import.test\n  id = %q\n}\n", id)

	e.test(t, []resource.TestStep{{
		PreConfig:        e.sim.ResetAudit,
		Config:           cfg,
		ConfigPlanChecks: planThenEmpty("qlik_app_import.test", plancheck.ResourceActionUpdate),
		Check: resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr("qlik_app_import.test", "id", id),
			resource.TestCheckResourceAttr("qlik_app_import.test", "source_sha256", sum),
			resource.TestCheckResourceAttrPair("qlik_app_import.test", "space_id", "qlik_space.a", "id"),
			func(*terraform.State) error {
				if n := e.uploads() + e.imports(); n != 0 {
					return fmt.Errorf("adopting the app made %d upload or import calls", n)
				}
				return nil
			},
		),
	}})
}
