package qlik

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

const automationsPath = "/api/workflows/automations"

// Automation run statuses (workflows-automations.json RunDetailResponseObject.status).
const (
	AutomationRunFinished             = "finished"
	AutomationRunFinishedWithWarnings = "finished with warnings"
	AutomationRunFailed               = "failed"
	AutomationRunStopped              = "stopped"
	AutomationRunExceededLimit        = "exceeded limit"
)

// Automation is a Qlik Automate workflow (workflows-automations.json AutomationDetailResponseObject). RunMode
// (manual, scheduled, triggered, webhook) is set inside the workspace; ExecutionToken starts a triggered
// automation through its webhook URL and is a secret.
type Automation struct {
	ID                string               `json:"id"`
	Name              string               `json:"name"`
	Description       string               `json:"description"`
	State             string               `json:"state"`
	RunMode           string               `json:"runMode"`
	SpaceID           string               `json:"spaceId"`
	OwnerID           string               `json:"ownerId"`
	Workspace         json.RawMessage      `json:"workspace"`
	Schedules         []AutomationSchedule `json:"schedules"`
	MaxConcurrentRuns int                  `json:"maxConcurrentRuns"`
	ExecutionToken    string               `json:"executionToken"`
	LastRunStatus     string               `json:"lastRunStatus"`
	CreatedAt         string               `json:"createdAt"`
	UpdatedAt         string               `json:"updatedAt"`
}

// AutomationSchedule is a schedule of an automation (ScheduleRequestObject): every Interval seconds (a multiple of
// 60) from StartAt to StopAt ("2006-01-02 15:04:05") in Timezone.
type AutomationSchedule struct {
	StartAt  string `json:"startAt,omitempty"`
	StopAt   string `json:"stopAt,omitempty"`
	Interval int    `json:"interval"`
	Timezone string `json:"timezone,omitempty"`
}

// AutomationRequest is the body of a create (AutomationDetailRequestObject) or a PUT
// (AutomationDetailUpdateRequestObject, which has no spaceId: the space changes through actions/change-space).
type AutomationRequest struct {
	Name              string               `json:"name"`
	Description       string               `json:"description"`
	SpaceID           string               `json:"spaceId,omitempty"`
	Workspace         json.RawMessage      `json:"workspace"`
	Schedules         []AutomationSchedule `json:"schedules"`
	MaxConcurrentRuns int                  `json:"maxConcurrentRuns,omitempty"`
}

// AutomationRun is one run of an automation (RunDetailResponseObject).
type AutomationRun struct {
	ID           string           `json:"id"`
	Status       string           `json:"status"`
	Title        string           `json:"title"`
	Context      string           `json:"context"`
	Error        []map[string]any `json:"error"`
	ExecutedByID string           `json:"executedById"`
	StartTime    *string          `json:"startTime"`
	StopTime     *string          `json:"stopTime"`
	CreatedAt    string           `json:"createdAt"`
}

// Ended reports whether the run is over.
func (r *AutomationRun) Ended() bool {
	return slices.Contains([]string{AutomationRunFinished, AutomationRunFinishedWithWarnings, AutomationRunFailed, AutomationRunStopped, AutomationRunExceededLimit, "not started"}, r.Status)
}

// Succeeded reports whether the run ended well (finished, possibly with warnings).
func (r *AutomationRun) Succeeded() bool {
	return r.Status == AutomationRunFinished || r.Status == AutomationRunFinishedWithWarnings
}

// ErrorText renders the run's error list for a message: each item's title and detail, or its JSON.
func (r *AutomationRun) ErrorText() string {
	var parts []string
	for _, e := range r.Error {
		var p []string
		for _, k := range []string{"code", "title", "detail", "message"} {
			if v, ok := e[k].(string); ok && v != "" {
				p = append(p, v)
			}
		}
		if len(p) == 0 {
			b, _ := json.Marshal(e)
			p = append(p, string(b))
		}
		parts = append(parts, strings.Join(p, ": "))
	}
	return strings.Join(parts, "; ")
}

func automationPath(id string) string { return itemPath(automationsPath, id) }

// keepSecret masks an automation's execution token in every later log line.
func (c *Client) keepSecret(a *Automation) *Automation {
	if a != nil {
		c.core.redact.add(a.ExecutionToken)
	}
	return a
}

func (r *AutomationRequest) normalise() {
	if len(r.Workspace) == 0 {
		r.Workspace = json.RawMessage(`{}`)
	}
	if r.Schedules == nil {
		r.Schedules = []AutomationSchedule{}
	}
}

// CreateAutomation calls POST /api/workflows/automations. After a create whose outcome is unknown it looks for an
// automation of the same name in the same space that this request created.
func (c *Client) CreateAutomation(ctx context.Context, req AutomationRequest) (*Automation, error) {
	req.normalise()
	a, err := createIn(ctx, c, automationsPath, req, creation[Automation]{
		what:      fmt.Sprintf("automation %q", req.Name),
		namesakes: func(ctx context.Context) ([]Automation, error) { return c.automationsNamed(ctx, req.Name, req.SpaceID) },
		proof: func(a *Automation) provenance {
			return provenance{
				id: a.ID, created: a.CreatedAt, creator: a.OwnerID,
				differs: differsIn(same("name", a.Name, req.Name), same("space", a.SpaceID, req.SpaceID)),
			}
		},
	})
	return c.keepSecret(a), err
}

// GetAutomation calls GET /api/workflows/automations/{id}.
func (c *Client) GetAutomation(ctx context.Context, id string) (*Automation, error) {
	a, err := getObject[Automation](ctx, c, "automation", id, automationPath)
	return c.keepSecret(a), err
}

// UpdateAutomation calls PUT /api/workflows/automations/{id} (name, description, workspace, schedules and
// maximum concurrent runs; the space is not part of it).
func (c *Client) UpdateAutomation(ctx context.Context, id string, req AutomationRequest) (*Automation, error) {
	if err := checkID("automation", id); err != nil {
		return nil, err
	}
	req.normalise()
	req.SpaceID = ""
	a, err := doJSON[Automation](ctx, c, &request{method: http.MethodPut, path: automationPath(id), body: req})
	return c.keepSecret(a), err
}

// SetAutomationEnabled calls POST .../actions/enable or .../actions/disable (204).
func (c *Client) SetAutomationEnabled(ctx context.Context, id string, enabled bool) error {
	if err := checkID("automation", id); err != nil {
		return err
	}
	action := "disable"
	if enabled {
		action = "enable"
	}
	_, err := c.do(ctx, &request{method: http.MethodPost, path: automationPath(id) + "/actions/" + action})
	return err
}

// ChangeAutomationSpace calls POST .../actions/change-space (204); "" moves it to the owner's personal space.
func (c *Client) ChangeAutomationSpace(ctx context.Context, id, spaceID string) error {
	if err := checkID("automation", id); err != nil {
		return err
	}
	_, err := c.do(ctx, &request{method: http.MethodPost, path: automationPath(id) + "/actions/change-space", body: map[string]string{"spaceId": spaceID}})
	return err
}

// DeleteAutomation calls DELETE /api/workflows/automations/{id}.
func (c *Client) DeleteAutomation(ctx context.Context, id string) error {
	return deleteObject(ctx, c, "automation", id, automationPath)
}

// FindAutomation returns the automation with exactly this name in this space ("" for a personal space), or a
// *NotFoundError.
func (c *Client) FindAutomation(ctx context.Context, name, spaceID string) (*Automation, error) {
	if name == "" {
		return nil, errors.New("qlik: FindAutomation needs a name")
	}
	match, err := c.automationsNamed(ctx, name, spaceID)
	if err != nil {
		return nil, err
	}
	return theOne(match, func() error { return c.notFound("automation named %q", name) },
		func(n int) error {
			return fmt.Errorf("qlik: %d automations are named %q in the same space on %s", n, name, c.ep.host)
		})
}

// RunAutomation calls POST .../runs with the context "api" and returns the queued run. After a POST whose outcome
// is unknown (a 503, a reset connection) it looks for a run of the automation that this request started (created
// since the request, by the credentials' user) and adopts it; when there is none it runs the automation again,
// so an apply never starts two runs.
func (c *Client) RunAutomation(ctx context.Context, id string) (*AutomationRun, error) {
	if err := checkID("automation", id); err != nil {
		return nil, err
	}
	start := c.core.now()
	return createWithRecovery(ctx, c, creation[AutomationRun]{
		what: "run of automation " + id,
		post: &request{method: http.MethodPost, path: automationPath(id) + "/runs", body: map[string]string{"context": "api"}},
		find: func(ctx context.Context) (*AutomationRun, error) { return c.findRunSince(ctx, id, start) },
		// No 409 tells that an earlier attempt started a run: a list that does not show it yet is read again
		// before the automation is run again.
		untilVisible: true,
		proof: func(r *AutomationRun) provenance {
			return provenance{id: r.ID, created: r.CreatedAt, creator: r.ExecutedByID}
		},
	})
}

// findRunSince returns the newest run of the automation created since start (by Qlik's clock), or a
// *NotFoundError.
func (c *Client) findRunSince(ctx context.Context, id string, start time.Time) (*AutomationRun, error) {
	runs, err := listFiltered[AutomationRun](ctx, c, automationPath(id)+"/runs", "")
	if err != nil {
		return nil, err
	}
	since := c.core.clock.serverTime(c.ep.host, start)
	var newest *AutomationRun
	for i, r := range runs {
		created, err := parseQlikTime(r.CreatedAt)
		if err != nil || created.Before(since) {
			continue
		}
		if newest == nil || r.CreatedAt > newest.CreatedAt {
			newest = &runs[i]
		}
	}
	if newest == nil {
		return nil, c.notFound("run of automation %s started since %s", id, since.UTC().Format(time.RFC3339))
	}
	return newest, nil
}

// GetAutomationRun calls GET .../runs/{runId}.
func (c *Client) GetAutomationRun(ctx context.Context, id, runID string) (*AutomationRun, error) {
	if err := checkID("automation", id); err != nil {
		return nil, err
	}
	return getObject[AutomationRun](ctx, c, "automation run", runID, func(r string) string { return itemPath(automationPath(id)+"/runs", r) })
}

// StopAutomationRun calls POST .../runs/{runId}/actions/stop (204).
func (c *Client) StopAutomationRun(ctx context.Context, id, runID string) error {
	if err := checkID("automation run", runID); err != nil {
		return err
	}
	_, err := c.do(ctx, &request{method: http.MethodPost, path: itemPath(automationPath(id)+"/runs", runID) + "/actions/stop"})
	return err
}

// WaitForAutomationRun polls a run until it ends, like WaitForReload. When ctx ends first (Ctrl-C, a timeout) it
// stops the run through the API with a short detached context and returns the context's error.
func (c *Client) WaitForAutomationRun(ctx context.Context, id, runID string) (*AutomationRun, error) {
	return pollUntilEnded(ctx, c, "automation run", fmt.Sprintf("run %s of automation %s", runID, id),
		func() (*AutomationRun, error) { return c.GetAutomationRun(ctx, id, runID) },
		func(r *AutomationRun) map[string]any {
			return map[string]any{"automation_id": id, "run_id": runID, "status": r.Status}
		},
		func() { c.stopRunDetached(ctx, id, runID) })
}

func (c *Client) stopRunDetached(ctx context.Context, id, runID string) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelTimeout)
	defer cancel()
	fields := map[string]any{"automation_id": id, "run_id": runID, "host": c.ep.host}
	if err := c.StopAutomationRun(sctx, id, runID); err != nil {
		fields["error"] = err
		c.core.log.warn(ctx, "qlik: the wait for an automation run was interrupted and stopping it failed; it may still run", fields)
		return
	}
	c.core.log.debug(ctx, "qlik: the wait for an automation run was interrupted; the run was stopped", fields)
}

// automationsNamed returns the automations named name in spaceID, their execution tokens masked in logs.
func (c *Client) automationsNamed(ctx context.Context, name, spaceID string) ([]Automation, error) {
	all, err := listFiltered[Automation](ctx, c, automationsPath, fmt.Sprintf("name eq %q", name))
	if err != nil {
		return nil, err
	}
	var match []Automation
	for i := range all {
		if all[i].Name == name && all[i].SpaceID == spaceID {
			match = append(match, *c.keepSecret(&all[i]))
		}
	}
	return match, nil
}
