package provider_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// The examples of the content resources (app import, brand, theme, extension) take their files from variables:
// the tests generate the files and pass their paths.

func init() {
	exampleVars["resources/qlik_app_import"] = func(e *testEnv) []string {
		p := filepath.Join(e.t.TempDir(), "sales.qvf")
		must(e.t, os.WriteFile(p, []byte(strings.Repeat("release 1\n", 4096)), 0o600))
		return []string{"-var", "sales_app_file=" + p}
	}
	exampleChecks["resources/qlik_app_import"] = func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var imported, published string
		decodeOutput(t, outputs, "imported_app_id", &imported)
		decodeOutput(t, outputs, "published_app_id", &published)
		p, ok := e.sim.App(e.sim.Home().Hostname, published)
		if !ok || p.Attributes.OriginAppID != imported {
			t.Errorf("published app %s has origin %q, want the import %s", published, p.Attributes.OriginAppID, imported)
		}
	}
	exampleChecks["resources/qlik_brand"] = func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var id string
		decodeOutput(t, outputs, "brand_id", &id)
		home := e.sim.Home().Hostname
		for _, b := range e.sim.Brands(home) {
			if b.ID == id && (!b.Active || len(b.Files) != 2) {
				t.Errorf("brand %s is %+v, want active with a logo and a favicon", id, b)
			}
		}
		want, _ := os.ReadFile(filepath.Join("..", "..", "examples", "resources", "qlik_brand", "branding", "logo.png"))
		if got, err := e.sim.BrandFileContent(home, id, "logo"); err != nil || !bytes.Equal(got, want) {
			t.Errorf("the brand's logo differs from the example's file (%v)", err)
		}
	}
	exampleChecks["resources/qlik_theme"] = func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var id, name string
		decodeOutput(t, outputs, "theme_id", &id)
		decodeOutput(t, outputs, "theme_name", &name)
		want, _ := os.ReadFile(filepath.Join("..", "..", "examples", "resources", "qlik_theme", "themes", "acme-theme.zip"))
		if got, err := e.sim.ThemeArchive(e.sim.Home().Hostname, id); err != nil || !bytes.Equal(got, want) || name != "acme-theme" {
			t.Errorf("theme %s (%s) does not hold the example's archive (%v)", id, name, err)
		}
	}
	exampleChecks["resources/qlik_extension"] = func(t *testing.T, e *testEnv, outputs map[string]json.RawMessage) {
		var id, version string
		decodeOutput(t, outputs, "extension_id", &id)
		decodeOutput(t, outputs, "extension_version", &version)
		want, _ := os.ReadFile(filepath.Join("..", "..", "examples", "resources", "qlik_extension", "extensions", "acme-kpi.zip"))
		if got, err := e.sim.ExtensionArchive(e.sim.Home().Hostname, id); err != nil || !bytes.Equal(got, want) || version != "2.3.0" {
			t.Errorf("extension %s (version %q) does not hold the example's archive (%v)", id, version, err)
		}
	}
	// A new release of the file: a new import, republished onto the same published app, the old import deleted.
	exampleFollowUps["resources/qlik_app_import"] = func(t *testing.T, e *testEnv, tf *tfCLI, vars []string) {
		before := tf.outputs()
		var oldImport, published string
		decodeOutput(t, before, "imported_app_id", &oldImport)
		decodeOutput(t, before, "published_app_id", &published)
		file := strings.TrimPrefix(vars[len(vars)-1], "sales_app_file=")
		must(t, os.WriteFile(file, []byte(strings.Repeat("release 2\n", 4096)), 0o600))
		tf.apply(vars...)
		after := tf.outputs()
		var newImport, republished string
		decodeOutput(t, after, "imported_app_id", &newImport)
		decodeOutput(t, after, "published_app_id", &republished)
		home := e.sim.Home().Hostname
		if newImport == oldImport || republished != published {
			t.Errorf("after a new file: import %s -> %s, published %s -> %s; want a new import and the same published app", oldImport, newImport, published, republished)
		}
		if _, ok := e.sim.App(home, oldImport); ok {
			t.Errorf("the previous import %s was kept", oldImport)
		}
		if p, _ := e.sim.App(home, published); p.Attributes.OriginAppID != newImport {
			t.Errorf("the published app's origin is %s, want the new import %s", p.Attributes.OriginAppID, newImport)
		}
		tf.requireEmptyPlan(vars...)
	}
}

// TestAccOEMTemplateFromFile applies the OEM example with its template_files option against a source tenant that
// holds no template: each cohort's file is imported once into the source tenant, and each customer's copy carries
// the bytes of its cohort's file. A new file for one cohort then replaces only that cohort's copies.
func TestAccOEMTemplateFromFile(t *testing.T) {
	e, _ := newTestEnvWith(t, qliksim.Options{Regions: estateRegions})
	dir := t.TempDir()
	files := map[string]string{}
	sums := map[string]string{}
	for i, cohort := range []string{"canary", "stable"} {
		files[cohort], sums[cohort] = writeTestFile(t, dir, cohort+".qvf", 64<<10, uint64(10+i))
	}
	tf := newTFCLI(t, e.exampleDir(t, filepath.Join("..", "..", "examples", "oem-multitenant")))
	vars := append(exampleVars["oem-multitenant"](e), "-var", "template_files="+hclValue(files))
	tf.apply(vars...)
	home := e.sim.Home().Hostname
	if n := len(e.sim.Apps(home)); n != 2 {
		t.Errorf("the source tenant holds %d apps, want the two cohorts' imports", n)
	}
	cohorts := map[string]string{"acme": "canary", "globex": "stable", "initech": "stable"}
	var customers map[string]struct {
		Hostname string `json:"hostname"`
		AppID    string `json:"app_id"`
	}
	decodeOutput(t, tf.outputs(), "customers", &customers)
	for k, c := range customers {
		if got, err := e.sim.AppChecksum(c.Hostname, c.AppID); err != nil || got != sums[cohorts[k]] {
			t.Errorf("%s's copy has SHA-256 %s (%v), want its cohort's file %s", k, got, err, sums[cohorts[k]])
		}
	}
	tf.requireEmptyPlan(vars...)

	// A new canary release: only acme's copy is replaced.
	_, sums["canary"] = writeTestFile(t, dir, "canary.qvf", 64<<10, 20)
	plan := tf.savePlan(vars...)
	want := map[string]bool{`qlik_app_import.template["canary"]`: true, `module.customer["acme"].qlik_app_copy.app`: true}
	for addr, actions := range plan.actions {
		replaced := slices.Contains(actions, "create") && slices.Contains(actions, "delete")
		if strings.HasSuffix(addr, "qlik_app_copy.app") || strings.HasPrefix(addr, "qlik_app_import.") {
			if replaced != want[addr] {
				t.Errorf("%s plans %v after a new canary file", addr, actions)
			}
			delete(want, addr)
		}
	}
	if len(want) != 0 {
		t.Errorf("a new canary file does not replace %v (plan: %v)", want, plan.actions)
	}
	tf.destroy(vars...)
}
