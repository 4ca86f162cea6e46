package qliksim

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The licenses API (licenses.json): auto-assignment settings and the user license assignments of a tenant.
// Documented by Qlik: GET/PUT /licenses/settings {autoAssignProfessional, autoAssignAnalyzer} answer 200 with the
// settings; the assignment actions add, update and delete answer 207 with one status per item (201 for an added
// assignment, 200 for an updated or deleted one, LICENSES-011 403 "No available allotment", LICENSES-016 404
// "Assignment not found"); errors carry the deprecated top-level error and message; "If professional users are
// available, they will be automatically assigned. Otherwise, analyzer capacity will be assigned"; deleting a user
// frees its entitlement (Qlik Help). The simulator's assumptions: a tenant starts with 10 professional and 50
// analyzer allotments (SetLicenseAllotment changes them) and both auto-assign settings off; an assignment may name
// a subject that has no user yet; a second assignment for one subject is an item error 409 LICENSES-Conflict and
// an unknown type 400 LICENSES-BadRequest (codes Qlik does not document); PUT leaves a setting it does not name
// unchanged; the list filter takes the identity APIs' syntax on subject and type.

// License types a user can be assigned.
const (
	LicenseProfessional = "professional"
	LicenseAnalyzer     = "analyzer"
)

var licensesErrors = errorStyle{status: statusAbsent, errorMessage: true}

const (
	codeLicenseNoAllotment = "LICENSES-011"
	codeLicenseNotFound    = "LICENSES-016"
	codeLicenseBadRequest  = "LICENSES-BadRequest"
	codeLicenseConflict    = "LICENSES-Conflict"
)

// LicenseAssignment is one assignment (licenses.json assignmentsResponse data item).
type LicenseAssignment struct {
	Subject string `json:"subject"`
	Type    string `json:"type"`
	Excess  bool   `json:"excess"`
	Created string `json:"created"`
}

type licenseSettings struct {
	AutoAssignAnalyzer     bool `json:"autoAssignAnalyzer"`
	AutoAssignProfessional bool `json:"autoAssignProfessional"`
}

// licenseState is a tenant's license: allotments, assignments by subject and the auto-assign settings.
type licenseState struct {
	mu          sync.Mutex
	settings    licenseSettings
	allotments  map[string]int
	assignments map[string]LicenseAssignment
}

func newLicenseState() *licenseState {
	return &licenseState{
		allotments:  map[string]int{LicenseProfessional: 10, LicenseAnalyzer: 50},
		assignments: map[string]LicenseAssignment{},
	}
}

// usedLocked counts the assignments of a type; the caller holds mu.
func (l *licenseState) usedLocked(typ string) int {
	n := 0
	for _, a := range l.assignments {
		if a.Type == typ {
			n++
		}
	}
	return n
}

// itemResult is one entry of an action's 207 answer.
type itemResult struct {
	Subject    string `json:"subject,omitempty"`
	Type       string `json:"type,omitempty"`
	SourceType string `json:"sourceType,omitempty"`
	Status     int    `json:"status"`
	Code       string `json:"code,omitempty"`
	Title      string `json:"title,omitempty"`
}

func failed(r itemResult, status int, code, title string) itemResult {
	r.Status, r.Code, r.Title = status, code, title
	return r
}

// checkTypeLocked says why typ cannot take one more assignment, or returns a zero result.
func (l *licenseState) checkTypeLocked(r itemResult, typ string) (itemResult, bool) {
	units, ok := l.allotments[typ]
	if !ok {
		return failed(r, http.StatusBadRequest, codeLicenseBadRequest, "Unknown allotment type "+strconv.Quote(typ)+"; use professional or analyzer."), false
	}
	if l.usedLocked(typ) >= units {
		return failed(r, http.StatusForbidden, codeLicenseNoAllotment, "No available allotment error, No available allotment."), false
	}
	return r, true
}

func (l *licenseState) add(subject, typ string, now time.Time) itemResult {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := itemResult{Subject: subject, Type: typ}
	if strings.TrimSpace(subject) == "" {
		return failed(r, http.StatusBadRequest, codeLicenseBadRequest, "subject must not be empty.")
	}
	if cur, ok := l.assignments[subject]; ok {
		return failed(r, http.StatusConflict, codeLicenseConflict, "The subject already has a "+cur.Type+" assignment.")
	}
	if r, ok := l.checkTypeLocked(r, typ); !ok {
		return r
	}
	l.assignments[subject] = LicenseAssignment{Subject: subject, Type: typ, Created: formatTime(now)}
	r.Status = http.StatusCreated
	return r
}

func (l *licenseState) update(subject, typ, sourceSubject, sourceType string) itemResult {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := itemResult{Subject: subject, Type: typ, SourceType: sourceType}
	from := subject
	if sourceSubject != "" {
		from = sourceSubject
	}
	cur, ok := l.assignments[from]
	if !ok || (sourceType != "" && cur.Type != sourceType) {
		return failed(r, http.StatusNotFound, codeLicenseNotFound, "Assignment not found.")
	}
	if typ == "" {
		typ = cur.Type
	}
	if typ != cur.Type {
		if r, ok := l.checkTypeLocked(r, typ); !ok {
			return r
		}
	}
	r.Status = http.StatusOK
	if from != subject {
		if _, taken := l.assignments[subject]; taken {
			return failed(r, http.StatusConflict, codeLicenseConflict, "The subject already has an assignment.")
		}
		delete(l.assignments, from)
		r.Status = http.StatusCreated
	}
	cur.Subject, cur.Type = subject, typ
	l.assignments[subject] = cur
	r.Type = typ
	return r
}

func (l *licenseState) remove(subject, typ string) itemResult {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := itemResult{Subject: subject, Type: typ}
	cur, ok := l.assignments[subject]
	if !ok || cur.Type != typ {
		return failed(r, http.StatusNotFound, codeLicenseNotFound, "Assignment not found.")
	}
	delete(l.assignments, subject)
	r.Status = http.StatusOK
	return r
}

// release frees the assignment of a deleted user.
func (l *licenseState) release(subject string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.assignments, subject)
}

// autoAssign gives a user at first login a professional license when that is on and one is free, else an
// analyzer license when that is on and one is free.
func (l *licenseState) autoAssign(subject string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.assignments[subject]; ok {
		return
	}
	for _, c := range []struct {
		on  bool
		typ string
	}{{l.settings.AutoAssignProfessional, LicenseProfessional}, {l.settings.AutoAssignAnalyzer, LicenseAnalyzer}} {
		if c.on && l.usedLocked(c.typ) < l.allotments[c.typ] {
			l.assignments[subject] = LicenseAssignment{Subject: subject, Type: c.typ, Created: formatTime(now)}
			return
		}
	}
}

type licensesAPI struct {
	s *Server
	h *host
	l *licenseState
}

func licenseBadRequest(w http.ResponseWriter, detail string) {
	writeError(w, http.StatusBadRequest, licensesErrors, apiError{code: codeLicenseBadRequest, title: "Bad request", detail: detail})
}

func (api *licensesAPI) getSettings(w http.ResponseWriter, _ *http.Request) {
	api.l.mu.Lock()
	defer api.l.mu.Unlock()
	writeJSON(w, http.StatusOK, api.l.settings)
}

func (api *licensesAPI) putSettings(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AutoAssignAnalyzer     *bool `json:"autoAssignAnalyzer"`
		AutoAssignProfessional *bool `json:"autoAssignProfessional"`
	}
	if err := decodeJSON(r, &req); err != nil {
		licenseBadRequest(w, err.Error())
		return
	}
	api.l.mu.Lock()
	defer api.l.mu.Unlock()
	if req.AutoAssignAnalyzer != nil {
		api.l.settings.AutoAssignAnalyzer = *req.AutoAssignAnalyzer
	}
	if req.AutoAssignProfessional != nil {
		api.l.settings.AutoAssignProfessional = *req.AutoAssignProfessional
	}
	writeJSON(w, http.StatusOK, api.l.settings)
}

type assignmentItem struct {
	Subject       *string `json:"subject"`
	Type          *string `json:"type"`
	SourceType    string  `json:"sourceType"`
	SourceSubject string  `json:"sourceSubject"`
}

// action answers the add, update and delete actions: the body holds one array under the action's name, every
// item is processed on its own, and the answer is 207 with one result per item in order.
func (api *licensesAPI) action(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body map[string][]assignmentItem
		if err := decodeJSON(r, &body); err != nil {
			licenseBadRequest(w, err.Error())
			return
		}
		items, ok := body[name]
		if !ok {
			licenseBadRequest(w, "The body needs an array "+strconv.Quote(name)+".")
			return
		}
		for i, it := range items {
			if it.Subject == nil || (it.Type == nil && name != "update") {
				licenseBadRequest(w, name+"["+strconv.Itoa(i)+"] needs a subject and a type.")
				return
			}
		}
		now := time.Now()
		out := make([]itemResult, 0, len(items))
		for _, it := range items {
			typ := ""
			if it.Type != nil {
				typ = *it.Type
			}
			switch name {
			case "add":
				out = append(out, api.l.add(*it.Subject, typ, now))
			case "update":
				out = append(out, api.l.update(*it.Subject, typ, it.SourceSubject, it.SourceType))
			default:
				out = append(out, api.l.remove(*it.Subject, typ))
			}
		}
		writeJSON(w, http.StatusMultiStatus, map[string]any{"data": out})
	}
}

var licenseSortKeys = map[string]func(LicenseAssignment) []string{
	"subject": func(a LicenseAssignment) []string { return []string{a.Subject} },
	"type":    func(a LicenseAssignment) []string { return []string{a.Type, a.Subject} },
	"created": func(a LicenseAssignment) []string { return []string{a.Created, a.Subject} },
}

// licenseListSpec is GET /licenses/assignments: limit 1–100 (default 20), sort on subject, type or created, a
// filter on subject and type, and one page cursor for both directions.
var licenseListSpec = &listSpec{
	limitDefault: 20, limitMin: 1,
	sortFields: []string{"subject", "type", "created"}, sortDefault: "subject",
	filterFields: []string{"subject", "type"},
	cursorParams: []string{"page"},
}

func (api *licensesAPI) listAssignments(w http.ResponseWriter, r *http.Request) {
	lq, err := parseList(r, licenseListSpec, api.s)
	if err != nil {
		licenseBadRequest(w, err.Error())
		return
	}
	api.l.mu.Lock()
	var items []LicenseAssignment
	for _, a := range api.l.assignments {
		fields := map[string][]string{"subject": {a.Subject}, "type": {a.Type}}
		if lq.matches(func(n string) []string { return fields[n] }) {
			items = append(items, a)
		}
	}
	api.l.mu.Unlock()
	writeJSON(w, http.StatusOK, onePage(lq, api.h, r, items, licenseSortKeys[lq.sortField], func(a LicenseAssignment) LicenseAssignment { return a }))
}

// registerDirectoryRoutes serves the licenses, API key configuration and authentication settings APIs.
func (s *Server) registerDirectoryRoutes(h *host) {
	l := &licensesAPI{s: s, h: h, l: h.tenant.access.licenses}
	h.mux.HandleFunc("GET /api/v1/licenses/settings", l.getSettings)
	h.mux.HandleFunc("PUT /api/v1/licenses/settings", l.putSettings)
	h.mux.HandleFunc("GET /api/v1/licenses/assignments", l.listAssignments)
	for _, name := range []string{"add", "update", "delete"} {
		h.mux.HandleFunc("POST /api/v1/licenses/assignments/actions/"+name, l.action(name))
	}
	s.registerTenantSettingsRoutes(h)
}
