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

// ErrNotCreatedByUs matches (errors.Is) an *ExistingObjectError.
var ErrNotCreatedByUs = errors.New("qlik: object exists and was not created by this provider")

// ExistingObjectError is returned by a create that found, after an attempt with unknown outcome or a 409, an
// object with the requested natural key that this request did not make: it existed before, another user made
// it, or its fields differ from what was sent. The provider never adopts, changes or deletes such an object; the
// user imports it or picks another key.
type ExistingObjectError struct {
	// What names the object as the create did ("space \"Sales\"").
	What string
	// Host and ID locate the existing object (an import id is Host + "/" + ID).
	Host, ID string
	// Reason says why the object is not ours.
	Reason string
	// Cause is the failure of the create that made the provider look.
	Cause error
}

func (e *ExistingObjectError) Error() string {
	return fmt.Sprintf("%s already exists on %s (id %s) and was not created by this request: %s. "+
		"The provider does not take over objects it did not create: import it (import id %q) or choose another name",
		e.What, e.Host, e.ID, e.Reason, e.Host+"/"+e.ID)
}

// Is matches ErrNotCreatedByUs and ErrConflict: the object's key is taken.
func (e *ExistingObjectError) Is(target error) bool {
	return target == ErrNotCreatedByUs || target == ErrConflict
}

// Unwrap returns the create failure.
func (e *ExistingObjectError) Unwrap() error { return e.Cause }

// provenance is what an object found after an ambiguous create says about where it came from: the creation
// data Qlik reports and whether its fields are exactly what the create sent.
type provenance struct {
	id string
	// created is the creation time as Qlik reports it (RFC 3339).
	created string
	// creator is the id of the user that created (or owns) the object; empty where the API reports none.
	creator string
	// differs names the first field that is not what the create sent; empty when all are equal.
	differs string
	// marked says the object carries a marker only this provider writes (an app copy's marker name), which
	// proves it ours whenever it was made: an interrupted earlier apply's copy is adopted.
	marked bool
}

// proveOurs returns nil when the object p describes was provably made by the create that started at the local
// time start on this client's host, and an *ExistingObjectError otherwise. Proof is: created no earlier than
// the request (on the server's clock), by the user the credentials act as (where Qlik reports a creator), with
// every field equal to what was sent.
func (c *Client) proveOurs(ctx context.Context, what string, p provenance, start time.Time, cause error) error {
	notOurs := func(reason string) error {
		c.core.log.debug(ctx, "qlik: found an object with the natural key of a failed create, but it is not ours; not adopting it", map[string]any{
			"object": what, "host": c.ep.host, "id": p.id, "reason": reason,
		})
		return &ExistingObjectError{What: what, Host: c.ep.host, ID: p.id, Reason: reason, Cause: cause}
	}
	if p.differs != "" {
		return notOurs("its " + p.differs + " differs from the configuration")
	}
	if p.marked {
		return nil
	}
	created, err := parseQlikTime(p.created)
	if err != nil {
		return notOurs("its creation time " + fmt.Sprintf("%q", p.created) + " cannot be read, so it cannot be proven new")
	}
	since := c.core.clock.serverTime(c.ep.host, start)
	if created.Before(since) {
		return notOurs(fmt.Sprintf("it was created at %s, before this request (%s)", created.UTC().Format(time.RFC3339), since.UTC().Format(time.RFC3339)))
	}
	if p.creator != "" {
		if me := c.currentUserID(ctx); me != "" && me != p.creator {
			return notOurs(fmt.Sprintf("it was created by user %s, not by the user these credentials act as (%s)", p.creator, me))
		}
	}
	return nil
}

func parseQlikTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Parse("2006-01-02T15:04:05.000Z0700", s)
}

// serverClock estimates each host's clock from the Date header of its answers, so a creation time Qlik
// reports can be compared with the local time a request started. Date is truncated to the second and
// arrives after the server wrote it, so offset is a lower bound of the true offset, and serverTime a lower
// bound of the server's time: a new object is never mistaken for an old one.
type serverClock struct {
	mu     sync.Mutex
	offset map[string]time.Duration // host -> server time - local time
}

func (k *serverClock) observe(host string, h http.Header, local time.Time) {
	d, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.offset == nil {
		k.offset = map[string]time.Duration{}
	}
	k.offset[host] = d.Sub(local)
}

// serverTime converts the local time t into a lower bound of the host's clock at t. Without any answer from
// the host it allows one minute of skew.
func (k *serverClock) serverTime(host string, t time.Time) time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	off, ok := k.offset[host]
	if !ok {
		return t.Add(-time.Minute)
	}
	return t.Add(off)
}

// clockObserver records the Date header of every answer in the core's serverClock.
type clockObserver struct {
	clock *serverClock
	now   func() time.Time
	base  http.RoundTripper
}

func (o *clockObserver) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := o.base.RoundTrip(req)
	if err == nil {
		o.clock.observe(req.URL.Host, res.Header, o.now())
	}
	return res, err
}

// currentUserID returns the id of the user the credentials act as on this client's host (GET
// /api/v1/users/me, cached per host), or "" when Qlik does not say; then the creator is not compared.
func (c *Client) currentUserID(ctx context.Context) string {
	c.core.me.mu.Lock()
	id, ok := c.core.me.ids[c.ep.host]
	c.core.me.mu.Unlock()
	if ok {
		return id
	}
	var u User
	if _, err := c.do(ctx, &request{method: http.MethodGet, path: "/api/v1/users/me", out: &u}); err != nil {
		c.core.log.debug(ctx, "qlik: could not learn the credentials' user; creators are not compared", map[string]any{"host": c.ep.host, "error": err})
		return ""
	}
	c.core.me.mu.Lock()
	defer c.core.me.mu.Unlock()
	if c.core.me.ids == nil {
		c.core.me.ids = map[string]string{}
	}
	c.core.me.ids[c.ep.host] = u.ID
	return u.ID
}

type currentUsers struct {
	mu  sync.Mutex
	ids map[string]string
}

// check is one field of a found object compared with what the create sent, named as provenance.differs
// names it.
type check struct {
	name string
	same bool
}

// same compares a field of the found object with the value sent.
func same[V comparable](name string, found, sent V) check { return check{name, found == sent} }

// sameIfSent compares a field the request may leave to Qlik: only a value sent has to match.
func sameIfSent(name, found, sent string) check { return check{name, sent == "" || found == sent} }

// sameItems compares two lists as sets of trimmed values (sameStrings).
func sameItems(name string, found, sent []string) check { return check{name, sameStrings(found, sent)} }

// differsIn returns the name of the first check whose values differ, for provenance.differs.
func differsIn(checks ...check) string {
	for _, c := range checks {
		if !c.same {
			return c.name
		}
	}
	return ""
}

// sameStrings compares two lists as sets of trimmed values.
func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[strings.TrimSpace(s)]++
	}
	for _, s := range b {
		seen[strings.TrimSpace(s)]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}
