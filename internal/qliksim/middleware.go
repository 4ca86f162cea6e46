package qliksim

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// routeMethods are the methods tried when working out whether an unmatched request deserves 405 rather than 404.
var routeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// route returns the matched pattern without its method ("/api/v1/spaces/{spaceId}"), or "" and the methods the
// path does accept. A non-canonical path (double slash, dot segment) is unknown: ServeMux would redirect it, but
// Qlik's gateway documents no redirects for API paths, and following one would hide a client's URL-building bug.
func (h *host) route(r *http.Request) (string, []string) {
	if !canonicalPath(r.URL.Path) {
		return "", nil
	}
	if p, ok := h.matchedRoute(r); ok {
		return p, nil
	}
	var allow []string
	for _, m := range routeMethods {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, ok := h.matchedRoute(probe); ok {
			allow = append(allow, m)
		}
	}
	return "", allow
}

// matchedRoute reports the route of the registered pattern ("METHOD /path") matching r.
func (h *host) matchedRoute(r *http.Request) (string, bool) {
	_, pattern := h.mux.Handler(r)
	_, p, ok := strings.Cut(pattern, " ")
	return p, ok
}

// canonicalPath reports whether p is already clean in ServeMux's sense (path.Clean, keeping a trailing slash).
func canonicalPath(p string) bool {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c == p
}

// handler wraps a host's routes in the cross-cutting behaviour, in this order: audit, latency, fault injection,
// routing (404/405), authentication (401), rate limiting (429), then the API handler. Routing comes before auth and
// rate limiting because the tier depends on the route, and an unauthenticated caller has no bucket to charge.
func (s *Server) handler(h *host) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.enter() {
			gatewayError(w, http.StatusServiceUnavailable, "The simulator is shutting down.")
			return
		}
		defer s.leave()
		s.serve(h, w, r)
	})
}

func (s *Server) serve(h *host, w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	route, allow := h.route(r)
	var who *caller
	if route == "/oauth/token" {
		who = s.peekTokenCaller(h, r)
	} else {
		who = s.authenticate(h, r)
	}
	entry := AuditEntry{
		Time:     start,
		Method:   r.Method,
		Route:    route,
		Path:     r.URL.Path,
		Host:     h.hostname,
		Region:   h.region.code,
		Identity: who.id(),
	}
	if who != nil && who.clientID != "" {
		entry.ClientID, entry.ClientRegion = who.clientID, s.regionOfClient(who.clientID)
		if _, ok := s.tenantOAuthClient(h, who.clientID); ok && entry.ClientRegion == "" {
			// A tenant's own OAuth client (or one published to the region) belongs to the host's region.
			entry.ClientRegion = h.region.code
		}
	}
	// The entry is written before the client can see any outcome (before the status line goes out, before a
	// reset), so a test that reads the audit right after a call always finds the call there. The deferred call
	// covers requests that end without either, such as a handler that panics.
	recorded := false
	finish := func() {
		if !recorded {
			recorded = true
			s.record(entry, time.Since(start))
		}
	}
	defer finish()
	reset := func() {
		finish()
		resetConn(w)
	}

	if latency := time.Duration(s.latency.Load()); latency > 0 {
		preloadBody(r)
		if !s.sleep(r.Context(), latency) {
			// The client gave up or the simulator is closing: drop the connection rather than let net/http send
			// an empty 200 for a request that was never handled.
			reset()
			return
		}
	}

	resetAfter := false
	if rf, ok := s.faults.takeRoute(h.hostname, r.Method, route); ok {
		switch {
		case rf.Status != 0:
			entry.Status, entry.Fault = rf.Status, strconv.Itoa(rf.Status)
			finish()
			writeFault(w, faultDecision{kind: faultStatus, status: rf.Status, retryAfter: 1})
			return
		case rf.AfterBytes > 0:
			entry.Fault = "cut"
			r.Body = &cutReader{rc: r.Body, left: rf.AfterBytes}
			w = &cutWriter{ResponseWriter: w, left: rf.AfterBytes}
		default:
			entry.Fault = "reset"
			resetAfter = true
		}
	} else if !isOAuthRoute(route) || s.faults.includeToken() {
		switch d := s.faults.next(); d.kind {
		case faultStatus:
			entry.Status, entry.Fault = d.status, strconv.Itoa(d.status)
			finish()
			writeFault(w, d)
			return
		case faultReset:
			entry.Fault = "reset"
			if d.afterCommit || isWrite(r.Method) {
				resetAfter = true
				break
			}
			reset()
			return
		case faultNone:
		}
	}

	if resetAfter {
		// The handler runs and commits; its answer is thrown away and the client sees only a dropped connection.
		d := &discardResponse{header: http.Header{}}
		s.dispatch(h, d, r, route, allow, who)
		entry.Status = d.status
		reset()
		return
	}
	rec := &statusRecorder{ResponseWriter: w, onStatus: func(code int) {
		entry.Status = code
		finish()
	}}
	s.dispatch(h, rec, r, route, allow, who)
	if !recorded {
		entry.Status = http.StatusOK // what net/http sends for a handler that wrote nothing
	}
}

// dispatch does routing errors, authentication and rate limiting, then runs the API handler.
func (s *Server) dispatch(h *host, w http.ResponseWriter, r *http.Request, route string, allow []string, who *caller) {
	if route == "" {
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			gatewayError(w, http.StatusMethodNotAllowed, "Method "+r.Method+" is not allowed on "+r.URL.Path+".")
			return
		}
		gatewayError(w, http.StatusNotFound, "No route matches "+r.Method+" "+r.URL.Path+".")
		return
	}
	if t := h.tenant; t != nil && t.deactivated() {
		// A deactivated tenant refuses everything, token requests included, until it is reactivated on the
		// register host; the register host still serves its record.
		writeError(w, http.StatusForbidden, tenantsErrors, apiError{
			code:   codeTenantDisabled,
			title:  "Tenant is deactivated",
			detail: "Tenant " + t.id + " is deactivated. Reactivate it on the register host before it is purged.",
		})
		return
	}
	if t := h.tenant; t != nil {
		now := time.Now()
		w.Header().Set("Content-Security-Policy", t.contentSecurityPolicy(now))
		// Browser calls from a web integration's valid origin may read the answer with their cookies; the
		// login route checks the origin itself and refuses the others.
		if route != jwtLoginRoute {
			if origin, err := t.crossOrigin(r, now, false); err == nil {
				allowOrigin(w, origin)
			}
		}
	}
	if who == nil && !isPublicRoute(route) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="qliksim"`)
		gatewayError(w, http.StatusUnauthorized, "A valid bearer token (API key or OAuth access token for this host) is required.")
		return
	}
	if who != nil && who.session && isWrite(r.Method) && !who.csrfOK {
		writeError(w, http.StatusForbidden, gatewayErrors, apiError{
			code: "CSRF-TOKEN-2", title: "Invalid CSRF token",
			detail: "Calls that change something with a session cookie must send the " + CSRFCookie + " cookie's value in the " + csrfHeader + " header.",
		})
		return
	}
	if s.opts.EnforceRateLimits {
		key := bucketKey{host: h.hostname, identity: who.id(), tier: tierFor(r.Method, route)}
		users := 0 // the register host belongs to no tenant: no tenant-wide limit there
		if h.tenant != nil {
			users = h.tenant.userCount()
		}
		if ok, retryAfter := s.limiter.allow(key, users, s.limiter.now()); !ok {
			writeRateLimited(w, retryAfter)
			return
		}
	}
	if who != nil {
		r = r.WithContext(withCaller(r.Context(), who))
	}
	h.mux.ServeHTTP(w, r)
}

func (s *Server) record(e AuditEntry, d time.Duration) {
	s.audit.add(e, s.opts.MaxAuditEntries)
	if l := s.opts.Logger; l != nil {
		l.Info("request",
			"method", e.Method, "host", e.Host, "path", e.Path, "route", e.Route,
			"status", e.Status, "fault", e.Fault, "identity", e.Identity, "duration", d)
	}
}

// writeFault answers an injected failure status.
func writeFault(w http.ResponseWriter, d faultDecision) {
	switch d.status {
	case http.StatusTooManyRequests:
		writeRateLimited(w, d.retryAfter)
	case http.StatusServiceUnavailable:
		gatewayError(w, d.status, "The service is temporarily unavailable. Retry the request later.")
	default:
		gatewayError(w, d.status, "Injected failure.")
	}
}

// maxPreload bounds the request bodies read ahead of the latency sleep.
const maxPreload = 1 << 20

// preloadBody reads a small request body into memory. net/http notices that a client went away (and cancels the
// request context) only once the handler has read the body, so without this a write whose client gave up would
// sit out the whole latency. Large bodies keep streaming; Close still ends their wait.
func preloadBody(r *http.Request) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength < 0 || r.ContentLength > maxPreload {
		return
	}
	body, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		// The handler will see the same failure when it reads.
		r.Body = io.NopCloser(errReader{err})
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// isWrite reports whether a method changes state, so that an injected reset must happen after the change.
func isWrite(method string) bool {
	return slices.Contains([]string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}, method)
}

// resetConn drops the client connection without a response. SO_LINGER 0 makes the kernel send RST instead of FIN,
// so the client sees "connection reset by peer" rather than a clean EOF.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2 or a wrapped writer): aborting the handler makes net/http drop the connection.
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// statusRecorder reports the status a handler sends, before it is sent.
type statusRecorder struct {
	http.ResponseWriter
	onStatus func(int)
	status   int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
		r.onStatus(code)
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flush, deadlines, hijack).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// discardResponse runs a handler whose answer will never be sent.
type discardResponse struct {
	header http.Header
	status int
}

func (d *discardResponse) Header() http.Header { return d.header }

func (d *discardResponse) WriteHeader(code int) {
	if d.status == 0 {
		d.status = code
	}
}

func (d *discardResponse) Write(b []byte) (int, error) {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	return len(b), nil
}

var errInjectedCut = errors.New("qliksim: injected cut of the body")

// cutReader ends a request body with an error after left bytes.
type cutReader struct {
	rc   io.ReadCloser
	left int64
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errInjectedCut
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.rc.Read(p)
	c.left -= int64(n)
	return n, err
}

func (c *cutReader) Close() error { return c.rc.Close() }

// cutWriter sends left bytes of a response body, then drops the connection.
type cutWriter struct {
	http.ResponseWriter
	left int64
	cut  bool
}

func (c *cutWriter) Write(b []byte) (int, error) {
	if c.cut {
		return 0, errInjectedCut
	}
	if int64(len(b)) <= c.left {
		n, err := c.ResponseWriter.Write(b)
		c.left -= int64(n)
		return n, err
	}
	n, _ := c.ResponseWriter.Write(b[:c.left])
	_ = http.NewResponseController(c.ResponseWriter).Flush()
	c.cut = true
	resetConn(c.ResponseWriter)
	return n, errInjectedCut
}

// Unwrap lets http.ResponseController reach the connection.
func (c *cutWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
