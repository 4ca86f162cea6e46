package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider/validators"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*automationResource)(nil)

// NewAutomationResource is the qlik_automation constructor.
func NewAutomationResource() resource.Resource {
	return &automationResource{newObjectResource[automationResourceModel]("automation", "automation", "automation_id", (*qlik.Client).DeleteAutomation)}
}

type automationResource struct {
	objectResource[automationResourceModel]
}

type automationResourceModel struct {
	tenantObject
	Name              types.String      `tfsdk:"name"`
	Description       types.String      `tfsdk:"description"`
	SpaceID           types.String      `tfsdk:"space_id"`
	WorkspaceJSON     workspaceValue    `tfsdk:"workspace_json"`
	Schedules         []automationSched `tfsdk:"schedules"`
	MaxConcurrentRuns types.Int64       `tfsdk:"max_concurrent_runs"`
	Enabled           types.Bool        `tfsdk:"enabled"`
	RunMode           types.String      `tfsdk:"run_mode"`
	ExecutionToken    types.String      `tfsdk:"execution_token"`
	OwnerID           types.String      `tfsdk:"owner_id"`
	CreatedAt         types.String      `tfsdk:"created_at"`
	UpdatedAt         types.String      `tfsdk:"updated_at"`
}

type automationSched struct {
	StartAt  types.String `tfsdk:"start_at"`
	StopAt   types.String `tfsdk:"stop_at"`
	Interval types.Int64  `tfsdk:"interval"`
	Timezone types.String `tfsdk:"timezone"`
}

// workspaceJSON is the normalizer of an automation's workspace: JSON compared by value, so the layout of an
// exported file (indentation, key order) is not a change.
type workspaceJSON struct{}

func (workspaceJSON) normalize(s string) string {
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return s
	}
	b, err := json.Marshal(v) // map keys sorted
	if err != nil {
		return s
	}
	return string(b)
}

func (workspaceJSON) typeName() string { return "workspaceJSONType" }

func (workspaceJSON) sameDescription() string {
	return "a workspace that differs only in layout or key order is not a change"
}

type (
	workspaceType  = semanticStringType[workspaceJSON]
	workspaceValue = semanticStringValue[workspaceJSON]
)

// automationDateTime is the form of a schedule's start and stop (ScheduleRequestObject: "2022-01-01 00:00:00").
var automationDateTime = stringvalidator.RegexMatches(dateTimeSpace, `must be a date and time such as "2026-01-01 02:00:00"`)

func (r *automationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Qlik Automate workflow (`/api/workflows/automations`; the `/api/v1/automations` " +
			"paths are deprecated): the workspace JSON exported from the automation editor, in a space, with " +
			"schedules and an enabled state. Keep the exported file in version control and pass it with " +
			"`file(...)`: its layout and key order are not a change.\n\n" +
			"The run mode (`manual`, `scheduled`, `triggered`, `webhook`) is set inside the workspace and read " +
			"back as `run_mode`. `execution_token` (sensitive) is what a CI job sends as the `X-Execution-Token` " +
			"header to start a triggered automation through its webhook URL; to run an automation as a step of " +
			"an apply, use `qlik_automation_run`. Everything updates in place: name, description, workspace, " +
			"schedules and maximum concurrent runs with one PUT, the space and the enabled state with Qlik's " +
			"actions. Connections the workspace uses are not managed here: a bot can manage automations but not " +
			"their connections.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Automation id."),
			"tenant_hostname": tenantHostnameAttribute(),
			"name": requiredString("Name of the automation, unique in its space for this provider (it finds an "+
				"automation by name and space after an interrupted create). Updates in place.",
				stringvalidator.LengthBetween(1, 256)),
			"description": emptyByDefault("Description of the automation. Updates in place."),
			"space_id": emptyByDefault("Id of the shared space that holds the automation; empty (the default) for " +
				"the personal space of the provider's user. A change moves it in place."),
			"workspace_json": schema.StringAttribute{
				MarkdownDescription: "The workspace exported from the Qlik Automate editor, as JSON (a JSON object). " +
					"Compared by value. Updates in place.",
				CustomType:    workspaceType{},
				Required:      true,
				PlanModifiers: []planmodifier.String{keepStateIfSame[workspaceJSON]{}},
				Validators:    []validator.String{validators.JSONObject()},
			},
			"schedules": schema.ListNestedAttribute{
				MarkdownDescription: "When a scheduled automation runs: every `interval` seconds (a multiple of 60) " +
					"between `start_at` and `stop_at` in `timezone`. Updates in place.",
				Optional: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"start_at": optionalString("When the schedule starts, `YYYY-MM-DD hh:mm:ss` in `timezone`.", automationDateTime),
					"stop_at": optionalString("When the schedule stops, `YYYY-MM-DD hh:mm:ss` in `timezone`; empty: never.",
						automationDateTime),
					"interval": requiredInt64("Seconds between runs, a multiple of 60 (Qlik rounds others to the minute).",
						int64validator.AtLeast(60), multipleOf60{}),
					"timezone": optionalString("IANA time zone of `start_at` and `stop_at`, such as `Europe/Stockholm`.",
						validators.TimeZone()),
				}},
			},
			"max_concurrent_runs": int64WithDefault("How many runs may be active at once; default 1 (the tenant's automation "+
				"settings bound it). Updates in place.",
				1, int64validator.AtLeast(1)),
			"enabled": boolWithDefault("Whether the automation may run; a disabled automation refuses runs. Defaults to "+
				"`true`. Updates in place.", true),
			"run_mode": computedWatching("How runs start, as set in the workspace: `manual`, `scheduled`, `triggered` or `webhook`.",
				"workspace_json", "schedules"),
			"execution_token": schema.StringAttribute{
				MarkdownDescription: "Token that starts a triggered automation through its webhook URL (header " +
					"`X-Execution-Token`). Sensitive: for an output to a CI secret store.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"owner_id":   computedKept("User id of the automation's owner."),
			"created_at": createdAtAttribute(),
			"updated_at": updatedAtAttribute("name", "description", "space_id", "workspace_json", "schedules", "max_concurrent_runs", "enabled"),
		},
	}
}

func (r *automationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, c, ok := createIn[automationResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	body := plan.request()
	body.SpaceID = plan.SpaceID.ValueString()
	a, err := c.CreateAutomation(ctx, body)
	if err != nil {
		addWriteError(&resp.Diagnostics, "Unable to create automation", err, "name", automationNameTaken)
		return
	}
	if !plan.Enabled.ValueBool() {
		if err := c.SetAutomationEnabled(ctx, a.ID, false); err != nil {
			plan.fromAPI(a)
			saveCreated(ctx, resp, &plan)
			addAPIError(&resp.Diagnostics, "Unable to disable automation", err, "The automation was created; apply again to disable it.")
			return
		}
		a.State = "disabled"
	}
	plan.fromAPI(a)
	saveCreated(ctx, resp, &plan)
}

func (r *automationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readObject(ctx, r.client, req, resp, "automation", (*qlik.Client).GetAutomation, (*automationResourceModel).fromAPI)
}

func (r *automationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, state, c, ok := updateIn[automationResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	id := state.ID.ValueString()
	if !plan.SpaceID.Equal(state.SpaceID) {
		if err := c.ChangeAutomationSpace(ctx, id, plan.SpaceID.ValueString()); err != nil {
			addAPIError(&resp.Diagnostics, "Unable to move automation", err, "")
			return
		}
	}
	a, err := c.UpdateAutomation(ctx, id, plan.request())
	if err != nil {
		addWriteError(&resp.Diagnostics, "Unable to update automation", err, "name", automationNameTaken)
		return
	}
	if !plan.Enabled.Equal(state.Enabled) || (a.State == "disabled") == plan.Enabled.ValueBool() {
		if err := c.SetAutomationEnabled(ctx, id, plan.Enabled.ValueBool()); err != nil {
			addAPIError(&resp.Diagnostics, "Unable to enable or disable automation", err, "")
			return
		}
		a, err = c.GetAutomation(ctx, id)
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to read automation", err, "")
			return
		}
	}
	plan.fromAPI(a)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

const automationNameTaken = "Another automation has this name: choose another name or import that automation."

func (m *automationResourceModel) request() qlik.AutomationRequest {
	req := qlik.AutomationRequest{
		Name: m.Name.ValueString(), Description: m.Description.ValueString(),
		Workspace: json.RawMessage(m.WorkspaceJSON.ValueString()), MaxConcurrentRuns: int(m.MaxConcurrentRuns.ValueInt64()),
		Schedules: []qlik.AutomationSchedule{},
	}
	for _, s := range m.Schedules {
		req.Schedules = append(req.Schedules, qlik.AutomationSchedule{
			StartAt: s.StartAt.ValueString(), StopAt: s.StopAt.ValueString(), Interval: int(s.Interval.ValueInt64()), Timezone: s.Timezone.ValueString(),
		})
	}
	return req
}

func (m *automationResourceModel) fromAPI(a *qlik.Automation) {
	m.ID = types.StringValue(a.ID)
	m.Name = types.StringValue(a.Name)
	m.Description = types.StringValue(a.Description)
	m.SpaceID = types.StringValue(a.SpaceID)
	ws := bytes.TrimSpace(a.Workspace)
	if len(ws) == 0 || string(ws) == "null" {
		ws = []byte("{}")
	}
	// Keep the configured text when Qlik's copy means the same, so the plan shows the user's own file.
	if m.WorkspaceJSON.IsNull() || m.WorkspaceJSON.IsUnknown() || (workspaceJSON{}).normalize(m.WorkspaceJSON.ValueString()) != (workspaceJSON{}).normalize(string(ws)) {
		m.WorkspaceJSON = newSemanticStringValue[workspaceJSON](string(ws))
	}
	if len(a.Schedules) == 0 {
		m.Schedules = nil
	} else {
		m.Schedules = make([]automationSched, 0, len(a.Schedules))
		for _, s := range a.Schedules {
			m.Schedules = append(m.Schedules, automationSched{
				StartAt: nullIfEmpty(s.StartAt), StopAt: nullIfEmpty(s.StopAt),
				Interval: types.Int64Value(int64(s.Interval)), Timezone: nullIfEmpty(s.Timezone),
			})
		}
	}
	m.MaxConcurrentRuns = types.Int64Value(int64(a.MaxConcurrentRuns))
	m.Enabled = types.BoolValue(a.State != "disabled")
	m.RunMode = types.StringValue(a.RunMode)
	m.ExecutionToken = types.StringValue(a.ExecutionToken)
	m.OwnerID = types.StringValue(a.OwnerID)
	m.CreatedAt = types.StringValue(a.CreatedAt)
	m.UpdatedAt = types.StringValue(a.UpdatedAt)
}

// dateTimeSpace is ScheduleRequestObject's form of a date and time.
var dateTimeSpace = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)

// multipleOf60 refuses an interval Qlik would round to the minute, so that the state matches what runs.
type multipleOf60 struct{}

func (multipleOf60) Description(context.Context) string { return "must be a multiple of 60" }

func (v multipleOf60) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (multipleOf60) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueInt64()%60 == 0 {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid interval",
		fmt.Sprintf("%d seconds is not a whole number of minutes: Qlik runs schedules every whole minute (use %d or %d).",
			req.ConfigValue.ValueInt64(), req.ConfigValue.ValueInt64()/60*60, (req.ConfigValue.ValueInt64()/60+1)*60))
}
