package qlik_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// writeQVF writes a file of size bytes with content that differs per seed byte and returns its path and SHA-256.
// Large files are sparse apart from their first block, so a 1 GiB file costs no time to write.
func writeQVF(t testing.TB, size int64, seed byte) (string, string) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "app.qvf")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, min(size, 64<<10))
	for i := range head {
		head[i] = seed ^ byte(i*31)
	}
	if _, err := f.Write(head); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	sum, _, err := qlik.FileSHA256(p)
	if err != nil {
		t.Fatal(err)
	}
	return p, sum
}

// TestSim_ImportAppOnce imports a file under its marker name, adopts the marked app of an interrupted run instead
// of importing again, imports a changed file as a new app, and refuses a file whose hash differs from the planned
// one or a space that does not exist before uploading anything.
func TestSim_ImportAppOnce(t *testing.T) {
	sim, c, home := startSim(t)
	ctx := context.Background()
	space := newSpace(t, c, "Apps", "shared")
	p, sum := writeQVF(t, 3<<20, 1)
	req := qlik.AppImportRequest{Path: p, SHA256: sum, Name: "Sales", SpaceID: space.ID}
	first, info, err := c.ImportAppOnce(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	marker := qlik.AppImportMarker(sum, c.Hostname(), space.ID, "Sales")
	if first.Attributes.Name != marker || first.Attributes.SpaceID != space.ID || info.SHA256 != sum || info.Bytes != 3<<20 {
		t.Fatalf("imported %+v (%+v), want %q in %s", first.Attributes, info, marker, space.ID)
	}
	if got, _ := sim.AppChecksum(home, first.Attributes.ID); got != sum {
		t.Errorf("the imported app's content has SHA-256 %s, the file %s", got, sum)
	}

	// An interrupted run left the marked app: the next run adopts it without uploading again.
	sim.ResetAudit()
	again, _, err := c.ImportAppOnce(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if again.Attributes.ID != first.Attributes.ID || sim.AuditCount(http.MethodPost, "/api/v1/temp-contents", home) != 0 {
		t.Errorf("second run made %s and uploaded %d times, want the adopted %s and no upload", again.Attributes.ID, sim.AuditCount(http.MethodPost, "/api/v1/temp-contents", home), first.Attributes.ID)
	}

	// A new version of the file is another import.
	p2, sum2 := writeQVF(t, 1<<20, 2)
	other, _, err := c.ImportAppOnce(ctx, qlik.AppImportRequest{Path: p2, SHA256: sum2, Name: "Sales", SpaceID: space.ID})
	if err != nil {
		t.Fatal(err)
	}
	if other.Attributes.ID == first.Attributes.ID {
		t.Error("a changed file adopted the previous version's app")
	}

	sim.ResetAudit()
	_, _, err = c.ImportAppOnce(ctx, qlik.AppImportRequest{Path: p, SHA256: sum2, Name: "Sales", SpaceID: space.ID})
	if !errors.Is(err, qlik.ErrSourceChanged) {
		t.Errorf("planned hash differs: %v, want ErrSourceChanged", err)
	}
	_, _, err = c.ImportAppOnce(ctx, qlik.AppImportRequest{Path: p, Name: "Sales", SpaceID: "no-such-space"})
	if !errors.Is(err, qlik.ErrNoTargetSpace) {
		t.Errorf("missing space: %v, want ErrNoTargetSpace", err)
	}
	if n := sim.AuditCount(http.MethodPost, "/api/v1/temp-contents", home) + sim.AuditCount(http.MethodPost, "/api/v1/apps/import", home); n != 0 {
		t.Errorf("refused imports made %d upload or import calls", n)
	}
}

// TestSim_ImportAppOnceFaults: an upload cut midway is repeated from disk, an import whose answer is lost after
// Qlik committed it is adopted by its marker; either way the space holds exactly one app with the file's bytes.
func TestSim_ImportAppOnceFaults(t *testing.T) {
	for _, tc := range []struct {
		name, route string
		fault       qliksim.RouteFault
		calls       int
	}{
		{"upload cut midway", "/api/v1/temp-contents", qliksim.RouteFault{AfterBytes: 1 << 20}, 2},
		{"import reset after commit", "/api/v1/apps/import", qliksim.RouteFault{}, 1},
		{"import 503", "/api/v1/apps/import", qliksim.RouteFault{Status: http.StatusServiceUnavailable}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim, c, home := startSim(t)
			space := newSpace(t, c, "Apps", "shared")
			p, sum := writeQVF(t, 4<<20, 3)
			sim.FailRoute(home, http.MethodPost, tc.route, 1, tc.fault)
			a, _, err := c.ImportAppOnce(t.Context(), qlik.AppImportRequest{Path: p, SHA256: sum, Name: "Sales", SpaceID: space.ID})
			if err != nil {
				t.Fatal(err)
			}
			if n := sim.AuditCount(http.MethodPost, tc.route, home); n != tc.calls {
				t.Errorf("POST %s ran %d times, want %d", tc.route, n, tc.calls)
			}
			apps := sim.Apps(home)
			if len(apps) != 1 || apps[0].Attributes.ID != a.Attributes.ID {
				t.Fatalf("tenant holds %d apps, want exactly the imported one", len(apps))
			}
			if got, _ := sim.AppChecksum(home, a.Attributes.ID); got != sum {
				t.Error("the imported app's bytes differ from the file")
			}
		})
	}
}

// importLarge imports a file of size bytes and returns the peak heap growth of the import (hash, upload,
// import). Client and simulator run in this process, so the heap covers both ends.
func importLarge(t testing.TB, size int64) uint64 {
	sim := qliksim.StartT(t, qliksim.Options{})
	c, err := qlik.New(qlik.Config{TenantURL: sim.Home().URL, APIKey: sim.Credentials().APIKey, RateLimits: qlik.RateLimits{Disabled: true}})
	if err != nil {
		t.Fatal(err)
	}
	space := newSpace(t, c, "Apps", "shared")
	p, sum := writeQVF(t, size, 4)
	w := watchHeap()
	a, info, err := c.ImportAppOnce(context.Background(), qlik.AppImportRequest{Path: p, SHA256: sum, Name: "Big", SpaceID: space.ID})
	grew := w.growth()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := sim.AppChecksum(sim.Home().Hostname, a.Attributes.ID); got != sum || info.Bytes != size {
		t.Fatalf("import of %d bytes: app sha %s, moved %d bytes; file sha %s", size, got, info.Bytes, sum)
	}
	return grew
}

// TestSim_ImportAppLargeFlatMemory imports a large file and checks that the heap does not grow with it.
func TestSim_ImportAppLargeFlatMemory(t *testing.T) { checkFlatMemory(t, "import", importLarge) }

// BenchmarkImportApp1GiB reports the peak heap growth of importing a 1 GiB app file (make bench).
func BenchmarkImportApp1GiB(b *testing.B) { benchmarkPeakHeap(b, importLarge) }
