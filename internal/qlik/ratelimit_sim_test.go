package qlik_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// TestSim_ClientsShareOneWindow: four clients with the same credentials (four provider processes, one workspace
// each) write to one tenant at once with the client's default pacing. Together they overrun Qlik's window, which
// none of them can see; every write must still succeed exactly once, however many 429s that takes.
func TestSim_ClientsShareOneWindow(t *testing.T) {
	// 300 per minute over a 2-second window: 10 writes per user per window, and the home tenant's two users
	// make the tenant-wide allowance 10 as well.
	sim := qliksim.StartT(t, qliksim.Options{EnforceRateLimits: true, RateWindow: 2 * time.Second, Limits: map[qliksim.Tier]int{qliksim.Tier2: 300}})
	creds := sim.Credentials()
	const clients, writes = 4, 8
	var wg sync.WaitGroup
	stats := make([]qlik.RateStatsSnapshot, clients)
	start := time.Now()
	for i := range clients {
		c, err := qlik.New(qlik.Config{
			TenantURL: sim.Home().URL, ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, UserAgent: "qlik-sim-test",
		})
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			var inner sync.WaitGroup
			for j := range writes {
				inner.Go(func() {
					if _, err := c.CreateSpace(t.Context(), qlik.SpaceCreateRequest{Name: fmt.Sprintf("S%d-%d", i, j), Type: "shared"}); err != nil {
						t.Errorf("client %d, space %d: %v", i, j, err)
					}
				})
			}
			inner.Wait()
			stats[i] = c.RateStats()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if n := len(sim.Spaces(sim.Home().Hostname)); n != clients*writes {
		t.Errorf("%d spaces, want %d", n, clients*writes)
	}
	limited := 0
	for _, s := range stats {
		limited += s.RateLimited
	}
	if limited == 0 || sim.RateLimitedCount() == 0 {
		t.Fatalf("no 429 was served (%d seen by the clients): the test did not overrun the window", limited)
	}
	t.Logf("%d writes by %d clients in %s; %d 429s served, %d seen by the clients", clients*writes, clients, elapsed, sim.RateLimitedCount(), limited)
}
