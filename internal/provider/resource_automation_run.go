package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// No ImportState: a run is not an object to adopt (see qlik_reload).
var _ kitResource = (*automationRunResource)(nil)

// automationRunCreateTimeout is the default wait for a run; Qlik stops asynchronous runs after 4 hours.
const automationRunCreateTimeout = 60 * time.Minute

// NewAutomationRunResource is the qlik_automation_run constructor.
func NewAutomationRunResource() resource.Resource {
	return &automationRunResource{runRecord[automationRunResourceModel]{resourceBase{name: "automation_run"}}}
}

// automationRunResource is a run record (runRecord), like qlik_reload.
type automationRunResource struct {
	runRecord[automationRunResourceModel]
}

type automationRunResourceModel struct {
	tenantObject
	timed
	AutomationID types.String `tfsdk:"automation_id"`
	Triggers     types.Map    `tfsdk:"triggers"`
	RunID        types.String `tfsdk:"run_id"`
	Status       types.String `tfsdk:"status"`
	Error        types.String `tfsdk:"error"`
}

func (r *automationRunResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
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
			"triggers": triggersAttribute("Arbitrary values that start a new run when they change (replace), for example " +
				"`{ workspace = sha256(qlik_automation.x.workspace_json) }`."),
			"run_id": computedKept("Id of the run in Qlik (`GET /api/workflows/automations/{id}/runs/{runId}`)."),
			"status": computedKept("Status of the run: `finished` (or `finished with warnings`) after a successful " +
				"apply; `failed`, `stopped` or `exceeded limit` on a tainted record; `queued` or `running` when " +
				"the wait was interrupted."),
			"error": computedKept("The run's errors, as Qlik reports them; empty for a run that finished."),
		},
		Blocks: timeoutsBlocks(ctx, timeouts.Opts{Create: true}),
	}
}

func (r *automationRunResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, c, waitCtx, cancel, ok := createWithin[automationRunResourceModel](ctx, r.client, req, resp, automationRunCreateTimeout)
	defer cancel()
	if !ok {
		return
	}

	id := plan.AutomationID.ValueString()
	runAndWait(ctx, waitCtx, resp, &plan, runSteps[qlik.AutomationRun]{
		start: func(ctx context.Context) (*qlik.AutomationRun, error) { return c.RunAutomation(ctx, id) },
		wait: func(ctx context.Context, run *qlik.AutomationRun) (*qlik.AutomationRun, error) {
			return c.WaitForAutomationRun(ctx, id, run.ID)
		},
		record: plan.fromAPI,
		finish: func(done *qlik.AutomationRun) (string, string) {
			if done.Succeeded() {
				return "", ""
			}
			var b strings.Builder
			fmt.Fprintf(&b, "Run %s of automation %s ended with status %q.\n", done.ID, id, done.Status)
			writeField(&b, "Errors", done.ErrorText())
			b.WriteString("\nThe run stays in state as tainted; fix the cause and apply again to run the automation again.")
			return "Automation run " + done.Status, b.String()
		},
		startFailed: "Unable to run automation",
		waitFailed:  "Automation run did not finish",
		interrupted: "The apply was interrupted; the run was stopped in Qlik Cloud. The next apply runs the automation again.",
		timedOut:    "The run did not end within the create timeout and was stopped: raise timeouts.create for long automations.",
		notFound:    "Check automation_id: the automation does not exist in this tenant.",
	})
}

// Read refreshes the status of the recorded run (readRun).
func (r *automationRunResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readRun(ctx, r.client, req, resp, "automation run", func(ctx context.Context, c *qlik.Client, m *automationRunResourceModel) (*qlik.AutomationRun, error) {
		return c.GetAutomationRun(ctx, m.AutomationID.ValueString(), m.RunID.ValueString())
	}, (*automationRunResourceModel).fromAPI)
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
