package qliksim

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
)

// Sentinel errors returned by the out-of-band hooks, for use with errors.Is.
var (
	// ErrUnknownTenant means no tenant is served on the given hostname.
	ErrUnknownTenant = errors.New("qliksim: unknown tenant hostname")
	// ErrNotFound means the object does not exist in the tenant.
	ErrNotFound = errors.New("qliksim: object not found")
	// ErrConflict means the change would break a uniqueness rule.
	ErrConflict = errors.New("qliksim: conflicting object exists")
	// ErrClosed means the server has been closed.
	ErrClosed = errors.New("qliksim: server closed")
)

// statusKind says how a service renders errors[].status: Qlik services disagree (string, number or absent), and
// clients must cope with all three, so the simulator reproduces each service's choice.
type statusKind int

const (
	statusAbsent statusKind = iota
	statusString
	statusNumber
)

// errorStyle describes one service's error body shape: each spec's Error and Errors schemas
// (testdata/openapi), which differ in status (string, number or absent) and traceId.
type errorStyle struct {
	status statusKind
	// traceID adds a top-level traceId.
	traceID bool
	// sourceInMeta puts the source pointer under errors[].meta.source (spaces) instead of errors[].source.
	sourceInMeta bool
	// legacyTopLevel duplicates the first error as deprecated top-level code/title/detail/source (spaces).
	legacyTopLevel bool
	// errorMessage adds the deprecated top-level error (type) and message that licenses.json requires.
	errorMessage bool
}

var (
	// spacesErrors: code, title, detail, meta.source; traceId; deprecated top-level copy of the first error.
	spacesErrors = errorStyle{status: statusAbsent, traceID: true, sourceInMeta: true, legacyTopLevel: true}
	// oauthErrors: oauth.json's Error has a string status and the body has no traceId.
	oauthErrors = errorStyle{status: statusString}
	// gatewayErrors is used for answers that come from in front of the services (unknown route, 401, injected
	// 5xx), where Qlik documents no shape; it is chosen to satisfy every service's Errors schema.
	gatewayErrors = errorStyle{status: statusString, traceID: true}
	// rateLimitErrors reproduces the body documented on qlik.dev for 429 verbatim: no status, no traceId.
	rateLimitErrors = errorStyle{status: statusAbsent}
)

// apiError is one entry of errors[]; pointer and parameter name the offending input when known.
type apiError struct {
	code      string
	title     string
	detail    string
	pointer   string
	parameter string
}

// errorAbout is the error entry of code and title about err: its text is the detail and, for an *inputError, the
// pointer or parameter it names go into the source. A nil err gives an entry without detail.
func errorAbout(code, title string, err error) apiError {
	e := apiError{code: code, title: title}
	if err == nil {
		return e
	}
	e.detail = err.Error()
	var in *inputError
	if errors.As(err, &in) {
		e.pointer, e.parameter = in.pointer, in.parameter
	}
	return e
}

type wireErrorSource struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
}

type wireErrorMeta struct {
	Source *wireErrorSource `json:"source,omitempty"`
}

type wireError struct {
	Code   string           `json:"code"`
	Title  string           `json:"title"`
	Detail string           `json:"detail,omitempty"`
	Status any              `json:"status,omitempty"`
	Source *wireErrorSource `json:"source,omitempty"`
	Meta   *wireErrorMeta   `json:"meta,omitempty"`
}

type wireErrors struct {
	Errors  []wireError `json:"errors"`
	TraceID string      `json:"traceId,omitempty"`
	// Deprecated top-level fields, only for styles with legacyTopLevel.
	Code   string           `json:"code,omitempty"`
	Title  string           `json:"title,omitempty"`
	Detail string           `json:"detail,omitempty"`
	Source *wireErrorSource `json:"source,omitempty"`
	// Deprecated top-level error type and message, only for styles with errorMessage.
	Error   string `json:"error,omitempty"`
	Message string `json:"message,omitempty"`
}

// errorBody renders errs in the given style for an HTTP status.
func errorBody(style errorStyle, status int, errs ...apiError) wireErrors {
	body := wireErrors{Errors: make([]wireError, 0, len(errs))}
	for _, e := range errs {
		we := wireError{Code: e.code, Title: e.title, Detail: e.detail}
		switch style.status {
		case statusString:
			we.Status = strconv.Itoa(status)
		case statusNumber:
			we.Status = status
		case statusAbsent:
		}
		if e.pointer != "" || e.parameter != "" {
			src := &wireErrorSource{Pointer: e.pointer, Parameter: e.parameter}
			if style.sourceInMeta {
				we.Meta = &wireErrorMeta{Source: src}
			} else {
				we.Source = src
			}
		}
		body.Errors = append(body.Errors, we)
	}
	if style.traceID {
		body.TraceID = randomHex(16)
	}
	if style.legacyTopLevel && len(errs) > 0 {
		first := errs[0]
		body.Code, body.Title, body.Detail = first.code, first.title, first.detail
		if first.pointer != "" || first.parameter != "" {
			body.Source = &wireErrorSource{Pointer: first.pointer, Parameter: first.parameter}
		}
	}
	if style.errorMessage && len(errs) > 0 {
		body.Error, body.Message = "util.Error", errs[0].title
		if errs[0].detail != "" {
			body.Message = errs[0].detail
		}
	}
	return body
}

// writeError answers with an error body in the given style.
func writeError(w http.ResponseWriter, status int, style errorStyle, errs ...apiError) {
	writeJSON(w, status, errorBody(style, status, errs...))
}

// write answers with one error entry of code and title with detail, in this style.
func (style errorStyle) write(w http.ResponseWriter, status int, code, title, detail string) {
	writeError(w, status, style, apiError{code: code, title: title, detail: detail})
}

// writeAbout answers with the error entry of code and title about err (errorAbout), in this style.
func (style errorStyle) writeAbout(w http.ResponseWriter, status int, code, title string, err error) {
	writeError(w, status, style, errorAbout(code, title, err))
}

// writeJSON answers with v as JSON. A failed Write means the client has gone away; there is nobody left to tell,
// so that error is dropped.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "qliksim: encoding response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// rateLimitBody is the documented 429 answer of Qlik's rate limiter.
func rateLimitBody(retryAfter int) wireErrors {
	return errorBody(rateLimitErrors, http.StatusTooManyRequests, apiError{
		code:   "HTTP-429",
		title:  "API rate limit reached.",
		detail: "You need to wait " + strconv.Itoa(retryAfter) + " seconds until limit is lifted.",
	})
}

// writeRateLimited answers 429 with retry-after in whole seconds (at least 1), as Qlik's rate limiter does.
func writeRateLimited(w http.ResponseWriter, retryAfter int) {
	if retryAfter < 1 {
		retryAfter = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	writeJSON(w, http.StatusTooManyRequests, rateLimitBody(retryAfter))
}

// gatewayError answers a status that did not come from a service (routing, auth, injected failures).
func gatewayError(w http.ResponseWriter, status int, detail string) {
	writeError(w, status, gatewayErrors, apiError{
		code:   "HTTP-" + strconv.Itoa(status),
		title:  http.StatusText(status),
		detail: detail,
	})
}
