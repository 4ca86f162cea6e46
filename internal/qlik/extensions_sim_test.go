package qlik_test

import (
	"archive/zip"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// writeArchive writes a zip with name/name.qext (qext as JSON, none when nil) and returns its path.
func writeArchive(t *testing.T, name string, qext map[string]any) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name+".zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	if qext != nil {
		w, _ := zw.Create(name + "/" + name + ".qext")
		_ = json.NewEncoder(w).Encode(qext)
	}
	w, _ := zw.Create(name + "/" + name + ".js")
	_, _ = w.Write([]byte(strings.Repeat("// code\n", 100)))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSim_ThemesAndExtensions uploads a theme and an extension, reads them back by qext name, updates each with a
// new archive, and deletes them (a deleted one then reads as not found).
func TestSim_ThemesAndExtensions(t *testing.T) {
	sim, c, home := startSim(t)
	ctx := t.Context()
	for _, tc := range []struct {
		kind qlik.ArchiveKind
		typ  string
	}{{qlik.Themes, "theme"}, {qlik.Extensions, "visualization"}} {
		v1 := writeArchive(t, "acme", map[string]any{"name": "Acme", "type": tc.typ, "version": "1.0.0"})
		x, err := c.CreateExtension(ctx, tc.kind, v1)
		if err != nil {
			t.Fatal(err)
		}
		if x.QextFilename != "acme" || x.Version != "1.0.0" {
			t.Fatalf("created %+v", x)
		}
		if found, err := c.FindExtension(ctx, tc.kind, "ACME"); err != nil || found.ID != x.ID {
			t.Errorf("FindExtension: %+v, %v", found, err)
		}
		v2 := writeArchive(t, "acme", map[string]any{"name": "Acme", "type": tc.typ, "version": "2.0.0"})
		if x, err = c.UpdateExtension(ctx, tc.kind, x.ID, v2); err != nil || x.Version != "2.0.0" {
			t.Fatalf("updated %+v, %v", x, err)
		}
		want, _ := os.ReadFile(v2)
		var got []byte
		if tc.kind == qlik.Themes {
			got, _ = sim.ThemeArchive(home, x.ID)
		} else {
			got, _ = sim.ExtensionArchive(home, x.ID)
		}
		if string(got) != string(want) {
			t.Error("the stored archive differs from the file")
		}
		if err := c.DeleteExtension(ctx, tc.kind, x.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.GetExtension(ctx, tc.kind, x.ID); !qlik.IsNotFound(err) || !strings.Contains(err.Error(), "410") {
			t.Errorf("deleted %s: %v, want a 410 that counts as not found", tc.kind.Noun, err)
		}
		if err := c.DeleteExtension(ctx, tc.kind, x.ID); !qlik.IsNotFound(err) {
			t.Errorf("second delete: %v", err)
		}
	}
	// The wrong kind, no .qext, not a zip: refused before anything is sent.
	sim.ResetAudit()
	for _, p := range []string{
		writeArchive(t, "ext", map[string]any{"name": "Ext", "type": "visualization"}),
		writeArchive(t, "bare", nil),
		filepath.Join(t.TempDir(), "missing.zip"),
	} {
		if _, err := c.CreateExtension(ctx, qlik.Themes, p); err == nil {
			t.Errorf("%s was accepted as a theme", p)
		}
	}
	if n := sim.AuditCount(http.MethodPost, "/api/v1/themes", home); n != 0 {
		t.Errorf("refused archives made %d POSTs", n)
	}
}

// TestSim_ExtensionCreateReset: a create whose answer is lost after Qlik committed it is adopted by qext name.
func TestSim_ExtensionCreateReset(t *testing.T) {
	sim, c, home := startSim(t)
	p := writeArchive(t, "acme", map[string]any{"name": "Acme", "type": "visualization"})
	sim.FailRoute(home, http.MethodPost, "/api/v1/extensions", 1, qliksim.RouteFault{})
	x, err := c.CreateExtension(t.Context(), qlik.Extensions, p)
	if err != nil {
		t.Fatal(err)
	}
	if n := sim.AuditCount(http.MethodPost, "/api/v1/extensions", home); n != 1 {
		t.Errorf("%d POSTs, want 1", n)
	}
	if all := sim.Extensions(home); len(all) != 1 || all[0].ID != x.ID {
		t.Errorf("tenant holds %+v", all)
	}
}
