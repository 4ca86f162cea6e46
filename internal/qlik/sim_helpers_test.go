package qlik_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	// The simulator is used only as a black-box HTTP server here; no type is shared with the client.
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// startSim starts a simulator for t and returns it with a client of its home tenant that signs in with OAuth,
// and the home tenant's hostname.
func startSim(t *testing.T) (*qliksim.Server, *qlik.Client, string) {
	t.Helper()
	return startSimWith(t, qliksim.Options{}, true)
}

// startSimWith is startSim with the simulator's options o and a client that signs in with OAuth or, when oauth
// is false, with the API key.
func startSimWith(t *testing.T, o qliksim.Options, oauth bool) (*qliksim.Server, *qlik.Client, string) {
	t.Helper()
	sim := qliksim.StartT(t, o)
	return sim, simClient(t, sim, oauth), sim.Home().Hostname
}

// simClient is a client of the simulator's home tenant that signs in with OAuth or, when oauth is false, with
// the API key.
func simClient(t *testing.T, sim *qliksim.Server, oauth bool) *qlik.Client {
	t.Helper()
	creds := sim.Credentials()
	cfg := qlik.Config{
		TenantURL:       sim.Home().URL,
		RegistrationURL: sim.RegistrationURL(),
		TrustedHosts:    sim.TrustedHosts(),
		UserAgent:       "qlik-sim-test",
		RetryWaitMin:    40 * time.Millisecond,
		RetryWaitMax:    400 * time.Millisecond,
		RateLimits:      qlik.RateLimits{Disabled: true},
		// Longer than any VisibilityDelay these tests use, short enough that a
		// DELETE whose first attempt committed does not idle for long.
		VisibilityGrace: time.Second,
	}
	if oauth {
		cfg.ClientID, cfg.ClientSecret = creds.ClientID, creds.ClientSecret
	} else {
		cfg.APIKey = creds.APIKey
	}
	c, err := qlik.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startReloadSim starts a simulator with o and returns it with an API-key client of its home tenant that polls
// every few milliseconds and logs to log (nil for none), and the home tenant's hostname.
func startReloadSim(t *testing.T, o qliksim.Options, log qlik.Logger) (*qliksim.Server, *qlik.Client, string) {
	t.Helper()
	sim := qliksim.StartT(t, o)
	c, err := qlik.New(qlik.Config{
		TenantURL:       sim.Home().URL,
		APIKey:          sim.Credentials().APIKey,
		RetryWaitMin:    20 * time.Millisecond,
		RetryWaitMax:    200 * time.Millisecond,
		PollWaitMin:     20 * time.Millisecond,
		PollWaitMax:     100 * time.Millisecond,
		VisibilityGrace: time.Second,
		Logger:          log,
	})
	if err != nil {
		t.Fatal(err)
	}
	return sim, c, sim.Home().Hostname
}

// newSpace makes the space name of type typ with c.
func newSpace(t testing.TB, c *qlik.Client, name, typ string) *qlik.Space {
	t.Helper()
	s, err := c.CreateSpace(t.Context(), qlik.SpaceCreateRequest{Name: name, Type: typ})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// deleteThenGone deletes the object id with del and requires that get then answers that there is no such object.
func deleteThenGone[T any](t *testing.T, id string, del func(context.Context, string) error, get func(context.Context, string) (*T, error)) {
	t.Helper()
	if err := del(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if _, err := get(t.Context(), id); !qlik.IsNotFound(err) {
		t.Errorf("get after delete = %v", err)
	}
}

// warnLogger records warnings, so a test can prove the client did not take something for a rate limit.
type warnLogger struct {
	mu    sync.Mutex
	warns []string
}

func (l *warnLogger) Debug(context.Context, string, map[string]any) {}
func (l *warnLogger) Trace(context.Context, string, map[string]any) {}
func (l *warnLogger) Warn(_ context.Context, msg string, _ map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.warns = append(l.warns, msg)
}

// lineLogger keeps every log line with its fields, for searching.
type lineLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *lineLogger) add(msg string, f map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprint(msg, f))
}
func (l *lineLogger) Debug(_ context.Context, msg string, f map[string]any) { l.add(msg, f) }
func (l *lineLogger) Trace(_ context.Context, msg string, f map[string]any) { l.add(msg, f) }
func (l *lineLogger) Warn(_ context.Context, msg string, f map[string]any)  { l.add(msg, f) }
