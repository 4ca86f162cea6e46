package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var (
	_ resource.ResourceWithImportState = (*tenantResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*tenantResource)(nil)
)

// defaultTenantCreateTimeout bounds a tenant create and the patch that follows it.
const defaultTenantCreateTimeout = 20 * time.Minute

// NewTenantResource is the qlik_tenant constructor.
func NewTenantResource() resource.Resource { return &tenantResource{resourceBase{name: "tenant"}} }

type tenantResource struct{ resourceBase }

type tenantResourceModel struct {
	timed
	ID                                types.String `tfsdk:"id"`
	LicenseKeyWO                      types.String `tfsdk:"license_key_wo"`
	LicenseKeyWOVersion               types.Int64  `tfsdk:"license_key_wo_version"`
	Datacenter                        types.String `tfsdk:"datacenter"`
	Name                              types.String `tfsdk:"name"`
	AliasHostname                     types.String `tfsdk:"alias_hostname"`
	AutoAssignCreateSharedSpaces      types.Bool   `tfsdk:"auto_assign_create_shared_spaces_role_to_professionals"`
	AutoAssignPrivateAnalytics        types.Bool   `tfsdk:"auto_assign_private_analytics_content_creator_role_to_professionals"`
	AutoAssignDataServicesContributor types.Bool   `tfsdk:"auto_assign_data_services_contributor_role_to_professionals"`
	EnableAppOpeningFeedback          types.Bool   `tfsdk:"enable_app_opening_feedback"`
	DeletionProtection                types.Bool   `tfsdk:"deletion_protection"`
	PurgeAfterDays                    types.Int64  `tfsdk:"purge_after_days"`
	Hostname                          types.String `tfsdk:"hostname"`
	Region                            types.String `tfsdk:"region"`
	Status                            types.String `tfsdk:"status"`
	Created                           types.String `tfsdk:"created"`
}

// aliasHostnamePattern accepts lower-case DNS names whose first label (the subdomain) has 3 to 63 characters,
// Qlik's rule for tenant hostnames ("Subdomain should be between 3 and 63 characters", tenants.json).
var aliasHostnamePattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{1,61}[a-z0-9])(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$`)

// tenantDatacenters lists the documented datacenters, sorted, for validators and docs.
func tenantDatacenters() []string { return slices.Sorted(maps.Keys(qlik.TenantDatacenters)) }

func (r *tenantResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	updates := " Updates in place."
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Qlik Cloud tenant, created on the register host of its region with a license key. " +
			"`datacenter` picks the region, and with it the register host and the region-level OAuth client of the " +
			"provider block (`registration_url` and `client_id`/`client_secret` for the home region, `regions` for " +
			"the others); a region without a client fails at plan. An API key cannot create tenants.\n\n" +
			"The tenant's `hostname` feeds the `tenant_hostname` of the objects configured inside it, so one " +
			"provider block creates a tenant per customer and fills each of them.\n\n" +
			"Destroying a tenant **deactivates** it: Qlik purges it after `purge_after_days`, and it can be " +
			"reactivated until then. `deletion_protection` (on by default) makes destroy fail until it is " +
			"turned off and applied. A tenant deactivated outside Terraform shows as an update of `status` " +
			"and is reactivated by the next apply; a purged tenant leaves the state and is created again.",
		Attributes: map[string]schema.Attribute{
			"id": idAttribute("Tenant id."),
			"license_key_wo": writeOnlyString("Signed license key the tenant is created under (for example from "+
				"`GET /api/v1/licenses/overview` of a source tenant). Write-only: it is sent on create and "+
				"never stored in the state or the plan. Qlik answers `TENANTS-21` when it is missing, "+
				"`TENANTS-23` when it is invalid and `TENANTS-22` when the license has no tenant left.",
				stringvalidator.LengthAtLeast(1)),
			"license_key_wo_version": optionalInt64("Version of `license_key_wo`, stored in the state so that a change of key " +
				"is visible in plans. Qlik binds the license at creation and has no API to change it, so a " +
				"new version updates the state only, with a warning."),
			"datacenter": optionalKeptReplaced("Datacenter of the tenant: one of `"+joinCode(tenantDatacenters())+"`. "+
				"Its region (`eu-west-1` is `eu`, `us-east-1` is `us`, `eu-central-1` is `de`, ...) picks the "+
				"register host and OAuth client of the provider block. Defaults to the home region's register "+
				"host's choice. A change replaces the tenant (and so needs `deletion_protection = false`).",
				stringvalidator.OneOf(tenantDatacenters()...)),
			"name": optionalKept("Display name of the tenant, 1 to 256 characters. When omitted Qlik "+
				"generates one and it is left as Qlik has it."+updates,
				stringvalidator.LengthBetween(1, 256)),
			"alias_hostname": optionalKept("Alias hostname (`hostnames[1]`), for example `acme.eu.qlikcloud.com`: "+
				"lower-case, with a first label of 3 to 63 letters, digits or hyphens. When omitted the "+
				"alias is left as Qlik has it; Qlik has no call to remove one. Two tenants of one "+
				"configuration with one alias fail at plan; an alias taken outside the configuration is "+
				"found when it is set after the create: the tenant is kept (with a warning) and the next "+
				"apply sets the alias again, never creating another tenant."+updates,
				stringvalidator.RegexMatches(aliasHostnamePattern,
					"must be a lower-case hostname whose first label has 3 to 63 letters, digits or hyphens")),
			"auto_assign_create_shared_spaces_role_to_professionals": tenantFlag(
				"Give users with a professional entitlement the role to create shared spaces automatically. " +
					"Qlik's default is `true`; when omitted it is left as Qlik has it." + updates),
			"auto_assign_private_analytics_content_creator_role_to_professionals": tenantFlag(
				"Give users with a professional entitlement the private analytics content creator role " +
					"automatically. Qlik's default is `true`; when omitted it is left as Qlik has it." + updates),
			"auto_assign_data_services_contributor_role_to_professionals": tenantFlag(
				"Give users with a professional entitlement the data services contributor role " +
					"automatically. Qlik's default is `true`; when omitted it is left as Qlik has it." + updates),
			"enable_app_opening_feedback": tenantFlag(
				"Ask users for feedback when apps open. Qlik's default is `false`; when omitted it is left as " +
					"Qlik has it." + updates),
			"deletion_protection": boolWithDefault("While `true` (the default), destroying or replacing the tenant fails at "+
				"plan, before anything inside the tenant is destroyed, and the tenant stays active. Set it to "+
				"`false` and apply before destroying. Changes only the state.", true),
			"purge_after_days": int64WithDefault(fmt.Sprintf("Days from deactivation (destroy) until Qlik purges the "+
				"tenant, %d to %d; default %d. The tenant can be reactivated until then. Changes only the state.",
				qlik.MinPurgeAfterDays, qlik.MaxPurgeAfterDays, qlik.DefaultPurgeAfterDays),
				qlik.DefaultPurgeAfterDays, int64validator.Between(qlik.MinPurgeAfterDays, qlik.MaxPurgeAfterDays)),
			"hostname": computedKept("The tenant's own hostname (`hostnames[0]`), e.g. `a1b2c3.eu.qlikcloud.com`; " +
				"use it as `tenant_hostname` of the objects inside the tenant."),
			"region": computedKept("Region code of the tenant, e.g. `eu`."),
			"status": computedRead("Status of the tenant. Terraform keeps it `active`: a tenant found " +
				"`disabled` (deactivated outside Terraform) plans an update that reactivates it."),
			"created": computedKept("Creation time."),
		},
		Blocks: timeoutsBlocks(ctx, timeouts.Opts{Create: true}),
	}
}

// joinCode renders values as a Markdown list of code spans: `a`, `b`.
func joinCode(values []string) string { return strings.Join(values, "`, `") }

func tenantFlag(description string) schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: description,
		Optional:            true,
		Computed:            true,
		PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
	}
}

// registration returns the view of the register host of datacenter's region ("" = the home region), or reports
// why there is none against the datacenter attribute.
func (r *tenantResource) registration(datacenter string, diags *diag.Diagnostics) *qlik.Client {
	if r.client == nil {
		diags.AddError("Provider not configured", "The provider was not configured before use. This is a bug in the provider; please report it.")
		return nil
	}
	region := qlik.DatacenterRegion(datacenter)
	reg, err := r.client.RegistrationFor(region)
	if err != nil {
		var rce *qlik.RegionCredentialsError
		if errors.As(err, &rce) {
			diags.AddAttributeError(path.Root("datacenter"), "No OAuth client for region "+rce.Region,
				fmt.Sprintf("Datacenter %s is in region %s. %s.\n\nTenants are created, deactivated and reactivated on "+
					"the register host of their region, with that region's region-level OAuth client; nothing was sent.",
					datacenter, rce.Region, err))
			return nil
		}
		diags.AddError("qlik_tenant needs the register host and an OAuth client",
			err.Error()+"\n\nTenants are created, deactivated and reactivated on the regional register host "+
				"(registration_url or QLIK_REGISTRATION_URL, e.g. https://register.eu.qlikcloud.com) with the "+
				"client_id and client_secret of a region-level OAuth client.")
		return nil
	}
	return reg
}

// registrationOf returns the register host view of an existing tenant: its datacenter's region, else its
// recorded region, else (an import, before the first read) the register host of every configured region in turn
// until one knows the tenant.
func (r *tenantResource) registrationOf(ctx context.Context, m tenantResourceModel, diags *diag.Diagnostics) *qlik.Client {
	dc := m.Datacenter.ValueString()
	if dc == "" && m.Region.ValueString() != "" {
		for d, region := range qlik.TenantDatacenters {
			if region == m.Region.ValueString() {
				dc = d
			}
		}
	}
	if dc != "" || r.client == nil {
		return r.registration(dc, diags)
	}
	views := r.client.RegistrationViews()
	if len(views) <= 1 {
		return r.registration("", diags)
	}
	for _, v := range views {
		if _, err := v.GetTenant(ctx, m.ID.ValueString()); err == nil {
			return v
		}
	}
	return views[0]
}

// ModifyPlan keeps status active, so that a tenant deactivated outside Terraform plans an update, and checks
// the register host and credentials at plan time rather than halfway through an apply. A protected tenant's
// destroy or replacement fails here, at plan, before Terraform destroys anything inside the tenant: a failure in
// Delete would come after the objects that depend on the tenant were already destroyed.
func (r *tenantResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		if !req.State.Raw.IsNull() {
			var state tenantResourceModel
			resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
			if !resp.Diagnostics.HasError() && protected(state) {
				resp.Diagnostics.AddError("Tenant is protected by deletion_protection", fmt.Sprintf(
					"Tenant %s (%s) cannot be destroyed while deletion_protection is true, so this plan fails before "+
						"anything is destroyed, including the objects inside the tenant. To deactivate it, set "+
						"deletion_protection = false, run terraform apply, then destroy it (or remove it from the configuration).",
					state.ID.ValueString(), state.Hostname.ValueString()))
			}
		}
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), qlik.TenantStatusActive)...)
	var alias types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("alias_hostname"), &alias)...)
	if known(alias.IsNull(), alias.IsUnknown()) && !claim(r.client, "qlik_tenant alias\x00"+alias.ValueString(), req.Config.Raw.String(), req.State.Raw.IsNull()) {
		resp.Diagnostics.AddAttributeError(path.Root("alias_hostname"), "Two qlik_tenant resources use one alias_hostname", fmt.Sprintf(
			"Another qlik_tenant in this configuration also declares alias_hostname %q. A hostname belongs to one "+
				"tenant: the second tenant would be created and then refused the alias, costing a license seat. "+
				"Give each tenant its own alias.", alias.ValueString()))
	}
	if r.client != nil {
		// The datacenter picks the register host and the region's client; check them now, not halfway through
		// an apply. A datacenter unknown until apply is checked by Create before anything is sent.
		var dc types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("datacenter"), &dc)...)
		if dc.IsNull() && !req.State.Raw.IsNull() {
			resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("datacenter"), &dc)...)
		}
		if !dc.IsUnknown() {
			r.registration(dc.ValueString(), &resp.Diagnostics)
		}
	}
	plan, state, ok := changeIn[tenantResourceModel](ctx, req, resp)
	if !ok {
		return
	}
	if dc := plan.Datacenter; known(dc.IsNull(), dc.IsUnknown()) && !state.Datacenter.IsNull() && dc.ValueString() != state.Datacenter.ValueString() && protected(state) {
		resp.Diagnostics.AddAttributeError(path.Root("datacenter"), "Tenant is protected by deletion_protection", fmt.Sprintf(
			"Changing datacenter from %s to %s replaces tenant %s (%s): Terraform would destroy the objects inside it "+
				"and deactivate it. deletion_protection is true, so the plan fails before anything is touched. To "+
				"replace it, set deletion_protection = false and apply first.",
			state.Datacenter.ValueString(), dc.ValueString(), state.ID.ValueString(), state.Hostname.ValueString()))
	}
	if !plan.LicenseKeyWOVersion.Equal(state.LicenseKeyWOVersion) && !state.LicenseKeyWOVersion.IsNull() {
		resp.Diagnostics.AddAttributeWarning(path.Root("license_key_wo_version"), "The license of a tenant cannot change",
			"Qlik binds the license key at creation and has no API to change it; the new version is recorded in the "+
				"state only. Replace the tenant to create it under another license.")
	}
}

// protected reports whether the state's deletion_protection is on (an unset value counts as on, the default).
func protected(state tenantResourceModel) bool {
	return state.DeletionProtection.IsNull() || state.DeletionProtection.IsUnknown() || state.DeletionProtection.ValueBool()
}

func (r *tenantResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan tenantResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	licenseKey := writeOnlyValue(ctx, req.Config, "license_key_wo", &resp.Diagnostics)
	reg := r.registration(plan.Datacenter.ValueString(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := timeoutContext(ctx, plan.Timeouts.Create, defaultTenantCreateTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	created, err := reg.CreateTenant(ctx, qlik.TenantCreateRequest{
		LicenseKey: licenseKey.ValueString(),
		Datacenter: plan.Datacenter.ValueString(),
	})
	if err != nil {
		addTenantCreateError(&resp.Diagnostics, err)
		return
	}
	// A tenant costs a license seat, so a failure to configure it (name, alias, flags) must never lead to a second
	// tenant: a create that ends in an error leaves the object tainted, and the next apply would deactivate it and
	// create another. The tenant is saved with the configured settings and the failure is a warning instead; the
	// next refresh reads what Qlik really has, so the next plan shows the settings still to apply as an update,
	// which retries them on this same tenant.
	want := plan
	plan.fromAPI(created)
	tenant, err := reg.PatchTenant(ctx, created, want.updateRequest(created))
	if err != nil {
		want.fromAPICreated(created)
		resp.Diagnostics.Append(resp.State.Set(ctx, &want)...)
		resp.Diagnostics.AddWarning("Tenant created, but configuring it failed", apiErrorDetail(err, fmt.Sprintf(
			"Tenant %s (%s) was created and is kept in the state. Its name, alias and flags are not yet what the "+
				"configuration says: the next plan shows them as an update, and the next apply retries them on this "+
				"tenant (no other tenant is created). Fix the cause first if Qlik refused a value (for example an "+
				"alias_hostname already used by another tenant).", created.ID, created.Hostname())))
		return
	}
	plan.fromAPI(tenant)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// stateOnRegister reads the tenant in state and returns the view of its register host (registrationOf). ok is
// false when either failed; diags say why.
func (r *tenantResource) stateOnRegister(ctx context.Context, st tfsdk.State, diags *diag.Diagnostics) (state tenantResourceModel, reg *qlik.Client, ok bool) {
	if diags.Append(st.Get(ctx, &state)...); diags.HasError() {
		return state, nil, false
	}
	reg = r.registrationOf(ctx, state, diags)
	return state, reg, !diags.HasError()
}

func (r *tenantResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, reg, ok := r.stateOnRegister(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	tenant, err := reg.GetTenant(ctx, state.ID.ValueString())
	if errors.Is(err, qlik.ErrNotFound) {
		tflog.Debug(ctx, "tenant not found (purged), removing it from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	state.save(ctx, &resp.State, &resp.Diagnostics, tenant, err, "Unable to read tenant")
}

func (r *tenantResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan tenantResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	state, reg, ok := r.stateOnRegister(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	id := state.ID.ValueString()
	if state.Status.ValueString() != qlik.TenantStatusActive {
		tflog.Debug(ctx, "tenant is not active; reactivating it", map[string]any{"id": id, "status": state.Status.ValueString()})
		if err := reg.ReactivateTenant(ctx, id, state.Hostname.ValueString()); err != nil {
			addAPIError(&resp.Diagnostics, "Unable to reactivate tenant", err, "")
			return
		}
	}
	current := &qlik.Tenant{
		Name: state.Name.ValueString(), Hostnames: []string{state.Hostname.ValueString()},
		AutoAssignCreateSharedSpacesRoleToProfessionals:             state.AutoAssignCreateSharedSpaces.ValueBool(),
		AutoAssignPrivateAnalyticsContentCreatorRoleToProfessionals: state.AutoAssignPrivateAnalytics.ValueBool(),
		AutoAssignDataServicesContributorRoleToProfessionals:        state.AutoAssignDataServicesContributor.ValueBool(),
		EnableAppOpeningFeedback:                                    state.EnableAppOpeningFeedback.ValueBool(),
	}
	if alias := state.AliasHostname.ValueString(); alias != "" {
		current.Hostnames = append(current.Hostnames, alias)
	}
	tenant, err := reg.UpdateTenant(ctx, id, plan.updateRequest(current))
	plan.save(ctx, &resp.State, &resp.Diagnostics, tenant, err, "Unable to update tenant")
}

// save ends a Read or an Update with the tenant Qlik answered: it maps the tenant into m and stores m in st, or
// reports err as summary.
func (m *tenantResourceModel) save(ctx context.Context, st *tfsdk.State, diags *diag.Diagnostics, t *qlik.Tenant, err error, summary string) {
	if err != nil {
		addAPIError(diags, summary, err, "")
		return
	}
	m.fromAPI(t)
	diags.Append(st.Set(ctx, m)...)
}

func (r *tenantResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state tenantResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id, hostname := state.ID.ValueString(), state.Hostname.ValueString()
	if state.DeletionProtection.IsNull() || state.DeletionProtection.ValueBool() {
		resp.Diagnostics.AddError("Tenant is protected by deletion_protection",
			fmt.Sprintf("Tenant %s (%s) was not deactivated and stays active, because deletion_protection is true. "+
				"To deactivate it, set deletion_protection = false, run terraform apply, then destroy it "+
				"(or remove it from the configuration).", id, hostname))
		return
	}
	reg := r.registrationOf(ctx, state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	current, err := reg.GetTenant(ctx, id)
	switch {
	case errors.Is(err, qlik.ErrNotFound):
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Unable to deactivate tenant", err, "")
		return
	case current.Status == qlik.TenantStatusDisabled:
		tflog.Debug(ctx, "tenant already deactivated", map[string]any{"id": id})
		return
	}
	out, err := reg.DeactivateTenant(ctx, id, current.Hostname(), int(state.PurgeAfterDays.ValueInt64()))
	if errors.Is(err, qlik.ErrNotFound) {
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to deactivate tenant", err, "")
		return
	}
	tflog.Debug(ctx, "tenant deactivated", map[string]any{"id": id, "estimated_purge_date": out.EstimatedPurgeDate})
}

func (r *tenantResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if strings.TrimSpace(req.ID) == "" || strings.Contains(req.ID, "/") {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("invalid import id %q: expected the tenant id; tenants live on the register host, so the id takes no hostname", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), req.ID)...)
	// The defaults of the configuration-only settings, so that importing into a configuration that keeps them
	// plans no change.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_protection"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("purge_after_days"), int64(qlik.DefaultPurgeAfterDays))...)
}

// addTenantCreateError shows Qlik's license errors against license_key_wo, with the next step.
func addTenantCreateError(diags *diag.Diagnostics, err error) {
	const summary = "Unable to create tenant"
	var apiErr *qlik.APIError
	code := ""
	if errors.As(err, &apiErr) {
		code = apiErr.Code
	}
	switch {
	case errors.Is(err, qlik.ErrTenantCreateUnknown):
		addAPIError(diags, summary, err, "The request may have created a tenant although no answer came back. "+
			"A tenant has no name to look it up by, so the provider does not retry. Check the tenants of the "+
			"license (for example in the Qlik Cloud administration console); if one was created, import it with "+
			"terraform import <address> <tenant id>, otherwise run terraform apply again.")
	case code == "TENANTS-21":
		addAttributeAPIError(diags, path.Root("license_key_wo"), summary, err, "Set license_key_wo to the signed license key of the license.")
	case code == "TENANTS-22":
		addAttributeAPIError(diags, path.Root("license_key_wo"), summary, err, "The license has no tenant left: deactivate and purge a tenant, or use another license.")
	case code == "TENANTS-23":
		addAttributeAPIError(diags, path.Root("license_key_wo"), summary, err, "The license key was rejected: check that it is the signed key of a license in this region.")
	default:
		addAPIError(diags, summary, err, "")
	}
}

// updateRequest holds the configured settings that differ from cur; unset (unknown) settings are left alone.
func (m tenantResourceModel) updateRequest(cur *qlik.Tenant) qlik.TenantUpdateRequest {
	var req qlik.TenantUpdateRequest
	if v := m.Name; known(v.IsNull(), v.IsUnknown()) && v.ValueString() != cur.Name {
		req.Name = v.ValueStringPointer()
	}
	if v := m.AliasHostname; known(v.IsNull(), v.IsUnknown()) && v.ValueString() != cur.Alias() {
		req.Alias = v.ValueStringPointer()
	}
	flag := func(v types.Bool, cur bool) *bool {
		if known(v.IsNull(), v.IsUnknown()) && v.ValueBool() != cur {
			return v.ValueBoolPointer()
		}
		return nil
	}
	req.AutoAssignCreateSharedSpaces = flag(m.AutoAssignCreateSharedSpaces, cur.AutoAssignCreateSharedSpacesRoleToProfessionals)
	req.AutoAssignPrivateAnalyticsCreator = flag(m.AutoAssignPrivateAnalytics, cur.AutoAssignPrivateAnalyticsContentCreatorRoleToProfessionals)
	req.AutoAssignDataServicesContributor = flag(m.AutoAssignDataServicesContributor, cur.AutoAssignDataServicesContributorRoleToProfessionals)
	req.EnableAppOpeningFeedback = flag(m.EnableAppOpeningFeedback, cur.EnableAppOpeningFeedback)
	return req
}

func known(isNull, isUnknown bool) bool { return !isNull && !isUnknown }

// fromAPICreated fills what only Qlik knows about a new tenant (id, hostname, region, status, created, and the
// settings the configuration leaves to Qlik) and keeps the configured settings as planned.
func (m *tenantResourceModel) fromAPICreated(t *qlik.Tenant) {
	var got tenantResourceModel
	got.fromAPI(t)
	m.ID, m.Hostname, m.Region, m.Status, m.Created = got.ID, got.Hostname, got.Region, got.Status, got.Created
	m.LicenseKeyWO = types.StringNull()
	fill := func(dst *types.String, v types.String) {
		if dst.IsUnknown() {
			*dst = v
		}
	}
	fill(&m.Datacenter, got.Datacenter)
	fill(&m.Name, got.Name)
	fill(&m.AliasHostname, got.AliasHostname)
	for _, f := range []struct{ dst, v *types.Bool }{
		{&m.AutoAssignCreateSharedSpaces, &got.AutoAssignCreateSharedSpaces},
		{&m.AutoAssignPrivateAnalytics, &got.AutoAssignPrivateAnalytics},
		{&m.AutoAssignDataServicesContributor, &got.AutoAssignDataServicesContributor},
		{&m.EnableAppOpeningFeedback, &got.EnableAppOpeningFeedback},
	} {
		if f.dst.IsUnknown() {
			*f.dst = *f.v
		}
	}
}

func (m *tenantResourceModel) fromAPI(t *qlik.Tenant) {
	m.ID = types.StringValue(t.ID)
	m.Name = types.StringValue(t.Name)
	m.Hostname = types.StringValue(t.Hostname())
	if alias := t.Alias(); alias != "" {
		m.AliasHostname = types.StringValue(alias)
	} else {
		m.AliasHostname = types.StringNull()
	}
	m.Datacenter = types.StringValue(t.Datacenter)
	m.Region = types.StringValue(t.Region)
	m.Status = types.StringValue(t.Status)
	m.Created = types.StringValue(t.Created)
	m.AutoAssignCreateSharedSpaces = types.BoolValue(t.AutoAssignCreateSharedSpacesRoleToProfessionals)
	m.AutoAssignPrivateAnalytics = types.BoolValue(t.AutoAssignPrivateAnalyticsContentCreatorRoleToProfessionals)
	m.AutoAssignDataServicesContributor = types.BoolValue(t.AutoAssignDataServicesContributorRoleToProfessionals)
	m.EnableAppOpeningFeedback = types.BoolValue(t.EnableAppOpeningFeedback)
	m.LicenseKeyWO = types.StringNull()
}
