package qlik

import (
	"net/http"
	"testing"
	"time"
)

func TestPendingReloadIsNotARateLimit(t *testing.T) {
	t.Parallel()
	pendingBody := []byte(`{"errors":[{"code":"RELOADS-009","title":"Reload already pending"}]}`)
	limitBody := []byte(`{"errors":[{"code":"HTTP-429","title":"API rate limit reached."}]}`)
	withRetry := http.Header{"Retry-After": {"13"}}
	for _, tc := range []struct {
		name         string
		method, path string
		status       int
		header       http.Header
		body         []byte
		pending      bool
	}{
		{"pending reload", http.MethodPost, reloadsPath, 429, http.Header{}, pendingBody, true},
		{"rate limit on reloads", http.MethodPost, reloadsPath, 429, withRetry, limitBody, false},
		{"rate limit code without header", http.MethodPost, reloadsPath, 429, http.Header{}, limitBody, false},
		{"429 elsewhere", http.MethodPost, "/api/v1/spaces", 429, http.Header{}, pendingBody, false},
		{"conflict", http.MethodPost, reloadsPath, 409, http.Header{}, pendingBody, false},
	} {
		if got := isPendingReloadResponse(tc.method, tc.path, tc.status, tc.header, tc.body); got != tc.pending {
			t.Errorf("%s: isPendingReloadResponse = %v, want %v", tc.name, got, tc.pending)
		}
		apiErr := newAPIError(tc.method, tc.path, "h", tc.status, tc.header, tc.body, time.Now())
		if got := IsReloadPending(apiErr); got != tc.pending {
			t.Errorf("%s: IsReloadPending = %v, want %v", tc.name, got, tc.pending)
		}
	}
}

func TestTailBufferKeepsTheEnd(t *testing.T) {
	t.Parallel()
	tb := &tailBuffer{max: 5}
	for _, s := range []string{"abc", "defg", "h"} {
		if _, err := tb.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if string(tb.buf) != "defgh" {
		t.Errorf("tail = %q", tb.buf)
	}
}
