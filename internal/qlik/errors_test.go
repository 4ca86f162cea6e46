package qlik

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNewAPIError_Shapes(t *testing.T) {
	now := time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		status     int
		header     http.Header
		body       string
		wantCode   string
		wantTitle  string
		wantDetail string
		wantTrace  string
		wantStatus string // of the first item
		wantItems  int
		wantRetry  time.Duration
		wantString string // substring of Error()
	}{
		{
			name:     "tenants: status as string, traceId",
			status:   404,
			body:     `{"errors":[{"code":"TENANTS-8","title":"Not found","detail":"Tenant not found","status":"404"}],"traceId":"0a1b2c"}`,
			wantCode: "TENANTS-8", wantTitle: "Not found", wantDetail: "Tenant not found",
			wantTrace: "0a1b2c", wantStatus: "404", wantItems: 1,
			wantString: `GET /api/v1/x: 404 Not Found: TENANTS-8 "Not found" (Tenant not found) [trace id: 0a1b2c]`,
		},
		{
			name:     "scheduling tasks: HttpResult with an integer code and a context",
			status:   404,
			body:     `{"errors":[{"code":404,"title":"Not Found","context":"app x does not exist","timestamp":"2026-08-01T12:00:00Z"}],"traceId":"s1"}`,
			wantCode: "404", wantTitle: "Not Found", wantDetail: "app x does not exist", wantTrace: "s1", wantItems: 1,
		},
		{
			name:     "groups: status as number, traceId",
			status:   404,
			body:     `{"errors":[{"code":"GROUPS-7","title":"Group not found","status":404}],"traceId":"t-9"}`,
			wantCode: "GROUPS-7", wantTitle: "Group not found", wantTrace: "t-9", wantStatus: "404", wantItems: 1,
		},
		{
			name:     "api-keys: status as number, no traceId",
			status:   403,
			body:     `{"errors":[{"code":"APIKEYS-3","title":"Forbidden","detail":"not allowed","status":403}]}`,
			wantCode: "APIKEYS-3", wantTitle: "Forbidden", wantDetail: "not allowed", wantStatus: "403", wantItems: 1,
		},
		{
			name:     "roles: no status, traceId",
			status:   404,
			body:     `{"errors":[{"code":"IDENTITIES-10402","title":"Not found"}],"traceId":"r1"}`,
			wantCode: "IDENTITIES-10402", wantTitle: "Not found", wantTrace: "r1", wantItems: 1,
		},
		{
			name:     "spaces: errors[] plus deprecated top-level fields",
			status:   409,
			body:     `{"errors":[{"code":"SpaceConflict","title":"Space already exists.","detail":"name must be unique"}],"code":"SpaceConflict","title":"Space already exists.","traceId":"abc"}`,
			wantCode: "SpaceConflict", wantTitle: "Space already exists.", wantDetail: "name must be unique",
			wantTrace: "abc", wantItems: 1,
			wantString: `POST /api/v1/x: 409 Conflict: SpaceConflict "Space already exists." (name must be unique) [trace id: abc]`,
		},
		{
			name:     "spaces: deprecated top-level fields only",
			status:   409,
			body:     `{"code":"AssignmentConflict","title":"Assignment already exists.","detail":"assigneeId must be unique"}`,
			wantCode: "AssignmentConflict", wantTitle: "Assignment already exists.", wantDetail: "assigneeId must be unique", wantItems: 1,
		},
		{
			name:     "rate limiter body with retry-after",
			status:   429,
			header:   http.Header{"Retry-After": {"13"}},
			body:     `{"errors":[{"code":"HTTP-429","title":"API rate limit reached.","detail":"You need to wait 13 seconds until limit is lifted."}]}`,
			wantCode: "HTTP-429", wantTitle: "API rate limit reached.",
			wantDetail: "You need to wait 13 seconds until limit is lifted.", wantItems: 1, wantRetry: 13 * time.Second,
		},
		{
			name:     "users invite: numeric code",
			status:   400,
			body:     `{"errors":[{"code":20001,"title":"Invalid email","detail":"x"}]}`,
			wantCode: "20001", wantTitle: "Invalid email", wantDetail: "x", wantItems: 1,
		},
		{
			name:     "several items",
			status:   400,
			body:     `{"errors":[{"code":"A","title":"first"},{"code":"B","title":"second","status":"400"}],"traceId":"m"}`,
			wantCode: "A", wantTitle: "first", wantTrace: "m", wantItems: 2,
			wantString: "(and 1 more error)",
		},
		{
			name:       "HTML body from a proxy",
			status:     502,
			body:       "<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
			wantDetail: "502 Bad Gateway 502 Bad Gateway nginx",
			wantString: "GET /api/v1/x: 502 Bad Gateway: (502 Bad Gateway 502 Bad Gateway nginx)",
		},
		{
			name:       "plain text body",
			status:     503,
			header:     http.Header{"Retry-After": {"2"}},
			body:       "upstream connect error\n",
			wantDetail: "upstream connect error", wantRetry: 2 * time.Second,
		},
		{
			name:       "long non-JSON body is cut",
			status:     500,
			body:       strings.Repeat("x", 1000),
			wantDetail: strings.Repeat("x", maxSnippet) + "…",
		},
		{
			name:       "broken JSON",
			status:     500,
			body:       `{"errors":[{"code":`,
			wantDetail: `{"errors":[{"code":`,
		},
		{
			name:       "empty body",
			status:     404,
			body:       "",
			wantString: "GET /api/v1/x: 404 Not Found",
		},
		{
			name:     "OAuth RFC 6749 shape",
			status:   401,
			body:     `{"error":"invalid_client","error_description":"Client authentication failed"}`,
			wantCode: "invalid_client", wantDetail: "Client authentication failed", wantItems: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := http.MethodGet
			if tt.status == 409 {
				method = http.MethodPost
			}
			e := newAPIError(method, "/api/v1/x", "acme.example", tt.status, tt.header, []byte(tt.body), now)
			if e.StatusCode != tt.status || e.Code != tt.wantCode || e.Title != tt.wantTitle ||
				e.Detail != tt.wantDetail || e.TraceID != tt.wantTrace || len(e.Errors) != tt.wantItems || e.RetryAfter != tt.wantRetry {
				t.Errorf("got %+v", *e)
			}
			if tt.wantItems > 0 && e.Errors[0].Status != tt.wantStatus {
				t.Errorf("first item status = %q, want %q", e.Errors[0].Status, tt.wantStatus)
			}
			if tt.wantString != "" && !strings.Contains(e.Error(), tt.wantString) {
				t.Errorf("Error() = %q, want it to contain %q", e.Error(), tt.wantString)
			}
			if tt.wantString == "GET /api/v1/x: 404 Not Found" && e.Error() != tt.wantString {
				t.Errorf("Error() = %q, want exactly %q", e.Error(), tt.wantString)
			}
		})
	}
}

func TestAPIError_Is(t *testing.T) {
	sentinels := map[int]error{
		400: ErrBadRequest, 401: ErrUnauthorized, 403: ErrForbidden, 404: ErrNotFound,
		409: ErrConflict, 412: ErrPreconditionFailed, 429: ErrRateLimited,
	}
	for status, want := range sentinels {
		err := fmt.Errorf("wrapped: %w", &APIError{StatusCode: status, Method: "GET", Path: "/p"})
		if !errors.Is(err, want) {
			t.Errorf("status %d: errors.Is(%v) = false", status, want)
		}
		for other, s := range sentinels {
			if other != status && errors.Is(err, s) {
				t.Errorf("status %d unexpectedly matches %v", status, s)
			}
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
			t.Errorf("errors.As failed for %d", status)
		}
	}
	if !IsNotFound(&APIError{StatusCode: 404}) || IsNotFound(&APIError{StatusCode: 500}) || IsNotFound(nil) {
		t.Error("IsNotFound")
	}
	if !IsConflict(&APIError{StatusCode: 409}) || IsConflict(errors.New("x")) {
		t.Error("IsConflict")
	}
	if errors.Is(&APIError{StatusCode: 500}, ErrNotFound) {
		t.Error("500 must not match ErrNotFound")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"13", 13 * time.Second, true},
		{" 0 ", 0, true},
		{"-5", 0, true},
		{"99999", maxRetryAfter, true},
		{now.Add(7 * time.Second).Format(http.TimeFormat), 7 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"soon", 0, false},
		{"NaN", 0, false},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.v != "" {
			h.Set("retry-after", tt.v)
		}
		got, ok := parseRetryAfter(h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.v, got, ok, tt.want, tt.ok)
		}
	}
}
