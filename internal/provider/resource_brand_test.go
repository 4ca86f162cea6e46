package provider_test

import (
	"bytes"
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
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// Brand files the tests upload: the signatures Qlik's types start with, padded with bytes that differ per seed.
var (
	pngSignature = []byte("\x89PNG\r\n\x1a\n")
	icoSignature = []byte{0, 0, 1, 0, 1, 0}
)

// writeImage writes head padded to size bytes (varying with seed) to dir/name and returns the path.
func writeImage(t *testing.T, dir, name string, head []byte, size int, seed byte) string {
	t.Helper()
	b := make([]byte, size)
	copy(b, head)
	for i := len(head); i < size; i++ {
		b[i] = byte(i) ^ seed
	}
	p := filepath.Join(dir, name)
	must(t, os.WriteFile(p, b, 0o600))
	return p
}

type brandConfig struct {
	tenant, name, description, logo, favicon string
	active                                   bool
	otherActive                              *bool
}

func (c brandConfig) hcl(provider string) string {
	var other any
	if c.otherActive != nil {
		other = *c.otherActive
	}
	return testConfig(provider, "TestAccBrand", tfVars{
		"tenant_hostname": orNull(c.tenant), "name": c.name, "description": orNull(c.description),
		"logo": orNull(c.logo), "favicon": orNull(c.favicon), "active": c.active, "other_active": other,
	})
}

// brandIs checks the brand in the simulator: name, active, and each file's content (nil: no such file).
func (e *testEnv) brandIs(host string, id *string, name string, active bool, files map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var found *qliksim.Brand
		for _, b := range e.sim.Brands(host) {
			if b.ID == *id {
				found = &b
			}
		}
		if found == nil || found.Name != name || found.Active != active {
			return fmt.Errorf("brand %s in the simulator is %+v, want %q active=%v", *id, found, name, active)
		}
		for fileID, p := range files {
			got, err := e.sim.BrandFileContent(host, *id, fileID)
			if p == "" {
				if err == nil {
					return fmt.Errorf("brand %s still has a %s", *id, fileID)
				}
				continue
			}
			want, _ := os.ReadFile(p)
			if err != nil || !bytes.Equal(got, want) {
				return fmt.Errorf("brand %s's %s differs from %s (%w)", *id, fileID, p, err)
			}
		}
		return nil
	}
}

var brandImportIgnore = []string{"logo", "logo_sha256", "favicon", "favicon_sha256"}

// TestAccBrand_lifecycle creates an active brand with a logo and a favicon, verifies import, then in place renames
// it, uploads a changed logo from the same path, removes the favicon and deactivates it; a new tenant replaces it.
func TestAccBrand_lifecycle(t *testing.T) {
	e, _ := newTestEnv(t)
	home := e.sim.Home().Hostname
	other := e.addTenant("customer-b")
	dir := t.TempDir()
	logo := writeImage(t, dir, "logo.png", pngSignature, 4096, 1)
	icon := writeImage(t, dir, "favicon.ico", icoSignature, 1024, 2)
	var id, first string
	base := brandConfig{name: "Acme", description: "Acme colours", logo: logo, favicon: icon, active: true}
	changed := brandConfig{name: "Acme Corp", logo: logo}
	moved := changed
	moved.tenant = other.Hostname

	e.testCase(t, resource.TestCase{
		CheckDestroy: noneLeftAfterDestroy("brands", func() int { return len(e.sim.Brands(home)) + len(e.sim.Brands(other.Hostname)) }),
		Steps: []resource.TestStep{
			{
				PreConfig: e.sim.ResetAudit,
				Config:    base.hcl(e.oauthProvider()),
				ConfigStateChecks: []statecheck.StateCheck{
					hasString("qlik_brand.test", "name", "Acme"),
					hasBool("qlik_brand.test", "active", true),
					matches("qlik_brand.test", "logo_sha256", `^[0-9a-f]{64}$`),
					hasString("qlik_brand.test", "created_by", e.sim.Home().BotUserID),
				},
				ConfigPlanChecks: planThenEmpty("qlik_brand.test", plancheck.ResourceActionCreate),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_brand.test", &id),
					captureID("qlik_brand.test", &first),
					e.brandIs(home, &id, "Acme", true, map[string]string{"logo": logo, "favIcon": icon}),
					e.calls(http.MethodPost, "/api/v1/brands", home, 1),
				),
			},
			importStep("qlik_brand.test", brandImportIgnore...),
			importByTenantStep("qlik_brand.test", home, &id, brandImportIgnore...),
			{
				// New logo content under the same path, no favicon, renamed, inactive: all in place.
				PreConfig: func() {
					writeImage(t, dir, "logo.png", pngSignature, 2048, 9)
					e.sim.ResetAudit()
				},
				Config:           changed.hcl(e.oauthProvider()),
				ConfigPlanChecks: planThenEmpty("qlik_brand.test", plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					isNull("qlik_brand.test", "favicon_sha256"),
					hasString("qlik_brand.test", "description", ""),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr("qlik_brand.test", "id", &first),
					e.brandIs(home, &id, "Acme Corp", false, map[string]string{"logo": logo, "favIcon": ""}),
					// One logo upload.
					e.calls(http.MethodPut, "/api/v1/brands/{id}/files/{fileId}", home, 1),
				),
			},
			{
				Config:           moved.hcl(e.oauthProvider()),
				ConfigPlanChecks: planThenEmpty("qlik_brand.test", plancheck.ResourceActionDestroyBeforeCreate),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureID("qlik_brand.test", &id),
					e.brandIs(other.Hostname, &id, "Acme Corp", false, map[string]string{"logo": logo}),
					noneLeft("brands in the home tenant", "after the move", countIn(e.sim.Brands, home)),
				),
			},
		},
	})
}

// TestAccBrand_driftAndDisappears: a logo replaced and a name changed in the console, and another brand activated,
// show as an update that restores all three; a brand deleted in the console is created again.
func TestAccBrand_driftAndDisappears(t *testing.T) {
	e, _ := newTestEnv(t)
	home := e.sim.Home().Hostname
	dir := t.TempDir()
	logo := writeImage(t, dir, "logo.png", pngSignature, 1024, 3)
	cfg := brandConfig{name: "Acme", logo: logo, active: true}.hcl(e.oauthProvider())
	var id, stranger string

	e.test(t, []resource.TestStep{
		{Config: cfg, Check: captureID("qlik_brand.test", &id)},
		driftStep(t, cfg,
			func() error {
				console := bytes.Repeat([]byte{7}, 600)
				copy(console, pngSignature)
				if err := e.sim.EditBrand(home, id, func(b *qliksim.Brand, files map[string][]byte) {
					b.Name = "Renamed in the console"
					files["logo"] = console
				}); err != nil {
					return err
				}
				b, err := e.apiClient(t).CreateBrand(t.Context(), qlik.BrandCreateRequest{Name: "Someone else's"})
				if err != nil {
					return err
				}
				stranger = b.ID
				return e.sim.ActivateBrand(home, stranger, true)
			},
			planThenEmpty("qlik_brand.test", plancheck.ResourceActionUpdate,
				plannedValue("qlik_brand.test", "active", knownvalue.Bool(true))),
			resource.ComposeAggregateTestCheckFunc(
				e.brandIs(home, &id, "Acme", true, map[string]string{"logo": logo}),
				func(*terraform.State) error {
					for _, b := range e.sim.Brands(home) {
						if b.ID == stranger && b.Active {
							return fmt.Errorf("the other brand stayed active")
						}
					}
					return nil
				},
			)),
		recreateStep(t, cfg, "qlik_brand.test",
			deleteByID(e.sim.DeleteBrand, home, &id),
			func() int { return len(e.sim.Brands(home)) - 1 }),
	})
}

// TestAccBrand_validation: files beyond Qlik's limits, of the wrong type or missing, and two brands claiming the
// active brand of one tenant, fail at plan against the attribute, with no write to Qlik; Qlik's own refusal is
// shown with its code and request id.
func TestAccBrand_validation(t *testing.T) {
	e, _ := newTestEnv(t)
	home := e.sim.Home().Hostname
	dir := t.TempDir()
	big := writeImage(t, dir, "big.png", pngSignature, 300_001, 1)
	gif := writeImage(t, dir, "logo.gif", []byte("GIF89a"), 512, 1)
	pngIcon := writeImage(t, dir, "favicon.png", pngSignature, 512, 1)
	bigIcon := writeImage(t, dir, "big.ico", icoSignature, 100_001, 1)
	yes := true
	plan := func(name string, c brandConfig, want string) planError {
		return planError{name, c.hcl(e.oauthProvider()), regexp.MustCompile(want)}
	}
	cases := []planError{
		plan("logo too large", brandConfig{name: "A", logo: big}, `(?s)Unusable file.*big\.png.*300001\s+bytes;\s+Qlik\s+accepts\s+a\s+logo\s+of\s+at\s+most\s+300000\s+bytes`),
		plan("logo a GIF", brandConfig{name: "A", logo: gif}, `(?s)Unusable file.*neither\s+PNG\s+nor\s+JPEG`),
		plan("favicon a PNG", brandConfig{name: "A", favicon: pngIcon}, `(?s)Unusable file.*not\s+an\s+ICO\s+file`),
		plan("favicon too large", brandConfig{name: "A", favicon: bigIcon}, `(?s)Unusable file.*favicon\s+of\s+at\s+most\s+100000\s+bytes`),
		plan("missing logo", brandConfig{name: "A", logo: filepath.Join(dir, "missing.png")}, `(?s)Unusable file.*no\s+such\s+file`),
		plan("two active brands", brandConfig{name: "A", active: true, otherActive: &yes}, `(?s)Two qlik_brand resources manage one setting.*"active\s+brand"`),
	}
	e.expectPlanErrorsWithoutWrites(t, home, cases, resource.TestStep{
		// A tenant whose license does not include branding: Qlik permits the brands API to OEMs only.
		PreConfig: func() {
			e.sim.FailRoute(home, http.MethodPost, "/api/v1/brands", 1, qliksim.RouteFault{Status: http.StatusForbidden})
		},
		Config:      brandConfig{name: "A"}.hcl(e.oauthProvider()),
		ExpectError: regexp.MustCompile(`(?s)Unable to create brand.*HTTP 403.*Code: \S+.*Request ID: \S+`),
	})
}
