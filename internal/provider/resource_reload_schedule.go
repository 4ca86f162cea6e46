package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider/validators"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var (
	_ kitResource                         = (*reloadScheduleResource)(nil)
	_ resource.ResourceWithValidateConfig = (*reloadScheduleResource)(nil)
)

// NewReloadScheduleResource is the qlik_reload_schedule constructor.
func NewReloadScheduleResource() resource.Resource {
	return &reloadScheduleResource{newObjectResource[reloadScheduleResourceModel]("reload_schedule", "reload schedule", "task_id", (*qlik.Client).DeleteReloadSchedule)}
}

type reloadScheduleResource struct {
	objectResource[reloadScheduleResourceModel]
}

type reloadScheduleResourceModel struct {
	tenantObject
	AppID         types.String `tfsdk:"app_id"`
	Name          types.String `tfsdk:"name"`
	Description   types.String `tfsdk:"description"`
	Recurrence    types.String `tfsdk:"recurrence"`
	TimeZone      types.String `tfsdk:"time_zone"`
	StartDateTime types.String `tfsdk:"start_date_time"`
	EndDateTime   types.String `tfsdk:"end_date_time"`
	Partial       types.Bool   `tfsdk:"partial"`
	Enabled       types.Bool   `tfsdk:"enabled"`
	OwnerID       types.String `tfsdk:"owner_id"`
	CreatedAt     types.String `tfsdk:"created_at"`
	UpdatedAt     types.String `tfsdk:"updated_at"`
}

func (r *reloadScheduleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A reload schedule of an app: a time-scheduled reload task of Qlik's Scheduling Tasks API " +
			"(`/api/scheduling/tasks`), which replaces the Reload Tasks API that Qlik removes on or after " +
			"2026-09-29. Qlik reloads the app at every occurrence of `recurrence` in `time_zone` while the " +
			"schedule is enabled.\n\n" +
			"Every change except `app_id` and `tenant_hostname` updates the task in place (a PUT of the whole " +
			"task: it holds no secret that a PUT could clear). Qlik disables a task by itself in some cases (the " +
			"app's owner is deleted, repeated failures); the next plan then shows the update that enables it " +
			"again. A one-off reload as a step of an apply is `qlik_reload`.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Task id."),
			"tenant_hostname": tenantHostnameAttribute(),
			"app_id":          requiredReplace("Id of the app to reload. A change replaces the schedule.", stringvalidator.LengthAtLeast(1)),
			"name": requiredString("Name of the task, 1 to 100 characters, unique among the app's schedules (the "+
				"provider finds a schedule by app and name after an interrupted create). Updates in place.",
				stringvalidator.LengthBetween(1, 100)),
			"description": emptyByDefault("Description of the task, up to 1024 characters. Updates in place.",
				stringvalidator.LengthAtMost(1024)),
			"recurrence": requiredString("When the app reloads: an RFC 5545 recurrence rule with the `RRULE:` prefix, "+
				"such as `RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=0` (every night at 02:00) or "+
				"`RRULE:FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=6` (Mondays and Thursdays at 06:00). Checked at plan. "+
				"Updates in place.",
				validators.RRule()),
			"time_zone": stringWithDefault("IANA time zone in which `recurrence` is read, such as `Europe/Berlin`; "+
				"defaults to `UTC`. Updates in place.",
				"UTC", validators.TimeZone()),
			"start_date_time": optionalString("When the schedule begins, RFC 3339 (`2026-01-01T00:00:00Z`); empty: at once. "+
				"Updates in place.",
				validators.DateTime()),
			"end_date_time": optionalString("When the schedule ends, RFC 3339; empty: never. Updates in place.", validators.DateTime()),
			"partial":       boolWithDefault("Run partial reloads. Defaults to `false`. Updates in place.", false),
			"enabled": boolWithDefault("Whether the schedule triggers reloads. Defaults to `true` (Qlik creates tasks "+
				"disabled unless told otherwise; a declared schedule is meant to run). Updates in place.", true),
			"owner_id":   computedRead("User id of the task's owner: the last user that changed it (Qlik moves the ownership to whoever updates a task)."),
			"created_at": createdAtAttribute(),
			"updated_at": updatedAtAttribute(),
		},
	}
}

// ValidateConfig refuses an end that is not after the start.
func (r *reloadScheduleResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m reloadScheduleResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.StartDateTime.IsNull() || m.StartDateTime.IsUnknown() || m.EndDateTime.IsNull() || m.EndDateTime.IsUnknown() {
		return
	}
	start, err1 := time.Parse(time.RFC3339, m.StartDateTime.ValueString())
	end, err2 := time.Parse(time.RFC3339, m.EndDateTime.ValueString())
	if err1 == nil && err2 == nil && !end.After(start) {
		resp.Diagnostics.AddAttributeError(path.Root("end_date_time"), "End before start",
			"end_date_time must be after start_date_time.")
	}
}

func (r *reloadScheduleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createObject(ctx, r.client, req, resp, "reload schedule", conflictOn("name", reloadScheduleNameTaken),
		func(c *qlik.Client, plan reloadScheduleResourceModel) (*qlik.ReloadSchedule, error) {
			return c.CreateReloadSchedule(ctx, plan.request())
		}, (*reloadScheduleResourceModel).fromAPI)
}

func (r *reloadScheduleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readObject(ctx, r.client, req, resp, "reload schedule", (*qlik.Client).GetReloadSchedule, (*reloadScheduleResourceModel).fromAPI)
}

func (r *reloadScheduleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateObject(ctx, r.client, req, resp, "reload schedule", conflictOn("name", reloadScheduleNameTaken),
		func(c *qlik.Client, plan, state reloadScheduleResourceModel) (*qlik.ReloadSchedule, error) {
			return c.UpdateReloadSchedule(ctx, state.ID.ValueString(), plan.request())
		}, (*reloadScheduleResourceModel).fromAPI)
}

// reloadScheduleNameTaken is the next step after a 409.
const reloadScheduleNameTaken = "Another task has this name: choose another name or import that task."

func (m *reloadScheduleResourceModel) request() qlik.ReloadScheduleRequest {
	return qlik.ReloadScheduleRequest{
		Name: m.Name.ValueString(), Description: m.Description.ValueString(), AppID: m.AppID.ValueString(),
		Partial: m.Partial.ValueBool(), Recurrence: m.Recurrence.ValueString(), Timezone: m.TimeZone.ValueString(),
		StartDateTime: m.StartDateTime.ValueString(), EndDateTime: m.EndDateTime.ValueString(), Enabled: m.Enabled.ValueBool(),
	}
}

func (m *reloadScheduleResourceModel) fromAPI(s *qlik.ReloadSchedule) {
	m.ID = types.StringValue(s.ID)
	m.AppID = types.StringValue(s.AppID)
	m.Name = types.StringValue(s.Name)
	m.Description = types.StringValue(s.Description)
	m.Recurrence = types.StringValue(s.Recurrence)
	m.TimeZone = types.StringValue(s.Timezone)
	m.StartDateTime = nullIfEmpty(s.StartDateTime)
	m.EndDateTime = nullIfEmpty(s.EndDateTime)
	m.Partial = types.BoolValue(s.Partial)
	m.Enabled = types.BoolValue(s.Enabled)
	m.OwnerID = types.StringValue(s.OwnerID)
	m.CreatedAt = types.StringValue(s.CreatedAt)
	m.UpdatedAt = types.StringValue(s.UpdatedAt)
}

// nullIfEmpty is null for "" (an optional attribute that is not set).
func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}
