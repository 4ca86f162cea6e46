package provider

import (
	"context"
	"errors"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider/validators"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var (
	_ resource.ResourceWithConfigure   = (*webIntegrationResource)(nil)
	_ resource.ResourceWithImportState = (*webIntegrationResource)(nil)
)

// NewWebIntegrationResource is the qlik_web_integration constructor.
func NewWebIntegrationResource() resource.Resource { return &webIntegrationResource{} }

type webIntegrationResource struct {
	client *qlik.Client
}

type webIntegrationResourceModel struct {
	ID             types.String `tfsdk:"id"`
	TenantHostname types.String `tfsdk:"tenant_hostname"`
	Name           types.String `tfsdk:"name"`
	ValidOrigins   types.Set    `tfsdk:"valid_origins"`
	TenantID       types.String `tfsdk:"tenant_id"`
	Created        types.String `tfsdk:"created"`
	CreatedBy      types.String `tfsdk:"created_by"`
	LastUpdated    types.String `tfsdk:"last_updated"`
}

func (r *webIntegrationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_web_integration"
}

func (r *webIntegrationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A web integration of a Qlik Cloud tenant: the list of web origins allowed to embed " +
			"Qlik content and call Qlik's APIs from a browser. Its `id` is the web integration id that the " +
			"embedding page sends (as the `Qlik-Web-Integration-ID` header, or in an iframe's login flow).\n\n" +
			"The name and the valid origins update in place. Iframe embedding also needs a `qlik_csp_origin` " +
			"with `frame-ancestors` for the same origin.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Web integration id: the value the embedding page passes as the web integration id.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"tenant_hostname": schema.StringAttribute{
				MarkdownDescription: tenantHostnameDescription,
				Optional:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{hostnameValidator()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the web integration, unique in the tenant (the provider finds an " +
					"integration by name after an interrupted create). Updates in place.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"valid_origins": schema.SetAttribute{
				MarkdownDescription: "Origins allowed to use the integration, each `http://` or `https://`, a host " +
					"and an optional port, with no path: `https://portal.example.com`, `http://localhost:3000`. " +
					"Write them the way Qlik stores them (host in lower case, no default port such as `:443`, no " +
					"trailing slash); the plan rejects other spellings and names the expected one. Order does not " +
					"matter. Defaults to none. Updates in place.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
				Validators:  []validator.Set{setvalidator.ValueStringsAre(validators.Origin())},
			},
			"tenant_id": schema.StringAttribute{
				MarkdownDescription: "Id of the tenant that holds the web integration.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"created": schema.StringAttribute{
				MarkdownDescription: "Creation time (RFC 3339).",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"created_by": schema.StringAttribute{
				MarkdownDescription: "User id of the creator.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"last_updated": schema.StringAttribute{
				MarkdownDescription: "Time of the last change (RFC 3339).",
				Computed:            true,
				PlanModifiers: []planmodifier.String{useStateUnlessChanged{watched: []path.Path{
					path.Root("name"), path.Root("valid_origins"),
				}}},
			},
		},
	}
}

func (r *webIntegrationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (r *webIntegrationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan webIntegrationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := tenantClient(r.client, plan.TenantHostname, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	origins := setStrings(ctx, plan.ValidOrigins, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	wi, err := c.CreateWebIntegration(ctx, qlik.WebIntegrationCreateRequest{Name: plan.Name.ValueString(), ValidOrigins: origins})
	if err != nil {
		addWebIntegrationWriteError(&resp.Diagnostics, "Unable to create web integration", err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, wi)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	recordCreated(ctx, resp.Private, &resp.Diagnostics)
}

func (r *webIntegrationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state webIntegrationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := createdView(ctx, tenantClient(r.client, state.TenantHostname, &resp.Diagnostics), req.Private)
	if resp.Diagnostics.HasError() {
		return
	}
	wi, err := c.GetWebIntegration(ctx, state.ID.ValueString())
	if !readFound(ctx, err, "web integration", state.ID.ValueString(), resp) {
		return
	}
	resp.Diagnostics.Append(state.fromAPI(ctx, wi)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *webIntegrationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state webIntegrationResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := tenantClient(r.client, plan.TenantHostname, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	update := qlik.WebIntegrationUpdateRequest{}
	if !plan.Name.Equal(state.Name) {
		update.Name = plan.Name.ValueStringPointer()
	}
	if !plan.ValidOrigins.Equal(state.ValidOrigins) {
		origins := setStrings(ctx, plan.ValidOrigins, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		update.ValidOrigins = &origins
	}
	wi, err := c.UpdateWebIntegration(ctx, state.ID.ValueString(), update)
	if err != nil {
		addWebIntegrationWriteError(&resp.Diagnostics, "Unable to update web integration", err)
		return
	}
	resp.Diagnostics.Append(plan.fromAPI(ctx, wi)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *webIntegrationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state webIntegrationResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := createdView(ctx, tenantClient(r.client, state.TenantHostname, &resp.Diagnostics), req.Private)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := c.DeleteWebIntegration(ctx, state.ID.ValueString()); err != nil && !errors.Is(err, qlik.ErrNotFound) {
		addAPIError(&resp.Diagnostics, "Unable to delete web integration", err, "")
	}
}

func (r *webIntegrationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importTenantScopedID(ctx, r.client, req, resp, "web_integration_id")
}

// addWebIntegrationWriteError points a name conflict at name and an origin Qlik refused at valid_origins.
func addWebIntegrationWriteError(diags *diag.Diagnostics, summary string, err error) {
	var apiErr *qlik.APIError
	switch {
	case errors.Is(err, qlik.ErrConflict):
		addAttributeAPIError(diags, path.Root("name"), summary, err,
			"Another web integration has this name: choose another name, or import the existing one with terraform import.")
	case errors.As(err, &apiErr) && apiErr.Code == "WEBINTEGRATIONS-6":
		addAttributeAPIError(diags, path.Root("valid_origins"), summary, err, "")
	default:
		addAPIError(diags, summary, err, "")
	}
}

func (m *webIntegrationResourceModel) fromAPI(ctx context.Context, wi *qlik.WebIntegration) diag.Diagnostics {
	m.ID = types.StringValue(wi.ID)
	m.Name = types.StringValue(wi.Name)
	m.TenantID = types.StringValue(wi.TenantID)
	m.Created = types.StringValue(wi.Created)
	m.CreatedBy = types.StringValue(wi.CreatedBy)
	m.LastUpdated = types.StringValue(wi.LastUpdated)
	origins := append([]string{}, wi.ValidOrigins...)
	sort.Strings(origins)
	var diags diag.Diagnostics
	m.ValidOrigins, diags = types.SetValueFrom(ctx, types.StringType, origins)
	return diags
}

// setStrings returns the elements of a known set of strings, sorted so requests are reproducible.
func setStrings(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	out := []string{}
	if s.IsNull() || s.IsUnknown() {
		return out
	}
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	sort.Strings(out)
	return out
}

var _ resource.ResourceWithModifyPlan = (*webIntegrationResource)(nil)

// ModifyPlan fails the plan when a known tenant host is one the provider would not send credentials to.
func (r *webIntegrationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkHostsAtPlan(ctx, r.client, req.Plan, &resp.Diagnostics)
}
