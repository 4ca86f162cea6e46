package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*appCopyResource)(nil)

// Default timeouts of an app copy: a cross-tenant copy of a large app moves hundreds of MB twice.
const (
	appCopyCreateTimeout = 60 * time.Minute
	appCopyUpdateTimeout = 10 * time.Minute
	appCopyDeleteTimeout = 10 * time.Minute
)

// NewAppCopyResource is the qlik_app_copy constructor.
func NewAppCopyResource() resource.Resource { return &appCopyResource{resourceBase{name: "app_copy"}} }

type appCopyResource struct{ resourceBase }

type appCopyResourceModel struct {
	tenantObject
	SourceAppID          types.String `tfsdk:"source_app_id"`
	SourceTenantHostname types.String `tfsdk:"source_tenant_hostname"`
	SourceVersion        types.String `tfsdk:"source_version"`
	placedApp
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (r *appCopyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A copy of an app, typically a template app, in a space of a tenant. Within one tenant " +
			"Qlik copies the app itself; across tenants the provider exports the app from the source tenant, " +
			"streams the file through a temporary file on local disk (memory stays flat whatever the app's size) " +
			"and imports it into the target tenant. The temporary file goes to the system's temporary directory " +
			"(`TMPDIR`), which needs room for the app, and is removed when the copy is done.\n\n" +
			"While copying, the new app carries a marker name derived from the source, target space and name; " +
			"it is renamed when the copy is complete. An apply that is interrupted or fails after Qlik accepted " +
			"the copy finds the marked app on the next run and adopts it instead of copying again, so no " +
			"duplicate is left behind.\n\n" +
			"Changing `source_app_id`, `source_tenant_hostname` or `source_version` replaces the copy (and so " +
			"re-runs whatever depends on it, such as a load script and a reload). Destroying it deletes the app.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Id of the copy."),
			"tenant_hostname": tenantHostnameAttribute(),
			"source_app_id": schema.StringAttribute{
				MarkdownDescription: "Id of the app to copy (the template). Changing it replaces the copy.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{replaceUnlessImported()},
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"source_tenant_hostname": schema.StringAttribute{
				MarkdownDescription: "Hostname of the tenant that holds the source app. Omit it for the provider's " +
					"home tenant. When it differs from `tenant_hostname` the app is copied across tenants by " +
					"export and import, which needs OAuth client credentials. Changing it replaces the copy.",
				Optional:      true,
				PlanModifiers: []planmodifier.String{replaceUnlessImported()},
				Validators:    []validator.String{hostnameValidator()},
			},
			"source_version": schema.StringAttribute{
				MarkdownDescription: "Free-form version of the source app, for example `2024.06` or a commit id. " +
					"Qlik cannot tell when a template changes; bump this value to make Terraform replace the copy " +
					"with a fresh one. Changing it replaces the copy. When the copy is published with " +
					"`qlik_app_publish`, give it `lifecycle { create_before_destroy = true }`: the new copy is then " +
					"republished onto the same published app before the old copy is deleted (Qlik cannot " +
					"republish onto a published app whose source is gone).",
				Optional:      true,
				PlanModifiers: []planmodifier.String{replaceUnlessImported()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the copy. Updates in place.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 256)},
			},
			"description": emptyByDefault("Description of the copy. Defaults to an empty string. Updates in place."),
			"space_id": schema.StringAttribute{
				MarkdownDescription: "Id of the space in the target tenant that holds the copy, for example " +
					"`qlik_space.customer.id`. Changing it moves the app in place.",
				Required:   true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"owner_id":     computedKept("User id of the copy's owner: the user behind the provider's credentials."),
			"created_date": computedKept("Creation time of the copy (RFC 3339)."),
			"modified_date": schema.StringAttribute{
				MarkdownDescription: "Time of the last change to the copy's attributes (RFC 3339).",
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
}

// replaceUnlessImported requires replacement when a source attribute changes, except right after an import:
// Qlik does not record where a copy came from, so an imported copy has no source in state, and filling it in
// from the configuration must not throw the app away.
func replaceUnlessImported() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			var src types.String
			resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("source_app_id"), &src)...)
			resp.RequiresReplace = !src.IsNull()
		},
		"Replaces the copy when the source changes, unless the copy was just imported.",
		"Replaces the copy when the source changes, unless the copy was just imported.",
	)
}

func (r *appCopyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, dst, ok := createIn[appCopyResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, appCopyCreateTimeout)
	resp.Diagnostics.Append(diags...)
	src := sourceClient(r.client, plan.SourceTenantHostname, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	name, desc, spaceID := plan.Name.ValueString(), plan.Description.ValueString(), plan.SpaceID.ValueString()
	copied, err := dst.CopyAppOnce(ctx, qlik.AppCopyRequest{
		Source: src, SourceAppID: plan.SourceAppID.ValueString(), SourceVersion: plan.SourceVersion.ValueString(),
		Name: name, Description: desc, SpaceID: spaceID,
	})
	if errors.Is(err, qlik.ErrNoTargetSpace) {
		addAttributeAPIError(&resp.Diagnostics, path.Root("space_id"), "Unable to copy app", err,
			fmt.Sprintf("Space %s does not exist in tenant %s: nothing was copied. Check space_id.", spaceID, dst.Hostname()))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to copy app", err, copyHint(err))
		return
	}
	app, err := dst.UpdateApp(ctx, copied.Attributes.ID, qlik.AppUpdateRequest{Name: &name, Description: &desc})
	if err != nil {
		// The copy is complete; only its final name is missing. An error here would leave it tainted, and the
		// next apply would delete it and copy the whole app again. It is kept in state under the planned name
		// instead, with a warning: the next refresh reads the marker name, so the next plan shows the rename as
		// an update (Ctrl-C during the rename ends here too).
		want := plan
		want.fromAPI(copied)
		want.Name = plan.Name
		if !plan.Description.IsUnknown() {
			want.Description = plan.Description
		}
		resp.Diagnostics.Append(resp.State.Set(ctx, &want)...)
		resp.Diagnostics.AddWarning("App copied, but naming the copy failed", apiErrorDetail(err, fmt.Sprintf(
			"The copy %s is complete and kept in the state; it is still named %q in Qlik. The next plan shows the "+
				"rename to %q as an update, and the next apply renames it without copying the app again.",
			copied.Attributes.ID, copied.Attributes.Name, name)))
		return
	}
	plan.fromAPI(app)
	saveCreated(ctx, resp, &plan)
}

func copyHint(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "The copy did not finish within the create timeout: raise timeouts.create for large apps and run " +
			"apply again. A copy that Qlik already accepted is adopted then, not made twice."
	}
	if errors.Is(err, qlik.ErrNotFound) {
		return "Check that source_app_id names an app in the source tenant and space_id a space in the target tenant."
	}
	return ""
}

// sourceClient is tenantClient for source_tenant_hostname.
func sourceClient(c *qlik.Client, hostname types.String, diags *diag.Diagnostics) *qlik.Client {
	if c == nil {
		return nil
	}
	return hostClient(c, hostname.ValueString(), path.Root("source_tenant_hostname"), diags)
}

func (r *appCopyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readObject(ctx, r.client, req, resp, "app copy", (*qlik.Client).GetApp, (*appCopyResourceModel).fromAPI)
}

func (r *appCopyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, state, c, ok := updateIn[appCopyResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	timeout, diags := plan.Timeouts.Update(ctx, appCopyUpdateTimeout)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	place := qlik.AppPlacement{SpaceID: ifChanged(plan.SpaceID, state.SpaceID)}
	if !plan.Name.Equal(state.Name) || !plan.Description.Equal(state.Description) {
		place.Name, place.Description = plan.Name.ValueStringPointer(), plan.Description.ValueStringPointer()
	}
	app, err := c.PlaceApp(ctx, state.ID.ValueString(), place)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to update app copy", err, "")
		return
	}
	plan.fromAPI(app)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *appCopyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, c, ok := deleteIn[appCopyResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	deleteApp(ctx, c, state.ID.ValueString(), state.Timeouts, appCopyDeleteTimeout, "app copy", &resp.Diagnostics)
}

func (r *appCopyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importTenantScopedID(ctx, r.client, req, resp, "app_id")
}

func (m *appCopyResourceModel) fromAPI(a *qlik.App) {
	m.ID = types.StringValue(a.Attributes.ID)
	m.placedApp.fromAPI(a)
}

var _ resource.ResourceWithModifyPlan = (*appCopyResource)(nil)

// ModifyPlan fails the plan when a known tenant host is one the provider would not send credentials to.
func (r *appCopyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkHostsAtPlan(ctx, r.client, req.Plan, &resp.Diagnostics, "tenant_hostname", "source_tenant_hostname")
}
