package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider/validators"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// The tenant settings: each is its schema, its model mapping and its two API calls on the tenantSetting kit.

// qlik_license_settings: GET/PUT /api/v1/licenses/settings (licenses.json).

type licenseSettingsModel struct {
	tenantSettingBase
	AutoAssignProfessional types.Bool `tfsdk:"auto_assign_professional"`
	AutoAssignAnalyzer     types.Bool `tfsdk:"auto_assign_analyzer"`
}

// NewLicenseSettingsResource is the qlik_license_settings constructor.
func NewLicenseSettingsResource() resource.Resource {
	return newTenantSetting(tenantSetting[licenseSettingsModel, *licenseSettingsModel]{
		typeName: "license_settings",
		what:     "license settings",
		description: "Automatic license assignment of a tenant: whether a user who signs in for the first time gets a " +
			"professional or an analyzer license by itself. Qlik assigns professional first when both are on and " +
			"one is available, then analyzer, then analyzer capacity. Users managed with `qlik_user` can get a " +
			"license explicitly through `license_type` instead.",
		left: "automatic license assignment stays as it is",
		attributes: map[string]schema.Attribute{
			"auto_assign_professional": requiredBool("Assign a professional license to new users while one is available."),
			"auto_assign_analyzer":     requiredBool("Assign an analyzer license to new users while one is available (after professional, when that is on too)."),
		},
		read: func(ctx context.Context, c *qlik.Client, m *licenseSettingsModel) error {
			s, err := c.GetLicenseSettings(ctx)
			if err == nil {
				m.AutoAssignProfessional, m.AutoAssignAnalyzer = types.BoolValue(s.AutoAssignProfessional), types.BoolValue(s.AutoAssignAnalyzer)
			}
			return err
		},
		write: func(ctx context.Context, c *qlik.Client, m *licenseSettingsModel) error {
			_, err := c.SetLicenseSettings(ctx, qlik.LicenseSettings{
				AutoAssignProfessional: m.AutoAssignProfessional.ValueBool(), AutoAssignAnalyzer: m.AutoAssignAnalyzer.ValueBool(),
			})
			return err
		},
	})
}

// qlik_group_settings: GET/PATCH /api/v1/groups/settings (groups.json).

type groupSettingsModel struct {
	tenantSettingBase
	AutoCreateGroups types.Bool `tfsdk:"auto_create_groups"`
	EveryoneRoles    types.Set  `tfsdk:"everyone_roles"`
}

// NewGroupSettingsResource is the qlik_group_settings constructor.
func NewGroupSettingsResource() resource.Resource {
	return newTenantSetting(tenantSetting[groupSettingsModel, *groupSettingsModel]{
		typeName: "group_settings",
		what:     "group settings",
		description: "Group settings of a tenant: whether groups named in an identity provider's `groups` claim are " +
			"created at sign-in, and the tenant roles of the Everyone group, which every user of the tenant holds.\n\n" +
			"Since destroy leaves the Everyone group's roles, a `qlik_custom_role` the Everyone group holds cannot be " +
			"destroyed afterwards (Qlik deletes only unassigned roles): set `everyone_roles = []` and apply before " +
			"removing both.",
		left:     "group creation at sign-in and the Everyone group's roles stay as they are",
		validate: checkEveryoneRoles,
		attributes: map[string]schema.Attribute{
			"auto_create_groups": requiredBool("Create the groups a user's identity provider sends at sign-in (Qlik's `autoCreateGroups`; " +
				"the deprecated `syncIdpGroups` is set to the same value). Without it, only groups that exist already " +
				"are joined, which `qlik_role_mapping` relies on for groups it does not create."),
			"everyone_roles": schema.SetAttribute{
				MarkdownDescription: "Tenant roles of the Everyone group, by name (case-sensitive; custom roles included). " +
					"Every user holds them, so keep them small (for example `[\"EmbeddedAnalyticsUser\"]` for an " +
					"embedding tenant). Omit it to leave the Everyone group's roles as they are; an empty set removes them all. " +
					"Unknown names fail at plan.",
				ElementType:   types.StringType,
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.Set{setplanmodifier.UseStateForUnknown()},
				Validators:    []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
		},
		read: func(ctx context.Context, c *qlik.Client, m *groupSettingsModel) error {
			s, err := c.GetGroupSettings(ctx)
			if err == nil {
				m.AutoCreateGroups, m.EveryoneRoles = types.BoolValue(s.AutoCreateGroups), stringSetValue(s.EveryoneRoles())
			}
			return err
		},
		write: func(ctx context.Context, c *qlik.Client, m *groupSettingsModel) error {
			var everyone []string
			if !m.EveryoneRoles.IsNull() && !m.EveryoneRoles.IsUnknown() {
				var d diag.Diagnostics
				everyone = setStrings(ctx, m.EveryoneRoles, &d)
				if d.HasError() {
					return fmt.Errorf("everyone_roles: %s", d.Errors()[0].Detail())
				}
			}
			return c.SetGroupSettings(ctx, m.AutoCreateGroups.ValueBool(), everyone)
		},
	})
}

// checkEveryoneRoles checks the configured Everyone roles against the tenant's catalogue at plan.
func checkEveryoneRoles(ctx context.Context, client *qlik.Client, req resource.ModifyPlanRequest, m *groupSettingsModel, diags *diag.Diagnostics) {
	var prior types.Set
	if !req.State.Raw.IsNull() {
		diags.Append(req.State.GetAttribute(ctx, path.Root("everyone_roles"), &prior)...)
	}
	if !diags.HasError() {
		checkRolesAtPlan(ctx, client, m.TenantHostname, m.EveryoneRoles, prior, path.Root("everyone_roles"), diags)
	}
}

// qlik_api_key_settings: GET/PATCH /api/v1/api-keys/configs/{tenantId} (api-keys.json).

type apiKeySettingsModel struct {
	tenantSettingBase
	MaxKeysPerUser  types.Int64  `tfsdk:"max_keys_per_user"`
	MaxAPIKeyExpiry types.String `tfsdk:"max_api_key_expiry"`
}

// NewAPIKeySettingsResource is the qlik_api_key_settings constructor.
func NewAPIKeySettingsResource() resource.Resource {
	return newTenantSetting(tenantSetting[apiKeySettingsModel, *apiKeySettingsModel]{
		typeName:    "api_key_settings",
		what:        "API key settings",
		description: "API key policy of a tenant: how many API keys each user may hold and how long a new key may live.",
		left:        "the API key policy stays as it is",
		attributes: map[string]schema.Attribute{
			"max_keys_per_user": requiredInt64("Most active API keys one user may have, from 0 to 1000 (Qlik's default is 5).",
				int64validator.Between(0, 1000)),
			"max_api_key_expiry": requiredString("Longest lifetime of a new API key, as an ISO 8601 duration such as `P90D` or `PT24H` "+
				"(Qlik's default is `PT24H`). Keys that exist keep their expiry.",
				validators.ISODuration()),
		},
		read: func(ctx context.Context, c *qlik.Client, m *apiKeySettingsModel) error {
			id, err := c.CurrentTenantID(ctx)
			if err != nil {
				return err
			}
			s, err := c.GetAPIKeysConfig(ctx, id)
			if err == nil {
				m.MaxKeysPerUser, m.MaxAPIKeyExpiry = types.Int64Value(int64(s.MaxKeysPerUser)), types.StringValue(s.MaxAPIKeyExpiry)
			}
			return err
		},
		write: func(ctx context.Context, c *qlik.Client, m *apiKeySettingsModel) error {
			id, err := c.CurrentTenantID(ctx)
			if err != nil {
				return err
			}
			return c.SetAPIKeysConfig(ctx, id, qlik.APIKeysConfig{MaxKeysPerUser: int(m.MaxKeysPerUser.ValueInt64()), MaxAPIKeyExpiry: m.MaxAPIKeyExpiry.ValueString()})
		},
	})
}

// qlik_auth_settings: GET/PATCH /api/core/auth-settings (core-auth-settings.json).

type authSettingsModel struct {
	tenantSettingBase
	SessionInactivityTimeout types.Int64 `tfsdk:"session_inactivity_timeout_minutes"`
	MaxSessionLifespan       types.Int64 `tfsdk:"max_session_lifespan_minutes"`
}

// NewAuthSettingsResource is the qlik_auth_settings constructor.
func NewAuthSettingsResource() resource.Resource {
	return newTenantSetting(tenantSetting[authSettingsModel, *authSettingsModel]{
		typeName: "auth_settings",
		what:     "authentication settings",
		description: "Session policy of a tenant: how long an idle user session lasts and how long any session may " +
			"last at most. The provider's credentials need the TenantAdmin role.",
		left: "the session timeouts stay as they are",
		attributes: map[string]schema.Attribute{
			"session_inactivity_timeout_minutes": requiredInt64("Minutes after which an idle user session ends; at least 1 and at most `max_session_lifespan_minutes`.",
				int64validator.AtLeast(1)),
			"max_session_lifespan_minutes": requiredInt64("Minutes after which any user session ends, active or not: a whole number of hours "+
				"(a multiple of 60), as Qlik requires.",
				int64validator.AtLeast(60),
				validators.Int64MultipleOf(60)),
		},
		validate: func(_ context.Context, _ *qlik.Client, _ resource.ModifyPlanRequest, m *authSettingsModel, diags *diag.Diagnostics) {
			idle, life := m.SessionInactivityTimeout, m.MaxSessionLifespan
			if idle.IsUnknown() || life.IsUnknown() || idle.IsNull() || life.IsNull() {
				return
			}
			if idle.ValueInt64() > life.ValueInt64() {
				diags.AddAttributeError(path.Root("session_inactivity_timeout_minutes"), "Inactivity timeout longer than the session",
					fmt.Sprintf("An idle timeout of %d minutes can never apply: every session ends after %d minutes (max_session_lifespan_minutes).", idle.ValueInt64(), life.ValueInt64()))
			}
		},
		read: func(ctx context.Context, c *qlik.Client, m *authSettingsModel) error {
			s, err := c.GetAuthSettings(ctx)
			if err == nil {
				m.SessionInactivityTimeout, m.MaxSessionLifespan = types.Int64Value(s.UserSessionInactivityTimeoutMinutes), types.Int64Value(s.MaxUserSessionLifespanMinutes)
			}
			return err
		},
		write: func(ctx context.Context, c *qlik.Client, m *authSettingsModel) error {
			_, err := c.SetAuthSettings(ctx, m.SessionInactivityTimeout.ValueInt64(), m.MaxSessionLifespan.ValueInt64())
			return err
		},
	})
}
