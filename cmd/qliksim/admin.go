package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// The admin endpoint lets a harness in another process see what a test sees in process: the request audit, the
// objects every tenant holds and the 429s served, and seed template apps. It has no authentication, so it only
// ever listens on loopback, on a port of its own that no Qlik client is pointed at.
//
//	GET  /audit?since=N      audit entries from the N-th on (0-based), as a JSON array, oldest first
//	GET  /inventory          every tenant with its objects (qliksim.TenantInventory), as a JSON array
//	GET  /stats              {"audit_entries": n, "rate_limited": n}
//	POST /apps?tenant=HOST&name=NAME&size=BYTES[&space=ID]
//	                         stores an app with synthetic content of BYTES bytes, answers {"id": "..."}
//	POST /private-objects?tenant=HOST&app=ID&type=sheet|bookmark|story&owner=USER[&title=T]
//	                         stores a user's private sheet, bookmark or story in an app (for example a published
//	                         app, as its consumers make them), answers the object
//	GET  /private-objects?tenant=HOST&app=ID
//	                         the app's private objects as a JSON array; 404 when the app is gone
//	POST /faults?429=F&503=F&reset=F[&retry-after=S]
//	                         changes the fault rates (fractions) for the following requests, answers {}

// errAdminNotLoopback is returned when -admin names an address other than loopback.
var errAdminNotLoopback = errors.New("-admin must be a loopback address (127.0.0.1:PORT or [::1]:PORT): the admin endpoint has no authentication")

// listenAdmin opens the admin listener on a loopback address.
func listenAdmin(ctx context.Context, addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("-admin %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, errAdminNotLoopback
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin listener: %w", err)
	}
	return ln, nil
}

// adminHandler serves the admin routes for sim.
func adminHandler(sim *qliksim.Server) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /audit", func(w http.ResponseWriter, r *http.Request) {
		all := sim.Audit()
		since := 0
		if v := r.URL.Query().Get("since"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				http.Error(w, "since must be a non-negative integer", http.StatusBadRequest)
				return
			}
			since = min(n, len(all))
		}
		writeAdminJSON(w, all[since:])
	})
	mux.HandleFunc("GET /inventory", func(w http.ResponseWriter, _ *http.Request) {
		writeAdminJSON(w, sim.Inventory())
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		writeAdminJSON(w, map[string]int{"audit_entries": len(sim.Audit()), "rate_limited": sim.RateLimitedCount()})
	})
	mux.HandleFunc("POST /apps", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		size, err := strconv.ParseInt(q.Get("size"), 10, 64)
		if err != nil || size < 0 {
			http.Error(w, "size must be a non-negative number of bytes", http.StatusBadRequest)
			return
		}
		id, err := sim.SeedApp(adminTenant(sim, q), q.Get("name"), q.Get("space"), size)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		writeAdminJSON(w, map[string]string{"id": id})
	})
	mux.HandleFunc("POST /private-objects", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		obj, err := sim.SeedPrivateObject(adminTenant(sim, q), q.Get("app"), qliksim.PrivateObject{
			Type: q.Get("type"), OwnerID: q.Get("owner"), Title: q.Get("title"),
		})
		if err != nil {
			http.Error(w, err.Error(), adminStatus(err))
			return
		}
		writeAdminJSON(w, obj)
	})
	mux.HandleFunc("GET /private-objects", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		objs, err := sim.PrivateObjects(adminTenant(sim, q), q.Get("app"))
		if err != nil {
			http.Error(w, err.Error(), adminStatus(err))
			return
		}
		writeAdminJSON(w, objs)
	})
	mux.HandleFunc("POST /faults", func(w http.ResponseWriter, r *http.Request) {
		f, err := parseFaults(r.URL.Query())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		sim.SetFaults(f)
		writeAdminJSON(w, struct{}{})
	})
	return mux
}

// adminTenant is the tenant query parameter, the home tenant when it is absent.
func adminTenant(sim *qliksim.Server, q url.Values) string {
	if t := q.Get("tenant"); t != "" {
		return t
	}
	return sim.Home().Hostname
}

// adminStatus maps a hook's error: an unknown tenant or object is 404, anything else a bad request.
func adminStatus(err error) int {
	if errors.Is(err, qliksim.ErrNotFound) || errors.Is(err, qliksim.ErrUnknownTenant) {
		return http.StatusNotFound
	}
	return http.StatusBadRequest
}

// parseFaults reads fault rates from a query, with the checks SetFaults would otherwise panic on.
func parseFaults(q url.Values) (qliksim.Faults, error) {
	f := qliksim.Faults{RetryAfterSeconds: 1}
	sum := 0.0
	for name, dst := range map[string]*float64{"429": &f.RateLimit, "503": &f.Unavailable, "reset": &f.Reset} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x < 0 || x > 1 {
			return f, fmt.Errorf("%s must be a fraction between 0 and 1", name)
		}
		*dst = x
		sum += x
	}
	if sum > 1 {
		return f, errors.New("the fault rates add up to more than 1")
	}
	if v := q.Get("retry-after"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, errors.New("retry-after must be a non-negative number of seconds")
		}
		f.RetryAfterSeconds = n
	}
	return f, nil
}

func writeAdminJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		// The client went away; nothing else to tell it.
		return
	}
}

// newAdminServer wraps the handler in a server with timeouts on reading requests.
func newAdminServer(sim *qliksim.Server) *http.Server {
	return &http.Server{Handler: adminHandler(sim), ReadHeaderTimeout: 10 * time.Second}
}
