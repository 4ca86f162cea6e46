package qliksim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Automations (workflows-automations.json, /api/workflows/automations; the /api/v1/automations paths are
// deprecated). An automation holds the workspace JSON of the Qlik Automate editor, a space, schedules and a
// state (available, or disabled by actions/disable). runMode and executionToken are read-only: runMode is set
// inside the workspace; the simulator reads it from the workspace's top-level "runMode" (the layout of an
// exported workspace is not documented; without it, "scheduled" when the automation has schedules, else
// "manual"). PUT replaces name, description, workspace,
// schedules and maxConcurrentRuns ("full update"); the space changes through actions/change-space.
//
// Runs: POST .../runs {"context":"api"} answers 201 "queued"; the run is "running" shortly after, then "finished"
// or "failed" with its error list, as SetAutomationBehaviour says; actions/stop turns an active run into
// "must stop" (204) and shortly after "stopped"; stopping an ended run is a 400. A disabled automation refuses
// new runs. The transition times, the run context the API reports ("api_async") and the error codes are the
// simulator's assumptions.

const (
	automationsPath = "/api/workflows/automations"

	// Run statuses (RunDetailResponseObject.status).
	AutomationRunQueued   = "queued"
	AutomationRunRunning  = "running"
	AutomationRunFinished = "finished"
	AutomationRunFailed   = "failed"
	AutomationRunMustStop = "must stop"
	AutomationRunStopped  = "stopped"

	// DefaultAutomationRunDuration is how long a run stays "running" unless SetAutomationBehaviour says otherwise.
	DefaultAutomationRunDuration = 200 * time.Millisecond
	automationQueueTime          = 20 * time.Millisecond
	automationStopTime           = 50 * time.Millisecond

	// workflows-automations.json documents no error codes; these are the simulator's.
	codeAutomationBadRequest = "AUTOMATIONS-400"
	codeAutomationNotFound   = "AUTOMATIONS-404"
)

var automationErrors = errorStyle{status: statusAbsent, traceID: true}

// AutomationSchedule is ScheduleResponseObject (and ScheduleRequestObject without id).
type AutomationSchedule struct {
	ID       string `json:"id,omitempty"`
	StartAt  string `json:"startAt,omitempty"`
	StopAt   string `json:"stopAt,omitempty"`
	Interval int    `json:"interval,omitempty"`
	Timezone string `json:"timezone,omitempty"`
}

// Automation is AutomationDetailResponseObject.
type Automation struct {
	ID                string               `json:"id"`
	Name              string               `json:"name"`
	Description       string               `json:"description"`
	State             string               `json:"state"`
	RunMode           string               `json:"runMode"`
	SpaceID           string               `json:"spaceId,omitempty"`
	OwnerID           string               `json:"ownerId"`
	Workspace         json.RawMessage      `json:"workspace"`
	Schedules         []AutomationSchedule `json:"schedules"`
	MaxConcurrentRuns int                  `json:"maxConcurrentRuns"`
	ExecutionToken    string               `json:"executionToken"`
	LastRunStatus     string               `json:"lastRunStatus,omitempty"`
	LastRunAt         string               `json:"lastRunAt,omitempty"`
	CreatedAt         string               `json:"createdAt"`
	UpdatedAt         string               `json:"updatedAt"`
}

// AutomationRun is RunDetailResponseObject.
type AutomationRun struct {
	ID           string           `json:"id"`
	Title        string           `json:"title"`
	Status       string           `json:"status"`
	Context      string           `json:"context"`
	Error        []map[string]any `json:"error"`
	OwnerID      string           `json:"ownerId"`
	SpaceID      string           `json:"spaceId,omitempty"`
	ExecutedByID string           `json:"executedById"`
	StartTime    *string          `json:"startTime"`
	StopTime     *string          `json:"stopTime"`
	CreatedAt    string           `json:"createdAt"`
	UpdatedAt    string           `json:"updatedAt"`
	IsTestRun    bool             `json:"isTestRun"`
	IsArchived   bool             `json:"isArchived"`
	automationID string
	seq          uint64
	timer        *time.Timer
}

// AutomationBehaviour says how the runs of one automation go.
type AutomationBehaviour struct {
	Duration time.Duration
	// Fail ends runs "failed" with Message in their error list.
	Fail    bool
	Message string
}

type automationState struct {
	automations *collection[Automation]
	mu          sync.Mutex
	seq         uint64
	runs        map[string][]*AutomationRun
	behaviour   map[string]AutomationBehaviour
}

func newAutomationState() *automationState {
	return &automationState{automations: newCollection[Automation](), runs: map[string][]*AutomationRun{}, behaviour: map[string]AutomationBehaviour{}}
}

type automationsAPI struct {
	tenantAPI
	automations byID[Automation]
}

func (s *Server) registerAutomationRoutes(h *host) {
	api := &automationsAPI{s.apiOn(h), byID[Automation]{h.tenant.workflows.autos.automations, "id", automationNotFound}}
	h.handleObjects(automationsPath, "id", objectRoutes{list: api.list, create: api.create, get: api.get, put: api.put, delete: api.delete})
	h.mux.HandleFunc("POST "+automationsPath+"/{id}/actions/enable", api.setState("available"))
	h.mux.HandleFunc("POST "+automationsPath+"/{id}/actions/disable", api.setState("disabled"))
	h.mux.HandleFunc("POST "+automationsPath+"/{id}/actions/change-space", api.changeSpace)
	h.mux.HandleFunc("GET "+automationsPath+"/{id}/runs", api.runs)
	h.mux.HandleFunc("POST "+automationsPath+"/{id}/runs", api.createRun)
	h.mux.HandleFunc("GET "+automationsPath+"/{id}/runs/{runId}", api.getRun)
	h.mux.HandleFunc("POST "+automationsPath+"/{id}/runs/{runId}/actions/stop", api.stopRun)
}

func automationBadRequest(w http.ResponseWriter, detail string) {
	automationErrors.write(w, http.StatusBadRequest, codeAutomationBadRequest, "Bad Request", detail)
}

func automationNotFound(w http.ResponseWriter, id string) {
	automationErrors.write(w, http.StatusNotFound, codeAutomationNotFound, "Not Found", "No automation with id "+id+".")
}

type automationBody struct {
	Name              *string              `json:"name"`
	Description       *string              `json:"description"`
	SpaceID           *string              `json:"spaceId"`
	Workspace         json.RawMessage      `json:"workspace"`
	Schedules         []AutomationSchedule `json:"schedules"`
	MaxConcurrentRuns *int                 `json:"maxConcurrentRuns"`
}

// apply checks a create or PUT body and writes it into a.
func (api *automationsAPI) apply(a *Automation, b automationBody, create bool) error {
	if create && (b.Name == nil || strings.TrimSpace(*b.Name) == "") {
		return errors.New("name is required")
	}
	if b.Name != nil {
		if strings.TrimSpace(*b.Name) == "" {
			return errors.New("name must not be empty")
		}
		a.Name = *b.Name
	}
	a.Description = ""
	if b.Description != nil {
		a.Description = *b.Description
	}
	a.Workspace = json.RawMessage(`{}`)
	a.RunMode = ""
	if len(b.Workspace) > 0 && string(b.Workspace) != "null" {
		var ws map[string]any
		if json.Unmarshal(b.Workspace, &ws) != nil {
			return errors.New("workspace must be a JSON object")
		}
		a.Workspace = b.Workspace
		if m, ok := ws["runMode"].(string); ok {
			if !slices.Contains([]string{"manual", "scheduled", "triggered", "webhook"}, m) {
				return fmt.Errorf("workspace runMode %q must be manual, scheduled, triggered or webhook", m)
			}
			a.RunMode = m
		}
	}
	a.MaxConcurrentRuns = 1
	if b.MaxConcurrentRuns != nil {
		if *b.MaxConcurrentRuns < 1 || *b.MaxConcurrentRuns > 10 {
			return errors.New("maxConcurrentRuns must be from 1 to 10 (the tenant's automations settings)")
		}
		a.MaxConcurrentRuns = *b.MaxConcurrentRuns
	}
	a.Schedules = []AutomationSchedule{}
	for i, sc := range b.Schedules {
		if sc.Interval < 60 || sc.Interval%60 != 0 {
			return fmt.Errorf("schedules[%d].interval must be a positive multiple of 60 seconds", i)
		}
		for _, v := range []string{sc.StartAt, sc.StopAt} {
			if v == "" {
				continue
			}
			if _, err := time.Parse("2006-01-02 15:04:05", v); err != nil {
				return fmt.Errorf("schedules[%d]: %q is not a date and time like 2022-01-01 00:00:00", i, v)
			}
		}
		if sc.Timezone != "" {
			if _, err := time.LoadLocation(sc.Timezone); err != nil {
				return fmt.Errorf("schedules[%d].timezone %q is not an IANA time zone", i, sc.Timezone)
			}
		}
		sc.ID = newUUID()
		a.Schedules = append(a.Schedules, sc)
	}
	// A workspace that names no run mode runs on its schedules, or manually.
	if a.RunMode == "" && len(a.Schedules) > 0 {
		a.RunMode = "scheduled"
	} else if a.RunMode == "" {
		a.RunMode = "manual"
	}
	if create && b.SpaceID != nil && *b.SpaceID != "" {
		if _, ok := api.t.checkSpace(*b.SpaceID); !ok {
			return fmt.Errorf("space %s does not exist", *b.SpaceID)
		}
		a.SpaceID = *b.SpaceID
	}
	return nil
}

func (api *automationsAPI) create(w http.ResponseWriter, r *http.Request) {
	var b automationBody
	if err := decodeJSON(r, &b); err != nil {
		automationBadRequest(w, err.Error())
		return
	}
	var a Automation
	if err := api.apply(&a, b, true); err != nil {
		automationBadRequest(w, err.Error())
		return
	}
	now := time.Now()
	a.ID, a.State, a.OwnerID = newUUID(), "available", callerFrom(r.Context()).userID
	a.ExecutionToken = randomToken(30)
	a.CreatedAt, a.UpdatedAt = formatTime(now), formatTime(now)
	_ = api.t.workflows.autos.automations.insert(a.ID, a, now.Add(api.s.opts.VisibilityDelay), nil)
	writeJSON(w, http.StatusCreated, a)
}

func (api *automationsAPI) get(w http.ResponseWriter, r *http.Request) {
	if _, a, ok := api.automations.find(w, r); ok {
		writeJSON(w, http.StatusOK, api.t.withLastRun(a))
	}
}

// withLastRun fills in lastRunStatus and lastRunAt from the runs.
func (t *tenantState) withLastRun(a Automation) Automation {
	runs := t.automationRuns(a.ID)
	if len(runs) > 0 {
		last := runs[len(runs)-1]
		a.LastRunStatus = last.Status
		if last.StopTime != nil {
			a.LastRunAt = *last.StopTime
		}
	}
	return a
}

// put is PUT /automations/{id}: name, description, workspace, schedules and maxConcurrentRuns are replaced.
func (api *automationsAPI) put(w http.ResponseWriter, r *http.Request) {
	id, _, ok := api.automations.find(w, r)
	if !ok {
		return
	}
	var b automationBody
	if err := decodeJSON(r, &b); err != nil {
		automationBadRequest(w, err.Error())
		return
	}
	if a, ok := api.automations.edit(w, id, func(cur Automation, now time.Time) (Automation, error) {
		next := cur
		if err := api.apply(&next, b, false); err != nil {
			return cur, err
		}
		next.UpdatedAt = formatTime(now)
		return next, nil
	}, nil, func(w http.ResponseWriter, err error) { automationBadRequest(w, err.Error()) }); ok {
		writeJSON(w, http.StatusOK, api.t.withLastRun(a))
	}
}

func (api *automationsAPI) delete(w http.ResponseWriter, r *http.Request) {
	if _, ok := api.automations.remove(w, r); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

func (api *automationsAPI) setState(state string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := api.automations.set(w, r, func(cur Automation, now time.Time) Automation {
			cur.State, cur.UpdatedAt = state, formatTime(now)
			return cur
		}); ok {
			w.WriteHeader(http.StatusNoContent)
		}
	}
}

func (api *automationsAPI) changeSpace(w http.ResponseWriter, r *http.Request) {
	var b struct {
		SpaceID *string `json:"spaceId"`
	}
	if err := decodeJSON(r, &b); err != nil || b.SpaceID == nil {
		automationBadRequest(w, "spaceId is required.")
		return
	}
	if *b.SpaceID != "" {
		if _, ok := api.t.checkSpace(*b.SpaceID); !ok {
			automationBadRequest(w, "space "+*b.SpaceID+" does not exist.")
			return
		}
	}
	if _, ok := api.automations.set(w, r, func(cur Automation, now time.Time) Automation {
		cur.SpaceID, cur.UpdatedAt = *b.SpaceID, formatTime(now)
		return cur
	}); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

var automationListSpec = &listSpec{
	limitDefault: 100, limitMin: 1,
	sortFields: []string{"id", "name", "runMode", "state", "createdAt", "updatedAt"}, sortDefault: "id",
	filterFields: []string{"name", "runMode", "lastRunStatus", "ownerId", "spaceId"},
	cursorParams: []string{"cursor"},
}

func (api *automationsAPI) list(w http.ResponseWriter, r *http.Request) {
	r2 := r
	if v := r.URL.Query().Get("limit"); v != "" {
		// getAutomations allows up to 200, above the shared maximum of 100: clamp for the parser.
		if n, err := strconv.Atoi(v); err == nil && n > 100 && n <= 200 {
			q := r.URL.Query()
			q.Set("limit", "100")
			r2 = r.Clone(r.Context())
			r2.URL.RawQuery = q.Encode()
		}
	}
	lq, err := parseList(r2, automationListSpec, api.s)
	if err != nil {
		automationBadRequest(w, err.Error())
		return
	}
	var items []stored[Automation]
	for _, it := range api.t.workflows.autos.automations.list(time.Now(), false) {
		a := api.t.withLastRun(it.Val)
		if lq.matchesFields(automationFields(a)) {
			items = append(items, stored[Automation]{ID: a.ID, Val: a, Seq: it.Seq})
		}
	}
	writeJSON(w, http.StatusOK, onePage(lq, api.h, r, items, byField(lq, automationFields), storedValue[Automation]))
}

// automationFields are the values of an automation's filter and sort fields.
func automationFields(a Automation) map[string]string {
	return map[string]string{
		"id": a.ID, "name": a.Name, "runMode": a.RunMode, "state": a.State, "lastRunStatus": a.LastRunStatus,
		"ownerId": a.OwnerID, "spaceId": a.SpaceID, "createdAt": a.CreatedAt, "updatedAt": a.UpdatedAt,
	}
}

// createRun is POST /automations/{id}/runs with {"context":"api"}.
func (api *automationsAPI) createRun(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var b struct {
		Context *string `json:"context"`
	}
	if err := decodeJSON(r, &b); err != nil {
		automationBadRequest(w, err.Error())
		return
	}
	if b.Context == nil || *b.Context != "api" {
		automationBadRequest(w, `context must be "api".`)
		return
	}
	run, err := api.s.startAutomationRun(api.t, id, callerFrom(r.Context()).userID)
	switch {
	case errors.Is(err, ErrNotFound):
		automationNotFound(w, id)
	case err != nil:
		automationBadRequest(w, err.Error())
	default:
		writeJSON(w, http.StatusCreated, run)
	}
}

func (s *Server) startAutomationRun(t *tenantState, id, userID string) (AutomationRun, error) {
	a, ok := t.workflows.autos.automations.get(id, time.Now(), false)
	if !ok {
		return AutomationRun{}, ErrNotFound
	}
	if a.State == "disabled" {
		return AutomationRun{}, fmt.Errorf("automation %s is disabled; enable it to run it", id)
	}
	as := t.workflows.autos
	as.mu.Lock()
	defer as.mu.Unlock()
	b, ok := as.behaviour[id]
	if !ok || b.Duration == 0 {
		b.Duration = DefaultAutomationRunDuration
	}
	now := formatTime(time.Now())
	as.seq++
	run := &AutomationRun{
		ID: newUUID(), Title: a.Name, Status: AutomationRunQueued, Context: "api_async", Error: []map[string]any{},
		OwnerID: a.OwnerID, SpaceID: a.SpaceID, ExecutedByID: userID, CreatedAt: now, UpdatedAt: now,
		automationID: id, seq: as.seq,
	}
	as.runs[id] = append(as.runs[id], run)
	run.timer = time.AfterFunc(automationQueueTime, func() { t.advanceRun(run, b) })
	return *run, nil
}

// advanceRun moves a run from queued to running, and from running to its end.
func (t *tenantState) advanceRun(run *AutomationRun, b AutomationBehaviour) {
	as := t.workflows.autos
	as.mu.Lock()
	defer as.mu.Unlock()
	now := formatTime(time.Now())
	switch run.Status {
	case AutomationRunQueued:
		run.Status, run.StartTime, run.UpdatedAt = AutomationRunRunning, &now, now
		run.timer = time.AfterFunc(b.Duration, func() { t.advanceRun(run, b) })
	case AutomationRunRunning:
		run.Status, run.StopTime, run.UpdatedAt = AutomationRunFinished, &now, now
		if b.Fail {
			msg := b.Message
			if msg == "" {
				msg = "A block of the automation failed."
			}
			run.Status = AutomationRunFailed
			run.Error = []map[string]any{{"code": "AUTOMATION-BLOCK-FAILED", "title": "Block failed", "detail": msg}}
		}
	case AutomationRunMustStop:
		run.Status, run.StopTime, run.UpdatedAt = AutomationRunStopped, &now, now
	}
}

func (t *tenantState) automationRuns(id string) []AutomationRun {
	as := t.workflows.autos
	return runsOf(&as.mu, as.runs, id, func(r *AutomationRun) AutomationRun { return *r })
}

func (api *automationsAPI) runs(w http.ResponseWriter, r *http.Request) {
	id, _, ok := api.automations.find(w, r)
	if !ok {
		return
	}
	runs := api.t.automationRuns(id)
	slices.Reverse(runs)
	writeJSON(w, http.StatusOK, map[string]any{"data": runs, "links": listLinks{Self: Link{Href: api.h.url + r.URL.RequestURI()}}})
}

func (api *automationsAPI) getRun(w http.ResponseWriter, r *http.Request) {
	id, runID := r.PathValue("id"), r.PathValue("runId")
	for _, run := range api.t.automationRuns(id) {
		if run.ID == runID {
			writeJSON(w, http.StatusOK, run)
			return
		}
	}
	automationErrors.write(w, http.StatusNotFound, codeAutomationNotFound, "Not Found", "No run "+runID+" of automation "+id+".")
}

// stopRun is POST .../runs/{runId}/actions/stop: an active run becomes "must stop" and shortly after "stopped".
func (api *automationsAPI) stopRun(w http.ResponseWriter, r *http.Request) {
	id, runID := r.PathValue("id"), r.PathValue("runId")
	as := api.t.workflows.autos
	as.mu.Lock()
	var run *AutomationRun
	for _, x := range as.runs[id] {
		if x.ID == runID {
			run = x
		}
	}
	switch {
	case run == nil:
		as.mu.Unlock()
		automationErrors.write(w, http.StatusNotFound, codeAutomationNotFound, "Not Found", "No run "+runID+" of automation "+id+".")
		return
	case run.Status != AutomationRunQueued && run.Status != AutomationRunRunning && run.Status != AutomationRunMustStop:
		status := run.Status
		as.mu.Unlock()
		automationBadRequest(w, "Run "+runID+" has ended ("+status+") and cannot be stopped.")
		return
	}
	if run.Status != AutomationRunMustStop {
		if run.timer != nil {
			run.timer.Stop()
		}
		run.Status, run.UpdatedAt = AutomationRunMustStop, formatTime(time.Now())
		run.timer = time.AfterFunc(automationStopTime, func() { api.t.advanceRun(run, AutomationBehaviour{}) })
	}
	as.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}
