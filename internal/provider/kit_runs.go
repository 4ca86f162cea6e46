package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// Run records: resources that start one run in Qlik at create (qlik_reload, qlik_automation_run), wait for it
// to end and keep a record of it. Every argument replaces the record, and a replace starts a new run; Read
// refreshes the run's status and never starts one; Update only takes new timeouts; Delete forgets the record,
// and what the run did stays. A run cannot be imported: each resource refuses in its own words.

// runRecord is embedded by a run record whose model is M: its Update and Delete.
type runRecord[M any] struct{ resourceBase }

// Update only runs for a change of timeouts, since every argument replaces the resource.
func (r *runRecord[M]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete forgets the record; what the run did stays.
func (r *runRecord[M]) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// triggersAttribute is a run record's triggers: arbitrary values whose change starts a new run (replace).
func triggersAttribute(description string) schema.MapAttribute {
	return schema.MapAttribute{
		MarkdownDescription: description,
		ElementType:         types.StringType,
		Optional:            true,
		PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
	}
}

// runSteps is how a run record starts its run and waits for it; R is Qlik's report of a run (qlik.Reload).
type runSteps[R any] struct {
	// start queues the run; wait waits for the run to end and cancels it in Qlik when its context ends (Ctrl-C,
	// the create timeout).
	start func(context.Context) (*R, error)
	wait  func(context.Context, *R) (*R, error)
	// record maps a report of the run into the model.
	record func(*R)
	// finish completes the model from the ended run (a reload's log tail) and judges the run: failure is the
	// summary of the error of a run that did not succeed ("Reload FAILED") and detail its detail; "" for a run
	// that succeeded.
	finish func(done *R) (failure, detail string)
	// startFailed and waitFailed are the summaries of the errors when the run cannot be started ("Unable to queue
	// reload") and when the wait ends early ("Reload did not finish").
	startFailed, waitFailed string
	// The hints of the ways a run ends early: the apply was interrupted, the create timeout passed, Qlik does not
	// know what was to run ("" for none).
	interrupted, timedOut, notFound string
}

// runAndWait is the rest of a run record's Create once the plan is read into m: it starts the run within waitCtx
// (ctx bounded by the create timeout) and records it in the state before the wait, so that an interrupted or
// failed apply leaves it in state, tainted, and the next apply replaces it with a new run instead of losing track
// of this one. After the wait it stores the ended run, and a run that did not succeed fails the apply.
func runAndWait[R any](ctx, waitCtx context.Context, resp *resource.CreateResponse, m any, steps runSteps[R]) {
	run, err := steps.start(waitCtx)
	if err != nil {
		addAPIError(&resp.Diagnostics, steps.startFailed, err, steps.hint(ctx, err))
		return
	}
	steps.record(run)
	if resp.Diagnostics.Append(resp.State.Set(ctx, m)...); resp.Diagnostics.HasError() {
		return
	}
	done, err := steps.wait(waitCtx, run)
	if done != nil {
		steps.record(done)
	}
	if err != nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
		addAPIError(&resp.Diagnostics, steps.waitFailed, err, steps.hint(ctx, err))
		return
	}
	failure, detail := steps.finish(done)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	if failure != "" {
		resp.Diagnostics.AddError(failure, detail)
	}
}

// hint explains the ways a run ends early; parent is the Create's context, without the create timeout.
func (s runSteps[R]) hint(parent context.Context, err error) string {
	switch {
	case parent.Err() != nil:
		return s.interrupted
	case errors.Is(err, context.DeadlineExceeded):
		return s.timedOut
	case errors.Is(err, qlik.ErrNotFound):
		return s.notFound
	}
	return ""
}

// readRun is a run record's Read: get fetches Qlik's report of the recorded run, and record maps it. A run Qlik
// no longer lists keeps its recorded result: the run happened, and forgetting it would plan a new run for no
// reason. what names the run in messages ("reload"); the record's id is the run's.
func readRun[M objectModel, R any](ctx context.Context, client *qlik.Client, req resource.ReadRequest, resp *resource.ReadResponse,
	what string, get func(context.Context, *qlik.Client, *M) (*R, error), record func(*M, *R),
) {
	state, c, ok := readIn[M](ctx, client, req, resp)
	if !ok {
		return
	}
	run, err := get(ctx, c, &state)
	if errors.Is(err, qlik.ErrNotFound) {
		tflog.Debug(ctx, what+" no longer in Qlik's history; keeping its recorded result", map[string]any{"id": state.objectID()})
		return
	}
	if readFailed(&resp.Diagnostics, err, "Unable to read "+what, what, state.objectID()) {
		return
	}
	record(&state, run)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}
