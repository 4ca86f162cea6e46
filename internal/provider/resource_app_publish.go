package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var (
	_ resource.ResourceWithConfigure   = (*appPublishResource)(nil)
	_ resource.ResourceWithImportState = (*appPublishResource)(nil)
)

// NewAppPublishResource is the qlik_app_publish constructor.
func NewAppPublishResource() resource.Resource { return &appPublishResource{} }

type appPublishResource struct {
	client *qlik.Client
}

type appPublishResourceModel struct {
	ID             types.String `tfsdk:"id"`
	TenantHostname types.String `tfsdk:"tenant_hostname"`
	AppID          types.String `tfsdk:"app_id"`
	SpaceID        types.String `tfsdk:"space_id"`
	Triggers       types.Map    `tfsdk:"triggers"`
	Name           types.String `tfsdk:"name"`
	PublishTime    types.String `tfsdk:"publish_time"`
}

func (r *appPublishResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app_publish"
}

func (r *appPublishResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Publishes an app to a managed space: Qlik makes a published copy (a new app with its " +
			"own id) whose public sheets are the locked layout consumers see. When `triggers` changes the app " +
			"is republished in place, so the published copy keeps its id and its links. Destroying the resource " +
			"deletes the published copy; the source app stays.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Id of the published app (not of the source app).",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"tenant_hostname": schema.StringAttribute{
				MarkdownDescription: tenantHostnameDescription,
				Optional:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{hostnameValidator()},
			},
			"app_id": schema.StringAttribute{
				MarkdownDescription: "Id of the app to publish, for example `qlik_app_copy.sales.id`. Changing it " +
					"publishes the new app and deletes the old published copy (replace).",
				Required:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"space_id": schema.StringAttribute{
				MarkdownDescription: "Id of the managed space to publish to. Changing it replaces the published copy.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values that republish the app when they change, for example " +
					"`{ script = qlik_load_script.x.script_sha256, reload = qlik_reload.x.id }`. A change " +
					"republishes in place.",
				ElementType: types.StringType,
				Optional:    true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the published app, as Qlik took it from the source app.",
				Computed:            true,
			},
			"publish_time": schema.StringAttribute{
				MarkdownDescription: "Time of the last publish or republish (RFC 3339).",
				Computed:            true,
			},
		},
	}
}

func (r *appPublishResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (r *appPublishResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan appPublishResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := tenantClient(r.client, plan.TenantHostname, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	app, err := c.PublishApp(ctx, plan.AppID.ValueString(), qlik.PublishAppRequest{SpaceID: plan.SpaceID.ValueString()})
	if err != nil {
		hint := ""
		if errors.Is(err, qlik.ErrBadRequest) {
			hint = "Apps are published to managed spaces only: check that space_id names a managed space."
		}
		addAPIError(&resp.Diagnostics, "Unable to publish app", err, hint)
		return
	}
	plan.fromAPI(app)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	recordCreated(ctx, resp.Private, &resp.Diagnostics)
}

func (r *appPublishResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state appPublishResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := createdView(ctx, tenantClient(r.client, state.TenantHostname, &resp.Diagnostics), req.Private)
	if resp.Diagnostics.HasError() {
		return
	}
	app, err := c.GetApp(ctx, state.ID.ValueString())
	if !readFound(ctx, err, "published app", state.ID.ValueString(), resp) {
		return
	}
	state.fromAPI(app)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update runs only when triggers change (everything else replaces): it republishes the source into the
// published copy.
func (r *appPublishResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state appPublishResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := tenantClient(r.client, plan.TenantHostname, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	app, err := c.RepublishApp(ctx, plan.AppID.ValueString(), state.ID.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to republish app", err, "")
		return
	}
	plan.fromAPI(app)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *appPublishResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state appPublishResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := createdView(ctx, tenantClient(r.client, state.TenantHostname, &resp.Diagnostics), req.Private)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := c.DeleteApp(ctx, state.ID.ValueString()); err != nil && !errors.Is(err, qlik.ErrNotFound) {
		addAPIError(&resp.Diagnostics, "Unable to delete published app", err, "")
	}
}

func (r *appPublishResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importTenantScopedID(ctx, r.client, req, resp, "published_app_id")
}

// fromAPI maps the published app. app_id comes from originAppId, so an import recovers the source, and a
// published copy moved or re-pointed outside Terraform shows as a replace.
func (m *appPublishResourceModel) fromAPI(a *qlik.App) {
	at := a.Attributes
	m.ID = types.StringValue(at.ID)
	if at.OriginAppID != "" {
		m.AppID = types.StringValue(at.OriginAppID)
	}
	m.SpaceID = types.StringValue(at.SpaceID)
	m.Name = types.StringValue(at.Name)
	m.PublishTime = types.StringValue(at.PublishTime)
}

var _ resource.ResourceWithModifyPlan = (*appPublishResource)(nil)

// ModifyPlan fails the plan when a known tenant host is one the provider would not send credentials to.
func (r *appPublishResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkHostsAtPlan(ctx, r.client, req.Plan, &resp.Diagnostics)
}
