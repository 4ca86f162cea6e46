package qlik

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors matched by (*APIError).Is on the HTTP status, so callers
// write errors.Is(err, qlik.ErrNotFound).
var (
	ErrBadRequest         = errors.New("qlik: bad request")
	ErrUnauthorized       = errors.New("qlik: unauthorized")
	ErrForbidden          = errors.New("qlik: forbidden")
	ErrNotFound           = errors.New("qlik: not found")
	ErrConflict           = errors.New("qlik: conflict")
	ErrPreconditionFailed = errors.New("qlik: precondition failed")
	ErrRateLimited        = errors.New("qlik: rate limited")
)

// NotFoundError is what a Find* method returns when no object has the natural key it looks for: every Find*
// method answers "none" this way, never with a nil object and a nil error. It matches ErrNotFound (as a 404
// does), so callers test both with IsNotFound; createWithRecovery tells it apart from a failed lookup.
type NotFoundError struct {
	// What describes what was looked for ("space named \"Sales\"").
	What string
	// Host is the host that was searched.
	Host string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("qlik: no %s on %s", e.What, e.Host) }

// Is matches ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// isNoMatch reports whether err is a lookup's "none" (a *NotFoundError), as opposed to a lookup that failed,
// a 404 included.
func isNoMatch(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf)
}

// notFound returns the *NotFoundError of a lookup on this view's host.
func (c *Client) notFound(format string, args ...any) error {
	return &NotFoundError{What: fmt.Sprintf(format, args...), Host: c.ep.host}
}

// ErrInvalidID is returned, wrapped, before any request is sent when a
// required object ID is empty.
var ErrInvalidID = errors.New("qlik: invalid ID: must not be empty")

// ErrorItem is one entry of a Qlik error body's errors array.
type ErrorItem struct {
	Code   string
	Title  string
	Detail string
	// Status is the item's status as text; services send it as a string, a
	// number or not at all.
	Status string
}

// APIError is a Qlik API response with status 300 or above.
type APIError struct {
	StatusCode int
	Method     string
	// Path is the request path without query string.
	Path string
	// Host is the host[:port] the request went to; useful with many tenants.
	Host string

	// Code, Title and Detail come from the first error item, or from the
	// deprecated top-level fields some services (spaces) still send.
	Code    string
	Title   string
	Detail  string
	TraceID string
	Errors  []ErrorItem

	// RetryAfter is the parsed Retry-After header (429 and 503), or zero.
	RetryAfter time.Duration
}

// Error renders the status, Qlik's code, title and detail, and the trace ID,
// e.g. `POST /api/v1/spaces: 409 Conflict: SPACES-1 "Space already exists." [trace id: abc]`.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteString(" " + t)
	}
	if e.Code != "" || e.Title != "" {
		b.WriteString(":")
		if e.Code != "" {
			b.WriteString(" " + e.Code)
		}
		if e.Title != "" {
			fmt.Fprintf(&b, " %q", e.Title)
		}
	}
	if e.Detail != "" && e.Detail != e.Title {
		if e.Code == "" && e.Title == "" {
			b.WriteString(":")
		}
		b.WriteString(" (" + e.Detail + ")")
	}
	if n := len(e.Errors) - 1; n > 0 {
		fmt.Fprintf(&b, " (and %d more error", n)
		if n > 1 {
			b.WriteString("s")
		}
		b.WriteString(")")
	}
	if e.TraceID != "" {
		b.WriteString(" [trace id: " + e.TraceID + "]")
	}
	return b.String()
}

// Is matches the sentinel errors by status code.
func (e *APIError) Is(target error) bool {
	want, ok := sentinelStatus[target]
	return ok && e.StatusCode == want
}

var sentinelStatus = map[error]int{
	ErrBadRequest:         http.StatusBadRequest,
	ErrUnauthorized:       http.StatusUnauthorized,
	ErrForbidden:          http.StatusForbidden,
	ErrNotFound:           http.StatusNotFound,
	ErrConflict:           http.StatusConflict,
	ErrPreconditionFailed: http.StatusPreconditionFailed,
	ErrRateLimited:        http.StatusTooManyRequests,
}

// IsNotFound reports whether err is a 404 from the API.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsConflict reports whether err is a 409 from the API.
func IsConflict(err error) bool { return errors.Is(err, ErrConflict) }

// flexString decodes any JSON value into text: strings as they are, numbers
// and booleans as written, objects and arrays as compact JSON. Qlik sends
// status as a string in some services and a number in others, and codes as
// numbers in a few.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*f = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	default:
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil {
			return err
		}
		*f = flexString(buf.String())
	}
	return nil
}

type wireErrorItem struct {
	Code   flexString `json:"code"`
	Title  flexString `json:"title"`
	Detail flexString `json:"detail"`
	Status flexString `json:"status"`
	// Context is where scheduling-tasks.json's HttpResult puts what other services call detail.
	Context flexString `json:"context"`
}

// wireErrorBody accepts the error shapes of every OpenAPI file in internal/qliksim/testdata/openapi/
// (schemas Error and Errors: an errors array, status typed as a string in some services and a number in others,
// spaces' deprecated top-level fields) plus the RFC 6749
// OAuth shape ({"error","error_description"}) in case a token endpoint uses it.
type wireErrorBody struct {
	Errors  json.RawMessage `json:"errors"`
	TraceID flexString      `json:"traceId"`
	// Deprecated top-level fields (spaces) and generic fallbacks.
	Code             flexString `json:"code"`
	Title            flexString `json:"title"`
	Detail           flexString `json:"detail"`
	Status           flexString `json:"status"`
	Message          flexString `json:"message"`
	Error            flexString `json:"error"`
	ErrorDescription flexString `json:"error_description"`
	// Meta.Message is the detail of the single error object of themes.json and extensions.json.
	Meta struct {
		Message flexString `json:"message"`
	} `json:"meta"`
}

const maxSnippet = 200

// newAPIError decodes an error response body of any documented shape.
func newAPIError(method, path, host string, status int, header http.Header, body []byte, now time.Time) *APIError {
	e := &APIError{StatusCode: status, Method: method, Path: path, Host: host}
	if d, ok := parseRetryAfter(header, now); ok {
		e.RetryAfter = d
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return e
	}
	var w wireErrorBody
	if trimmed[0] != '{' || json.Unmarshal(trimmed, &w) != nil {
		e.Detail = snippet(trimmed)
		return e
	}
	e.Errors = decodeErrorItems(w.Errors)
	if len(e.Errors) > 0 {
		first := e.Errors[0]
		e.Code, e.Title, e.Detail = first.Code, first.Title, first.Detail
	}
	e.Code = firstNonEmpty(e.Code, string(w.Code), string(w.Error))
	e.Title = firstNonEmpty(e.Title, string(w.Title), string(w.Message))
	e.Detail = firstNonEmpty(e.Detail, string(w.Detail), string(w.ErrorDescription), string(w.Meta.Message))
	e.TraceID = string(w.TraceID)
	if len(e.Errors) == 0 && (e.Code != "" || e.Title != "" || e.Detail != "") {
		e.Errors = []ErrorItem{{Code: e.Code, Title: e.Title, Detail: e.Detail, Status: string(w.Status)}}
	}
	return e
}

// decodeErrorItems accepts an array of items or, defensively, one object.
func decodeErrorItems(raw json.RawMessage) []ErrorItem {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var items []wireErrorItem
	if raw[0] == '{' {
		var one wireErrorItem
		if json.Unmarshal(raw, &one) != nil {
			return nil
		}
		items = []wireErrorItem{one}
	} else if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	out := make([]ErrorItem, 0, len(items))
	for _, it := range items {
		out = append(out, ErrorItem{
			Code: string(it.Code), Title: string(it.Title),
			Detail: firstNonEmpty(string(it.Detail), string(it.Context)), Status: string(it.Status),
		})
	}
	return out
}

// snippet turns a non-JSON body (an HTML error page from a proxy, plain
// text) into one short line: tags dropped, whitespace collapsed, truncated.
func snippet(b []byte) string {
	s := string(b)
	if strings.HasPrefix(s, "<") {
		s = stripTags(s)
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > maxSnippet {
		cut := maxSnippet
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
			b.WriteByte(' ')
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// permanentError marks a failure raised inside the transport (token minting,
// a refused redirect) that retrying the same request cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err: err} }

// transportError is a failed attempt without an HTTP response: connection
// refused, reset, EOF, timeout.
type transportError struct {
	method, path, host string
	attempts           int
	err                error
	// notSent is true when the request provably never reached the server
	// (dial failure), so even a create may be repeated blindly.
	notSent bool
	// unreachable is true when the host name does not resolve or nothing
	// listens on the port: a configuration mistake, not retried.
	unreachable bool
	// role says where the host came from (see HostRole).
	role HostRole
}

func (e *transportError) Error() string {
	s := fmt.Sprintf("%s %s (host %s): %v", e.method, e.path, e.host, e.err)
	if e.attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.attempts)
	}
	if e.unreachable {
		s += "; not retried: the host name does not resolve or refuses connections, which retrying does not change"
	}
	return s
}

// HostRole says which configured address a host comes from.
type HostRole int

// Host roles of UnreachableHost.
const (
	// HostHome is the provider's home tenant (the tenant URL).
	HostHome HostRole = iota
	// HostRegister is the register host (the registration URL).
	HostRegister
	// HostTenant is another tenant, named by its hostname.
	HostTenant
)

// UnreachableHost reports whether err is a host that does not resolve (NXDOMAIN) or refuses connections, and
// which host and configured address it is. Such failures are not retried.
func UnreachableHost(err error) (host string, role HostRole, ok bool) {
	var te *transportError
	if errors.As(err, &te) && te.unreachable {
		return te.host, te.role, true
	}
	return "", 0, false
}

func (e *transportError) Unwrap() error { return e.err }

// TenantRefusing reports whether err is a tenant host refusing the token request with 403, and names the host.
// Qlik documents no code for it; a deactivated tenant answers so (qliksim does, for every call), while a client
// that is unknown or lacks a scope is refused otherwise (401, or 403 on the API call itself).
func TenantRefusing(err error) (host string, ok bool) {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusForbidden && apiErr.Path == tokenPath {
		return apiErr.Host, true
	}
	return "", false
}
