package qlik

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

const tasksPath = "/api/scheduling/tasks"

// taskSpecVersion is the Serverless Workflow version the provider's reload tasks declare (scheduling-tasks.json
// Task.specVersion, example "1.16.0").
const taskSpecVersion = "1.16.0"

// ReloadScheduleRequest is what a create or a replace sends.
type ReloadScheduleRequest struct {
	Name          string
	Description   string
	AppID         string
	Partial       bool
	Recurrence    string
	Timezone      string
	StartDateTime string
	EndDateTime   string
	Enabled       bool
}

// ReloadSchedule is a time-scheduled reload task of the Scheduling Tasks API (scheduling-tasks.json, schema
// Task), flattened: the app it reloads, its recurrence and time zone, and whether it is enabled, as a request
// gives them, and what Qlik adds.
type ReloadSchedule struct {
	ID string
	ReloadScheduleRequest
	OwnerID      string
	CreatedAt    string
	UpdatedAt    string
	DisabledCode string
}

// wireTask is scheduling-tasks.json's Task, with the parts a reload task uses.
type wireTask struct {
	ID          string         `json:"id,omitempty"`
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	SpecVersion string         `json:"specVersion"`
	Version     string         `json:"version,omitempty"`
	Enabled     bool           `json:"enabled"`
	Start       *wireTaskStart `json:"start,omitempty"`
	States      []wireState    `json:"states"`
	ResourceID  string         `json:"resourceId,omitempty"`
	Metadata    *wireTaskMeta  `json:"metadata,omitempty"`
}

type wireTaskStart struct {
	Schedule wireSchedule `json:"schedule"`
}

type wireSchedule struct {
	Recurrence    string `json:"recurrence,omitempty"`
	Timezone      string `json:"timezone,omitempty"`
	StartDateTime string `json:"startDateTime,omitempty"`
	EndDateTime   string `json:"endDateTime,omitempty"`
}

type wireState struct {
	Name     string        `json:"name"`
	Type     string        `json:"type"`
	End      bool          `json:"end"`
	OnEvents []wireOnEvent `json:"onEvents"`
}

type wireOnEvent struct {
	EventRefs []string     `json:"eventRefs"`
	Actions   []wireAction `json:"actions"`
}

type wireAction struct {
	Name        string      `json:"name"`
	FunctionRef wireFuncRef `json:"functionRef"`
}

type wireFuncRef struct {
	RefName   string         `json:"refName"`
	Arguments map[string]any `json:"arguments"`
}

type wireTaskMeta struct {
	OwnerID      string `json:"ownerId"`
	CreatedAt    string `json:"createdAt"`
	CreatedBy    string `json:"createdBy"`
	UpdatedAt    string `json:"updatedAt"`
	DisabledCode string `json:"disabledCode"`
}

func taskPath(id string) string { return itemPath(tasksPath, id) }

// wire builds the task: one EVENT state whose app.reload action reloads the app, started by the schedule.
func (r ReloadScheduleRequest) wire() wireTask {
	return wireTask{
		Name: r.Name, Description: r.Description, SpecVersion: taskSpecVersion, Version: "1.0.0", Enabled: r.Enabled,
		Start: &wireTaskStart{Schedule: wireSchedule{Recurrence: r.Recurrence, Timezone: r.Timezone, StartDateTime: r.StartDateTime, EndDateTime: r.EndDateTime}},
		States: []wireState{{
			Name: "reload", Type: "EVENT", End: true,
			OnEvents: []wireOnEvent{{
				EventRefs: []string{"schedule"},
				Actions:   []wireAction{{Name: "app.reload", FunctionRef: wireFuncRef{RefName: "app.reload", Arguments: map[string]any{"appId": r.AppID, "partial": r.Partial}}}},
			}},
		}},
	}
}

// flat reads a task as a reload schedule; a task that is not a reload of one app leaves AppID empty.
func (w wireTask) flat() *ReloadSchedule {
	s := &ReloadSchedule{ID: w.ID, ReloadScheduleRequest: ReloadScheduleRequest{Name: w.Name, Description: w.Description, Enabled: w.Enabled, AppID: w.ResourceID}}
	if w.Start != nil {
		sc := w.Start.Schedule
		s.Recurrence, s.Timezone, s.StartDateTime, s.EndDateTime = sc.Recurrence, sc.Timezone, sc.StartDateTime, sc.EndDateTime
	}
	if s.Timezone == "" {
		s.Timezone = "UTC"
	}
	for _, st := range w.States {
		for _, on := range st.OnEvents {
			for _, a := range on.Actions {
				if a.FunctionRef.RefName == "app.reload" {
					if id, ok := a.FunctionRef.Arguments["appId"].(string); ok && s.AppID == "" {
						s.AppID = id
					}
					s.Partial, _ = a.FunctionRef.Arguments["partial"].(bool)
				}
			}
		}
	}
	if w.Metadata != nil {
		s.OwnerID, s.CreatedAt, s.UpdatedAt, s.DisabledCode = w.Metadata.OwnerID, w.Metadata.CreatedAt, w.Metadata.UpdatedAt, w.Metadata.DisabledCode
	}
	return s
}

// CreateReloadSchedule calls POST /api/scheduling/tasks with a reload task. After a create whose outcome is
// unknown it looks for a task of the same name on the same app that this request created, so a retry does not
// schedule the app twice.
//
// A 404 names the app: an app published or copied moments ago may not be visible to the scheduling service yet,
// so within the visibility grace the create is tried again (a 404 means nothing was created).
func (c *Client) CreateReloadSchedule(ctx context.Context, req ReloadScheduleRequest) (*ReloadSchedule, error) {
	start := c.core.now()
	for n := 0; ; n++ {
		s, err := c.createReloadSchedule(ctx, req)
		grace := c.core.created.grace
		if !IsNotFound(err) || grace <= 0 || c.core.now().Sub(start) >= grace {
			return s, err
		}
		c.core.log.debug(ctx, "qlik: the app of a new reload schedule is not visible yet; trying again", map[string]any{"app_id": req.AppID})
		if err := sleepCtx(ctx, equalJitterBackoff(c.core.cfg.RetryWaitMin, c.core.cfg.RetryWaitMax, n)); err != nil {
			return nil, err
		}
	}
}

func (c *Client) createReloadSchedule(ctx context.Context, req ReloadScheduleRequest) (*ReloadSchedule, error) {
	w, err := createIn(ctx, c, tasksPath, req.wire(), creation[wireTask]{
		what:      fmt.Sprintf("reload schedule %q", req.Name),
		namesakes: func(ctx context.Context) ([]wireTask, error) { return c.tasksNamed(ctx, req.AppID, req.Name) },
		proof: func(w *wireTask) provenance {
			p := provenance{id: w.ID}
			if w.Metadata != nil {
				p.created, p.creator = w.Metadata.CreatedAt, w.Metadata.CreatedBy
			}
			s := w.flat()
			p.differs = differsIn(same("name", s.Name, req.Name), same("app", s.AppID, req.AppID), same("recurrence", s.Recurrence, req.Recurrence))
			return p
		},
	})
	if err != nil {
		return nil, err
	}
	return w.flat(), nil
}

// GetReloadSchedule calls GET /api/scheduling/tasks/{id}.
func (c *Client) GetReloadSchedule(ctx context.Context, id string) (*ReloadSchedule, error) {
	w, err := getObject[wireTask](ctx, c, "reload schedule", id, taskPath)
	if err != nil {
		return nil, err
	}
	return w.flat(), nil
}

// UpdateReloadSchedule calls PUT /api/scheduling/tasks/{id} with the whole task: a reload task has no secret
// that PUT would clear, and PUT replaces the schedule, the action and the enabled state in one request.
func (c *Client) UpdateReloadSchedule(ctx context.Context, id string, req ReloadScheduleRequest) (*ReloadSchedule, error) {
	if err := checkID("reload schedule", id); err != nil {
		return nil, err
	}
	w, err := doJSON[wireTask](ctx, c, &request{method: http.MethodPut, path: taskPath(id), body: req.wire()})
	if err != nil {
		return nil, err
	}
	return w.flat(), nil
}

// DeleteReloadSchedule calls DELETE /api/scheduling/tasks/{id}.
func (c *Client) DeleteReloadSchedule(ctx context.Context, id string) error {
	return deleteObject(ctx, c, "reload schedule", id, taskPath)
}

// tasksNamed returns the tasks of this app with exactly this name.
func (c *Client) tasksNamed(ctx context.Context, appID, name string) ([]wireTask, error) {
	if appID == "" || name == "" {
		return nil, errors.New("qlik: finding a reload schedule needs the app id and the name")
	}
	all, err := listAllByNextLink[wireTask](ctx, c, tasksPath, url.Values{"resourceId": {appID}, "limit": {"100"}})
	if err != nil {
		return nil, err
	}
	return matching(all, func(t *wireTask) bool { return t.Name == name }), nil
}
