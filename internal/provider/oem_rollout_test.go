package provider_test

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// TestAccOEMRollout rolls a template release out to the canary cohort of the oem-multitenant example, as a vendor
// does: release 1 everywhere, users make private sheets, bookmarks and stories in their published apps, the
// template changes and canary is bumped to release 2. The saved plan replaces the canary copies (new before old)
// and updates their published apps in place; after the apply the published apps keep their ids, embed URLs and
// users' content, serve release 2 and have the new copy as their origin, the old copies are gone, the stable
// cohort saw no write, and the next plan is empty.
func TestAccOEMRollout(t *testing.T) {
	// As TestAccExamples runs it: customers in three regions, one register host and client per region.
	e, _ := newTestEnvWith(t, qliksim.Options{Regions: estateRegions})
	exampleSetups["oem-multitenant"](t, e)
	tf := newTFCLI(t, e.exampleDir(t, filepath.Join("..", "..", "examples", "oem-multitenant")))
	tf.mustRun("get", "-no-color")
	vars := exampleVars["oem-multitenant"](e)
	tf.apply(vars...)

	var before map[string]oemCustomer
	decodeOutput(t, tf.outputs(), "customers", &before)
	canary, stable := map[string]oemCustomer{}, map[string]oemCustomer{}
	for k, c := range before {
		if c.Cohort == "canary" {
			canary[k] = c
		} else {
			stable[k] = c
		}
	}
	if len(canary) == 0 || len(stable) == 0 {
		t.Fatalf("the example needs customers in both cohorts: %v", before)
	}
	private := map[string][]qliksim.PrivateObject{}
	for k, c := range before {
		for _, o := range []qliksim.PrivateObject{
			{Type: "sheet", OwnerID: k + "-analyst", Title: "My margins"},
			{Type: "sheet", OwnerID: k + "-admin", Title: "Regional split"},
			{Type: "bookmark", OwnerID: k + "-analyst", Title: "Last quarter"},
			{Type: "story", OwnerID: k + "-admin", Title: "Board pack"},
		} {
			got, err := e.sim.SeedPrivateObject(c.Hostname, c.PublishedAppID, o)
			if err != nil {
				t.Fatal(err)
			}
			private[k] = append(private[k], got)
		}
	}

	// Release 2: the template changes in the source tenant, and canary gets it.
	home := e.sim.Home().Hostname
	var template string
	for _, a := range e.sim.Apps(home) {
		if a.Attributes.Name == "Sales template" {
			template = a.Attributes.ID
		}
	}
	if err := e.sim.ReplaceAppContent(home, template, 3<<20); err != nil {
		t.Fatal(err)
	}
	release1 := map[string]string{}
	for k, c := range before {
		release1[k] = mustAppChecksum(t, e, c.Hostname, c.PublishedAppID)
	}
	var stableVersion string
	for _, c := range stable {
		stableVersion = c.TemplateVersion
	}
	bump := append(slices.Clone(vars), "-var", fmt.Sprintf(`template_versions={canary="2027.01.0",stable=%q}`, stableVersion))

	plan := tf.savePlan(bump...)
	want := map[string]string{}
	for k := range canary {
		m := fmt.Sprintf("module.customer[%q].", k)
		want[m+"qlik_app_copy.app"] = "create,delete" // the new copy before the old one goes
		want[m+"qlik_load_script.app"] = "replace"
		want[m+"qlik_reload.app"] = "replace"
		want[m+"qlik_app_publish.app"] = "update"
	}
	got := map[string]string{}
	for addr, a := range plan.actions {
		got[addr] = strings.Join(a, ",")
		if got[addr] == "delete,create" || (got[addr] == "create,delete" && !strings.HasSuffix(addr, "qlik_app_copy.app")) {
			got[addr] = "replace"
		}
		if strings.Contains(addr, "qlik_app_publish.") && slices.Contains(a, "delete") {
			t.Errorf("the plan deletes the published app %s: %v", addr, a)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("the release plans %v, want %v", got, want)
	}

	mark := len(e.sim.Audit())
	plan.apply(tf, bump...)
	var after map[string]oemCustomer
	decodeOutput(t, tf.outputs(), "customers", &after)
	for k, c := range after {
		b := before[k]
		if c.PublishedAppID != b.PublishedAppID || !maps.Equal(c.EmbedURLs, b.EmbedURLs) {
			t.Errorf("%s: published app %s with %v after the release, was %s with %v", k, c.PublishedAppID, c.EmbedURLs, b.PublishedAppID, b.EmbedURLs)
		}
		objs, err := e.sim.PrivateObjects(c.Hostname, c.PublishedAppID)
		if err != nil || !slices.Equal(objs, private[k]) {
			t.Errorf("%s: users' private content %+v (%v) after the release, want %+v", k, objs, err, private[k])
		}
		pub, _ := e.sim.App(c.Hostname, c.PublishedAppID)
		served := mustAppChecksum(t, e, c.Hostname, c.PublishedAppID)
		if _, isCanary := canary[k]; !isCanary {
			if c.AppID != b.AppID || served != release1[k] || pub.Attributes.OriginAppID != b.AppID {
				t.Errorf("%s (stable): copy %s → %s, origin %s, serves release 1: %v", k, b.AppID, c.AppID, pub.Attributes.OriginAppID, served == release1[k])
			}
			for _, a := range e.sim.Audit()[mark:] {
				if a.Host == c.Hostname && a.Method != "GET" && a.Route != "/oauth/token" {
					t.Errorf("%s (stable): the rollout wrote %s %s", k, a.Method, a.Route)
				}
			}
			continue
		}
		if c.AppID == b.AppID || c.TemplateVersion != "2027.01.0" {
			t.Errorf("%s: copy %s at %s after the release, want a new copy at 2027.01.0", k, c.AppID, c.TemplateVersion)
		}
		if pub.Attributes.OriginAppID != c.AppID || served != mustAppChecksum(t, e, c.Hostname, c.AppID) ||
			served != mustAppChecksum(t, e, home, template) || served == release1[k] {
			t.Errorf("%s: the published app (origin %s) does not serve release 2 from the new copy %s", k, pub.Attributes.OriginAppID, c.AppID)
		}
		if _, ok := e.sim.App(c.Hostname, b.AppID); ok || len(e.sim.Apps(c.Hostname)) != 2 {
			t.Errorf("%s: the release 1 copy %s is still there (the tenant holds %d apps)", k, b.AppID, len(e.sim.Apps(c.Hostname)))
		}
		checkRolloutOrder(t, e.sim.Audit()[mark:], c.Hostname, b.AppID)
	}
	tf.requireEmptyPlan(bump...)
}

// checkRolloutOrder requires that on host the republish came before the old copy's delete, and that no published
// app was created or deleted.
func checkRolloutOrder(t *testing.T, audit []qliksim.AuditEntry, host, oldCopy string) {
	t.Helper()
	republish, deleted := -1, -1
	for i, a := range audit {
		if a.Host != host {
			continue
		}
		switch {
		case a.Method == "PUT" && a.Route == "/api/v1/apps/{appId}/publish":
			republish = i
		case a.Method == "POST" && a.Route == "/api/v1/apps/{appId}/publish":
			t.Errorf("%s: the rollout published a new app", host)
		case a.Method == "DELETE" && a.Route == "/api/v1/apps/{appId}":
			if !strings.Contains(a.Path, oldCopy) {
				t.Errorf("%s: the rollout deleted %s, not only the old copy %s", host, a.Path, oldCopy)
			}
			deleted = i
		}
	}
	if republish < 0 || deleted < 0 || republish > deleted {
		t.Errorf("%s: republish at audit entry %d, old copy deleted at %d; want the republish first", host, republish, deleted)
	}
}

func mustAppChecksum(t *testing.T, e *testEnv, host, id string) string {
	t.Helper()
	sum, err := e.sim.AppChecksum(host, id)
	if err != nil {
		t.Fatalf("checksum of app %s on %s: %v", id, host, err)
	}
	return sum
}
