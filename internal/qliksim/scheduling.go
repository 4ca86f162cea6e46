package qliksim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Scheduling tasks (scheduling-tasks.json, /api/scheduling/tasks), the replacement of the Reload Tasks API. A task
// is a Serverless Workflow definition; the simulator serves the reload task: one EVENT state whose action calls
// app.reload with arguments appId and partial, started by start.schedule (an RRULE recurrence with a time zone
// and an optional start and end). resourceId is derived from the action's appId, as scheduling-tasks.json says.
//
// Runs: POST /tasks/{id}/actions/start and the scheduler (the FireTask hook, which only fires enabled tasks: the
// simulator has no clock-driven scheduler) queue a reload of the app; the run is RUNNING while the reload is
// active and ends SUCCEEDED or FAILED with it. The shape of a time-scheduled reload task and the run log text are
// the simulator's reading of scheduling-tasks.json, whose only example is an event-triggered task.

const (
	tasksPath = "/api/scheduling/tasks"

	maxTaskName        = 100
	maxTaskDescription = 1024

	// Run statuses (OrchRunBase.status).
	TaskRunRunning   = "RUNNING"
	TaskRunSucceeded = "SUCCEEDED"
	TaskRunFailed    = "FAILED"
)

// scheduling-tasks.json's errors are HttpResult items: an integer code, a title and a context; the body has a
// traceId.
type taskErrorBody struct {
	Errors  []taskErrorItem `json:"errors"`
	TraceID string          `json:"traceId"`
}

type taskErrorItem struct {
	Code      int    `json:"code"`
	Title     string `json:"title"`
	Context   string `json:"context,omitempty"`
	Timestamp string `json:"timestamp"`
}

func taskError(w http.ResponseWriter, status int, title, context string) {
	writeJSON(w, status, taskErrorBody{
		Errors:  []taskErrorItem{{Code: status, Title: title, Context: context, Timestamp: formatTime(time.Now())}},
		TraceID: randomHex(16),
	})
}

// Task is the simulator's wire form of scheduling-tasks.json's Task.
type Task struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description,omitempty"`
	SpecVersion string       `json:"specVersion"`
	Version     string       `json:"version,omitempty"`
	Enabled     bool         `json:"enabled"`
	Start       *TaskStart   `json:"start,omitempty"`
	States      []TaskState  `json:"states"`
	ResourceID  string       `json:"resourceId"`
	Metadata    TaskMetadata `json:"metadata"`
}

// TaskStart is startdef with its structured schedule.
type TaskStart struct {
	Schedule TaskSchedule `json:"schedule"`
}

// TaskSchedule is schedule's object form.
type TaskSchedule struct {
	Recurrence    string `json:"recurrence,omitempty"`
	Timezone      string `json:"timezone,omitempty"`
	StartDateTime string `json:"startDateTime,omitempty"`
	EndDateTime   string `json:"endDateTime,omitempty"`
}

// TaskState is an eventstate.
type TaskState struct {
	Name     string        `json:"name"`
	Type     string        `json:"type"`
	End      *bool         `json:"end,omitempty"`
	OnEvents []TaskOnEvent `json:"onEvents,omitempty"`
}

// TaskOnEvent is onevents.
type TaskOnEvent struct {
	EventRefs []string     `json:"eventRefs"`
	Actions   []TaskAction `json:"actions,omitempty"`
}

// TaskAction is an action with its structured functionRef.
type TaskAction struct {
	Name        string          `json:"name"`
	FunctionRef TaskFunctionRef `json:"functionRef"`
}

// TaskFunctionRef is functionref's object form.
type TaskFunctionRef struct {
	RefName   string         `json:"refName"`
	Arguments map[string]any `json:"arguments,omitempty"`
}

// TaskMetadata is taskMetadata, computed by the service.
type TaskMetadata struct {
	Usage         string      `json:"usage"`
	OwnerID       string      `json:"ownerId"`
	SpaceID       string      `json:"spaceId,omitempty"`
	TenantID      string      `json:"tenantId"`
	CreatedAt     string      `json:"createdAt"`
	CreatedBy     string      `json:"createdBy"`
	UpdatedAt     string      `json:"updatedAt"`
	DisabledCode  string      `json:"disabledCode,omitempty"`
	ResourceName  string      `json:"resourceName,omitempty"`
	ResourceType  string      `json:"resourceType"`
	Trigger       taskTrigger `json:"trigger"`
	Orchestration taskOrch    `json:"orchestration"`
}

type taskTrigger struct {
	ID   string `json:"id"`
	Type int    `json:"type"` // 0: TIME_SCHEDULE
}

type taskOrch struct {
	ID    string            `json:"id"`
	Type  int               `json:"type"` // 3: MINIBUS
	Attrs map[string]string `json:"attrs,omitempty"`
}

// TaskRun is OrchRun.
type TaskRun struct {
	ID          string       `json:"id"`
	Status      string       `json:"status"`
	WorkerID    string       `json:"workerId"`
	WorkerType  string       `json:"workerType"`
	TriggeredBy string       `json:"triggeredBy"`
	ExecutedAs  string       `json:"executedAs,omitempty"`
	StartedAt   string       `json:"startedAt,omitempty"`
	EndedAt     string       `json:"endedAt,omitempty"`
	TaskID      string       `json:"taskId"`
	ActionID    string       `json:"actionId"`
	TaskName    string       `json:"taskName"`
	TaskMeta    TaskMetadata `json:"taskMeta"`
	ResourceID  string       `json:"resourceId"`
	seq         uint64
}

// schedulingState holds a tenant's tasks and their runs.
type schedulingState struct {
	tasks *collection[Task]
	mu    sync.Mutex
	seq   uint64
	runs  map[string][]*TaskRun // by task id, oldest first
}

func newSchedulingState() *schedulingState {
	return &schedulingState{tasks: newCollection[Task](), runs: map[string][]*TaskRun{}}
}

type tasksAPI struct {
	tenantAPI
	tasks byID[Task]
}

func (s *Server) registerSchedulingRoutes(h *host) {
	api := &tasksAPI{s.apiOn(h), byID[Task]{h.tenant.workflows.sched.tasks, "id", taskNotFound}}
	h.handleObjects(tasksPath, "id", objectRoutes{
		list: api.list, create: api.create, get: api.get, patch: api.patch, put: api.put, delete: api.delete,
	})
	h.mux.HandleFunc("POST "+tasksPath+"/{id}/actions/start", api.start)
	h.mux.HandleFunc("GET "+tasksPath+"/{id}/runs", api.runs)
	h.mux.HandleFunc("GET "+tasksPath+"/{id}/runs/last", api.lastRun)
	h.mux.HandleFunc("GET "+tasksPath+"/{id}/runs/{runId}/log", api.runLog)
}

var (
	taskStateName = regexp.MustCompile(`^[A-Za-z0-9 ./_\\()\-]{1,100}$`)
	taskVersion   = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$`)
)

// rruleParts are the RFC 5545 RECUR rule parts; FREQ is required, DTSTART is not a rule part (the schedule's
// startDateTime carries it).
var rruleParts = []string{"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST"}

// CheckRRule checks a recurrence as the schedule takes it: "RRULE:" and RFC 5545 rule parts with FREQ.
func CheckRRule(s string) error {
	body, ok := strings.CutPrefix(s, "RRULE:")
	if !ok {
		return fmt.Errorf("recurrence %q must start with the RRULE: prefix", s)
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(body, ";") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || v == "" || !slices.Contains(rruleParts, k) {
			return fmt.Errorf("recurrence %q: %q is not an RRULE part (NAME=value with NAME one of %s)", s, part, strings.Join(rruleParts, ", "))
		}
		if seen[k] {
			return fmt.Errorf("recurrence %q names %s twice", s, k)
		}
		seen[k] = true
		switch k {
		case "FREQ":
			if !slices.Contains([]string{"MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"}, v) {
				return fmt.Errorf("recurrence %q: FREQ must be MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY", s)
			}
		case "INTERVAL", "COUNT":
			if n, err := strconv.Atoi(v); err != nil || n < 1 {
				return fmt.Errorf("recurrence %q: %s must be a positive integer", s, k)
			}
		case "BYHOUR", "BYMINUTE":
			top := 23
			if k == "BYMINUTE" {
				top = 59
			}
			for _, x := range strings.Split(v, ",") {
				if n, err := strconv.Atoi(x); err != nil || n < 0 || n > top {
					return fmt.Errorf("recurrence %q: %s values must be 0 to %d", s, k, top)
				}
			}
		}
	}
	if !seen["FREQ"] {
		return fmt.Errorf("recurrence %q has no FREQ", s)
	}
	if seen["UNTIL"] && seen["COUNT"] {
		return fmt.Errorf("recurrence %q: UNTIL and COUNT are exclusive", s)
	}
	return nil
}

// check validates a task about to be stored and returns the app it reloads.
func (api *tasksAPI) check(task *Task) (appRecord, int, error) {
	var none appRecord
	bad := func(format string, a ...any) (appRecord, int, error) {
		return none, http.StatusBadRequest, fmt.Errorf(format, a...)
	}
	switch {
	case task.Name == "" || len(task.Name) > maxTaskName:
		return bad("name must be 1 to %d characters", maxTaskName)
	case len(task.Description) > maxTaskDescription:
		return bad("description must be at most %d characters", maxTaskDescription)
	case task.SpecVersion == "":
		return bad("specVersion is required")
	case task.Version != "" && !taskVersion.MatchString(task.Version):
		return bad("version %q is not a semantic version", task.Version)
	case len(task.States) != 1:
		return bad("the simulator serves reload tasks: exactly one state with one app.reload action")
	case task.Start == nil:
		return bad("start.schedule is required for a time-scheduled task")
	}
	sc := task.Start.Schedule
	if err := CheckRRule(sc.Recurrence); err != nil {
		return bad("start.schedule: %v", err)
	}
	if sc.Timezone == "" {
		task.Start.Schedule.Timezone = "UTC"
	} else if _, err := time.LoadLocation(sc.Timezone); err != nil {
		return bad("start.schedule.timezone %q is not an IANA time zone name", sc.Timezone)
	}
	var start, end time.Time
	for _, f := range []struct {
		name, v string
		t       *time.Time
	}{{"startDateTime", sc.StartDateTime, &start}, {"endDateTime", sc.EndDateTime, &end}} {
		if f.v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, f.v)
		if err != nil {
			return bad("start.schedule.%s %q is not an RFC 3339 date-time", f.name, f.v)
		}
		*f.t = t
	}
	if !start.IsZero() && !end.IsZero() && !end.After(start) {
		return bad("start.schedule.endDateTime must be after startDateTime")
	}
	st := task.States[0]
	if !taskStateName.MatchString(st.Name) {
		return bad("states[0].name %q is not a valid state name", st.Name)
	}
	if !strings.EqualFold(st.Type, "EVENT") {
		return bad("states[0].type must be EVENT")
	}
	task.States[0].Type = "EVENT"
	if len(st.OnEvents) != 1 || len(st.OnEvents[0].Actions) != 1 || len(st.OnEvents[0].EventRefs) == 0 {
		return bad("states[0] must hold one onEvents entry with eventRefs and one action")
	}
	fr := st.OnEvents[0].Actions[0].FunctionRef
	if fr.RefName != "app.reload" {
		return bad("the action's functionRef.refName must be app.reload")
	}
	appID, _ := fr.Arguments["appId"].(string)
	if appID == "" {
		return bad("the app.reload action needs arguments.appId")
	}
	if p, ok := fr.Arguments["partial"]; ok {
		if _, isBool := p.(bool); !isBool {
			return bad("arguments.partial must be a boolean")
		}
	}
	// A write that refers to the app is checked against the store, as checkSpace does: an app published a moment
	// ago counts although reads may not show it yet.
	app, ok := api.t.apps.get(appID, time.Now(), true)
	if !ok {
		return none, http.StatusNotFound, fmt.Errorf("app %s does not exist or cannot be reloaded by the caller", appID)
	}
	return app, 0, nil
}

func (api *tasksAPI) decode(w http.ResponseWriter, r *http.Request) (Task, bool) {
	var task Task
	if err := decodeJSON(r, &task); err != nil {
		taskError(w, http.StatusBadRequest, "Bad Request", err.Error())
		return task, false
	}
	return task, true
}

func (api *tasksAPI) create(w http.ResponseWriter, r *http.Request) {
	task, ok := api.decode(w, r)
	if !ok {
		return
	}
	app, status, err := api.check(&task)
	if err != nil {
		taskError(w, status, http.StatusText(status), err.Error())
		return
	}
	user := callerFrom(r.Context()).userID
	now := time.Now()
	task.ID = newUUID()
	task.ResourceID = app.attrs.ID
	task.Metadata = TaskMetadata{
		Usage: "ANALYTICS", OwnerID: user, SpaceID: app.attrs.SpaceID, TenantID: api.t.id,
		CreatedAt: formatTime(now), CreatedBy: user, UpdatedAt: formatTime(now),
		ResourceName: app.attrs.Name, ResourceType: "app",
		Trigger:       taskTrigger{ID: newUUID(), Type: 0},
		Orchestration: taskOrch{ID: newUUID(), Type: 3},
	}
	if !task.Enabled {
		task.Metadata.DisabledCode = "MANUALLY"
	}
	_ = api.t.workflows.sched.tasks.insert(task.ID, task, now.Add(api.s.opts.VisibilityDelay), nil)
	writeJSON(w, http.StatusCreated, task)
}

func taskNotFound(w http.ResponseWriter, id string) {
	taskError(w, http.StatusNotFound, "Not Found", "No task with id "+id+".")
}

func (api *tasksAPI) get(w http.ResponseWriter, r *http.Request) {
	if _, task, ok := api.tasks.find(w, r); ok {
		writeJSON(w, http.StatusOK, task)
	}
}

// store replaces a task with next after checking it, keeping what the service owns; the caller becomes the owner
// ("If the task is owned by another user, ownership is transferred to the requesting user").
func (api *tasksAPI) store(w http.ResponseWriter, r *http.Request, id string, next func(cur Task) Task) {
	user := callerFrom(r.Context()).userID
	var status int
	if updated, ok := api.tasks.edit(w, id, func(cur Task, now time.Time) (Task, error) {
		t := next(cur)
		app, st, err := api.check(&t)
		if err != nil {
			status = st
			return cur, err
		}
		t.ID, t.ResourceID, t.Metadata = cur.ID, app.attrs.ID, cur.Metadata
		t.Metadata.OwnerID, t.Metadata.UpdatedAt = user, formatTime(now)
		t.Metadata.SpaceID, t.Metadata.ResourceName = app.attrs.SpaceID, app.attrs.Name
		t.Metadata.DisabledCode = ""
		if !t.Enabled {
			t.Metadata.DisabledCode = "MANUALLY"
		}
		return t, nil
	}, nil, func(w http.ResponseWriter, err error) { taskError(w, status, http.StatusText(status), err.Error()) }); ok {
		writeJSON(w, http.StatusOK, updated)
	}
}

// put is PUT /tasks/{id}: the body replaces the definition; omitted fields take their defaults.
func (api *tasksAPI) put(w http.ResponseWriter, r *http.Request) {
	id, _, ok := api.tasks.find(w, r)
	if !ok {
		return
	}
	task, ok := api.decode(w, r)
	if !ok {
		return
	}
	api.store(w, r, id, func(Task) Task { return task })
}

// patch is PATCH /tasks/{id}: JSON Patch replace operations on /enabled, /name, /description and
// /start/schedule/<field>; 200 with the task.
func (api *tasksAPI) patch(w http.ResponseWriter, r *http.Request) {
	id, cur, ok := api.tasks.find(w, r)
	if !ok {
		return
	}
	var ops []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	}
	if err := decodeJSON(r, &ops); err != nil || len(ops) == 0 {
		taskError(w, http.StatusBadRequest, "Bad Request", "The body must be a JSON Patch document with at least one operation.")
		return
	}
	apply := func(t *Task) error {
		for i, op := range ops {
			if op.Op != "replace" && op.Op != "add" {
				return fmt.Errorf("operation %d: only add and replace are supported", i)
			}
			var target any
			switch op.Path {
			case "/enabled":
				target = &t.Enabled
			case "/name":
				target = &t.Name
			case "/description":
				target = &t.Description
			case "/start/schedule/recurrence", "/start/schedule/timezone", "/start/schedule/startDateTime", "/start/schedule/endDateTime":
				if t.Start == nil {
					t.Start = &TaskStart{}
				}
				sc := &t.Start.Schedule
				target = map[string]*string{"recurrence": &sc.Recurrence, "timezone": &sc.Timezone, "startDateTime": &sc.StartDateTime, "endDateTime": &sc.EndDateTime}[op.Path[len("/start/schedule/"):]]
			default:
				return fmt.Errorf("operation %d: path %q cannot be patched", i, op.Path)
			}
			if err := json.Unmarshal(op.Value, target); err != nil {
				return fmt.Errorf("operation %d: value for %s has the wrong type", i, op.Path)
			}
		}
		return nil
	}
	trial := cloneTask(cur)
	if err := apply(&trial); err != nil {
		taskError(w, http.StatusBadRequest, "Bad Request", err.Error())
		return
	}
	api.store(w, r, id, func(cur Task) Task {
		t := cloneTask(cur)
		_ = apply(&t) // checked on the copy above
		return t
	})
}

func cloneTask(cur Task) Task {
	t := cur
	t.States = slices.Clone(cur.States)
	if cur.Start != nil {
		s := *cur.Start
		t.Start = &s
	}
	return t
}

func (api *tasksAPI) delete(w http.ResponseWriter, r *http.Request) {
	if id, ok := api.tasks.remove(w, r); ok {
		api.t.workflows.sched.dropRuns(id)
		w.WriteHeader(http.StatusNoContent)
	}
}

// dropRuns forgets the runs of a deleted task.
func (ss *schedulingState) dropRuns(taskID string) {
	ss.mu.Lock()
	delete(ss.runs, taskID)
	ss.mu.Unlock()
}

// taskListSpec is the list query of GET /tasks (limit 1-100, default 20; page cursors; sort default -updatedAt).
var taskListSpec = &listSpec{
	limitDefault: 20, limitMin: 1,
	sortFields: []string{"createdAt", "enabled", "name", "ownerId", "resourceId", "spaceId", "updatedAt"}, sortDefault: "-updatedAt",
	filterFields: []string{"name", "enabled", "resourceId", "ownerId", "spaceId"},
	cursorParams: []string{"page"},
}

func (api *tasksAPI) list(w http.ResponseWriter, r *http.Request) {
	lq, err := parseList(r, taskListSpec, api.s)
	if err != nil {
		taskError(w, http.StatusBadRequest, "Bad Request", err.Error())
		return
	}
	resourceID := r.URL.Query().Get("resourceId")
	var items []stored[Task]
	for _, it := range api.t.workflows.sched.tasks.list(time.Now(), false) {
		t := it.Val
		if (resourceID == "" || t.ResourceID == resourceID) && lq.matchesFields(taskFields(t)) {
			items = append(items, it)
		}
	}
	writeJSON(w, http.StatusOK, onePage(lq, api.h, r, items, byField(lq, taskFields), storedValue[Task]))
}

// taskFields are the values of a task's filter and sort fields.
func taskFields(t Task) map[string]string {
	m := t.Metadata
	return map[string]string{
		"name": t.Name, "enabled": strconv.FormatBool(t.Enabled), "resourceId": t.ResourceID, "ownerId": m.OwnerID,
		"spaceId": m.SpaceID, "createdAt": m.CreatedAt, "updatedAt": m.UpdatedAt,
	}
}

// start is POST /tasks/{id}/actions/start: a run now, whatever the schedule and the enabled state.
func (api *tasksAPI) start(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	source := r.URL.Query().Get("source")
	if source == "" {
		source = "manual"
	}
	if _, err := api.s.runTask(api.t, id, source, callerFrom(r.Context()).userID); err != nil {
		if errors.Is(err, ErrNotFound) {
			taskNotFound(w, id)
			return
		}
		taskError(w, http.StatusBadRequest, "Bad Request", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Task started successfully"})
}

// runTask queues the task's reload and records a RUNNING run that follows it.
func (s *Server) runTask(t *tenantState, id, triggeredBy, userID string) (TaskRun, error) {
	task, ok := t.workflows.sched.tasks.get(id, time.Now(), true)
	if !ok {
		return TaskRun{}, ErrNotFound
	}
	args := task.States[0].OnEvents[0].Actions[0].FunctionRef.Arguments
	partial, _ := args["partial"].(bool)
	run := &TaskRun{
		ID: newUUID(), Status: TaskRunRunning, WorkerType: "reloads", TriggeredBy: triggeredBy, ExecutedAs: task.Metadata.OwnerID,
		StartedAt: formatTime(time.Now()), TaskID: task.ID, ActionID: task.States[0].OnEvents[0].Actions[0].Name,
		TaskName: task.Name, TaskMeta: task.Metadata, ResourceID: task.ResourceID,
	}
	rl, pending := t.queueReload(s, t.host, task.ResourceID, userID, partial, 1, map[string]string{}, "app")
	if pending != "" {
		run.WorkerID, run.Status, run.EndedAt = pending, TaskRunFailed, run.StartedAt
	} else {
		run.WorkerID = rl.ID
	}
	ss := t.workflows.sched
	ss.mu.Lock()
	ss.seq++
	run.seq = ss.seq
	ss.runs[id] = append(ss.runs[id], run)
	ss.mu.Unlock()
	return *run, nil
}

// runSnapshot brings a run up to date with its reload and returns a copy.
func (t *tenantState) runSnapshot(run *TaskRun) TaskRun {
	if run.Status == TaskRunRunning {
		if info, ok := t.reload(run.WorkerID); ok {
			switch info.Status {
			case ReloadSucceeded:
				run.Status, run.EndedAt = TaskRunSucceeded, info.EndTime
			case ReloadFailed, ReloadCanceled:
				run.Status, run.EndedAt = TaskRunFailed, info.EndTime
			}
		}
	}
	return *run
}

func (t *tenantState) taskRuns(id string) []TaskRun {
	ss := t.workflows.sched
	return runsOf(&ss.mu, ss.runs, id, t.runSnapshot)
}

var taskRunListSpec = &listSpec{
	limitDefault: 20, limitMin: 1,
	sortFields: []string{"startedAt", "endedAt", "status", "taskId", "actionId"}, sortDefault: "-startedAt",
	cursorParams: []string{"page"},
}

func (api *tasksAPI) runs(w http.ResponseWriter, r *http.Request) {
	id, _, ok := api.tasks.find(w, r)
	if !ok {
		return
	}
	lq, err := parseList(r, taskRunListSpec, api.s)
	if err != nil {
		taskError(w, http.StatusBadRequest, "Bad Request", err.Error())
		return
	}
	var items []stored[TaskRun]
	for _, run := range api.t.taskRuns(id) {
		items = append(items, stored[TaskRun]{ID: run.ID, Val: run, Seq: run.seq})
	}
	fields := func(run TaskRun) map[string]string {
		return map[string]string{"startedAt": run.StartedAt, "endedAt": run.EndedAt, "status": run.Status, "taskId": run.TaskID, "actionId": run.ActionID}
	}
	writeJSON(w, http.StatusOK, onePage(lq, api.h, r, items, byField(lq, fields), storedValue[TaskRun]))
}

func (api *tasksAPI) lastRun(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	runs := api.t.taskRuns(id)
	if _, ok := api.t.workflows.sched.tasks.get(id, time.Now(), false); !ok || len(runs) == 0 {
		taskError(w, http.StatusNotFound, "Not Found", "Task "+id+" has no run.")
		return
	}
	writeJSON(w, http.StatusOK, runs[len(runs)-1])
}

func (api *tasksAPI) runLog(w http.ResponseWriter, r *http.Request) {
	id, runID := r.PathValue("id"), r.PathValue("runId")
	for _, run := range api.t.taskRuns(id) {
		if run.ID != runID {
			continue
		}
		text := "Task " + run.TaskName + " run " + run.ID + ": " + run.Status + "\n"
		if info, ok := api.t.reload(run.WorkerID); ok && info.Log != "" {
			text += info.Log
		}
		writeJSON(w, http.StatusOK, map[string]string{"logContent": text})
		return
	}
	taskError(w, http.StatusNotFound, "Not Found", "Task "+id+" has no run "+url.PathEscape(runID)+".")
}
