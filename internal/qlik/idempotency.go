package qlik

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// conflictLookupAttempts bounds the lookups after a 409 that follows an
// attempt with unknown outcome. The object exists then, but Qlik may not
// list it for a few seconds after creation.
const conflictLookupAttempts = 6

// isAmbiguous reports whether a failed create may nevertheless have been
// committed by the server: a 5xx, or a connection that broke after the
// request may have been sent (reset, EOF, timeout). A 4xx, a 429 and a
// connection that never opened are unambiguous: nothing was created.
func isAmbiguous(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= 500
	}
	var te *transportError
	if errors.As(err, &te) {
		return !te.notSent
	}
	return false
}

// worthRetrying reports whether an ambiguous create failure is transient. A
// 500 is ambiguous (looked up) but usually deterministic, so not repeated.
func worthRetrying(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch apiErr.StatusCode {
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	var te *transportError
	return errors.As(err, &te)
}

// creation is one create as createWithRecovery runs it: its request, its natural-key lookup and its proof of
// ownership. A create method fills it in and returns what createWithRecovery returns.
type creation[T any] struct {
	// what names the object in errors and logs ("space \"Sales\"").
	what string
	// post is the create request; a 2xx answer is decoded into a new T.
	post *request
	// send replaces post for a create that is more than one request (an app import); it returns the new object.
	send func(context.Context) (*T, error)
	// find looks the object up by its natural key and returns a *NotFoundError when there is none (the Find*
	// convention). Nil for an object without a natural key: an ambiguous failure is then returned as it is.
	find func(context.Context) (*T, error)
	// untilVisible says that find reads a list that may show a new object only after a moment (the Items API),
	// so a miss after an ambiguous failure is looked for a few times before the create is tried again, or the
	// retry could make a second object.
	untilVisible bool
	// namesakes replaces find for kinds whose natural key Qlik does not keep unique (brands, webhooks,
	// automations, reload schedules): it returns every object with the key, and the lookup takes the one this
	// request made (proof) and passes over the others, so a namesake made by someone else neither blocks the
	// create nor is adopted. As no 409 tells that an earlier attempt committed, a lookup of namesakes is always
	// untilVisible: a list that does not show the new object yet is read again before the create is tried again.
	namesakes func(context.Context) ([]T, error)
	// proof says what a found object tells about where it came from (see proveOurs).
	proof func(*T) provenance
	// path is the path of the object with this id; an object this request created is noted there for the
	// visibility grace (an adopted one was found, so it is visible already).
	path func(id string) string
	// taken says which refusals of a retry mean that the object may exist already; nil means a 409. A kind whose
	// uniqueness Qlik enforces with another status names it here (the one interactive identity provider of a
	// tenant is refused with a 400), or a retry after an attempt that did create the object would fail, leaving
	// that object outside the state.
	taken func(error) bool
}

// createWithRecovery runs a create, which Qlik does not make idempotent,
// so that failures never produce duplicates:
//
//   - the request itself (one do call) retries only what provably did not
//     reach the server: 429 and connections that never opened;
//   - after an ambiguous failure, find searches for the object by its
//     natural key; if found it is adopted, otherwise the create runs again;
//   - a 409 after an ambiguous failure (or the refusal creation.taken names)
//     means that earlier attempt may have committed, so find is retried until
//     the object becomes visible and adopted;
//   - a 409 on an unambiguous first attempt is returned as is, so the user
//     sees Qlik's code and title;
//   - a create interrupted (context cancelled) after it may have reached Qlik
//     is looked up once (lookupAfterCancel).
//
// Whatever find finds is adopted only when proof shows that this request made it (proveOurs): created
// after the request started, by the credentials' user, with the fields that were sent, or carrying the
// provider's marker. Anything else existed before or belongs to someone else, and the create fails with an
// *ExistingObjectError without touching it. Lookups of kinds whose natural key Qlik does not keep unique
// (namesakes; published apps in their find) take only a candidate that passes the proof itself.
//
// An object this request created is noted for the visibility grace (see creation.path).
func createWithRecovery[T any](ctx context.Context, c *Client, cr creation[T]) (*T, error) {
	v, adopted, err := runCreation(ctx, c, cr)
	if err != nil {
		return nil, err
	}
	if !adopted && cr.path != nil {
		c.core.created.note(c.ep.host, cr.path(cr.proof(v).id), c.core.now())
	}
	return v, nil
}

// createIn is createWithRecovery for the common create: a POST of body to the collection at path, whose objects
// are at itemPath(path, id).
func createIn[T any](ctx context.Context, c *Client, path string, body any, cr creation[T]) (*T, error) {
	cr.post = &request{method: http.MethodPost, path: path, body: body}
	cr.path = func(id string) string { return itemPath(path, id) }
	return createWithRecovery(ctx, c, cr)
}

// runCreation is createWithRecovery without the note; adopted says whether the object was found by a lookup.
func runCreation[T any](ctx context.Context, c *Client, cr creation[T]) (v *T, adopted bool, err error) {
	core := c.core
	what := cr.what
	send := cr.send
	if send == nil {
		send = func(ctx context.Context) (*T, error) {
			r := *cr.post
			return doJSON[T](ctx, c, &r)
		}
	}
	ambiguous := false
	start := time.Now()
	lookup := cr.lookup(c, start)
	adopt := func(ctx context.Context, found *T, cause error) (*T, bool, error) {
		if err := c.proveOurs(ctx, what, cr.proof(found), start, cause); err != nil {
			return nil, false, err
		}
		return found, true, nil
	}
	for attempt := 0; ; attempt++ {
		v, err := send(ctx)
		if err == nil {
			return v, false, nil
		}
		if cr.find == nil && cr.namesakes == nil {
			return nil, false, err
		}
		if ctx.Err() != nil {
			if found, ok := lookupAfterCancel(ctx, c, what, lookup); ok {
				return adopt(context.WithoutCancel(ctx), found, err)
			}
			return nil, false, err
		}
		switch {
		case ambiguous && cr.refusedAsTaken(err):
			core.log.debug(ctx, "qlik: create refused as existing after an attempt with unknown outcome; looking for the object that attempt created", map[string]any{
				"object": what, "host": c.ep.host,
			})
			found, ok, lerr := lookupUntilVisible(ctx, core, lookup)
			if ok {
				core.log.debug(ctx, "qlik: adopting object created by an earlier attempt", map[string]any{"object": what, "host": c.ep.host})
				return adopt(ctx, found, err)
			}
			if lerr != nil {
				return nil, false, fmt.Errorf("%w; an earlier attempt may have created the %s, but looking it up failed: %w", err, what, lerr)
			}
			return nil, false, err

		case isAmbiguous(err):
			ambiguous = true
			core.log.debug(ctx, "qlik: create failed with unknown outcome; looking the object up before trying again", map[string]any{
				"object": what, "host": c.ep.host, "error": err,
			})
			found, ok, lerr := lookup(ctx)
			if lerr != nil {
				return nil, false, fmt.Errorf("%w; looking up whether the %s was created anyway failed: %w", err, what, lerr)
			}
			if ok {
				core.log.debug(ctx, "qlik: adopting object created by the failed attempt", map[string]any{"object": what, "host": c.ep.host})
				return adopt(ctx, found, err)
			}
			if !worthRetrying(err) || attempt >= core.cfg.MaxRetries {
				return nil, false, err
			}
			wait := jitterBackoff(core.cfg.RetryWaitMin, core.cfg.RetryWaitMax, attempt)
			core.log.debug(ctx, "qlik: object not found; retrying create", map[string]any{
				"object": what, "host": c.ep.host, "wait_ms": wait.Milliseconds(),
			})
			if serr := sleepCtx(ctx, wait); serr != nil {
				return nil, false, fmt.Errorf("creating %s: %w (last error: %w)", what, serr, err)
			}

		default:
			return nil, false, err
		}
	}
}

// refusedAsTaken reports whether err refuses a create because the object exists (see taken).
func (cr creation[T]) refusedAsTaken(err error) bool {
	if cr.taken != nil {
		return cr.taken(err)
	}
	return IsConflict(err)
}

// ours returns the one of the namesakes that proves to be this request's, or a *NotFoundError.
func (cr creation[T]) ours(ctx context.Context, c *Client, start time.Time) (*T, error) {
	all, err := cr.namesakes(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if c.proveOurs(ctx, cr.what, cr.proof(&all[i]), start, nil) == nil {
			return &all[i], nil
		}
	}
	return nil, c.notFound("%s made by this request", cr.what)
}

// lookup turns find into the form the recovery uses: found, or not found (a *NotFoundError), or failed.
func (cr creation[T]) lookup(c *Client, start time.Time) func(context.Context) (*T, bool, error) {
	find := cr.find
	if cr.namesakes != nil {
		find = func(ctx context.Context) (*T, error) { return cr.ours(ctx, c, start) }
	}
	once := func(ctx context.Context) (*T, bool, error) {
		v, err := find(ctx)
		if isNoMatch(err) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		return v, true, nil
	}
	if !cr.untilVisible && cr.namesakes == nil {
		return once
	}
	return func(ctx context.Context) (*T, bool, error) { return lookupUntilVisible(ctx, c.core, once) }
}

// cancelLookupTimeout bounds the lookup after a create was cancelled.
const cancelLookupTimeout = 5 * time.Second

// lookupAfterCancel looks once for the object of a create whose context was cancelled (Ctrl-C in Terraform)
// while the request may have been on its way: Qlik may have committed it. Terraform waits for the provider
// after an interrupt and saves what the create returns, so adopting the object here puts it in the state
// instead of leaving an orphan that the next apply would answer with a 409. The lookup runs on a detached
// context with a short timeout, and only once, so that an interrupt stays prompt.
func lookupAfterCancel[T any](ctx context.Context, c *Client, what string, lookup func(context.Context) (T, bool, error)) (T, bool) {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelLookupTimeout)
	defer cancel()
	found, ok, err := lookup(lctx)
	if ok {
		c.core.log.debug(ctx, "qlik: create was interrupted after it reached Qlik; adopted the object it created", map[string]any{"object": what, "host": c.ep.host})
		return found, true
	}
	if err != nil {
		c.core.log.debug(ctx, "qlik: create was interrupted and looking up whether it committed failed", map[string]any{"object": what, "host": c.ep.host, "error": err})
	}
	var zero T
	return zero, false
}

// lookupUntilVisible retries lookup with backoff while the object is not
// yet visible or the lookup fails transiently.
func lookupUntilVisible[T any](ctx context.Context, core *core, lookup func(context.Context) (T, bool, error)) (T, bool, error) {
	var zero T
	var lastErr error
	for i := range conflictLookupAttempts {
		if i > 0 {
			if err := sleepCtx(ctx, equalJitterBackoff(core.cfg.RetryWaitMin, core.cfg.RetryWaitMax, i-1)); err != nil {
				return zero, false, err
			}
		}
		v, ok, err := lookup(ctx)
		if ok {
			return v, true, nil
		}
		lastErr = err
		if err != nil && ctx.Err() != nil {
			return zero, false, err
		}
	}
	return zero, false, lastErr
}

// DefaultVisibilityGrace is how long after a create a 404 on the new object
// is taken for delayed visibility rather than absence.
const DefaultVisibilityGrace = 10 * time.Second

// maxGraceRetries bounds the retries of one call inside the grace period.
const maxGraceRetries = 8

// CreatedAt returns a view for calls on one object created at t, possibly by an earlier provider process (a
// quick re-apply is a new process that never saw the create): within the visibility grace after t, a 404 on
// it is taken for delayed visibility and retried, as for objects this client created.
func (c *Client) CreatedAt(t time.Time) *Client {
	v := *c
	v.createdAt = t
	return &v
}

// createdAtWait is graceWait for a view made by CreatedAt. It is bounded by the grace period alone: the caller
// knows the object exists, so waiting for it until the window closes is never wasted.
func (c *Client) createdAtWait(n int) (time.Duration, bool) {
	grace := c.core.created.grace
	if c.createdAt.IsZero() || grace <= 0 {
		return 0, false
	}
	remaining := grace - c.core.now().Sub(c.createdAt)
	if remaining <= 0 {
		return 0, false
	}
	return min(equalJitterBackoff(c.core.cfg.RetryWaitMin, c.core.cfg.RetryWaitMax, n), remaining), true
}

// recentCreates remembers objects this client created within the grace
// period, by host and object path, until they have been seen once.
type recentCreates struct {
	grace   time.Duration // zero disables the mechanism
	mu      sync.Mutex
	entries map[string]time.Time // host + " " + path
}

func (r *recentCreates) note(host, path string, now time.Time) {
	if r.grace <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.entries == nil {
		r.entries = map[string]time.Time{}
	}
	for k, t := range r.entries {
		if now.Sub(t) > r.grace {
			delete(r.entries, k)
		}
	}
	r.entries[host+" "+path] = now
}

// forget drops the entries that path (an object or one of its
// sub-resources) proves visible.
func (r *recentCreates) forget(host, path string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for k := range r.entries {
		h, p, _ := strings.Cut(k, " ")
		if h == host && (path == p || strings.HasPrefix(path, p+"/")) {
			delete(r.entries, k)
		}
	}
}

// graceWait reports how long to wait before retrying the n-th 404 for path
// (the object itself or one of its sub-resources) on host, or false when
// the path is not a recent create or its grace period is over.
func (r *recentCreates) graceWait(host, path string, n int, c *core) (time.Duration, bool) {
	if n >= maxGraceRetries || r.grace <= 0 {
		return 0, false
	}
	now := c.now()
	r.mu.Lock()
	var created time.Time
	for k, t := range r.entries {
		h, p, _ := strings.Cut(k, " ")
		if h == host && (path == p || strings.HasPrefix(path, p+"/")) && t.After(created) {
			created = t
		}
	}
	r.mu.Unlock()
	remaining := r.grace - now.Sub(created)
	if created.IsZero() || remaining <= 0 {
		return 0, false
	}
	return min(equalJitterBackoff(c.cfg.RetryWaitMin, c.cfg.RetryWaitMax, n), remaining), true
}
