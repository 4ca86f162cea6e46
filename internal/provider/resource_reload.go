package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// No ImportState: a reload is a run, not an object to adopt. Importing one would record a past run as if this
// configuration had started it, and its partial flag, variables and triggers cannot be read back from Qlik.
var _ kitResource = (*reloadResource)(nil)

const (
	// reloadCreateTimeout is the default wait for a reload; large apps reload for many minutes.
	reloadCreateTimeout = 60 * time.Minute
	// reloadLogTailLines is how many lines of the reload log log_tail and error messages show.
	reloadLogTailLines = 20
)

// NewReloadResource is the qlik_reload constructor.
func NewReloadResource() resource.Resource {
	return &reloadResource{runRecord[reloadResourceModel]{resourceBase{name: "reload"}}}
}

// reloadResource is a run record (runRecord): Update and Delete are that of every record of a run.
type reloadResource struct {
	runRecord[reloadResourceModel]
}

type reloadResourceModel struct {
	tenantObject
	timed
	AppID     types.String `tfsdk:"app_id"`
	Partial   types.Bool   `tfsdk:"partial"`
	Variables types.Map    `tfsdk:"variables"`
	Triggers  types.Map    `tfsdk:"triggers"`
	ReloadID  types.String `tfsdk:"reload_id"`
	Status    types.String `tfsdk:"status"`
	Duration  types.String `tfsdk:"duration"`
	LogTail   types.String `tfsdk:"log_tail"`
}

func (r *reloadResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reloads an app and waits for the reload to end. The resource is a record of one " +
			"reload run: every argument replaces it, and a replace runs a new reload. Put what should trigger a " +
			"reload into `triggers`, typically the script hash: `triggers = { script = qlik_load_script.x.script_sha256 }`.\n\n" +
			"The apply fails when the reload ends `FAILED`, `CANCELED` or `EXCEEDED_LIMIT`, with Qlik's error and " +
			"the last lines of the reload log; the resource is then kept in state as tainted, so the next apply " +
			"runs a new reload. While waiting, Ctrl-C (or the `create` timeout) cancels the reload through the " +
			"API before returning. When Qlik answers that a reload of the app is already pending, the provider " +
			"waits for that reload to end and then queues its own.\n\n" +
			"Refreshing never starts a reload, and a reload that has aged out of Qlik's history keeps its " +
			"recorded result. Destroying the resource only forgets the record. A reload cannot be imported: it " +
			"is a run rather than an object, and its arguments (partial, variables, triggers) cannot be read back.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Id of the reload, the same as `reload_id`."),
			"tenant_hostname": tenantHostnameAttribute(),
			"app_id":          requiredReplace("Id of the app to reload. A change runs a reload of the new app (replace).", stringvalidator.LengthAtLeast(1)),
			"partial": replacingBool(boolWithDefault("Run a partial reload (only `ADD`, `REPLACE` and `MERGE` statements). Default "+
				"`false`. A change runs a new reload (replace).",
				false)),
			"variables": schema.MapAttribute{
				MarkdownDescription: "Script variables for this reload, at most 20, names and values up to 256 " +
					"characters (Qlik's limits). A change runs a new reload (replace).",
				ElementType:   types.StringType,
				Optional:      true,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.RequiresReplace()},
				Validators: []validator.Map{
					mapvalidator.SizeAtMost(20),
					mapvalidator.KeysAre(stringvalidator.LengthBetween(1, 256)),
					mapvalidator.ValueStringsAre(stringvalidator.LengthAtMost(256)),
				},
			},
			"triggers": triggersAttribute("Arbitrary values that run a new reload when they change (replace), for " +
				"example `{ script = qlik_load_script.x.script_sha256 }`."),
			"reload_id": computedKept("Id of the reload in Qlik (`GET /api/v1/reloads/{id}`)."),
			"status": computedKept("Status of the reload: `SUCCEEDED` after a successful apply; `FAILED`, " +
				"`CANCELED` or `EXCEEDED_LIMIT` on a tainted record; `QUEUED` or `RELOADING` when the wait " +
				"was interrupted."),
			"duration": computedKept("How long the reload ran, from start to end, as a duration such as `1m2.5s`."),
			"log_tail": computedKept("The last lines of the reload's log."),
		},
		Blocks: timeoutsBlocks(ctx, timeouts.Opts{Create: true}),
	}
}

func (r *reloadResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, c, waitCtx, cancel, ok := createWithin[reloadResourceModel](ctx, r.client, req, resp, reloadCreateTimeout)
	defer cancel()
	if !ok {
		return
	}
	vars := map[string]string{}
	if resp.Diagnostics.Append(plan.Variables.ElementsAs(ctx, &vars, false)...); resp.Diagnostics.HasError() {
		return
	}

	runAndWait(ctx, waitCtx, resp, &plan, runSteps[qlik.Reload]{
		start: func(ctx context.Context) (*qlik.Reload, error) {
			return c.CreateReload(ctx, qlik.ReloadRequest{AppID: plan.AppID.ValueString(), Partial: plan.Partial.ValueBool(), Variables: vars})
		},
		wait:   func(ctx context.Context, rl *qlik.Reload) (*qlik.Reload, error) { return c.WaitForReload(ctx, rl.ID) },
		record: plan.fromAPI,
		finish: func(done *qlik.Reload) (string, string) {
			plan.LogTail = types.StringValue(r.logTail(ctx, c, done))
			if done.Status == qlik.ReloadSucceeded {
				return "", ""
			}
			return "Reload " + done.Status, reloadFailureDetail(done, plan.LogTail.ValueString())
		},
		startFailed: "Unable to queue reload",
		waitFailed:  "Reload did not finish",
		interrupted: "The apply was interrupted; the reload was cancelled in Qlik Cloud. The next apply runs a new reload.",
		timedOut:    "The reload did not end within the create timeout and was cancelled: raise timeouts.create for long reloads.",
	})
}

// logTail returns the last lines of the reload's detailed log, or of its summary when the log cannot be read.
func (r *reloadResource) logTail(ctx context.Context, c *qlik.Client, rl *qlik.Reload) string {
	text, err := c.ReloadLog(ctx, rl.AppID, rl.ID)
	if err != nil {
		tflog.Debug(ctx, "reload log unavailable; using the reload's summary log", map[string]any{"reload_id": rl.ID, "error": err.Error()})
		text = rl.Log
	}
	return lastLines(text, reloadLogTailLines)
}

// lastLines returns the last n lines of s, without a trailing line break.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func reloadFailureDetail(rl *qlik.Reload, tail string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Reload %s of app %s ended with status %s.\n", rl.ID, rl.AppID, rl.Status)
	writeField(&b, "Error code", rl.ErrorCode)
	writeField(&b, "Error message", rl.ErrorMessage)
	if tail != "" {
		b.WriteString("\nLast lines of the reload log:\n" + tail + "\n")
	}
	b.WriteString("\nThe reload stays in state as tainted; fix the cause (often the load script or the data " +
		"connection) and apply again to run a new reload.")
	return b.String()
}

// Read refreshes the status of the recorded reload (readRun).
func (r *reloadResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readRun(ctx, r.client, req, resp, "reload", func(ctx context.Context, c *qlik.Client, m *reloadResourceModel) (*qlik.Reload, error) {
		return c.GetReload(ctx, m.ReloadID.ValueString())
	}, (*reloadResourceModel).fromAPI)
}

// ImportState refuses: a reload is one run, recorded by the apply that queued it. Its partial, variables and
// triggers cannot be read back from Qlik, so an imported reload would plan a new run at once anyway.
func (r *reloadResource) ImportState(_ context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resp.Diagnostics.AddError("qlik_reload cannot be imported",
		fmt.Sprintf("A qlik_reload records one run queued by this configuration; Qlik cannot return its partial, "+
			"variables and triggers, so reload %q cannot be adopted. Remove the import and apply: the apply queues a "+
			"new reload and records it. To see past runs of an app, use Qlik's reload history.", req.ID))
}

func (m *reloadResourceModel) fromAPI(rl *qlik.Reload) {
	m.ID = types.StringValue(rl.ID)
	m.ReloadID = types.StringValue(rl.ID)
	m.Status = types.StringValue(rl.Status)
	m.Duration = types.StringValue(rl.Duration().Round(time.Millisecond).String())
	if m.LogTail.IsUnknown() {
		m.LogTail = types.StringValue("")
	}
}
