package qlik

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// TestUploadTempContent_RetriesResendTheFileWithLength checks that a streamed upload carries Content-Length (not
// chunked) and that a retry after 503 sends the whole file again.
func TestUploadTempContent_RetriesResendTheFileWithLength(t *testing.T) {
	file := bytes.Repeat([]byte("qvf-"), 50_000)
	path := filepath.Join(t.TempDir(), "app.qvf")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	c := fastClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		got, _ := io.ReadAll(r.Body)
		if r.ContentLength != int64(len(file)) || len(r.TransferEncoding) != 0 {
			t.Errorf("attempt %d: Content-Length %d, Transfer-Encoding %v", n, r.ContentLength, r.TransferEncoding)
		}
		if !bytes.Equal(got, file) || r.Header.Get("Content-Type") != "application/octet-stream" {
			t.Errorf("attempt %d: received %d bytes of %d, type %q", n, len(got), len(file), r.Header.Get("Content-Type"))
		}
		if r.URL.Query().Get("filename") != "app.qvf" {
			t.Errorf("query %s", r.URL.RawQuery)
		}
		if n == 1 {
			writeQlikError(w, http.StatusServiceUnavailable, "HTTP-503", "Service Unavailable")
			return
		}
		w.Header().Set("Location", "/api/v1/temp-contents/abc123")
		w.WriteHeader(http.StatusCreated)
	}))
	id, err := c.UploadTempContent(t.Context(), "app.qvf", path)
	if err != nil || id != "abc123" || calls.Load() != 2 {
		t.Fatalf("id %q, err %v, calls %d", id, err, calls.Load())
	}
}

func TestTempContentID(t *testing.T) {
	for loc, want := range map[string]string{
		"/api/v1/temp-contents/abc":                                   "abc",
		"https://t.eu.qlikcloud.com/api/v1/temp-contents/x1?inline=1": "x1",
	} {
		if got, err := tempContentID(loc); err != nil || got != want {
			t.Errorf("tempContentID(%q) = %q, %v; want %q", loc, got, err, want)
		}
	}
	if _, err := tempContentID(""); err == nil {
		t.Error("empty Location accepted")
	}
}
