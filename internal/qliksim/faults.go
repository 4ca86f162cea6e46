package qliksim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
)

// Faults are injected failure rates, each a fraction of eligible requests in [0, 1] (their sum at most 1). A
// request is eligible unless it is an /oauth/* request and IncludeToken is false.
type Faults struct {
	// RateLimit answers 429 with a retry-after header and Qlik's HTTP-429 body, before handling.
	RateLimit float64
	// Unavailable answers 503 before handling.
	Unavailable float64
	// Reset drops the TCP connection without a response. Reads are dropped before handling; writes (POST, PUT,
	// PATCH, DELETE) after the handler has committed the change, which is the ambiguous failure a client must
	// survive without creating duplicates.
	Reset float64
	// RetryAfterSeconds is the retry-after of injected 429s; default 1.
	RetryAfterSeconds int
	// IncludeToken makes /oauth/token and /oauth/revoke eligible too.
	IncludeToken bool
}

func (f Faults) validate() error {
	for name, v := range map[string]float64{"RateLimit": f.RateLimit, "Unavailable": f.Unavailable, "Reset": f.Reset} {
		// The negated form also rejects NaN.
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("qliksim: fault rate %s=%v is outside [0, 1]", name, v)
		}
	}
	if f.RateLimit+f.Unavailable+f.Reset > 1 {
		return errors.New("qliksim: fault rates add up to more than 1")
	}
	if f.RetryAfterSeconds < 0 {
		return errors.New("qliksim: RetryAfterSeconds must not be negative")
	}
	return nil
}

type faultKind int

const (
	faultNone faultKind = iota
	faultStatus
	faultReset
)

// faultDecision is what the injector decided for one request.
type faultDecision struct {
	kind       faultKind
	status     int // for faultStatus
	retryAfter int // for a 429
	// afterCommit forces a reset after handling even for reads (FailNext with status 0).
	afterCommit bool
}

// faultInjector draws one number from a seeded RNG per eligible request, so the n-th eligible request's fate
// depends only on the seed and the rates, never on timing.
type faultInjector struct {
	mu         sync.Mutex
	rng        *rand.Rand
	cfg        Faults
	failNext   int
	failStatus int
	routes     map[routeFaultKey]*routeFaults
}

func newFaultInjector(seed int64, cfg Faults) *faultInjector {
	return &faultInjector{
		// Deliberately a seeded, non-cryptographic RNG: the point is reproducibility.
		rng: rand.New(rand.NewPCG(uint64(seed), 0x71696b73696d)),
		cfg: cfg,
	}
}

func (f *faultInjector) next() faultDecision {
	f.mu.Lock()
	defer f.mu.Unlock()
	retryAfter := f.cfg.RetryAfterSeconds
	if retryAfter == 0 {
		retryAfter = 1
	}
	// Explicit hooks take precedence and do not consume a draw, so arming them does not shift the seeded sequence.
	if f.failNext > 0 {
		f.failNext--
		if f.failStatus == 0 {
			return faultDecision{kind: faultReset, afterCommit: true}
		}
		return faultDecision{kind: faultStatus, status: f.failStatus, retryAfter: retryAfter}
	}
	x := f.rng.Float64()
	switch {
	case x < f.cfg.RateLimit:
		return faultDecision{kind: faultStatus, status: http.StatusTooManyRequests, retryAfter: retryAfter}
	case x < f.cfg.RateLimit+f.cfg.Unavailable:
		return faultDecision{kind: faultStatus, status: http.StatusServiceUnavailable}
	case x < f.cfg.RateLimit+f.cfg.Unavailable+f.cfg.Reset:
		return faultDecision{kind: faultReset}
	}
	return faultDecision{kind: faultNone}
}

func (f *faultInjector) includeToken() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg.IncludeToken
}

// SetFaults changes the fault rates for the following requests. It panics on rates outside [0, 1] or summing to
// more than 1, which are programming errors in the calling test.
func (s *Server) SetFaults(f Faults) {
	if err := f.validate(); err != nil {
		panic(err)
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.cfg = f
}

// FailNext makes the next n fault-eligible requests fail deterministically, ahead of any random faults: status
// 429 and 503 answer like the injected faults, any other 4xx/5xx answers that status with an error body, and 0
// drops the connection after the request was handled (and, for a write, committed). Calling it again replaces the
// previous instruction. It panics on other statuses.
func (s *Server) FailNext(n, status int) {
	if status != 0 && (status < 400 || status > 599) {
		panic(fmt.Sprintf("qliksim: FailNext status %d is neither 0 nor an HTTP error status", status))
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.failNext = max(n, 0)
	s.faults.failStatus = status
}

// RouteFault is a failure aimed at one route of one host, for tests of multi-step flows where "the next request"
// of the whole simulator is not precise enough (an export in one tenant, an import in another).
type RouteFault struct {
	// Status, when set, answers that status before handling, like FailNext.
	Status int
	// AfterBytes, when positive, lets the request run but breaks its body off after that many bytes: an upload's
	// request body ends in an error and a download's response is cut, as a dropped connection would.
	AfterBytes int64
	// With neither set, the request is handled (a write commits) and the connection is dropped without an answer.
}

type routeFaultKey struct{ host, method, route string }

type routeFaults struct {
	fault RouteFault
	n     int
}

// FailRoute makes the next n requests to method and route (a pattern such as /api/v1/apps/import or
// /api/v1/temp-contents/{id}) on the host hostname fail as f says. Calling it again for the same route replaces the
// previous instruction.
func (s *Server) FailRoute(hostname, method, route string, n int, f RouteFault) {
	if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
		panic(fmt.Sprintf("qliksim: FailRoute status %d is not an HTTP error status", f.Status))
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if s.faults.routes == nil {
		s.faults.routes = map[routeFaultKey]*routeFaults{}
	}
	s.faults.routes[routeFaultKey{hostname, method, route}] = &routeFaults{fault: f, n: n}
}

func (f *faultInjector) takeRoute(host, method, route string) (RouteFault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rf := f.routes[routeFaultKey{host, method, route}]
	if rf == nil || rf.n <= 0 {
		return RouteFault{}, false
	}
	rf.n--
	return rf.fault, true
}
