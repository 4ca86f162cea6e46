package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*loadScriptResource)(nil)

// NewLoadScriptResource is the qlik_load_script constructor.
func NewLoadScriptResource() resource.Resource {
	return &loadScriptResource{resourceBase{name: "load_script"}}
}

type loadScriptResource struct{ resourceBase }

type loadScriptResourceModel struct {
	tenantObject
	AppID          types.String    `tfsdk:"app_id"`
	Script         loadScriptValue `tfsdk:"script"`
	VersionMessage types.String    `tfsdk:"version_message"`
	ScriptSHA256   types.String    `tfsdk:"script_sha256"`
}

func (r *loadScriptResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The current load script of an app. Applying it stores the script as a new script " +
			"version, as saving in the script editor does. Terraform reads the app's current script on every " +
			"refresh, so an edit made in the Qlik UI shows as a change to undo. Line endings (CRLF or LF) and " +
			"trailing newlines are not significant and never show as a change.\n\n" +
			"Destroying the resource does **not** remove or roll back the script: the app keeps its current " +
			"script, and the resource is only removed from state. Feed `script_sha256` into a `qlik_reload`'s " +
			"`triggers` to reload the app whenever the script changes.\n\n" +
			"One resource per app: two `qlik_load_script` of one app in a configuration fail at plan.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Id of the app, the same as `app_id`."),
			"tenant_hostname": tenantHostnameAttribute(),
			"app_id": requiredReplace("Id of the app whose script this is, for example `qlik_app_copy.sales.id`. "+
				"Changing it manages another app's script (replace); the old app keeps its script.", stringvalidator.LengthAtLeast(1)),
			"script": schema.StringAttribute{
				MarkdownDescription: "The load script, usually rendered per customer with `templatefile()`. Must " +
					"not be empty, and at most 1 MiB once JSON-encoded for the scripts API (checked at plan; Qlik " +
					"documents no limit, the provider and the simulator keep to this one). A change stores a new " +
					"script version (update in place); line endings and trailing newlines do not count as a change.",
				CustomType:    loadScriptType{},
				Required:      true,
				Validators:    []validator.String{nonEmptyScript{}},
				PlanModifiers: []planmodifier.String{keepStateForSameScript{}},
			},
			"version_message": emptyByDefault("Message stored with the script version, shown in the script editor's " +
				"version history. Default empty. A change stores a new script version (update in place)."),
			"script_sha256": computedRead("Hex SHA-256 of the script with line endings normalised to LF and trailing " +
				"newlines removed. Known at plan time, so `triggers = { script = ...script_sha256 }` on a " +
				"`qlik_reload` plans a new reload whenever the script changes."),
		},
	}
}

// ModifyPlan computes script_sha256 from the planned script, so resources that use it as a trigger see the new
// value at plan time.
func (r *loadScriptResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	if r.resourceBase.ModifyPlan(ctx, req, resp); resp.Diagnostics.HasError() {
		return
	}
	claimPlanned(ctx, r.client, req, "app_id", "qlik_load_script", "the script of app", &resp.Diagnostics)
	var script loadScriptValue
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("script"), &script)...)
	if resp.Diagnostics.HasError() || script.IsUnknown() || script.IsNull() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("script_sha256"), scriptSHA256(script.ValueString()))...)
}

func (r *loadScriptResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, c, ok := createIn[loadScriptResourceModel](ctx, r.client, req, resp)
	if ok {
		writeScript(ctx, c, &plan, &resp.Diagnostics, &resp.State)
	}
}

func (r *loadScriptResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, _, c, ok := updateIn[loadScriptResourceModel](ctx, r.client, req, resp)
	if ok {
		writeScript(ctx, c, &plan, &resp.Diagnostics, &resp.State)
	}
}

// writeScript stores the planned script as the app's new current version.
func writeScript(ctx context.Context, c *qlik.Client, plan *loadScriptResourceModel, diags *diag.Diagnostics, state *tfsdk.State) {
	appID := plan.AppID.ValueString()
	if err := c.SetScript(ctx, appID, plan.Script.ValueString(), plan.VersionMessage.ValueString()); err != nil {
		hint := ""
		if errors.Is(err, qlik.ErrNotFound) {
			hint = "The app does not exist in this tenant: check app_id and tenant_hostname."
		}
		addAPIError(diags, "Unable to set load script", err, hint)
		return
	}
	plan.ID = types.StringValue(appID)
	plan.ScriptSHA256 = types.StringValue(scriptSHA256(plan.Script.ValueString()))
	diags.Append(state.Set(ctx, plan)...)
}

func (r *loadScriptResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, c, ok := readIn[loadScriptResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	appID := state.AppID.ValueString()
	if appID == "" {
		appID = state.ID.ValueString()
	}
	s, err := c.GetCurrentScript(ctx, appID)
	if errors.Is(err, qlik.ErrNotFound) {
		tflog.Debug(ctx, "app not found, removing its load script from state", map[string]any{"app_id": appID})
		resp.State.RemoveResource(ctx)
		return
	}
	if readFailed(&resp.Diagnostics, err, "Unable to read load script", "load script of app", appID) {
		return
	}
	state.ID = types.StringValue(appID)
	state.AppID = types.StringValue(appID)
	state.Script = newLoadScriptValue(s.Script)
	state.VersionMessage = types.StringValue(s.VersionMessage)
	state.ScriptSHA256 = types.StringValue(scriptSHA256(s.Script))
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Delete leaves the script in the app: an app always has a current script, and rolling back to an earlier
// version could undo edits made since. The resource only leaves the state.
func (r *loadScriptResource) Delete(ctx context.Context, req resource.DeleteRequest, _ *resource.DeleteResponse) {
	var state loadScriptResourceModel
	_ = req.State.Get(ctx, &state)
	tflog.Debug(ctx, "leaving the load script in the app; removing it from state only", map[string]any{"app_id": state.AppID.ValueString()})
}

func (r *loadScriptResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importTenantScopedID(ctx, r.client, req, resp, "app_id")
	if resp.Diagnostics.HasError() {
		return
	}
	// The script's id is its app's id.
	var id string
	resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("app_id"), id)...)
}
