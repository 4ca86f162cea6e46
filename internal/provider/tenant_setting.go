package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// A tenant setting is a value that every tenant has exactly once (license auto-assignment, group settings, the API
// key policy, session timeouts): there is nothing to create or delete. The resource owns the setting: create and
// update write the configured values, read shows what the tenant has (a change in the console is drift), and
// destroy leaves the setting as it is, with a warning that says so. Its id is the tenant's hostname, which is
// also the import id.

// tenantSettingBase is the part every tenant setting's model shares.
type tenantSettingBase struct {
	tenantScoped
	ID types.String `tfsdk:"id"`
}

func (b *tenantSettingBase) base() *tenantSettingBase { return b }

// tenantSettingModel is a setting's model: its own attributes and the shared base.
type tenantSettingModel interface {
	base() *tenantSettingBase
}

// tenantSetting describes one kind of tenant setting; tenantSettingResource does the rest.
type tenantSetting[M any, PM interface {
	*M
	tenantSettingModel
}] struct {
	// typeName is the resource type without the provider prefix ("license_settings"); what names the setting in
	// messages ("license settings").
	typeName, what string
	description    string
	attributes     map[string]schema.Attribute
	// read fills the model's own attributes from the tenant.
	read func(ctx context.Context, c *qlik.Client, m PM) error
	// write sets the tenant's setting to the model's values.
	write func(ctx context.Context, c *qlik.Client, m PM) error
	// validate checks the planned values at plan time (optional): against each other, or against the tenant
	// through client.
	validate func(ctx context.Context, client *qlik.Client, req resource.ModifyPlanRequest, m PM, diags *diag.Diagnostics)
	// left says, for the destroy warning, what the tenant keeps ("automatic license assignment stays as it is").
	left string
}

type tenantSettingResource[M any, PM interface {
	*M
	tenantSettingModel
}] struct {
	resourceBase
	spec tenantSetting[M, PM]
}

// newTenantSetting returns the resource for a setting.
func newTenantSetting[M any, PM interface {
	*M
	tenantSettingModel
}](spec tenantSetting[M, PM]) resource.Resource {
	return &tenantSettingResource[M, PM]{resourceBase: resourceBase{name: spec.typeName}, spec: spec}
}

var (
	_ resource.ResourceWithConfigure   = (*tenantSettingResource[licenseSettingsModel, *licenseSettingsModel])(nil)
	_ resource.ResourceWithImportState = (*tenantSettingResource[licenseSettingsModel, *licenseSettingsModel])(nil)
	_ resource.ResourceWithModifyPlan  = (*tenantSettingResource[licenseSettingsModel, *licenseSettingsModel])(nil)
)

func (r *tenantSettingResource[M, PM]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id":              idAttribute("Hostname of the tenant the setting belongs to (the import id)."),
		"tenant_hostname": tenantHostnameAttribute(),
	}
	for k, v := range r.spec.attributes {
		attrs[k] = v
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: r.spec.description + "\n\n" +
			"Every tenant has these settings once, so there is one such resource per tenant. Creating it sets the " +
			"tenant's values to the configured ones; a change made in the management console shows as drift and the " +
			"next apply puts the configured values back. **Destroying it changes nothing in the tenant**: " + r.spec.left +
			", and Terraform only stops managing it (a warning says so). Import it by the tenant's hostname.",
		Attributes: attrs,
	}
}

// apply writes the planned values and reads the setting back into the state.
func (r *tenantSettingResource[M, PM]) apply(ctx context.Context, plan PM, diags *diag.Diagnostics) {
	c := tenantClient(r.client, plan.base().TenantHostname, diags)
	if diags.HasError() {
		return
	}
	if err := r.spec.write(ctx, c, plan); err != nil {
		addAPIError(diags, "Unable to set "+r.spec.what, err, "")
		return
	}
	if err := r.spec.read(ctx, c, plan); err != nil {
		addAPIError(diags, "Unable to read "+r.spec.what, err, "")
		return
	}
	plan.base().ID = types.StringValue(c.Hostname())
}

func (r *tenantSettingResource[M, PM]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.applyPlan(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

func (r *tenantSettingResource[M, PM]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.applyPlan(ctx, req.Plan, &resp.State, &resp.Diagnostics)
}

// applyPlan is Create and Update: both write the planned values and store what the tenant then has.
func (r *tenantSettingResource[M, PM]) applyPlan(ctx context.Context, p tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	plan := PM(new(M))
	if diags.Append(p.Get(ctx, plan)...); diags.HasError() {
		return
	}
	if r.apply(ctx, plan, diags); diags.HasError() {
		return
	}
	diags.Append(state.Set(ctx, plan)...)
}

func (r *tenantSettingResource[M, PM]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state := PM(new(M))
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	c := tenantClient(r.client, state.base().TenantHostname, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.spec.read(ctx, c, state); err != nil {
		if !keptForDeactivatedTenant(&resp.Diagnostics, err, r.spec.what, state.base().ID.ValueString()) {
			addAPIError(&resp.Diagnostics, "Unable to read "+r.spec.what, err, "")
		}
		return
	}
	state.base().ID = types.StringValue(c.Hostname())
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Delete leaves the tenant's setting as it is: a tenant always has it, and there is no "unset" to go back to.
func (r *tenantSettingResource[M, PM]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state := PM(new(M))
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	resp.Diagnostics.AddWarning(
		fmt.Sprintf("The %s of %s are left as they are", r.spec.what, state.base().ID.ValueString()),
		fmt.Sprintf("Destroying qlik_%s changes nothing in the tenant: %s. Terraform no longer manages it; "+
			"change it in the management console or manage it again with a new resource.", r.spec.typeName, r.spec.left))
}

// ImportState imports by the tenant's hostname. The provider's home tenant leaves tenant_hostname empty, as a
// configuration for the home tenant does.
func (r *tenantSettingResource[M, PM]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	host := req.ID
	if checkImportHost(r.client, host, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	if r.client != nil && host != r.client.Hostname() {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tenant_hostname"), host)...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), host)...)
}

// ModifyPlan refuses untrusted hosts and runs the setting's own checks.
func (r *tenantSettingResource[M, PM]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if plan, ok := planIn[M](ctx, r.client, req, resp); ok && r.spec.validate != nil {
		r.spec.validate(ctx, r.client, req, &plan, &resp.Diagnostics)
	}
}
