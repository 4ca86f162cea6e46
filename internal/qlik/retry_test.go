package qlik

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// scripted answers the n-th request (1-based) with steps[n-1], and the last
// step for every request after that.
func scripted(steps ...func(w http.ResponseWriter, r *http.Request)) (*atomic.Int32, http.Handler) {
	var n atomic.Int32
	return &n, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i >= len(steps) {
			i = len(steps) - 1
		}
		steps[i](w, r)
	})
}

// wantRequests fails t unless the server counted want requests in n.
func wantRequests(t *testing.T, n *atomic.Int32, want int32) {
	t.Helper()
	if got := n.Load(); got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
}

func okSpace(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, Space{ID: "s1", Name: "Sales"})
}

func status(code int, header ...string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		writeQlikError(w, code, "E", http.StatusText(code))
	}
}

func TestRetry_503ThenSuccess(t *testing.T) {
	n, h := scripted(status(503), okSpace)
	c := fastClient(t, h)
	s, err := c.GetSpace(t.Context(), "s1")
	if err != nil || s.ID != "s1" {
		t.Fatalf("GetSpace = %+v, %v", s, err)
	}
	wantRequests(t, n, 2)
}

func TestRetry_429HonoursRetryAfter(t *testing.T) {
	n, h := scripted(status(429, "Retry-After", "1"), okSpace)
	c := fastClient(t, h)
	start := time.Now()
	if _, err := c.GetSpace(t.Context(), "s1"); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < 900*time.Millisecond {
		t.Errorf("returned after %s; Retry-After: 1 must be honoured", elapsed)
	}
	wantRequests(t, n, 2)
}

// TestRetry_429NeverFailsWhileTimeRemains: rate limits are retried for as long as the deadline allows, not a
// number of times; MaxRetries bounds failures only.
func TestRetry_429NeverFailsWhileTimeRemains(t *testing.T) {
	steps := make([]func(http.ResponseWriter, *http.Request), 0, 16)
	for range 15 {
		steps = append(steps, status(429, "Retry-After", "0"))
	}
	n, h := scripted(append(steps, okSpace)...)
	cfg := fastConfig(newServer(t, h).URL)
	cfg.MaxRetries = 2
	c := newClient(t, cfg)
	if _, err := c.GetSpace(t.Context(), "s1"); err != nil {
		t.Fatalf("a 429 failed the call while time remained: %v", err)
	}
	wantRequests(t, n, 16)
	if got := c.RateStats().RateLimited; got != 15 {
		t.Errorf("RateStats().RateLimited = %d, want 15", got)
	}
}

// TestRetry_429StopsAtTheDeadline: a Retry-After longer than the time left ends the call at once with Qlik's 429
// rather than sleeping into the deadline.
func TestRetry_429StopsAtTheDeadline(t *testing.T) {
	n, h := scripted(status(429, "Retry-After", "30"), okSpace)
	c := fastClient(t, h)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.GetSpace(ctx, "s1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("err = %v, want the 429", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("returned after %s; a wait past the deadline must not be started", d)
	}
	wantRequests(t, n, 1)
}

func TestRetry_400NotRetried(t *testing.T) {
	n, h := scripted(status(400), okSpace)
	c := fastClient(t, h)
	_, err := c.GetSpace(t.Context(), "s1")
	if !errors.Is(err, ErrBadRequest) {
		t.Fatalf("err = %v, want ErrBadRequest", err)
	}
	wantRequests(t, n, 1)
}

func TestRetry_GiveUpReturnsLastAPIError(t *testing.T) {
	n, h := scripted(status(503))
	cfg := fastConfig(newServer(t, h).URL)
	cfg.MaxRetries = 3
	c := newClient(t, cfg)
	_, err := c.GetSpace(t.Context(), "s1")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.TraceID != "trace-503" {
		t.Fatalf("err = %v, want the last 503 with its trace id", err)
	}
	if n.Load() != 4 {
		t.Errorf("requests = %d, want 1 + 3 retries", n.Load())
	}
}

func TestRetry_ConnectionResetRetriedForGET(t *testing.T) {
	n, h := scripted(func(w http.ResponseWriter, _ *http.Request) { hangUp(t, w) }, okSpace)
	c := fastClient(t, h)
	if _, err := c.GetSpace(t.Context(), "s1"); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, n, 2)
}

func TestRetry_PerAttemptTimeout(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	n, h := scripted(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}, okSpace)
	cfg := fastConfig(newServer(t, h).URL)
	cfg.RequestTimeout = 100 * time.Millisecond
	c := newClient(t, cfg)
	if _, err := c.GetSpace(t.Context(), "s1"); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, n, 2)
}

func TestRetry_CancelDuringBackoffReturnsAtOnce(t *testing.T) {
	_, h := scripted(status(503))
	cfg := fastConfig(newServer(t, h).URL)
	cfg.RetryWaitMin = 5 * time.Second
	cfg.RetryWaitMax = 10 * time.Second
	c := newClient(t, cfg)

	ctx, cancel := context.WithCancel(t.Context())
	var cancelledAt atomic.Int64
	go func() {
		time.Sleep(150 * time.Millisecond)
		cancelledAt.Store(time.Now().UnixNano())
		cancel()
	}()
	_, err := c.GetSpace(ctx, "s1")
	returned := time.Now()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := returned.Sub(time.Unix(0, cancelledAt.Load())); d > 200*time.Millisecond {
		t.Errorf("returned %s after cancel; backoff sleeps must watch the context", d)
	}
}

func TestRetry_CancelDuringRateLimitWait(t *testing.T) {
	n, h := scripted(okSpace)
	cfg := fastConfig(newServer(t, h).URL)
	cfg.RateLimits = RateLimits{Tier1: TierLimit{PerMinute: 1, Burst: 1}}
	c := newClient(t, cfg)
	if _, err := c.GetSpace(t.Context(), "s1"); err != nil { // uses the one token
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetSpace(ctx, "s1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 400*time.Millisecond {
		t.Errorf("rate-limit wait ignored the context: %s", d)
	}
	wantRequests(t, n, 1)
}

func TestRetry_POSTNotRetriedOn503(t *testing.T) {
	// A create is not repeated by the request path after an ambiguous
	// failure; createWithRecovery decides (tested in create_test.go).
	n, h := scripted(status(503), okSpace)
	c := fastClient(t, h)
	_, err := c.do(t.Context(), &request{method: http.MethodPost, path: "/api/v1/things", body: map[string]string{"a": "b"}})
	if !isAmbiguous(err) {
		t.Fatalf("err = %v, want an ambiguous 503", err)
	}
	wantRequests(t, n, 1)
}

// A refused connection is neither ambiguous nor worth retrying: it fails at once, saying which configured host
// (the home tenant here) refused.
func TestRetry_ConnectionRefusedFailsFast(t *testing.T) {
	l, err := (&net.ListenConfig{}).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	cfg := fastConfig("http://" + addr)
	cfg.MaxRetries = 2
	log := &captureLogger{}
	cfg.Logger = log
	c := newClient(t, cfg)
	_, err = c.CreateSpace(t.Context(), SpaceCreateRequest{Name: "x", Type: "shared"})
	var te *transportError
	if !errors.As(err, &te) || !te.notSent || isAmbiguous(err) {
		t.Fatalf("err = %v (%T), want a not-sent transport error", err, err)
	}
	// Not retried (a refused port stays refused for minutes); never looked up (nothing can exist).
	if got := log.count("debug", "qlik: retrying request"); got != 0 {
		t.Errorf("retries logged = %d, want 0", got)
	}
	if host, role, ok := UnreachableHost(err); !ok || host != addr || role != HostHome {
		t.Errorf("UnreachableHost = %q, %v, %v; want %q, home, true", host, role, ok, addr)
	}
	if got := log.count("debug", "qlik: create failed with unknown outcome; looking the object up before trying again"); got != 0 {
		t.Errorf("lookups = %d, want 0", got)
	}
}

func TestRetry_DeleteAfterAmbiguousAttemptTreats404AsSuccess(t *testing.T) {
	// The first DELETE is processed but its answer is lost (503 from a proxy);
	// the retry finds the space gone.
	n, h := scripted(status(503), status(404))
	c := fastClient(t, h)
	if err := c.DeleteSpace(t.Context(), "s1"); err != nil {
		t.Fatalf("DeleteSpace = %v, want success", err)
	}
	wantRequests(t, n, 2)

	// A plain 404 is still an error.
	_, h2 := scripted(status(404))
	c2 := fastClient(t, h2)
	if err := c2.DeleteSpace(t.Context(), "s1"); !IsNotFound(err) {
		t.Errorf("DeleteSpace = %v, want ErrNotFound", err)
	}
}

func TestJitterBackoffBounds(t *testing.T) {
	minW, maxW := 10*time.Millisecond, 80*time.Millisecond
	for n := range 40 {
		for range 50 {
			d := jitterBackoff(minW, maxW, n)
			ceil := min(maxW, minW<<min(n, 20))
			if d < minW || d > ceil {
				t.Fatalf("jitterBackoff(n=%d) = %s outside [%s, %s]", n, d, minW, ceil)
			}
			e := equalJitterBackoff(minW, maxW, n)
			if e < ceil/2 || e > ceil {
				t.Fatalf("equalJitterBackoff(n=%d) = %s outside [%s, %s]", n, e, ceil/2, ceil)
			}
		}
	}
}

func TestClassifyTransportErr_UnreachableHosts(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want errKind
	}{
		{"NXDOMAIN", &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "acme.eu.qlikcloud.comm", IsNotFound: true}}, errUnreachable},
		{"refused", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, errUnreachable},
		{"DNS server timeout", &net.OpError{Op: "dial", Err: &net.DNSError{Err: "i/o timeout", IsTimeout: true, IsTemporary: true}}, errNotSent},
		{"dial timeout", &net.OpError{Op: "dial", Err: errors.New("i/o timeout")}, errNotSent},
	} {
		if got := classifyTransportErr(tc.err); got != tc.want {
			t.Errorf("%s: classifyTransportErr = %v, want %v", tc.name, got, tc.want)
		}
	}
}
