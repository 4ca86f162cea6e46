package qliksim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
)

func TestSynthReaderDeterministicAndSeekable(t *testing.T) {
	t.Parallel()
	c := content{size: 100_003, seed: 42}
	read := func(off, n int64) []byte {
		r, err := c.open()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Seek(off, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(io.LimitReader(r, n))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	all := read(0, c.size)
	if int64(len(all)) != c.size || !bytes.HasPrefix(all, qvfMagic) {
		t.Fatalf("read %d bytes starting %q", len(all), all[:12])
	}
	if !bytes.Equal(read(0, c.size), all) {
		t.Fatal("two reads of the same content differ")
	}
	for _, off := range []int64{0, 5, 11, 12, 13, 4095, 99_999} {
		if got := read(off, 17); !bytes.Equal(got, all[off:min(off+17, c.size)]) {
			t.Errorf("read at %d differs from the full stream", off)
		}
	}
	other, _ := content{size: c.size, seed: 43}.checksum()
	mine, _ := c.checksum()
	if other == mine {
		t.Error("different seeds produced the same content")
	}
}

// TestContractApps drives the apps, temp-contents and items endpoints through the validating transport.
func TestContractApps(t *testing.T) {
	t.Parallel()
	sim, home, c, calls := startContract(t, Options{}, "apps.json", "temp-contents.json", "items.json", "spaces.json")
	token := calls.token
	call, cc := calls.call, calls.cc
	apps := home.URL + "/api/v1/apps"
	var shared, managed Space
	call(http.MethodPost, home.URL+"/api/v1/spaces", http.StatusCreated, map[string]string{"name": "Work", "type": "shared"}).decode(t, &shared)
	call(http.MethodPost, home.URL+"/api/v1/spaces", http.StatusCreated, map[string]string{"name": "Published", "type": "managed"}).decode(t, &managed)

	var created App
	call(http.MethodPost, apps, http.StatusOK, map[string]any{"attributes": map[string]string{"name": "Sales", "description": "d", "spaceId": shared.ID}}).decode(t, &created)
	id := created.Attributes.ID
	if created.Attributes.SpaceID != shared.ID || created.Attributes.Name != "Sales" {
		t.Fatalf("created %+v", created.Attributes)
	}
	call(http.MethodGet, apps+"/"+id, http.StatusOK, nil)
	call(http.MethodGet, apps+"/00000000-0000-0000-0000-000000000000", http.StatusNotFound, nil)
	var updated App
	call(http.MethodPut, apps+"/"+id, http.StatusOK, map[string]any{"attributes": map[string]string{"name": "Sales v2", "description": "new"}}).decode(t, &updated)
	if updated.Attributes.Name != "Sales v2" || updated.Attributes.Description != "new" {
		t.Errorf("after PUT: %+v", updated.Attributes)
	}
	var cp App
	call(http.MethodPost, apps+"/"+id+"/copy", http.StatusOK, map[string]any{"attributes": map[string]string{"name": "Copy"}}).decode(t, &cp)
	if cp.Attributes.ID == id || cp.Attributes.SpaceID != shared.ID {
		t.Errorf("copy %+v", cp.Attributes)
	}
	call(http.MethodPost, apps+"/"+id+"/copy", http.StatusBadRequest, map[string]any{"attributes": map[string]string{"spaceId": "62716f4b39b865ece543cd45"}})

	// Export, download (whole and a range), import by fileId and by body.
	calls.sent++
	r := cc.do(t.Context(), http.MethodPost, apps+"/"+id+"/export", token, "", nil)
	loc := r.header.Get("Location")
	if r.status != http.StatusCreated || !strings.HasPrefix(loc, "/api/v1/temp-contents/") {
		t.Fatalf("export: %d, Location %q", r.status, loc)
	}
	calls.sent++
	file := cc.do(t.Context(), http.MethodGet, home.URL+loc, token, "", nil)
	if file.status != http.StatusOK || int64(len(file.body)) != 4096 || !strings.Contains(file.header.Get("Content-Disposition"), "Sales v2.qvf") {
		t.Fatalf("download: %d, %d bytes, %v", file.status, len(file.body), file.header)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, home.URL+loc, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Range", "bytes=100-199")
	calls.sent++
	resp, err := cc.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	part, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(part, file.body[100:200]) {
		t.Errorf("range: %d, %d bytes", resp.StatusCode, len(part))
	}
	calls.sent++
	up := cc.do(t.Context(), http.MethodPost, home.URL+"/api/v1/temp-contents?filename=upload.qvf&ttl=600", token, "application/octet-stream", file.body)
	if up.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", up.status, up.body)
	}
	fileID := strings.TrimPrefix(up.header.Get("Location"), "/api/v1/temp-contents/")
	var imported App
	call(http.MethodPost, apps+"/import?fileId="+fileID+"&spaceId="+shared.ID+"&name=Imported", http.StatusOK, nil).decode(t, &imported)
	if imported.Attributes.Name != "Imported" || imported.Attributes.SpaceID != shared.ID {
		t.Errorf("imported %+v", imported.Attributes)
	}
	if a, b := mustChecksum(t, sim, home.Hostname, imported.Attributes.ID), mustChecksum(t, sim, home.Hostname, id); a != b {
		t.Error("imported app content differs from the exported app")
	}
	calls.sent++
	direct := cc.do(t.Context(), http.MethodPost, apps+"/import?name=Direct", token, "application/octet-stream", file.body)
	if direct.status != http.StatusOK {
		t.Fatalf("import body: %d %s", direct.status, direct.body)
	}
	call(http.MethodPost, apps+"/import?fileId=62716f4b39b865ece543cd45", http.StatusNotFound, nil)

	// Move, publish, republish, items.
	call(http.MethodDelete, apps+"/"+cp.Attributes.ID+"/space", http.StatusOK, nil)
	call(http.MethodPut, apps+"/"+cp.Attributes.ID+"/space", http.StatusOK, map[string]string{"spaceId": shared.ID})
	var pub App
	call(http.MethodPost, apps+"/"+id+"/publish", http.StatusOK, map[string]string{"spaceId": managed.ID}).decode(t, &pub)
	if pub.Attributes.ID == id || pub.Attributes.OriginAppID != id || pub.Attributes.PublishTime == "" || pub.Attributes.SpaceID != managed.ID {
		t.Errorf("published %+v", pub.Attributes)
	}
	call(http.MethodPost, apps+"/"+id+"/publish", http.StatusBadRequest, map[string]string{"spaceId": shared.ID})
	call(http.MethodPut, apps+"/"+id+"/publish", http.StatusOK, map[string]any{"targetId": pub.Attributes.ID})
	call(http.MethodPut, apps+"/"+cp.Attributes.ID+"/publish", http.StatusConflict, map[string]any{"targetId": pub.Attributes.ID})
	var items struct {
		Data []Item `json:"data"`
	}
	call(http.MethodGet, home.URL+"/api/v1/items?resourceType=app&spaceId="+shared.ID+"&name="+url.QueryEscape("sales v2")+"&limit=10", http.StatusOK, nil).decode(t, &items)
	if len(items.Data) != 1 || items.Data[0].ResourceID != id {
		t.Errorf("items: %+v", items.Data)
	}

	// Walk every app one page at a time through the next links.
	walked, _ := walkPages[Item](t, calls.get, home.URL+"/api/v1/items?resourceType=app&limit=1", nil)
	if want := len(sim.Apps(home.Hostname)); walked != want {
		t.Errorf("walked %d items, the tenant holds %d apps", walked, want)
	}
	calls.sent++
	cc.jsonCtx(invalidRequest(t.Context()), http.MethodGet, home.URL+"/api/v1/items?limit=0", token, http.StatusBadRequest, nil)

	call(http.MethodDelete, home.URL+"/api/v1/spaces/"+managed.ID, http.StatusPreconditionFailed, nil)
	call(http.MethodDelete, apps+"/"+pub.Attributes.ID, http.StatusOK, nil)
	call(http.MethodDelete, home.URL+"/api/v1/spaces/"+managed.ID, http.StatusNoContent, nil)
	call(http.MethodDelete, apps+"/"+id, http.StatusOK, nil)
	call(http.MethodGet, apps+"/"+id, http.StatusNotFound, nil)

	if err := sim.ExpireTempContents(home.Hostname); err != nil {
		t.Fatal(err)
	}
	calls.sent++
	if gone := cc.do(t.Context(), http.MethodGet, home.URL+loc, token, "", nil); gone.status != http.StatusGone {
		t.Errorf("expired download: %d", gone.status)
	}
	calls.allValidated(c)
}

func mustChecksum(t *testing.T, sim *Server, host, id string) string {
	t.Helper()
	sum, err := sim.AppChecksum(host, id)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// TestAppsSeedAndRouteFaults checks the test hooks: a seeded app downloads as the bytes its checksum names, and a
// cut download and a reset import behave as documented.
func TestAppsSeedAndRouteFaults(t *testing.T) {
	t.Parallel()
	sim, home, cl, token := startHome(t)
	id, err := sim.SeedApp(home.Hostname, "Template", "", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	r := cl.expect(http.StatusCreated, http.MethodPost, home.URL+"/api/v1/apps/"+id+"/export", token, nil)
	loc := r.header.Get("Location")
	file := cl.expect(http.StatusOK, http.MethodGet, home.URL+loc, token, nil)
	sum := sha256.Sum256(file.body)
	if hex.EncodeToString(sum[:]) != mustChecksum(t, sim, home.Hostname, id) || len(file.body) != 1<<20 {
		t.Fatal("downloaded bytes do not match the seeded app")
	}

	sim.FailRoute(home.Hostname, http.MethodGet, "/api/v1/temp-contents/{id}", 1, RouteFault{AfterBytes: 1000})
	if _, err := cl.send(http.MethodGet, home.URL+loc, token, nil); err == nil {
		t.Error("cut download returned no error")
	}
	cl.expect(http.StatusOK, http.MethodGet, home.URL+loc, token, nil)

	sim.FailRoute(home.Hostname, http.MethodPost, "/api/v1/apps/import", 1, RouteFault{})
	fileID := strings.TrimPrefix(loc, "/api/v1/temp-contents/")
	if _, err := cl.send(http.MethodPost, home.URL+"/api/v1/apps/import?fileId="+fileID+"&name=Reset", token, nil); err == nil {
		t.Error("reset import returned no error")
	}
	n := 0
	for _, a := range sim.Apps(home.Hostname) {
		if a.Attributes.Name == "Reset" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the reset import committed %d apps, want 1", n)
	}
	if err := sim.EditApp(home.Hostname, id, func(a *AppAttributes) { a.Name = "Renamed" }); err != nil {
		t.Fatal(err)
	}
	if a, _ := sim.App(home.Hostname, id); a.Attributes.Name != "Renamed" {
		t.Errorf("EditApp: %+v", a.Attributes)
	}
	if err := sim.DeleteApp(home.Hostname, id); err != nil {
		t.Fatal(err)
	}
	cl.expect(http.StatusNotFound, http.MethodGet, home.URL+"/api/v1/apps/"+id, token, nil)
}

// TestSpoolCollectsUnreferencedFiles checks that uploads nothing refers to any more leave the disk, while the
// file of an imported app stays.
func TestSpoolCollectsUnreferencedFiles(t *testing.T) {
	t.Parallel()
	sim, home, cl, token := startHome(t)
	upload := func() string {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, home.URL+"/api/v1/temp-contents?filename=a.qvf", bytes.NewReader(make([]byte, 1000)))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := cl.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("upload: %d", resp.StatusCode)
		}
		return strings.TrimPrefix(resp.Header.Get("Location"), "/api/v1/temp-contents/")
	}
	files := func() int {
		entries, err := os.ReadDir(sim.spoolPath)
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	imported := upload()
	cl.expect(http.StatusOK, http.MethodPost, home.URL+"/api/v1/apps/import?fileId="+imported, token, nil)
	upload()
	if n := files(); n != 2 {
		t.Fatalf("%d spooled files, want 2", n)
	}
	if err := sim.ExpireTempContents(home.Hostname); err != nil {
		t.Fatal(err)
	}
	upload()
	// The expired upload nobody imported is gone; the imported app's file and the new upload remain.
	if n := files(); n != 2 {
		t.Errorf("%d spooled files after collection, want 2", n)
	}
	apps := sim.Apps(home.Hostname)
	if len(apps) != 1 {
		t.Fatalf("%d apps", len(apps))
	}
	if _, err := sim.AppChecksum(home.Hostname, apps[0].Attributes.ID); err != nil {
		t.Errorf("the imported app lost its content: %v", err)
	}
}

// TestSpoolKeepsConcurrentUploads uploads from many clients at once: the collection one upload runs must not
// delete another upload's file that is written but not yet recorded, or the app imported from it loses its
// content.
func TestSpoolKeepsConcurrentUploads(t *testing.T) {
	t.Parallel()
	sim, home, cl, token := startHome(t)
	const n = 24
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, home.URL+"/api/v1/temp-contents?filename=a.qvf", bytes.NewReader(make([]byte, 256<<10)))
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := cl.hc.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			ids[i] = strings.TrimPrefix(resp.Header.Get("Location"), "/api/v1/temp-contents/")
		}()
	}
	wg.Wait()
	for _, id := range ids {
		var a App
		cl.expect(http.StatusOK, http.MethodPost, home.URL+"/api/v1/apps/import?fileId="+id, token, nil).decode(t, &a)
		if _, err := sim.AppChecksum(home.Hostname, a.Attributes.ID); err != nil {
			t.Errorf("app imported from %s lost its content: %v", id, err)
		}
	}
}
