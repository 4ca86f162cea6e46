package qliksim

import (
	"sync"
	"time"
)

// AuditEntry records one request, whatever its outcome.
type AuditEntry struct {
	Time   time.Time
	Method string
	// Route is the matched pattern without the method, e.g. "/api/v1/spaces/{spaceId}"; empty for unknown routes.
	Route string
	// Path is the raw request path.
	Path string
	// Host is the hostname that served the request (127.0.0.1:<port>).
	Host string
	// Status is the status sent, or the one the handler produced before an after-commit reset; 0 when the
	// connection was reset before handling or the client went away.
	Status int
	// Fault is "" for a normal answer, "429", "503" or "reset" for injected faults, or the status of a FailNext
	// failure with another status.
	Fault string
	// Identity is the caller's user id, or the client id on the register host and for /oauth requests with valid
	// client credentials; empty when the caller was not authenticated.
	Identity string
	// Region is the region of the host that served the request.
	Region string
	// ClientID is the OAuth client behind the request (its credentials on /oauth/token, or the token it
	// presented), and ClientRegion that client's region; both empty for API keys, sessions and anonymous calls.
	ClientID     string
	ClientRegion string
}

type auditLog struct {
	mu      sync.Mutex
	entries []AuditEntry
}

func (a *auditLog) add(e AuditEntry, maxEntries int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = append(a.entries, e)
	// Trim in batches (keep the newest maxEntries once twice as many piled up) so trimming stays amortised O(1).
	if maxEntries > 0 && len(a.entries) >= 2*maxEntries {
		a.entries = append([]AuditEntry(nil), a.entries[len(a.entries)-maxEntries:]...)
	}
}

// Audit returns a copy of the audit log, oldest first.
func (s *Server) Audit() []AuditEntry {
	s.audit.mu.Lock()
	defer s.audit.mu.Unlock()
	return append([]AuditEntry(nil), s.audit.entries...)
}

// AuditCount counts audited requests matching method, route and host; an empty argument matches anything.
// AuditCount("POST", "/oauth/token", host) is the number of tokens requested on host.
func (s *Server) AuditCount(method, route, host string) int {
	s.audit.mu.Lock()
	defer s.audit.mu.Unlock()
	n := 0
	for _, e := range s.audit.entries {
		if (method == "" || e.Method == method) && (route == "" || e.Route == route) && (host == "" || e.Host == host) {
			n++
		}
	}
	return n
}

// ResetAudit empties the audit log.
func (s *Server) ResetAudit() {
	s.audit.mu.Lock()
	defer s.audit.mu.Unlock()
	s.audit.entries = nil
}
