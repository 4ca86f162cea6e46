package qliksim

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Reloads (reloads.json). POST /reloads answers 201 QUEUED; the reload then moves on its own: RELOADING (startTime,
// the script version it runs is recorded) and SUCCEEDED or FAILED (endTime; FAILED with errorCode, errorMessage and
// the log lines configured for the app). Cancel turns an active reload into CANCELING (202) and shortly after
// CANCELED; an ended reload answers 409. A POST for an app whose reload is still active answers 429 without
// retry-after, which is how Qlik says "a pending reload request already exists for this app". The exact
// transitions are not documented (reloads.json has only the status enum); these are the
// simulator's assumptions.

const (
	reloadsPath = "/api/v1/reloads"

	// Reload error codes. reloads.json documents RELOADS-001 to RELOADS-013 but names only RELOADS-003
	// (forbidden) and RELOADS-013 (quota); the others are assigned here by the simulator.
	codeReloadBadRequest = "RELOADS-001"
	codeReloadNotFound   = "RELOADS-004"
	codeReloadPending    = "RELOADS-009"
	codeReloadNotActive  = "RELOADS-010"

	// DefaultReloadDuration is how long a reload runs (RELOADING) unless Options or SetReloadBehaviour say
	// otherwise.
	DefaultReloadDuration = 300 * time.Millisecond
	// reloadQueueTime is how long a reload stays QUEUED, and cancelTime how long it stays CANCELING.
	reloadQueueTime = 20 * time.Millisecond
	cancelTime      = 50 * time.Millisecond

	maxReloadVariables   = 20
	maxReloadVariableLen = 256
)

// Reload statuses (reloads.json Status).
const (
	ReloadQueued    = "QUEUED"
	ReloadReloading = "RELOADING"
	ReloadCanceling = "CANCELING"
	ReloadSucceeded = "SUCCEEDED"
	ReloadFailed    = "FAILED"
	ReloadCanceled  = "CANCELED"
)

// reloadErrors: code, title, detail; no status, no traceId (reloads.json Error).
var reloadErrors = errorStyle{status: statusAbsent}

// Reload is the simulator's wire form of reloads.json's Reload.
type Reload struct {
	ID           string      `json:"id"`
	AppID        string      `json:"appId"`
	TenantID     string      `json:"tenantId"`
	UserID       string      `json:"userId"`
	Type         string      `json:"type"`
	Status       string      `json:"status"`
	Partial      bool        `json:"partial"`
	Weight       int         `json:"weight"`
	CreationTime string      `json:"creationTime"`
	StartTime    string      `json:"startTime,omitempty"`
	EndTime      string      `json:"endTime,omitempty"`
	EngineTime   string      `json:"engineTime,omitempty"`
	Log          string      `json:"log,omitempty"`
	ErrorCode    string      `json:"errorCode,omitempty"`
	ErrorMessage string      `json:"errorMessage,omitempty"`
	ResourceType string      `json:"resourceType,omitempty"`
	Links        reloadLinks `json:"links"`
}

type reloadLinks struct {
	Self Link `json:"self"`
}

// ReloadInfo is a store snapshot of a reload for tests.
type ReloadInfo struct {
	Reload
	// Variables are the variables the reload was queued with.
	Variables map[string]string
	// ScriptVersion is the id of the script version the reload ran; empty until it starts.
	ScriptVersion string
	// Script is the text of that version.
	Script string
	// DetailedLog is the text served by /apps/{appId}/reloads/logs/{reloadId}.
	DetailedLog string
}

// ReloadBehaviour says how reloads of one app run.
type ReloadBehaviour struct {
	// Duration is how long the reload stays RELOADING.
	Duration time.Duration
	// Fail makes the reload end FAILED.
	Fail bool
	// LogLines are written to the reload log before the outcome line.
	LogLines []string
}

type reloadState struct {
	r         Reload
	seq       uint64
	variables map[string]string
	scriptID  string
	script    string
	logLines  []string
	detailLog string
	timer     *time.Timer
}

func (st *reloadState) active() bool {
	switch st.r.Status {
	case ReloadQueued, ReloadReloading, ReloadCanceling:
		return true
	}
	return false
}

// reloadStore holds a tenant's reloads and the per-app behaviour set by tests.
type reloadStore struct {
	mu        sync.Mutex
	seq       uint64
	items     map[string]*reloadState
	behaviour map[string]ReloadBehaviour
}

func newReloadStore() *reloadStore {
	return &reloadStore{items: map[string]*reloadState{}, behaviour: map[string]ReloadBehaviour{}}
}

type reloadsAPI struct{ tenantAPI }

func (s *Server) registerReloadsRoutes(h *host) {
	api := &reloadsAPI{s.apiOn(h)}
	h.handleObjects(reloadsPath, "reloadId", objectRoutes{list: api.list, create: api.create, get: api.get})
	h.mux.HandleFunc("POST "+reloadsPath+"/{reloadId}/actions/cancel", api.cancel)
	h.mux.HandleFunc("GET "+appsPath+"/{appId}/reloads/logs", api.logList)
	h.mux.HandleFunc("GET "+appsPath+"/{appId}/reloads/logs/{reloadId}", api.logText)
}

func reloadNotFound(w http.ResponseWriter, id string) {
	reloadErrors.write(w, http.StatusNotFound, codeReloadNotFound, "Not Found", "No reload with id "+id+".")
}

func reloadBadRequest(w http.ResponseWriter, detail string) {
	reloadErrors.write(w, http.StatusBadRequest, codeReloadBadRequest, "Bad Request", detail)
}

type reloadRequest struct {
	AppID        string             `json:"appId"`
	Partial      bool               `json:"partial"`
	Weight       *int               `json:"weight"`
	Variables    map[string]*string `json:"variables"`
	ResourceType string             `json:"resourceType"`
}

func (api *reloadsAPI) create(w http.ResponseWriter, r *http.Request) {
	var body reloadRequest
	if err := decodeJSON(r, &body); err != nil {
		reloadBadRequest(w, err.Error())
		return
	}
	if body.AppID == "" {
		reloadBadRequest(w, "appId is required.")
		return
	}
	weight := 1
	if body.Weight != nil {
		if *body.Weight < 1 || *body.Weight > 10 {
			reloadBadRequest(w, "weight must be from 1 to 10.")
			return
		}
		weight = *body.Weight
	}
	if len(body.Variables) > maxReloadVariables {
		reloadBadRequest(w, fmt.Sprintf("At most %d variables are allowed; got %d.", maxReloadVariables, len(body.Variables)))
		return
	}
	vars := map[string]string{}
	for k, v := range body.Variables {
		if v == nil {
			reloadBadRequest(w, "Variable "+strconv.Quote(k)+" must be a string.")
			return
		}
		if k == "" || len(k) > maxReloadVariableLen || len(*v) > maxReloadVariableLen {
			reloadBadRequest(w, fmt.Sprintf("Variable names and values must be 1 to %d characters long (variable %q).", maxReloadVariableLen, k))
			return
		}
		vars[k] = *v
	}
	if _, ok := api.t.apps.get(body.AppID, time.Now(), false); !ok {
		reloadBadRequest(w, "App "+body.AppID+" does not exist or cannot be reloaded by the caller.")
		return
	}
	st, pending := api.t.queueReload(api.s, api.h, body.AppID, callerFrom(r.Context()).userID, body.Partial, weight, vars, body.ResourceType)
	if pending != "" {
		// reloads.json: 429 "a pending reload request already exists for this app". Unlike the rate limiter's
		// 429 it carries no retry-after: the wait depends on the running reload, not on a clock.
		reloadErrors.write(w, http.StatusTooManyRequests, codeReloadPending, "Reload already pending",
			"A pending reload request ("+pending+") already exists for app "+body.AppID+".")
		return
	}
	writeJSON(w, http.StatusCreated, st)
}

// queueReload stores a QUEUED reload and starts its clock, or returns the id of the app's active reload.
func (t *tenantState) queueReload(s *Server, h *host, appID, userID string, partial bool, weight int, vars map[string]string, resourceType string) (Reload, string) {
	rs := t.reloads
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for id, st := range rs.items {
		if st.r.AppID == appID && st.active() {
			return Reload{}, id
		}
	}
	b, ok := rs.behaviour[appID]
	if !ok {
		b = ReloadBehaviour{Duration: s.opts.ReloadDuration}
		if b.Duration == 0 {
			b.Duration = DefaultReloadDuration
		}
	}
	id := newObjectID()
	rs.seq++
	st := &reloadState{
		r: Reload{
			ID: id, AppID: appID, TenantID: t.id, UserID: userID, Type: "external", Status: ReloadQueued,
			Partial: partial, Weight: weight, CreationTime: formatTime(time.Now()), ResourceType: resourceType,
			Links: reloadLinks{Self: Link{Href: h.url + reloadsPath + "/" + id}},
		},
		seq:       rs.seq,
		variables: vars,
		logLines:  slices.Clone(b.LogLines),
	}
	rs.items[id] = st
	st.timer = time.AfterFunc(reloadQueueTime, func() { t.startReload(id, b) })
	return st.r, ""
}

// advance runs step on reload id under the store's lock if the reload is in status from: each step of a reload's
// clock (start, finish, the end of a cancel) applies only to a reload that is still where the step expects it.
func (t *tenantState) advance(id, from string, step func(st *reloadState)) {
	rs := t.reloads
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if st, ok := rs.items[id]; ok && st.r.Status == from {
		step(st)
	}
}

// startReload moves a queued reload to RELOADING and records the script version it runs.
func (t *tenantState) startReload(id string, b ReloadBehaviour) {
	t.advance(id, ReloadQueued, func(st *reloadState) {
		st.r.Status = ReloadReloading
		st.r.StartTime = formatTime(time.Now())
		if v, ok := t.currentScript(st.r.AppID); ok {
			st.scriptID, st.script = v.id, v.script
		}
		st.timer = time.AfterFunc(b.Duration, func() { t.finishReload(id, b.Fail) })
	})
}

// finishReload ends a running reload; a success stamps the app's lastReloadTime.
func (t *tenantState) finishReload(id string, fail bool) {
	t.advance(id, ReloadReloading, func(st *reloadState) {
		now := time.Now()
		st.r.EndTime = formatTime(now)
		lines := []string{"ReloadID: " + id, "Started loading data"}
		lines = append(lines, st.logLines...)
		if fail {
			st.r.Status = ReloadFailed
			st.r.ErrorCode = "EngineReloadError"
			st.r.ErrorMessage = "The reload of app " + st.r.AppID + " failed: the script ended with an error."
			lines = append(lines, "Execution Failed", "Execution finished.")
		} else {
			st.r.Status = ReloadSucceeded
			st.r.EngineTime = st.r.EndTime
			lines = append(lines, "App saved", "Finished successfully")
			_, _ = t.apps.update(st.r.AppID, now, true, func(cur appRecord) (appRecord, error) {
				cur.attrs.LastReloadTime = formatTime(now)
				return cur, nil
			}, nil)
		}
		st.detailLog = strings.Join(lines, "\n") + "\n"
		summary := []string{"ReloadID: " + id, "Started loading", "(A detailed script progress log can be downloaded when the reload is finished)"}
		if fail {
			summary = append(summary, st.logLines...)
			summary = append(summary, "Execution Failed")
		} else {
			summary = append(summary, "App saved", "Finished successfully")
		}
		st.r.Log = strings.Join(summary, "\n") + "\n"
		t.raiseReloadFinished(st.r)
	})
}

// raiseReloadFinished raises com.qlik.v1.app.reload.finished for an ended reload: data.status is ok or error
// (webhooks.json WebhookBase.filter); the other data fields are the simulator's assumption.
func (t *tenantState) raiseReloadFinished(r Reload) {
	status := "ok"
	if r.Status == ReloadFailed {
		status = "error"
	}
	spaceID := ""
	if app, ok := t.apps.get(r.AppID, time.Now(), true); ok {
		spaceID = app.attrs.SpaceID
	}
	data := map[string]any{
		"id": r.AppID, "appId": r.AppID, "reloadId": r.ID, "spaceId": spaceID, "status": status,
		"reloadStatus": r.Status, "partial": r.Partial, "startTime": r.StartTime, "endTime": r.EndTime,
	}
	if r.ErrorCode != "" {
		data["errorCode"], data["errorMessage"] = r.ErrorCode, r.ErrorMessage
	}
	t.raise(event{typ: EventReloadFinished, id: r.AppID, spaceID: spaceID, topLevel: r.AppID, userID: r.UserID, data: data})
}

func (t *tenantState) reload(id string) (ReloadInfo, bool) {
	rs := t.reloads
	rs.mu.Lock()
	defer rs.mu.Unlock()
	st, ok := rs.items[id]
	if !ok {
		return ReloadInfo{}, false
	}
	return st.info(), true
}

func (st *reloadState) info() ReloadInfo {
	vars := make(map[string]string, len(st.variables))
	for k, v := range st.variables {
		vars[k] = v
	}
	return ReloadInfo{Reload: st.r, Variables: vars, ScriptVersion: st.scriptID, Script: st.script, DetailedLog: st.detailLog}
}

func (api *reloadsAPI) get(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("reloadId")
	info, ok := api.t.reload(id)
	if !ok {
		reloadNotFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, info.Reload)
}

var reloadSortKeys = map[string]func(Reload) string{
	"creationTime": func(r Reload) string { return r.CreationTime },
	"status":       func(r Reload) string { return r.Status },
	"startTime":    func(r Reload) string { return r.StartTime },
	"endTime":      func(r Reload) string { return r.EndTime },
}

// reloadListSpec is the list query of GET /reloads (reloads.json GET /api/v1/reloads: limit 1-100, default 10, newest
// first).
var reloadListSpec = &listSpec{
	limitDefault: 10, limitMin: 1,
	sortFields: []string{"creationTime", "status", "startTime", "endTime"}, sortDefault: "-creationTime",
	sortDetail: "sort must be creationTime, status, startTime or endTime, optionally prefixed with + or -.",
	check: func(q url.Values) error {
		if v := q.Get("log"); v != "" {
			if _, err := strconv.ParseBool(v); err != nil {
				return &inputError{detail: "log must be true or false.", parameter: "log"}
			}
		}
		return nil
	},
	filterFields: []string{"status", "partial", "type"},
	bothDetail:   "Provide either the next or the prev cursor, not both.",
}

// list is GET /reloads. appId may be omitted: every identity of the simulator is a tenant admin.
func (api *reloadsAPI) list(w http.ResponseWriter, r *http.Request) {
	lq, err := parseList(r, reloadListSpec, api.s)
	if err != nil {
		reloadBadRequest(w, err.Error())
		return
	}
	q := r.URL.Query()
	withLog, _ := strconv.ParseBool(q.Get("log")) // checked by the spec
	appID, partial := q.Get("appId"), q.Get("partial")
	rs := api.t.reloads
	rs.mu.Lock()
	var items []*reloadState
	for _, st := range rs.items {
		if appID != "" && st.r.AppID != appID {
			continue
		}
		if partial != "" && strconv.FormatBool(st.r.Partial) != partial {
			continue
		}
		if !lq.matches(func(name string) []string {
			switch name {
			case "status":
				return []string{st.r.Status}
			case "partial":
				return []string{strconv.FormatBool(st.r.Partial)}
			default:
				return []string{st.r.Type}
			}
		}) {
			continue
		}
		items = append(items, st)
	}
	snapshot := make([]stored[Reload], 0, len(items))
	for _, st := range items {
		snapshot = append(snapshot, stored[Reload]{ID: st.r.ID, Val: st.r, Seq: st.seq})
	}
	rs.mu.Unlock()
	sk := reloadSortKeys[lq.sortField]
	key := func(s stored[Reload]) []string { return []string{sk(s.Val), fmt.Sprintf("%020d", s.Seq)} }
	writeJSON(w, http.StatusOK, onePage(lq, api.h, r, snapshot, key, func(it stored[Reload]) Reload {
		rl := it.Val
		if !withLog {
			rl.Log = ""
		}
		return rl
	}))
}

// cancel is POST /reloads/{id}/actions/cancel: an active reload answers 202 CANCELING and ends CANCELED shortly
// after; an ended one answers 409.
func (api *reloadsAPI) cancel(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("reloadId")
	t := api.t
	rs := t.reloads
	rs.mu.Lock()
	st, ok := rs.items[id]
	if !ok {
		rs.mu.Unlock()
		reloadNotFound(w, id)
		return
	}
	if !st.active() {
		status := st.r.Status
		rs.mu.Unlock()
		reloadErrors.write(w, http.StatusConflict, codeReloadNotActive, "Reload is not in a cancellable state",
			"Reload "+id+" has ended with status "+status+".")
		return
	}
	if st.r.Status != ReloadCanceling {
		if st.timer != nil {
			st.timer.Stop()
		}
		st.r.Status = ReloadCanceling
		st.timer = time.AfterFunc(cancelTime, func() { t.endCanceled(id) })
	}
	rs.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]string{"status": ReloadCanceling})
}

func (t *tenantState) endCanceled(id string) {
	t.advance(id, ReloadCanceling, func(st *reloadState) {
		st.r.Status = ReloadCanceled
		st.r.EndTime = formatTime(time.Now())
		st.detailLog = "ReloadID: " + id + "\nStarted loading data\nThe reload was canceled.\n"
		st.r.Log = "ReloadID: " + id + "\nStarted loading\nReload canceled by user\n"
	})
}

type scriptLogMeta struct {
	ReloadID string `json:"reloadId"`
	Success  bool   `json:"success"`
	Duration int64  `json:"duration"`
	EndTime  string `json:"endTime"`
	Links    struct {
		Log string `json:"log"`
	} `json:"links"`
}

// logList is GET /apps/{appId}/reloads/logs: the app's ended reloads.
func (api *reloadsAPI) logList(w http.ResponseWriter, r *http.Request) {
	appID := r.PathValue("appId")
	if _, ok := api.t.apps.get(appID, time.Now(), false); !ok {
		appNotFound(w, appID)
		return
	}
	rs := api.t.reloads
	rs.mu.Lock()
	var items []*reloadState
	for _, st := range rs.items {
		if st.r.AppID == appID && !st.active() {
			items = append(items, st)
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].seq > items[j].seq })
	out := struct {
		Data []scriptLogMeta `json:"data"`
	}{Data: []scriptLogMeta{}}
	for _, st := range items {
		m := scriptLogMeta{ReloadID: st.r.ID, Success: st.r.Status == ReloadSucceeded, EndTime: st.r.EndTime}
		start, err1 := time.Parse(time.RFC3339, st.r.StartTime)
		end, err2 := time.Parse(time.RFC3339, st.r.EndTime)
		if err1 == nil && err2 == nil {
			m.Duration = end.Sub(start).Milliseconds()
		}
		m.Links.Log = api.h.url + appsPath + "/" + appID + "/reloads/logs/" + st.r.ID
		out.Data = append(out.Data, m)
	}
	rs.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// logText is GET /apps/{appId}/reloads/logs/{reloadId}: the detailed log, once the reload has ended.
func (api *reloadsAPI) logText(w http.ResponseWriter, r *http.Request) {
	appID, id := r.PathValue("appId"), r.PathValue("reloadId")
	info, ok := api.t.reload(id)
	if !ok || info.AppID != appID || info.DetailedLog == "" {
		appErrors.write(w, http.StatusNotFound, codeAppNotFound, appNotFoundTitle, "App "+appID+" has no finished reload "+id+".")
		return
	}
	// apps.json declares application/octet-stream; the text is UTF-8.
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(info.DetailedLog)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(info.DetailedLog))
}
