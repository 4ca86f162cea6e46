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

// NewAppCopyResource is the qlik_app_copy constructor. A copy waits up to an hour by default: a cross-tenant copy
// of a large app moves hundreds of MB twice.
func NewAppCopyResource() resource.Resource {
	return &appCopyResource{newPlacedAppResource[appCopyResourceModel]("app_copy", "app copy", 60*time.Minute)}
}

// appCopyResource is a placedAppResource: Read, Update, Delete and ImportState are that of every app put in a
// space.
type appCopyResource struct {
	placedAppResource[appCopyResourceModel, *appCopyResourceModel]
}

type appCopyResourceModel struct {
	tenantScoped
	SourceAppID          types.String `tfsdk:"source_app_id"`
	SourceTenantHostname types.String `tfsdk:"source_tenant_hostname"`
	SourceVersion        types.String `tfsdk:"source_version"`
	placedApp
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
		Attributes: placedAppAttributes("copy", "space in the target tenant that holds the copy", map[string]schema.Attribute{
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
			"created_date":  computedKept("Creation time of the copy (RFC 3339)."),
			"modified_date": computedRead("Time of the last change to the copy's attributes (RFC 3339)."),
		}),
		Blocks: timeoutsBlocks(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
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
	plan, dst, ctx, cancel, ok := createWithin[appCopyResourceModel](ctx, r.client, req, resp, r.createTimeout)
	defer cancel()
	if !ok {
		return
	}
	src := sourceClient(r.client, plan.SourceTenantHostname, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	spaceID := plan.SpaceID.ValueString()
	copied, err := dst.CopyAppOnce(ctx, qlik.AppCopyRequest{
		Source: src, SourceAppID: plan.SourceAppID.ValueString(), SourceVersion: plan.SourceVersion.ValueString(),
		Name: plan.Name.ValueString(), Description: plan.Description.ValueString(), SpaceID: spaceID,
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
	r.saveNamed(ctx, dst, resp, plan, unnamedApp{
		app: copied, warning: "App copied, but naming the copy failed", noun: "copy", redo: "copying the app again",
	})
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

var _ resource.ResourceWithModifyPlan = (*appCopyResource)(nil)

// ModifyPlan fails the plan when a known tenant host is one the provider would not send credentials to.
func (r *appCopyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkHostsAtPlan(ctx, r.client, req.Plan, &resp.Diagnostics, "tenant_hostname", "source_tenant_hostname")
}
