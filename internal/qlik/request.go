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
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
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
	// held in memory. streamLen is its length and contentType its media type.
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

// The request path, top to bottom. do runs one API call as a loop of attempts; each attempt has four phases:
//
//  1. wait: get the access token and wait for the rate limiter of the call's host and tier (authorize);
//  2. send: one HTTP exchange, bounded by Config.RequestTimeout, logged (send);
//  3. classify the answer: an answer to return, or why to try again (classify);
//  4. decide: return the answer, or wait and go round again: a rate limit while time remains before the call's
//     deadline, a transient failure up to Config.MaxRetries times, a refused cached token once, a 404 on an
//     object created moments ago within the visibility grace.
//
// A POST (a create) is repeated only when it provably was not processed: a 429, or a connection that never
// opened. Its ambiguous failures go back to createWithRecovery, which looks the object up before trying again.
// The state of one call lives in a call, passed explicitly.

// call is one API call's state across its attempts.
type call struct {
	c          *Client
	ctx        context.Context
	r          *request
	url        *url.URL
	body       []byte
	tier       tier
	idempotent bool

	// The series of attempts starts again after a refreshed token or a visibility wait: attempt counts the HTTP
	// exchanges of the series (logs, errors), retries its retries after failures other than a rate limit
	// (Config.MaxRetries), and retryUntil bounds its retries after rate limits: the caller's deadline (the
	// resource's timeouts), or Config.RateLimitWait after the series started when the context has none.
	attempt    int
	retries    int
	retryUntil time.Time

	token          string
	tokenFromCache bool
	tokenRefreshed bool
	graceWaits     int
	// sawAmbiguous is set when an attempt may have been processed although no success came back (5xx, reset,
	// timeout), so a later 404 on DELETE means that attempt did the work.
	sawAmbiguous bool
}

// verdict is what an attempt's answer means for the call.
type verdict int

const (
	// answered: the answer (success or an error status) is the call's result.
	answered verdict = iota
	// failed: no usable answer, and trying again would not help (or is not safe); the error is the result.
	failed
	// rateLimited: a 429 from Qlik's rate limiter: the request did not run, so it waits and is sent again.
	rateLimited
	// transient: a 5xx or connection failure that may be repeated.
	transient
	// tokenRefused: a 401 with a cached OAuth token: a new token is minted and the call starts over, once.
	tokenRefused
	// notYetVisible: a 404 on an object created moments ago: the call starts over after a wait.
	notYetVisible
)

// do is the single request path of the package: every API call, including token requests, goes through it.
// Responses with status >= 300 become *APIError.
//
//nolint:unparam // the response (status, Location and other headers) is for API areas that need it, such as app export.
func (c *Client) do(ctx context.Context, r *request) (*response, error) {
	k, err := c.newCall(ctx, r)
	if err != nil {
		return nil, err
	}
	for {
		// 1. Wait for the token and the rate limiter.
		if err := k.authorize(); err != nil {
			return nil, err
		}
		// 2. Send.
		resp, err := k.send()
		// 3. Classify the answer.
		v, wait := k.classify(resp, err)
		// 4. Decide.
		switch v {
		case answered:
			return k.finish(resp)
		case failed:
			discard(resp)
			return nil, k.wrapErr(err)
		case rateLimited, transient:
			discard(resp)
			if err := sleepCtx(ctx, wait); err != nil {
				return nil, k.wrapErr(err)
			}
		case tokenRefused:
			discard(resp)
			c.core.tokens.invalidate(c.ep.host, k.token)
			c.core.log.debug(ctx, "qlik: 401 with a cached access token; refreshing the token and retrying once", map[string]any{
				"method": r.method, "path": k.url.Path, "host": c.ep.host,
			})
			k.tokenRefreshed = true
			k.startSeries()
		case notYetVisible:
			discard(resp)
			c.core.log.debug(ctx, "qlik: 404 for an object created moments ago; waiting for it to become visible", map[string]any{
				"method": r.method, "path": k.url.Path, "host": c.ep.host, "wait_ms": wait.Milliseconds(),
			})
			if err := sleepCtx(ctx, wait); err != nil {
				return nil, fmt.Errorf("%s %s: %w", r.method, k.url.Path, err)
			}
			k.graceWaits++
			k.tokenRefreshed = false
			k.startSeries()
		}
	}
}

// doJSON sends r and decodes its successful answer into a new T.
func doJSON[T any](ctx context.Context, c *Client, r *request) (*T, error) {
	out := new(T)
	r.out = out
	if _, err := c.do(ctx, r); err != nil {
		return nil, err
	}
	return out, nil
}

// itemPath is the path of the object with this id in the collection at path: the id is escaped, so it is always
// one path segment.
func itemPath(path, id string) string { return path + "/" + url.PathEscape(id) }

// checkID refuses an empty id (ErrInvalidID) before a request is sent for the object of kind.
func checkID(kind, id string) error {
	if strings.TrimSpace(id) == "" {
		return fmt.Errorf("%w (%s)", ErrInvalidID, kind)
	}
	return nil
}

// getObject reads the object of kind with this id (GET path(id)); an empty id fails before any request.
func getObject[T any](ctx context.Context, c *Client, kind, id string, path func(string) string) (*T, error) {
	if err := checkID(kind, id); err != nil {
		return nil, err
	}
	return doJSON[T](ctx, c, &request{method: http.MethodGet, path: path(id)})
}

// deleteObject deletes the object of kind with this id (DELETE path(id)); an empty id fails before any request.
func deleteObject(ctx context.Context, c *Client, kind, id string, path func(string) string) error {
	if err := checkID(kind, id); err != nil {
		return err
	}
	_, err := c.do(ctx, &request{method: http.MethodDelete, path: path(id)})
	return err
}

// newCall resolves and encodes r.
func (c *Client) newCall(ctx context.Context, r *request) (*call, error) {
	u, err := c.resolve(r.path, r.query)
	if err != nil {
		return nil, err
	}
	k := &call{
		c: c, ctx: ctx, r: r, url: u,
		tier:       tierFor(r.method, u.Path),
		idempotent: r.method != http.MethodPost || r.idempotent,
	}
	if r.body != nil {
		if k.body, err = json.Marshal(r.body); err != nil {
			return nil, fmt.Errorf("qlik: encoding %s %s request body: %w", r.method, u.Path, err)
		}
	}
	k.startSeries()
	return k, nil
}

// startSeries starts a new series of attempts (see call).
func (k *call) startSeries() {
	k.attempt, k.retries = 0, 0
	k.retryUntil = k.c.core.now().Add(k.c.core.cfg.RateLimitWait)
	if d, ok := k.ctx.Deadline(); ok {
		k.retryUntil = d
	}
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

// authorize is phase 1 of an attempt: the access token (never for a token request, and only the host the call
// is bound to ever sees it), then the wait for the rate limiter of the call's host and tier.
func (k *call) authorize() error {
	core, ep := k.c.core, k.c.ep
	if !k.r.tokenRequest {
		tok, cached, err := core.accessToken(k.ctx, ep)
		if err != nil {
			if k.ctx.Err() != nil {
				return k.wrapErr(k.ctx.Err())
			}
			return fmt.Errorf("%s %s: %w", k.r.method, k.url.Path, err)
		}
		k.token, k.tokenFromCache = tok, cached
	}
	if err := core.limits.wait(k.ctx, ep.host, k.tier, k.onLimiterWait); err != nil {
		return k.wrapErr(err)
	}
	return nil
}

func (k *call) onLimiterWait(d time.Duration, why waitReason) {
	if d >= 10*time.Millisecond {
		k.c.core.log.debug(k.ctx, "qlik: waiting for rate limit", map[string]any{
			"host": k.c.ep.host, "tier": string(k.tier), "wait_ms": d.Milliseconds(),
			"reason": string(why), "method": k.r.method, "path": k.url.Path,
		})
	}
}

// send is phase 2 of an attempt: one HTTP exchange (with the redirects Qlik makes on the same host), bounded by
// Config.RequestTimeout unless the call is a long transfer, and logged. An error status comes back with its
// body read, so the per-attempt timeout is released; a success comes back with its body unread.
func (k *call) send() (*http.Response, error) {
	core, ep, r := k.c.core, k.c.ep, k.r
	k.attempt++
	actx, cancel := context.WithTimeout(k.ctx, core.cfg.RequestTimeout)
	if r.longTransfer {
		cancel()
		actx, cancel = context.WithCancel(k.ctx)
	}
	req, err := k.newHTTPRequest(actx)
	if err != nil {
		cancel()
		return nil, err
	}
	if core.log.enabled() {
		fields := map[string]any{
			"method": r.method, "url": logURL(req.URL), "attempt": k.attempt,
			"headers": maskHeaders(req.Header),
		}
		if !r.tokenRequest && len(k.body) > 0 {
			fields["body"] = core.redact.bodyForLog(k.body)
		}
		core.log.trace(k.ctx, "qlik: HTTP request", fields)
	}

	// One http.Client per call, sharing the connection pool: its redirect check also paces and logs each hop.
	hc := *core.httpClient
	hc.CheckRedirect = k.checkRedirect
	start := time.Now()
	resp, err := hc.Do(req)
	elapsed := time.Since(start)
	if err != nil {
		cancel()
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		if k.ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
			err = &attemptTimeoutError{timeout: core.cfg.RequestTimeout}
		}
		if k.ctx.Err() == nil && classifyTransportErr(err) == errAmbiguous {
			k.sawAmbiguous = true
		}
		core.log.debug(k.ctx, "qlik: HTTP request failed", map[string]any{
			"method": r.method, "url": logURL(req.URL), "attempt": k.attempt,
			"duration_ms": elapsed.Milliseconds(), "error": err,
		})
		return nil, err
	}

	var errBody []byte
	if resp.StatusCode >= 300 {
		// Error bodies are small; read them now so the trace id can be logged and the per-attempt timeout
		// released.
		errBody, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		_ = resp.Body.Close()
		cancel()
		resp.Body = io.NopCloser(bytes.NewReader(errBody))
	} else {
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	}
	if resp.StatusCode >= 500 {
		k.sawAmbiguous = true
	}
	traceID := traceIDOf(errBody)
	if resp.StatusCode != http.StatusTooManyRequests {
		core.limits.succeeded(ep.host, k.tier)
	}
	core.log.debug(k.ctx, "qlik: HTTP request", map[string]any{
		"method": r.method, "url": logURL(req.URL), "status": resp.StatusCode,
		"duration_ms": elapsed.Milliseconds(), "attempt": k.attempt, "trace_id": traceID,
	})
	if core.log.enabled() {
		fields := map[string]any{
			"method": r.method, "url": logURL(req.URL), "status": resp.StatusCode,
			"attempt": k.attempt, "headers": maskHeaders(resp.Header),
		}
		if errBody != nil && !r.tokenRequest {
			fields["body"] = core.redact.bodyForLog(errBody)
		}
		core.log.trace(k.ctx, "qlik: HTTP response", fields)
	}
	return resp, nil
}

// newHTTPRequest builds the attempt's request. A JSON body is replayed from its bytes; a stream is opened afresh
// for every attempt, so a retry resends a large file without it ever being held in memory.
func (k *call) newHTTPRequest(ctx context.Context) (*http.Request, error) {
	r, core := k.r, k.c.core
	var body io.Reader
	switch {
	case r.stream != nil:
		rc, err := r.stream()
		if err != nil {
			return nil, err
		}
		body = rc
	case k.body != nil:
		body = bytes.NewReader(k.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, k.url.String(), body)
	if err != nil {
		if rc, ok := body.(io.Closer); ok {
			_ = rc.Close()
		}
		return nil, permanent(fmt.Errorf("qlik: building %s %s: %w", r.method, k.url.Path, err))
	}
	req.Header.Set("User-Agent", core.cfg.UserAgent)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Qlik-Api-Version", apiVersion)
	switch {
	case r.stream != nil:
		// A file does not tell its length; without this the body would go out chunked.
		req.ContentLength = r.streamLen
		req.Header.Set("Content-Type", r.contentType)
	case k.body != nil:
		req.Header.Set("Content-Type", "application/json")
	}
	for name, v := range r.header {
		req.Header[http.CanonicalHeaderKey(name)] = v
	}
	if !r.tokenRequest && sameEndpoint(req.URL, &url.URL{Scheme: k.c.ep.scheme, Host: k.c.ep.host}) {
		req.Header.Set("Authorization", "Bearer "+k.token)
	}
	return req, nil
}

// checkRedirect applies the client's redirect policy (the same host only) and treats each hop like an attempt
// for the rate limiter: the redirect answered, and the next request waits for the limiter.
func (k *call) checkRedirect(req *http.Request, via []*http.Request) error {
	core := k.c.core
	if err := core.httpClient.CheckRedirect(req, via); err != nil {
		return err
	}
	if prev := req.Response; prev != nil {
		core.limits.succeeded(k.c.ep.host, k.tier)
		core.log.debug(k.ctx, "qlik: HTTP request", map[string]any{
			"method": prev.Request.Method, "url": logURL(prev.Request.URL), "status": prev.StatusCode, "attempt": k.attempt,
		})
	}
	return core.limits.wait(req.Context(), k.c.ep.host, k.tier, k.onLimiterWait)
}

// classify is phase 3 of an attempt: what the answer (or the failure) means, and how long to wait before the
// next attempt when there is one.
func (k *call) classify(resp *http.Response, err error) (verdict, time.Duration) {
	core, r := k.c.core, k.r
	// A 429 from Qlik's rate limiter pauses the tier on this host whatever comes next.
	limited := resp != nil && resp.StatusCode == http.StatusTooManyRequests &&
		!isPendingReloadResponse(r.method, k.url.Path, resp.StatusCode, resp.Header, k.peekBody(resp))
	var rateLimitWait time.Duration
	if limited {
		rateLimitWait = k.rateLimited(resp)
	}
	if k.ctx.Err() != nil {
		return failed, 0
	}
	if err != nil {
		if k.retries >= core.cfg.MaxRetries || !k.mayRepeat(classifyTransportErr(err)) {
			return failed, 0
		}
		k.retries++
		return transient, k.backoff(err.Error(), 0)
	}
	status := resp.StatusCode
	if limited {
		wait := rateLimitWait
		if core.now().Add(wait).Before(k.retryUntil) {
			return rateLimited, k.backoff(fmt.Sprintf("status %d, Retry-After with jitter %s", status, wait), wait)
		}
		core.log.warn(k.ctx, "qlik: rate limited (429) and the wait would outlast the time left for this request; giving up", map[string]any{
			"method": r.method, "path": k.url.Path, "host": k.c.ep.host, "wait_ms": wait.Milliseconds(),
		})
		return answered, 0
	}
	switch status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if k.retries >= core.cfg.MaxRetries || !k.idempotent {
			return answered, 0
		}
		k.retries++
		reason := fmt.Sprintf("status %d", status)
		var wait time.Duration
		if status == http.StatusServiceUnavailable {
			if ra, ok := parseRetryAfter(resp.Header, core.now()); ok {
				wait = ra
				reason += fmt.Sprintf(", Retry-After %s", ra)
			}
		}
		return transient, k.backoff(reason, wait)
	case http.StatusUnauthorized:
		if core.oauth() && !r.tokenRequest && k.tokenFromCache && !k.tokenRefreshed {
			return tokenRefused, 0
		}
	case http.StatusNotFound:
		wait, ok := core.created.graceWait(k.c.ep.host, k.url.Path, k.graceWaits, core)
		if !ok {
			wait, ok = k.c.createdAtWait(k.graceWaits)
		}
		if ok {
			return notYetVisible, wait
		}
	}
	return answered, 0
}

// mayRepeat tells whether an attempt that failed without an answer may be sent again.
func (k *call) mayRepeat(kind errKind) bool {
	switch kind {
	case errNotSent:
		return true
	case errAmbiguous:
		return k.idempotent
	default:
		// errUnreachable: a name that does not resolve or a port that refuses is a configuration mistake;
		// retrying it only delays the error by minutes. errPermanent: nothing to gain.
		return false
	}
}

// rateLimited records a 429 from Qlik's rate limiter: the whole tier on this host waits for Retry-After plus
// jitter, and so does the call.
func (k *call) rateLimited(resp *http.Response) time.Duration {
	core := k.c.core
	wait, ok := parseRetryAfter(resp.Header, core.now())
	if !ok {
		wait = jitterBackoff(core.cfg.RetryWaitMin, core.cfg.RetryWaitMax, k.attempt-1)
	}
	wait = retryAfterJitter(wait)
	core.limits.stats.add429()
	core.limits.block(k.c.ep.host, k.tier, wait)
	core.log.warn(k.ctx, "qlik: rate limited by Qlik Cloud (429); pausing this tier on this host", map[string]any{
		"method": k.r.method, "path": k.url.Path, "host": k.c.ep.host, "tier": string(k.tier),
		"retry_after_ms": wait.Milliseconds(), "trace_id": traceIDOf(k.peekBody(resp)),
	})
	return wait
}

// peekBody returns an error answer's body, which send has read into memory, and leaves it readable.
func (k *call) peekBody(resp *http.Response) []byte {
	b, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

// backoff returns the wait before the next attempt: wait when the server named one (Retry-After), else a capped
// exponential backoff with full jitter; and logs the retry.
func (k *call) backoff(reason string, wait time.Duration) time.Duration {
	core := k.c.core
	if wait <= 0 {
		wait = jitterBackoff(core.cfg.RetryWaitMin, core.cfg.RetryWaitMax, k.attempt-1)
	}
	core.log.debug(k.ctx, "qlik: retrying request", map[string]any{
		"method": k.r.method, "path": k.url.Path, "host": k.c.ep.host,
		"attempt": k.attempt, "wait_ms": wait.Milliseconds(), "reason": reason,
	})
	return wait
}

// finish decodes the answer of a call and closes its body. A 404 on a DELETE after an attempt with unknown
// outcome means that attempt deleted the object.
func (k *call) finish(resp *http.Response) (*response, error) {
	core, ep, r := k.c.core, k.c.ep, k.r
	res := &response{StatusCode: resp.StatusCode, Header: resp.Header}
	if r.raw && resp.StatusCode < 300 {
		res.Body = resp.Body
		core.created.forget(ep.host, k.url.Path)
		return res, nil
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		if resp.StatusCode == http.StatusNotFound && r.method == http.MethodDelete && k.sawAmbiguous {
			core.log.debug(k.ctx, "qlik: DELETE answered 404 after an attempt with unknown outcome; treating as deleted", map[string]any{
				"path": k.url.Path, "host": ep.host,
			})
			core.created.forget(ep.host, k.url.Path)
			return &response{StatusCode: http.StatusNotFound}, nil
		}
		return nil, newAPIError(r.method, k.url.Path, ep.host, resp.StatusCode, resp.Header, b, core.now())
	}
	// The object answered: no more grace.
	core.created.forget(ep.host, k.url.Path)
	if r.out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return res, nil
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, &transportError{
			method: r.method, path: k.url.Path, host: ep.host, attempts: k.attempt,
			err: fmt.Errorf("reading response body: %w", err),
		}
	}
	if !r.tokenRequest && core.log.enabled() {
		core.log.trace(k.ctx, "qlik: HTTP response body", map[string]any{
			"method": r.method, "path": k.url.Path, "host": ep.host,
			"status": resp.StatusCode, "body": core.redact.bodyForLog(b),
		})
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return res, nil
	}
	if err := json.Unmarshal(b, r.out); err != nil {
		return nil, fmt.Errorf("qlik: %s %s: decoding %d response: %w", r.method, k.url.Path, resp.StatusCode, err)
	}
	return res, nil
}

// wrapErr turns a failure without a usable answer into the error callers see: the context's error, a permanent
// error, or a *transportError that records whether the request could have been sent.
func (k *call) wrapErr(err error) error {
	r := k.r
	if k.ctx.Err() != nil {
		return fmt.Errorf("%s %s: %w", r.method, k.url.Path, k.ctx.Err())
	}
	var pe *permanentError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s %s: %w", r.method, k.url.Path, pe.err)
	}
	kind := classifyTransportErr(err)
	return &transportError{
		method: r.method, path: k.url.Path, host: k.c.ep.host,
		attempts: k.attempt, err: err,
		notSent:     kind == errNotSent || kind == errUnreachable,
		unreachable: kind == errUnreachable,
		role:        k.c.core.hostRole(k.c.ep),
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

// discard drains and closes the body of an answer that is not used, if any.
func discard(resp *http.Response) {
	if resp != nil {
		drainClose(resp.Body)
	}
}

func drainClose(body io.ReadCloser) {
	if body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxErrorBody))
	_ = body.Close()
}
