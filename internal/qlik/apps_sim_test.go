package qlik_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

func TestSim_AppLifecycle(t *testing.T) {
	sim, c, home := startSim(t)
	ctx := t.Context()
	work := newSpace(t, c, "Work", "shared")
	other := newSpace(t, c, "Other", "shared")
	managed := newSpace(t, c, "Published", "managed")
	a, err := c.CreateApp(ctx, qlik.AppCreateRequest{Name: "Sales", Description: "d", SpaceID: work.ID})
	if err != nil {
		t.Fatal(err)
	}
	if a.Attributes.ID == "" || a.Attributes.SpaceID != work.ID || a.Attributes.OwnerID == "" {
		t.Fatalf("created %+v", a.Attributes)
	}
	u, err := c.UpdateApp(ctx, a.Attributes.ID, qlik.AppUpdateRequest{Name: new("Sales 2")})
	if err != nil || u.Attributes.Name != "Sales 2" || u.Attributes.Description != "d" {
		t.Fatalf("update: %+v %v", u, err)
	}
	cp, err := c.CopyApp(ctx, a.Attributes.ID, qlik.AppCreateRequest{Name: "Copy", Description: "c", SpaceID: other.ID, UniqueName: true})
	if err != nil || cp.Attributes.ID == a.Attributes.ID || cp.Attributes.SpaceID != other.ID || cp.Attributes.Description != "c" {
		t.Fatalf("copy: %+v %v", cp, err)
	}
	moved, err := c.MoveApp(ctx, cp.Attributes.ID, work.ID)
	if err != nil || moved.Attributes.SpaceID != work.ID {
		t.Fatalf("move: %+v %v", moved, err)
	}
	personal, err := c.RemoveAppFromSpace(ctx, cp.Attributes.ID)
	if err != nil || personal.Attributes.SpaceID != "" {
		t.Fatalf("remove from space: %+v %v", personal, err)
	}
	if back, err := c.MoveApp(ctx, cp.Attributes.ID, work.ID); err != nil || back.Attributes.SpaceID != work.ID {
		t.Fatalf("move back: %+v %v", back, err)
	}
	items, err := c.FindApps(ctx, "Copy", work.ID)
	if err != nil || len(items) != 1 || items[0].ResourceID != cp.Attributes.ID {
		t.Fatalf("find: %+v %v", items, err)
	}
	if items, _ := c.FindApps(ctx, "copy", work.ID); len(items) != 0 {
		t.Errorf("FindApps matched a name differing in case: %+v", items)
	}
	pub, err := c.PublishApp(ctx, a.Attributes.ID, qlik.PublishAppRequest{SpaceID: managed.ID})
	if err != nil || pub.Attributes.OriginAppID != a.Attributes.ID || pub.Attributes.PublishTime == "" {
		t.Fatalf("publish: %+v %v", pub, err)
	}
	time.Sleep(5 * time.Millisecond)
	re, err := c.RepublishApp(ctx, a.Attributes.ID, qlik.RepublishAppRequest{TargetID: pub.Attributes.ID})
	if err != nil || re.Attributes.ID != pub.Attributes.ID || re.Attributes.PublishTime == pub.Attributes.PublishTime {
		t.Fatalf("republish: %+v %v", re, err)
	}
	// Another app (a new release's copy) replaces the published content only when the origin check is off; it
	// then becomes the published app's origin.
	if _, err := c.RepublishApp(ctx, cp.Attributes.ID, qlik.RepublishAppRequest{TargetID: pub.Attributes.ID}); !errors.Is(err, qlik.ErrConflict) {
		t.Errorf("republish from another app with the origin check: %v, want 409", err)
	}
	re, err = c.RepublishApp(ctx, cp.Attributes.ID, qlik.RepublishAppRequest{TargetID: pub.Attributes.ID, AnotherSource: true})
	if err != nil || re.Attributes.ID != pub.Attributes.ID || re.Attributes.OriginAppID != cp.Attributes.ID {
		t.Fatalf("republish from another app: %+v %v", re, err)
	}
	if _, err := c.RepublishApp(ctx, a.Attributes.ID, qlik.RepublishAppRequest{}); err == nil {
		t.Error("a republish without a target was sent")
	}
	if _, err := c.PublishApp(ctx, a.Attributes.ID, qlik.PublishAppRequest{SpaceID: work.ID}); !errors.Is(err, qlik.ErrBadRequest) {
		t.Errorf("publish to a shared space: %v, want 400", err)
	}
	if err := c.DeleteSpace(ctx, managed.ID); !errors.Is(err, qlik.ErrPreconditionFailed) {
		t.Errorf("delete of a space holding an app: %v, want 412", err)
	}
	for _, id := range []string{pub.Attributes.ID, cp.Attributes.ID, a.Attributes.ID} {
		if err := c.DeleteApp(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.GetApp(ctx, a.Attributes.ID); !qlik.IsNotFound(err) {
		t.Errorf("get after delete: %v", err)
	}
	if n := len(sim.Apps(home)); n != 0 {
		t.Errorf("%d apps left", n)
	}
}

// twoTenants starts a simulator with a second tenant and returns clients for both.
func twoTenants(t testing.TB) (*qliksim.Server, *qlik.Client, *qlik.Client, *qliksim.Tenant) {
	t.Helper()
	sim := qliksim.StartT(t, qliksim.Options{})
	target, err := sim.AddTenant("customer")
	if err != nil {
		t.Fatal(err)
	}
	creds := sim.Credentials()
	c, err := qlik.New(qlik.Config{
		TenantURL: sim.Home().URL, ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, TrustedHosts: sim.TrustedHosts(),
		RetryWaitMin: 20 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond,
		RateLimits: qlik.RateLimits{Disabled: true}, VisibilityGrace: time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	dst, err := c.ForTenant(target.Hostname)
	if err != nil {
		t.Fatal(err)
	}
	return sim, c, dst, target
}

// heapWatch samples the heap in use while a transfer runs and reports the peak growth over the baseline.
type heapWatch struct {
	base uint64
	peak atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

func watchHeap() *heapWatch {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	w := &heapWatch{base: ms.HeapInuse, stop: make(chan struct{})}
	w.peak.Store(ms.HeapInuse)
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-tick.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > w.peak.Load() {
					w.peak.Store(ms.HeapInuse)
				}
			}
		}
	}()
	return w
}

// growth stops sampling and returns the peak growth in bytes.
func (w *heapWatch) growth() uint64 {
	close(w.stop)
	w.wg.Wait()
	if p := w.peak.Load(); p > w.base {
		return p - w.base
	}
	return 0
}

// transferLarge copies a synthetic app of size bytes across two tenants and checks the bytes arrived intact.
// Client and simulator run in this process, so the heap measured covers both ends of every transfer.
func transferLarge(t testing.TB, size int64) uint64 {
	sim, src, dst, target := twoTenants(t)
	home := sim.Home().Hostname
	srcID, err := sim.SeedApp(home, "Template", "", size)
	if err != nil {
		t.Fatal(err)
	}
	space := newSpace(t, dst, "Apps", "shared")
	w := watchHeap()
	a, info, err := dst.TransferApp(context.Background(), src, srcID, "", qlik.ImportAppRequest{Name: "Copy", SpaceID: space.ID, UniqueName: true})
	grew := w.growth()
	if err != nil {
		t.Fatal(err)
	}
	want, err := sim.AppChecksum(home, srcID)
	if err != nil {
		t.Fatal(err)
	}
	got, err := sim.AppChecksum(target.Hostname, a.Attributes.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got != want || info.SHA256 != want || info.Bytes != size {
		t.Fatalf("transfer of %d bytes: target sha %s, moved %d bytes sha %s; source sha %s", size, got, info.Bytes, info.SHA256, want)
	}
	return grew
}

// TestSim_TransferAppLargeFlatMemory copies a large app between two tenants and checks that the heap does not
// grow with the file.
func TestSim_TransferAppLargeFlatMemory(t *testing.T) { checkFlatMemory(t, "transfer", transferLarge) }

// BenchmarkTransferApp1GiB reports the peak heap growth of a 1 GiB cross-tenant copy (make bench).
func BenchmarkTransferApp1GiB(b *testing.B) { benchmarkPeakHeap(b, transferLarge) }

// checkFlatMemory moves a 256 MiB file (64 MiB with -short) with move, which returns the peak heap growth of the
// move, and fails when the heap grew by more than 64 MiB: the bound is generous, far below the file size. what
// names the move in messages ("import").
func checkFlatMemory(t *testing.T, what string, move func(testing.TB, int64) uint64) {
	size := int64(256 << 20)
	if testing.Short() {
		size = 64 << 20
	}
	grew := move(t, size)
	t.Logf("%s of %d MiB; peak heap growth %.1f MiB", what, size>>20, float64(grew)/(1<<20))
	if grew > 64<<20 {
		t.Errorf("peak heap grew by %.1f MiB during the %s of %d MiB; the %s is buffering", float64(grew)/(1<<20), what, size>>20, what)
	}
}

// benchmarkPeakHeap reports the peak heap growth of moving a 1 GiB file with move.
func benchmarkPeakHeap(b *testing.B, move func(testing.TB, int64) uint64) {
	for b.Loop() {
		grew := move(b, 1<<30)
		b.ReportMetric(float64(grew)/(1<<20), "peak-heap-MiB")
	}
	b.SetBytes(1 << 30)
}

// TestSim_TransferAppFaults injects a failure into each step of a cross-tenant copy and checks that the copy
// converges with exactly one app in the target and intact bytes.
func TestSim_TransferAppFaults(t *testing.T) {
	cases := []struct {
		name  string
		inTgt bool
		route string
		meth  string
		fault qliksim.RouteFault
		// adopted: the failed call committed, so the client must find its result instead of repeating it.
		adopted bool
	}{
		{"export 503", false, "/api/v1/apps/{appId}/export", http.MethodPost, qliksim.RouteFault{Status: http.StatusServiceUnavailable}, false},
		{"download cut midway", false, "/api/v1/temp-contents/{id}", http.MethodGet, qliksim.RouteFault{AfterBytes: 3 << 20}, false},
		{"upload cut midway", true, "/api/v1/temp-contents", http.MethodPost, qliksim.RouteFault{AfterBytes: 2 << 20}, false},
		{"import reset after commit", true, "/api/v1/apps/import", http.MethodPost, qliksim.RouteFault{}, true},
		{"import 503", true, "/api/v1/apps/import", http.MethodPost, qliksim.RouteFault{Status: http.StatusServiceUnavailable}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim, src, dst, target := twoTenants(t)
			home := sim.Home().Hostname
			srcID, err := sim.SeedApp(home, "Template", "", 8<<20)
			if err != nil {
				t.Fatal(err)
			}
			space := newSpace(t, dst, "Apps", "shared")
			host := home
			if tc.inTgt {
				host = target.Hostname
			}
			sim.FailRoute(host, tc.meth, tc.route, 1, tc.fault)
			sim.ResetAudit()
			a, _, err := dst.TransferApp(t.Context(), src, srcID, "", qlik.ImportAppRequest{Name: "Copy", SpaceID: space.ID, UniqueName: true})
			if err != nil {
				t.Fatal(err)
			}
			n := sim.AuditCount(tc.meth, tc.route, host)
			switch {
			case tc.adopted && (n != 1 || sim.AuditCount(http.MethodGet, "/api/v1/items", host) == 0):
				t.Errorf("%s %s ran %d times; want once, then a lookup that adopts its result", tc.meth, tc.route, n)
			case !tc.adopted && n < 2:
				t.Errorf("%s %s ran %d times; the fault was not hit and retried", tc.meth, tc.route, n)
			}
			apps := sim.Apps(target.Hostname)
			if len(apps) != 1 || apps[0].Attributes.ID != a.Attributes.ID {
				t.Fatalf("target holds %d apps (%+v), want exactly the one returned (%s)", len(apps), apps, a.Attributes.ID)
			}
			want, _ := sim.AppChecksum(home, srcID)
			if got, _ := sim.AppChecksum(target.Hostname, a.Attributes.ID); got != want {
				t.Error("the copy's bytes differ from the source")
			}
		})
	}
}

// TestSim_ImportResetWithListingLag resets an import after it committed while the new app is not yet listed:
// the client keeps looking instead of importing a second copy.
func TestSim_ImportResetWithListingLag(t *testing.T) {
	sim, c, home := startSimWith(t, qliksim.Options{VisibilityDelay: 300 * time.Millisecond}, true)
	srcID, err := sim.SeedApp(home, "Template", "", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	sim.FailRoute(home, http.MethodPost, "/api/v1/apps/import", 1, qliksim.RouteFault{})
	a, _, err := c.TransferApp(t.Context(), c, srcID, "", qlik.ImportAppRequest{Name: "Copy [copying 1]", UniqueName: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := sim.AuditCount(http.MethodPost, "/api/v1/apps/import", home); n != 1 {
		t.Errorf("import ran %d times, want 1", n)
	}
	if apps := sim.Apps(home); len(apps) != 2 || a.Attributes.Name != "Copy [copying 1]" {
		t.Errorf("tenant holds %d apps, want the template and one copy", len(apps))
	}
}

// createFaults are a create's answer lost after Qlik committed it (one POST, the object adopted) and a 503 before
// Qlik ran it (the POST repeated), with the POSTs each makes.
var createFaults = []struct {
	name  string
	fault qliksim.RouteFault
	posts int
}{
	{"reset after commit", qliksim.RouteFault{}, 1},
	{"503 before", qliksim.RouteFault{Status: http.StatusServiceUnavailable}, 2},
}

// spaceToPublishInto makes the managed space "Published" with c and seeds the app "Sales" in the home tenant: a
// space and an app to publish into it.
func spaceToPublishInto(t *testing.T, sim *qliksim.Server, c *qlik.Client) (*qlik.Space, string) {
	t.Helper()
	managed := newSpace(t, c, "Published", "managed")
	src, err := sim.SeedApp(sim.Home().Hostname, "Sales", "", 1024)
	if err != nil {
		t.Fatal(err)
	}
	return managed, src
}

// TestSim_PublishAppFaults: a publish whose answer is lost after Qlik committed it is adopted, one refused with 503
// before it ran is repeated; either way the managed space ends up with exactly one published app.
func TestSim_PublishAppFaults(t *testing.T) {
	for _, tc := range createFaults {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim := qliksim.StartT(t, qliksim.Options{VisibilityDelay: 100 * time.Millisecond})
			c, err := qlik.New(qlik.Config{TenantURL: sim.Home().URL, APIKey: sim.Credentials().APIKey, RetryWaitMin: 50 * time.Millisecond, RetryWaitMax: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			home := sim.Home().Hostname
			managed, src := spaceToPublishInto(t, sim, c)
			time.Sleep(150 * time.Millisecond) // the new space becomes visible
			sim.FailRoute(home, http.MethodPost, "/api/v1/apps/{appId}/publish", 1, tc.fault)
			pub, err := c.PublishApp(ctx, src, qlik.PublishAppRequest{SpaceID: managed.ID})
			if err != nil {
				t.Fatal(err)
			}
			var published []string
			for _, a := range sim.Apps(home) {
				if a.Attributes.OriginAppID == src {
					published = append(published, a.Attributes.ID)
				}
			}
			if len(published) != 1 || published[0] != pub.Attributes.ID {
				t.Errorf("published apps %v, returned %s; want exactly the returned one", published, pub.Attributes.ID)
			}
			if n := sim.AuditCount(http.MethodPost, "/api/v1/apps/{appId}/publish", home); n != tc.posts {
				t.Errorf("%d publish requests, want %d", n, tc.posts)
			}
		})
	}
}

// TestSim_TransferAppExportsOncePerRelease: copies of one source app and release share one export (a Tier 2 write
// on the source tenant); another release exports again, and so does a copy that finds the shared export expired.
func TestSim_TransferAppExportsOncePerRelease(t *testing.T) {
	sim, src, dst, _ := twoTenants(t)
	home := sim.Home().Hostname
	srcID, err := sim.SeedApp(home, "Template", "", 4096)
	if err != nil {
		t.Fatal(err)
	}
	exports := func() int { return sim.AuditCount(http.MethodPost, "/api/v1/apps/{appId}/export", home) }
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			if _, _, err := dst.TransferApp(t.Context(), src, srcID, "v1", qlik.ImportAppRequest{Name: fmt.Sprintf("Copy %d", i), UniqueName: true}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := exports(); n != 1 {
		t.Fatalf("4 concurrent copies of one release made %d exports, want 1", n)
	}
	if _, _, err := dst.TransferApp(t.Context(), src, srcID, "v2", qlik.ImportAppRequest{Name: "Copy v2", UniqueName: true}); err != nil {
		t.Fatal(err)
	}
	if n := exports(); n != 2 {
		t.Fatalf("a new release made %d exports in all, want 2", n)
	}
	if err := sim.ExpireTempContents(home); err != nil {
		t.Fatal(err)
	}
	a, info, err := dst.TransferApp(t.Context(), src, srcID, "v2", qlik.ImportAppRequest{Name: "Copy v2 again", UniqueName: true})
	if err != nil {
		t.Fatalf("copy after the shared export expired: %v", err)
	}
	if n := exports(); n != 3 {
		t.Fatalf("an expired export made %d exports in all, want 3", n)
	}
	if want, _ := sim.AppChecksum(home, srcID); info.SHA256 != want || a == nil {
		t.Fatalf("copy after re-export: sha %s, want %s", info.SHA256, want)
	}
}
