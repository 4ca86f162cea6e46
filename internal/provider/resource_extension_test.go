package provider_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
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

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// qextArchive is a zip holding <name>/<name>.qext (qext as JSON; none when nil) and a script, as Qlik Sense
// themes and extensions are packed.
func qextArchive(t *testing.T, name string, qext map[string]any) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	if qext != nil {
		w, err := zw.Create(name + "/" + name + ".qext")
		must(t, err)
		must(t, json.NewEncoder(w).Encode(qext))
	}
	w, err := zw.Create(name + "/" + name + ".js")
	must(t, err)
	_, _ = fmt.Fprintf(w, "define([], function () { return { name: %q }; });\n", name)
	must(t, zw.Close())
	return b.Bytes()
}

func writeArchive(t *testing.T, dir, file, name string, qext map[string]any) string {
	t.Helper()
	p := filepath.Join(dir, file)
	must(t, os.WriteFile(p, qextArchive(t, name, qext), 0o600))
	return p
}

// writeAcmeArchives writes the theme acme-theme to dir/theme.zip and the extension acme-chart to dir/ext.zip, neither
// with a version, and returns their paths.
func writeAcmeArchives(t *testing.T, dir string) (theme, ext string) {
	t.Helper()
	return writeArchive(t, dir, "theme.zip", "acme-theme", map[string]any{"name": "Acme theme", "type": "theme"}),
		writeArchive(t, dir, "ext.zip", "acme-chart", map[string]any{"name": "Acme chart", "type": "visualization"})
}

func archiveConfig(provider, tenant, theme, extension string) string {
	return testConfig(provider, "TestAccArchive", tfVars{"tenant_hostname": orNull(tenant), "theme_file": theme, "extension_file": extension})
}

// archiveIs checks the archive stored for the theme or extension id against the file at p.
func (e *testEnv) archiveIs(host string, theme bool, id *string, p string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		get := e.sim.ExtensionArchive
		if theme {
			get = e.sim.ThemeArchive
		}
		got, err := get(host, *id)
		want, _ := os.ReadFile(p)
		if err != nil || !bytes.Equal(got, want) {
			return fmt.Errorf("the archive of %s differs from %s (%w)", *id, p, err)
		}
		return nil
	}
}

// TestAccThemeAndExtension_lifecycle uploads a theme and an extension (the .qext's fields known at plan), verifies
// import, updates both in place with new archives (same ids), follows a moved archive without uploading, and
// replaces both when the tenant changes.
func TestAccThemeAndExtension_lifecycle(t *testing.T) {
	e, _ := newTestEnv(t)
	home := e.sim.Home().Hostname
	other := e.addTenant("customer-b")
	dir := t.TempDir()
	theme := writeArchive(t, dir, "theme.zip", "acme-theme", map[string]any{"name": "Acme theme", "type": "theme", "version": "1.0.0"})
	ext := writeArchive(t, dir, "ext.zip", "acme-chart", map[string]any{"name": "Acme chart", "type": "visualization", "version": "3.1.0"})
	moved := filepath.Join(dir, "moved-theme.zip")
	var themeID, extID, firstTheme, firstExt string

	e.testCase(t, resource.TestCase{
		CheckDestroy: noneLeftAfterDestroy("themes and extensions", func() int {
			return len(e.sim.Themes(home)) + len(e.sim.Extensions(home)) + len(e.sim.Themes(other.Hostname)) + len(e.sim.Extensions(other.Hostname))
		}),
		Steps: []resource.TestStep{
			{
				Config: archiveConfig(e.oauthProvider(), "", theme, ext),
				ConfigPlanChecks: planThenEmpty("qlik_theme.test", plancheck.ResourceActionCreate,
					plannedValue("qlik_theme.test", "qext_name", knownvalue.StringExact("acme-theme")),
					plannedValue("qlik_extension.test", "version", knownvalue.StringExact("3.1.0")),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					hasString("qlik_theme.test", "name", "Acme theme"),
					hasString("qlik_extension.test", "type", "visualization"),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_theme.test", &themeID), captureID("qlik_theme.test", &firstTheme),
					captureID("qlik_extension.test", &extID), captureID("qlik_extension.test", &firstExt),
					e.archiveIs(home, true, &themeID, theme), e.archiveIs(home, false, &extID, ext),
				),
			},
			importStep("qlik_theme.test", "file", "file_sha256"),
			importByTenantStep("qlik_extension.test", home, &extID, "file", "file_sha256"),
			{
				// New archives under the same paths: both updated in place.
				PreConfig: func() {
					writeArchive(t, dir, "theme.zip", "acme-theme", map[string]any{"name": "Acme theme", "type": "theme", "version": "1.1.0"})
					writeArchive(t, dir, "ext.zip", "acme-chart", map[string]any{"name": "Acme chart (new)", "type": "visualization", "version": "3.2.0"})
					e.sim.ResetAudit()
				},
				Config: archiveConfig(e.oauthProvider(), "", theme, ext),
				ConfigPlanChecks: planThenEmpty("qlik_theme.test", plancheck.ResourceActionUpdate,
					plancheck.ExpectResourceAction("qlik_extension.test", plancheck.ResourceActionUpdate),
					plannedValue("qlik_extension.test", "name", knownvalue.StringExact("Acme chart (new)")),
				),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr("qlik_theme.test", "id", &firstTheme),
					resource.TestCheckResourceAttrPtr("qlik_extension.test", "id", &firstExt),
					resource.TestCheckResourceAttr("qlik_theme.test", "version", "1.1.0"),
					e.archiveIs(home, true, &themeID, theme), e.archiveIs(home, false, &extID, ext),
					func(*terraform.State) error {
						if n := e.sim.AuditCount(http.MethodPatch, "/api/v1/themes/{id}", home) + e.sim.AuditCount(http.MethodPatch, "/api/v1/extensions/{id}", home); n != 2 {
							return fmt.Errorf("%d PATCH uploads, want 2", n)
						}
						return nil
					},
				),
			},
			{
				PreConfig: func() {
					must(t, os.Rename(theme, moved))
					e.sim.ResetAudit()
				},
				Config:           archiveConfig(e.oauthProvider(), "", moved, ext),
				ConfigPlanChecks: planThenEmpty("qlik_theme.test", plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					if n := e.writesTo(home); n != 0 {
						return fmt.Errorf("a moved archive made %d writes", n)
					}
					return nil
				},
			},
			{
				Config:           archiveConfig(e.oauthProvider(), other.Hostname, moved, ext),
				ConfigPlanChecks: planThenEmpty("qlik_extension.test", plancheck.ResourceActionDestroyBeforeCreate),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_theme.test", &themeID), captureID("qlik_extension.test", &extID),
					e.archiveIs(other.Hostname, true, &themeID, moved), e.archiveIs(other.Hostname, false, &extID, ext),
					noneLeft("themes and extensions in the home tenant", "after the move", func() int { return len(e.sim.Themes(home)) + len(e.sim.Extensions(home)) }),
				),
			},
		},
	})
}

// TestAccThemeAndExtension_driftAndDisappears: an archive uploaded again in the console is drift that the next
// apply reverts; a theme deleted in the console (Qlik then answers 410) is uploaded again.
func TestAccThemeAndExtension_driftAndDisappears(t *testing.T) {
	e, _ := newTestEnv(t)
	home := e.sim.Home().Hostname
	dir := t.TempDir()
	theme, ext := writeAcmeArchives(t, dir)
	cfg := archiveConfig(e.oauthProvider(), "", theme, ext)
	var themeID, extID string
	e.test(t, []resource.TestStep{
		{Config: cfg, Check: resource.ComposeAggregateTestCheckFunc(captureID("qlik_theme.test", &themeID), captureID("qlik_extension.test", &extID))},
		driftStep(t, cfg,
			func() error {
				return e.sim.ReplaceExtensionArchive(home, extID, qextArchive(t, "acme-chart", map[string]any{"name": "Acme chart", "type": "visualization", "version": "9.9.9"}))
			},
			planThenEmpty("qlik_extension.test", plancheck.ResourceActionUpdate),
			resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPtr("qlik_extension.test", "id", &extID),
				resource.TestCheckResourceAttr("qlik_extension.test", "version", ""),
				e.archiveIs(home, false, &extID, ext),
			)),
		recreateStep(t, cfg, "qlik_theme.test",
			deleteByID(e.sim.DeleteTheme, home, &themeID), countIn(e.sim.Themes, home)),
	})
}

// TestAccThemeAndExtension_validation: archives that are not zips, lack a .qext or have the other kind's type fail
// at plan against file, with no write; a .qext name another theme has is Qlik's 409 with its code and request id.
func TestAccThemeAndExtension_validation(t *testing.T) {
	e, _ := newTestEnv(t)
	home := e.sim.Home().Hostname
	dir := t.TempDir()
	theme, ext := writeAcmeArchives(t, dir)
	notZip := filepath.Join(dir, "theme.txt")
	must(t, os.WriteFile(notZip, []byte("plain text"), 0o600))
	bare := writeArchive(t, dir, "bare.zip", "bare", nil)
	plan := func(name, themeFile, extFile, want string) planError {
		return planError{name, archiveConfig(e.oauthProvider(), "", themeFile, extFile), regexp.MustCompile(want)}
	}
	cases := []planError{
		plan("not a zip", notZip, ext, `(?s)Unusable file.*not\s+a\s+zip\s+archive`),
		plan("no .qext", bare, ext, `(?s)Unusable file.*holds\s+no\s+\.qext\s+file`),
		plan("extension as theme", ext, ext, `(?s)Unusable file.*has\s+type\s+"visualization";\s+a\s+theme's\s+type\s+is\s+"theme"`),
		plan("theme as extension", theme, theme, `(?s)Unusable file.*has\s+type\s+"theme";\s+an\s+extension's\s+type`),
	}
	e.expectPlanErrorsWithoutWrites(t, home, cases, resource.TestStep{
		PreConfig: func() {
			_, err := e.apiClient(t).CreateExtension(t.Context(), qlik.Themes, theme)
			must(t, err)
		},
		Config:      archiveConfig(e.oauthProvider(), "", theme, ext),
		ExpectError: regexp.MustCompile(`(?s)Unable to create theme.*HTTP\s+409.*Code: HTTP-409.*Detail: A theme named\s+"acme-theme" already exists.*Request ID: \S+.*import it`),
	})
}

// TestAccFiles_pathKnownOnlyAtApply: a file path built from another resource's output is unknown at plan; the plan
// shows the hash (and the archive's fields) as known after apply, and the apply, planned again by Terraform with
// the path known, records them from the file, followed by an empty plan.
func TestAccFiles_pathKnownOnlyAtApply(t *testing.T) {
	e, _ := newTestEnv(t)
	dir := t.TempDir()
	theme := writeArchive(t, dir, "theme.zip", "acme-theme", map[string]any{"name": "Acme theme", "type": "theme", "version": "1.0.0"})
	logo := writeImage(t, dir, "logo.png", pngSignature, 512, 4)
	qvf, sum := writeTestFile(t, dir, "sales.qvf", 4096, 6)
	cfg := e.oauthProvider() + fmt.Sprintf(`
# The id of a new terraform_data is unknown at plan, so these paths are too.
resource "terraform_data" "build" {}

locals {
  unknown = substr(terraform_data.build.id, 0, 0)
  paths   = { theme = "%s${local.unknown}", logo = "%s${local.unknown}", qvf = "%s${local.unknown}" }
}

resource "qlik_space" "apps" {
  name = "Apps"
  type = "shared"
}

resource "qlik_theme" "test" {
  file = local.paths.theme
}

resource "qlik_brand" "test" {
  name = "Acme"
  logo = local.paths.logo
}

resource "qlik_app_import" "test" {
  source   = local.paths.qvf
  name     = "Sales"
  space_id = qlik_space.apps.id
}
`, theme, logo, qvf)
	e.test(t, []resource.TestStep{{
		Config: cfg,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plannedUnknown("qlik_theme.test", "file_sha256"),
				plannedUnknown("qlik_theme.test", "qext_name"),
				plannedUnknown("qlik_brand.test", "logo_sha256"),
				plannedUnknown("qlik_app_import.test", "source_sha256"),
			},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		ConfigStateChecks: []statecheck.StateCheck{
			hasString("qlik_theme.test", "qext_name", "acme-theme"),
			matches("qlik_theme.test", "file_sha256", `^[0-9a-f]{64}$`),
			matches("qlik_brand.test", "logo_sha256", `^[0-9a-f]{64}$`),
			hasString("qlik_app_import.test", "source_sha256", sum),
		},
	}})
}
