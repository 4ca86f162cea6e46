package qlik

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 1 << 20

// request describes one API call for Client.do.
type request struct {
	method string
	// path is an absolute path ("/api/v1/spaces") resolved against the
	// view's base URL, or an absolute URL on the view's own host (a
	// pagination link, followed verbatim).
	path   string
	query  url.Values
	header http.Header
	// body is JSON-encoded once; the bytes are replayed on every attempt.
	body any
	// out receives the decoded JSON of a 2xx response when non-nil.
	out any
	// idempotent lets a POST that changes nothing (a token request, a filter
	// query) retry like a GET. Every other method is idempotent already.
	idempotent bool
	// tokenRequest marks POST /oauth/token: no Authorization header, and
	// neither request nor response body is ever logged.
	tokenRequest bool

	// stream, when set instead of body, opens the request body afresh for
	// every attempt, so a retry resends a large file without it ever being
	// held in memory: go-retryablehttp would buffer a plain io.Reader whole.
	// streamLen is its length and contentType its media type.
	stream      func() (io.ReadCloser, error)
	streamLen   int64
	contentType string
	// raw hands a 2xx response body back unread in response.Body, for
	// downloads; the caller must close it.
	raw bool
	// longTransfer lifts the per-attempt timeout: moving a large file takes
	// as long as it takes, bounded by the caller's context (the resource's
	// timeouts), not by RequestTimeout.
	longTransfer bool
}

// response is what callers of do may need beyond the decoded body.
type response struct {
	StatusCode int
	Header     http.Header
	// Body is the unread body of a raw request; nil otherwise.
	Body io.ReadCloser
}

// The request path, top to bottom:
//
//   - do: one API call as its caller sees it. It encodes the body once, runs the call through send, refreshes
//     a cached token once after a 401, waits out Qlik's visibility lag after a 404 for an object created
//     moments ago, and decodes the answer (finish).
//   - send: the attempts of one call, through go-retryablehttp. checkRetry decides after each attempt
//     whether another one may follow (a rate limit while time remains, a failure up to MaxRetries); backoff
//     says how long to wait.
//   - attempt: one HTTP attempt, run by the call's own round tripper: the token, the rate limiter's wait,
//     the per-attempt timeout, the 429 bookkeeping and the logs.
//
// The state of one call lives in a callInfo that the call's round tripper, checkRetry and backoff share.

// callInfo is one call's state, shared by its attempts, checkRetry and backoff. Attempts of one call run
// sequentially, so its fields need no lock.
type callInfo struct {
	ctx          context.Context // the caller's, for logs written outside an attempt
	ep           endpoint
	method, path string
	tier         tier
	idempotent   bool
	tokenRequest bool
	longTransfer bool
	body         []byte

	attempt        int
	token          string
	tokenFromCache bool
	// sawAmbiguous is set when an attempt may have been processed although
	// no success came back (5xx, reset, timeout), so a later 404 on DELETE
	// means that attempt did the work (see do).
	sawAmbiguous bool
	lastErr      error
	// pendingReload marks the last answer as POST /reloads's "a reload is already pending" 429, which is not a
	// rate limit: it neither pauses the tier nor is retried here (CreateReload waits for the pending reload).
	pendingReload bool
	// retries counts the retries after failures other than a rate limit, which Config.MaxRetries bounds.
	retries int
	// rateLimitWait is the jittered Retry-After of the last answer when it was a rate-limit 429.
	rateLimitWait time.Duration
	// retryUntil bounds retries after rate limits: the caller's deadline (the resource's timeouts), or
	// Config.RateLimitWait after the call started when the context has none.
	retryUntil time.Time
}

// do is the single request path of the package: every API call, including
// token requests, goes through it. Responses with status >= 300 become
// *APIError.
//
// A cached OAuth token that is refused (401) is replaced and the call sent
// once more; a token minted for the call itself is not worth a second try.
//
// A 404 for an object this client created moments ago is retried for a
// short while: Qlik may not serve a new object for a few seconds, and a
// follow-up call (read, delete, adding an assignment) must not fail on it.
//
//nolint:unparam // the response (status, Location and other headers) is for API areas that need it, such as app export.
func (c *Client) do(ctx context.Context, r *request) (*response, error) {
	u, err := c.resolve(r.path, r.query)
	if err != nil {
		return nil, err
	}
	var body []byte
	if r.body != nil {
		if body, err = json.Marshal(r.body); err != nil {
			return nil, fmt.Errorf("qlik: encoding %s %s request body: %w", r.method, u.Path, err)
		}
	}
	core := c.core
	sawAmbiguous := false // over every send of this call
	tokenRefreshed := false
	for graceWaits := 0; ; {
		ci := c.newCall(ctx, r, u, body)
		resp, err := core.send(ctx, ci, u.String(), body, r)
		sawAmbiguous = sawAmbiguous || ci.sawAmbiguous
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusUnauthorized && core.oauth() && !ci.tokenRequest && ci.tokenFromCache && !tokenRefreshed {
			drainClose(resp.Body)
			core.tokens.invalidate(ci.ep.host, ci.token)
			core.log.debug(ctx, "qlik: 401 with a cached access token; refreshing the token and retrying once", map[string]any{
				"method": ci.method, "path": ci.path, "host": ci.ep.host,
			})
			tokenRefreshed = true
			continue
		}
		res, err := core.finish(ctx, ci, resp, r.out, r.raw)
		if err == nil {
			// The object answered (or is gone by our own DELETE): no more grace.
			core.created.forget(c.ep.host, u.Path)
			return res, nil
		}
		if !IsNotFound(err) {
			return res, err
		}
		wait, ok := core.created.graceWait(c.ep.host, u.Path, graceWaits, core)
		if !ok {
			wait, ok = c.createdAtWait(graceWaits)
		}
		if !ok {
			if r.method == http.MethodDelete && sawAmbiguous {
				// An earlier attempt failed without telling us whether it ran;
				// the object being gone now means it did.
				core.log.debug(ctx, "qlik: DELETE answered 404 after an attempt with unknown outcome; treating as deleted", map[string]any{
					"path": u.Path, "host": c.ep.host,
				})
				core.created.forget(c.ep.host, u.Path)
				return &response{StatusCode: http.StatusNotFound}, nil
			}
			return res, err
		}
		core.log.debug(ctx, "qlik: 404 for an object created moments ago; waiting for it to become visible", map[string]any{
			"method": r.method, "path": u.Path, "host": c.ep.host, "wait_ms": wait.Milliseconds(),
		})
		if serr := sleepCtx(ctx, wait); serr != nil {
			return nil, fmt.Errorf("%s %s: %w", r.method, u.Path, serr)
		}
		graceWaits++
		tokenRefreshed = false
	}
}

// newCall starts the state of one send of r.
func (c *Client) newCall(ctx context.Context, r *request, u *url.URL, body []byte) *callInfo {
	ci := &callInfo{
		ctx:          ctx,
		ep:           c.ep,
		method:       r.method,
		path:         u.Path,
		tier:         tierFor(r.method, u.Path),
		idempotent:   r.method != http.MethodPost || r.idempotent,
		tokenRequest: r.tokenRequest,
		longTransfer: r.longTransfer,
		body:         body,
		retryUntil:   c.core.now().Add(c.core.cfg.RateLimitWait),
	}
	if d, ok := ctx.Deadline(); ok {
		ci.retryUntil = d
	}
	return ci
}

// resolve builds the request URL. Absolute URLs (pagination links) must
// point at the view's own scheme and host.
func (c *Client) resolve(p string, q url.Values) (*url.URL, error) {
	base := &url.URL{Scheme: c.ep.scheme, Host: c.ep.host}
	ref, err := url.Parse(p)
	if err != nil {
		return nil, fmt.Errorf("qlik: invalid request path %q: %w", p, err)
	}
	var u *url.URL
	if ref.IsAbs() || ref.Host != "" {
		if !sameEndpoint(ref, base) {
			return nil, fmt.Errorf("qlik: refusing to send a request for %s to %s://%s: it is not the host this client is bound to (%s)",
				ref.Path, ref.Scheme, ref.Host, c.ep.baseURL())
		}
		u = ref
	} else {
		if !strings.HasPrefix(ref.Path, "/") {
			return nil, fmt.Errorf("qlik: request path %q must start with /", p)
		}
		u = base.ResolveReference(ref)
	}
	if len(q) > 0 {
		merged := u.Query()
		for k, v := range q {
			merged[k] = v
		}
		u.RawQuery = merged.Encode()
	}
	return u, nil
}

// send runs one call (all its attempts) through go-retryablehttp.
func (c *core) send(ctx context.Context, ci *callInfo, rawURL string, body []byte, r *request) (*http.Response, error) {
	// Hand retryablehttp a []byte or a ReaderFunc: it replays the first and
	// reopens the second on every attempt. A plain io.Reader would make it
	// buffer the whole body.
	var raw any
	switch {
	case r.stream != nil:
		open := r.stream
		raw = retryablehttp.ReaderFunc(func() (io.Reader, error) { return open() })
	case body != nil:
		raw = body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, ci.method, rawURL, raw)
	if err != nil {
		return nil, fmt.Errorf("qlik: building %s %s: %w", ci.method, ci.path, err)
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Qlik-Api-Version", apiVersion)
	switch {
	case r.stream != nil:
		// A file does not tell retryablehttp its length; without this the
		// body would go out chunked.
		req.ContentLength = r.streamLen
		req.Header.Set("Content-Type", r.contentType)
	case body != nil:
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.header {
		req.Header[http.CanonicalHeaderKey(k)] = v
	}

	// A retryablehttp.Client and an http.Client are small structs; one of each
	// per call lets the round tripper, CheckRetry and Backoff share this
	// call's state (method, idempotency, last error). They share the
	// connection pool of the base transport.
	hc := *c.httpClient
	hc.Transport = &callTransport{core: c, base: c.httpClient.Transport, ci: ci}
	rc := &retryablehttp.Client{
		HTTPClient:   &hc,
		Logger:       nil, // we log ourselves, masked
		RetryWaitMin: c.cfg.RetryWaitMin,
		RetryWaitMax: c.cfg.RetryWaitMax,
		// checkRetry bounds the retries: MaxRetries for failures, time for rate limits.
		RetryMax:   math.MaxInt32,
		CheckRetry: c.checkRetry(ci),
		Backoff:    c.backoff(ci),
		// Hand back the last response unread when retries run out, so the
		// caller sees Qlik's own error body (a 503's code and trace id).
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
			return resp, err
		},
	}
	resp, err := rc.Do(req)
	if err != nil {
		if resp != nil {
			drainClose(resp.Body)
		}
		return nil, c.wrapErr(ctx, ci, err)
	}
	return resp, nil
}

// wrapErr turns a failure without a usable response into the error callers
// see: the context's error, a permanent error raised in the transport, or a
// *transportError that records whether the request could have been sent.
func (c *core) wrapErr(ctx context.Context, ci *callInfo, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s %s: %w", ci.method, ci.path, ctx.Err())
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var pe *permanentError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s %s: %w", ci.method, ci.path, pe.err)
	}
	kind := classifyTransportErr(err)
	return &transportError{
		method: ci.method, path: ci.path, host: ci.ep.host,
		attempts: ci.attempt, err: err,
		notSent:     kind == errNotSent || kind == errUnreachable,
		unreachable: kind == errUnreachable,
		role:        c.hostRole(ci.ep),
	}
}

// finish decodes the final response of a call and closes its body.
func (c *core) finish(ctx context.Context, ci *callInfo, resp *http.Response, out any, raw bool) (*response, error) {
	res := &response{StatusCode: resp.StatusCode, Header: resp.Header}
	if raw && resp.StatusCode < 300 {
		res.Body = resp.Body
		return res, nil
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, newAPIError(ci.method, ci.path, ci.ep.host, resp.StatusCode, resp.Header, b, c.now())
	}
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return res, nil
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, &transportError{
			method: ci.method, path: ci.path, host: ci.ep.host, attempts: ci.attempt,
			err: fmt.Errorf("reading response body: %w", err),
		}
	}
	if !ci.tokenRequest && c.log.enabled() {
		c.log.trace(ctx, "qlik: HTTP response body", map[string]any{
			"method": ci.method, "path": ci.path, "host": ci.ep.host,
			"status": resp.StatusCode, "body": c.redact.bodyForLog(b),
		})
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return res, nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return nil, fmt.Errorf("qlik: %s %s: decoding %d response: %w", ci.method, ci.path, resp.StatusCode, err)
	}
	return res, nil
}

// checkRetry decides per attempt. A POST (a create) is repeated here only
// when it provably was not processed: 429, or a connection that never
// opened. Ambiguous failures of a create go back to createWithRecovery,
// which looks the object up before trying again.
//
// A rate limit is retried for as long as its wait ends before the call's
// deadline (see callInfo.retryUntil), however many 429s that takes: other
// processes may share the window, and a 429 says the request did not run.
// Other failures are retried Config.MaxRetries times.
func (c *core) checkRetry(ci *callInfo) retryablehttp.CheckRetry {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		if resp != nil && resp.StatusCode == http.StatusTooManyRequests && !ci.pendingReload {
			if c.now().Add(ci.rateLimitWait).Before(ci.retryUntil) {
				return true, nil
			}
			c.log.warn(ci.ctx, "qlik: rate limited (429) and the wait would outlast the time left for this request; giving up", map[string]any{
				"method": ci.method, "path": ci.path, "host": ci.ep.host, "wait_ms": ci.rateLimitWait.Milliseconds(),
			})
			return false, nil
		}
		if ci.retries >= c.cfg.MaxRetries {
			return false, nil
		}
		retry := retryableFailure(ci, resp, err)
		if retry {
			ci.retries++
		}
		return retry, nil
	}
}

// retryableFailure tells whether an attempt that failed for another reason than a rate limit may be repeated.
func retryableFailure(ci *callInfo, resp *http.Response, err error) bool {
	if err != nil {
		switch classifyTransportErr(err) {
		case errNotSent:
			return true
		case errUnreachable:
			// A name that does not resolve or a port that refuses is a configuration mistake; retrying it only
			// delays the error by minutes.
			return false
		case errAmbiguous:
			return ci.idempotent
		default:
			return false
		}
	}
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return ci.idempotent
	}
	return false
}

// backoff waits Retry-After when the server sent one, else a capped
// exponential backoff with full jitter. retryablehttp's sleep watches ctx.
func (c *core) backoff(ci *callInfo) retryablehttp.Backoff {
	return func(minWait, maxWait time.Duration, n int, resp *http.Response) time.Duration {
		var wait time.Duration
		reason := ""
		if resp != nil {
			reason = fmt.Sprintf("status %d", resp.StatusCode)
			if resp.StatusCode == http.StatusTooManyRequests && ci.rateLimitWait > 0 {
				wait = ci.rateLimitWait
				reason += fmt.Sprintf(", Retry-After with jitter %s", wait)
			} else if resp.StatusCode == http.StatusServiceUnavailable {
				if ra, ok := parseRetryAfter(resp.Header, c.now()); ok {
					wait = ra
					reason += fmt.Sprintf(", Retry-After %s", ra)
				}
			}
		} else if ci.lastErr != nil {
			reason = ci.lastErr.Error()
		}
		if wait <= 0 {
			wait = jitterBackoff(minWait, maxWait, n)
		}
		c.log.debug(ci.ctx, "qlik: retrying request", map[string]any{
			"method": ci.method, "path": ci.path, "host": ci.ep.host,
			"attempt": ci.attempt, "wait_ms": wait.Milliseconds(), "reason": reason,
		})
		return wait
	}
}

// jitterBackoff returns a random wait in [minWait, min(maxWait, minWait*2^n)].
func jitterBackoff(minWait, maxWait time.Duration, n int) time.Duration {
	ceil := maxWait
	if n < 32 && minWait > 0 && minWait <= maxWait>>uint(n) {
		ceil = minWait << uint(n)
	}
	if ceil <= minWait {
		return minWait
	}
	return minWait + rand.N(ceil-minWait+1)
}

// equalJitterBackoff is jitterBackoff with a floor of half the ceiling, for
// loops that wait for something to appear and must make progress.
func equalJitterBackoff(minWait, maxWait time.Duration, n int) time.Duration {
	ceil := maxWait
	if n < 32 && minWait > 0 && minWait <= maxWait>>uint(n) {
		ceil = minWait << uint(n)
	}
	half := ceil / 2
	if half <= 0 {
		return ceil
	}
	return half + rand.N(ceil-half+1)
}

type errKind int

const (
	errPermanent errKind = iota
	errNotSent
	errAmbiguous
	// errUnreachable: the host name does not resolve, or nothing listens on the port. Not sent, not retried.
	errUnreachable
)

// classifyTransportErr sorts a failed attempt without response.
func classifyTransportErr(err error) errKind {
	var pe *permanentError
	if errors.As(err, &pe) {
		return errPermanent
	}
	var te *attemptTimeoutError
	if errors.As(err, &te) {
		return errAmbiguous
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return errPermanent
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return errPermanent
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound {
			return errUnreachable
		}
		return errNotSent
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return errUnreachable
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return errNotSent
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return errNotSent
	}
	return errAmbiguous
}

// attemptTimeoutError is one attempt exceeding Config.RequestTimeout while
// the caller's context is still live.
type attemptTimeoutError struct {
	timeout time.Duration
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("no response within the request timeout of %s", e.timeout)
}

// Timeout marks the error as a timeout for net.Error-style checks.
func (e *attemptTimeoutError) Timeout() bool { return true }

// callTransport is the round tripper of one call under retryablehttp. It
// handles what must happen on every attempt: pacing, authentication, the
// per-attempt timeout, 429 bookkeeping and logging.
type callTransport struct {
	core *core
	base http.RoundTripper
	ci   *callInfo
}

func (t *callTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return t.core.attempt(t.base, req, t.ci)
}

func (c *core) attempt(base http.RoundTripper, req *http.Request, ci *callInfo) (*http.Response, error) {
	ctx := req.Context()
	ci.attempt++
	out := req.Clone(ctx)

	// Only the host the call is bound to ever sees its credential.
	if !ci.tokenRequest && sameEndpoint(req.URL, &url.URL{Scheme: ci.ep.scheme, Host: ci.ep.host}) {
		tok, cached, err := c.accessToken(ctx, ci.ep)
		if err != nil {
			closeRequestBody(req)
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, permanent(err)
		}
		ci.token, ci.tokenFromCache = tok, cached
		out.Header.Set("Authorization", "Bearer "+tok)
	}

	err := c.limits.wait(ctx, ci.ep.host, ci.tier, func(d time.Duration, why waitReason) {
		if d >= 10*time.Millisecond {
			c.log.debug(ctx, "qlik: waiting for rate limit", map[string]any{
				"host": ci.ep.host, "tier": string(ci.tier), "wait_ms": d.Milliseconds(),
				"reason": string(why), "method": ci.method, "path": ci.path,
			})
		}
	})
	if err != nil {
		closeRequestBody(req)
		return nil, err
	}

	actx, cancel := context.WithTimeout(ctx, c.cfg.RequestTimeout)
	if ci.longTransfer {
		cancel()
		actx, cancel = context.WithCancel(ctx)
	}
	out = out.WithContext(actx)
	if c.log.enabled() {
		fields := map[string]any{
			"method": ci.method, "url": logURL(out.URL), "attempt": ci.attempt,
			"headers": maskHeaders(out.Header),
		}
		if !ci.tokenRequest && len(ci.body) > 0 {
			fields["body"] = c.redact.bodyForLog(ci.body)
		}
		c.log.trace(ctx, "qlik: HTTP request", fields)
	}

	start := time.Now()
	resp, err := base.RoundTrip(out)
	elapsed := time.Since(start)
	if err != nil {
		cancel()
		if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
			err = &attemptTimeoutError{timeout: c.cfg.RequestTimeout}
		}
		ci.lastErr = err
		if ctx.Err() == nil && classifyTransportErr(err) == errAmbiguous {
			ci.sawAmbiguous = true
		}
		c.log.debug(ctx, "qlik: HTTP request failed", map[string]any{
			"method": ci.method, "url": logURL(out.URL), "attempt": ci.attempt,
			"duration_ms": elapsed.Milliseconds(), "error": err,
		})
		return nil, err
	}

	var errBody []byte
	if resp.StatusCode >= 300 {
		// Error bodies are small; read them now so the trace id can be
		// logged and the per-attempt timeout released.
		errBody, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		_ = resp.Body.Close()
		cancel()
		resp.Body = io.NopCloser(bytes.NewReader(errBody))
	} else {
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	}
	if resp.StatusCode >= 500 {
		ci.sawAmbiguous = true
	}
	traceID := traceIDOf(errBody)

	ci.pendingReload = isPendingReloadResponse(ci.method, ci.path, resp.StatusCode, resp.Header, errBody)
	ci.rateLimitWait = 0
	if resp.StatusCode == http.StatusTooManyRequests && !ci.pendingReload {
		wait, ok := parseRetryAfter(resp.Header, c.now())
		if !ok {
			wait = jitterBackoff(c.cfg.RetryWaitMin, c.cfg.RetryWaitMax, ci.attempt-1)
		}
		wait = retryAfterJitter(wait)
		ci.rateLimitWait = wait
		c.limits.stats.add429()
		c.limits.block(ci.ep.host, ci.tier, wait)
		c.log.warn(ctx, "qlik: rate limited by Qlik Cloud (429); pausing this tier on this host", map[string]any{
			"method": ci.method, "path": ci.path, "host": ci.ep.host, "tier": string(ci.tier),
			"retry_after_ms": wait.Milliseconds(), "trace_id": traceID,
		})
	}

	if resp.StatusCode != http.StatusTooManyRequests {
		c.limits.succeeded(ci.ep.host, ci.tier)
	}
	c.log.debug(ctx, "qlik: HTTP request", map[string]any{
		"method": ci.method, "url": logURL(out.URL), "status": resp.StatusCode,
		"duration_ms": elapsed.Milliseconds(), "attempt": ci.attempt, "trace_id": traceID,
	})
	if c.log.enabled() {
		fields := map[string]any{
			"method": ci.method, "url": logURL(out.URL), "status": resp.StatusCode,
			"attempt": ci.attempt, "headers": maskHeaders(resp.Header),
		}
		if errBody != nil && !ci.tokenRequest {
			fields["body"] = c.redact.bodyForLog(errBody)
		}
		c.log.trace(ctx, "qlik: HTTP response", fields)
	}
	return resp, nil
}

// traceIDOf extracts traceId from an error body, if any.
func traceIDOf(body []byte) string {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return ""
	}
	var v struct {
		TraceID flexString `json:"traceId"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	return string(v.TraceID)
}

// cancelOnClose releases the per-attempt timeout once the body is consumed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

func drainClose(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxErrorBody))
	_ = body.Close()
}
