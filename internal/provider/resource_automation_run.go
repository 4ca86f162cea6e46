package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// No ImportState: a run is not an object to adopt (see qlik_reload).
var _ kitResource = (*automationRunResource)(nil)

// automationRunCreateTimeout is the default wait for a run; Qlik stops asynchronous runs after 4 hours.
const automationRunCreateTimeout = 60 * time.Minute

// NewAutomationRunResource is the qlik_automation_run constructor.
func NewAutomationRunResource() resource.Resource {
	return &automationRunResource{resourceBase{name: "automation_run"}}
}

type automationRunResource struct{ resourceBase }

type automationRunResourceModel struct {
	tenantObject
	AutomationID types.String   `tfsdk:"automation_id"`
	Triggers     types.Map      `tfsdk:"triggers"`
	RunID        types.String   `tfsdk:"run_id"`
	Status       types.String   `tfsdk:"status"`
	Error        types.String   `tfsdk:"error"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

func (r *automationRunResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Runs a Qlik Automate workflow and waits for the run to end, so that a pipeline can " +
			"run an automation as a step of an apply (after the objects it works on exist, before what depends " +
			"on its result). The resource is a record of one run, like `qlik_reload`: every argument replaces " +
			"it, and a replace starts a new run; put what should start a new run into `triggers`.\n\n" +
			"The apply fails when the run ends `failed`, `stopped` or `exceeded limit`, with the run's errors; " +
			"the record then stays in state as tainted and the next apply runs the automation again. While " +
			"waiting, Ctrl-C (or the `create` timeout) stops the run through the API. Refreshing never starts a " +
			"run; destroying the resource forgets the record. Runs cannot be imported.\n\n" +
			"Terraform 1.14 adds actions, which run an operation without keeping a record in state; once the " +
			"provider's minimum Terraform version allows, a `qlik_automation_run` action can replace this " +
			"resource (an `action_trigger` on the resources it should follow) with the same arguments.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Id of the run, the same as `run_id`."),
			"tenant_hostname": tenantHostnameAttribute(),
			"automation_id":   requiredReplace("Id of the automation to run (`qlik_automation.x.id`). A change runs the new automation (replace).", stringvalidator.LengthAtLeast(1)),
			"triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values that start a new run when they change (replace), for example " +
					"`{ workspace = sha256(qlik_automation.x.workspace_json) }`.",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
			},
			"run_id": computedKept("Id of the run in Qlik (`GET /api/workflows/automations/{id}/runs/{runId}`)."),
			"status": schema.StringAttribute{
				MarkdownDescription: "Status of the run: `finished` (or `finished with warnings`) after a successful " +
					"apply; `failed`, `stopped` or `exceeded limit` on a tainted record; `queued` or `running` when " +
					"the wait was interrupted.",
				Computed:      true,
				PlanModifiers: keep,
			},
			"error": computedKept("The run's errors, as Qlik reports them; empty for a run that finished."),
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true}),
		},
	}
}

func (r *automationRunResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, c, ok := createIn[automationRunResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, automationRunCreateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	id := plan.AutomationID.ValueString()
	run, err := c.RunAutomation(waitCtx, id)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to run automation", err, automationRunHint(err, ctx))
		return
	}
	// Record the run before the wait, as qlik_reload does: an interrupted or failed apply leaves it tainted.
	plan.fromAPI(run)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	done, err := c.WaitForAutomationRun(waitCtx, id, run.ID)
	if done != nil {
		plan.fromAPI(done)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Automation run did not finish", err, automationRunHint(err, ctx))
		return
	}
	if !done.Succeeded() {
		var b strings.Builder
		fmt.Fprintf(&b, "Run %s of automation %s ended with status %q.\n", done.ID, id, done.Status)
		writeField(&b, "Errors", done.ErrorText())
		b.WriteString("\nThe run stays in state as tainted; fix the cause and apply again to run the automation again.")
		resp.Diagnostics.AddError("Automation run "+done.Status, b.String())
	}
}

// automationRunHint explains the ways a wait ends early.
func automationRunHint(err error, parent context.Context) string {
	switch {
	case parent.Err() != nil:
		return "The apply was interrupted; the run was stopped in Qlik Cloud. The next apply runs the automation again."
	case errors.Is(err, context.DeadlineExceeded):
		return "The run did not end within the create timeout and was stopped: raise timeouts.create for long automations."
	case errors.Is(err, qlik.ErrNotFound):
		return "Check automation_id: the automation does not exist in this tenant."
	}
	return ""
}

// Read refreshes the status of the recorded run and never starts one; a run Qlik no longer lists keeps its
// recorded result.
func (r *automationRunResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, c, ok := readIn[automationRunResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	run, err := c.GetAutomationRun(ctx, state.AutomationID.ValueString(), state.RunID.ValueString())
	if errors.Is(err, qlik.ErrNotFound) {
		tflog.Debug(ctx, "automation run no longer listed; keeping its recorded result", map[string]any{"run_id": state.RunID.ValueString()})
		return
	}
	if readFailed(&resp.Diagnostics, err, "Unable to read automation run", "automation run", state.RunID.ValueString()) {
		return
	}
	state.fromAPI(run)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only runs for a change of timeouts, since every argument replaces the resource.
func (r *automationRunResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan automationRunResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete forgets the record; what the run did stays.
func (r *automationRunResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// ImportState refuses: a run is recorded by the apply that started it.
func (r *automationRunResource) ImportState(_ context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.AddError("qlik_automation_run cannot be imported",
		fmt.Sprintf("A qlik_automation_run records one run started by this configuration, so run %q cannot be "+
			"adopted. Remove the import and apply: the apply runs the automation and records the run.", req.ID))
}

func (m *automationRunResourceModel) fromAPI(run *qlik.AutomationRun) {
	m.ID = types.StringValue(run.ID)
	m.RunID = types.StringValue(run.ID)
	m.Status = types.StringValue(run.Status)
	m.Error = types.StringValue(run.ErrorText())
}
