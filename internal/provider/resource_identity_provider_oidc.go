package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider/validators"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*oidcIdentityProviderResource)(nil)

// NewOIDCIdentityProviderResource is the qlik_identity_provider_oidc constructor.
func NewOIDCIdentityProviderResource() resource.Resource {
	return &oidcIdentityProviderResource{importedByID("identity_provider_oidc", "identity_provider_id")}
}

type oidcIdentityProviderResource struct{ idResource }

type oidcIdentityProviderResourceModel struct {
	tenantObject
	ProviderType          types.String `tfsdk:"provider_type"`
	Interactive           types.Bool   `tfsdk:"interactive"`
	Description           types.String `tfsdk:"description"`
	DiscoveryURL          types.String `tfsdk:"discovery_url"`
	ClientID              types.String `tfsdk:"client_id"`
	ClientSecretWO        types.String `tfsdk:"client_secret_wo"`
	ClientSecretWOVersion types.Int64  `tfsdk:"client_secret_wo_version"`
	Realm                 types.String `tfsdk:"realm"`
	Scope                 types.String `tfsdk:"scope"`
	ClaimsMapping         types.Map    `tfsdk:"claims_mapping"`
	PostLogoutRedirectURI types.String `tfsdk:"post_logout_redirect_uri"`
	ClockToleranceSec     types.Int64  `tfsdk:"clock_tolerance_sec"`
	Active                types.Bool   `tfsdk:"active"`
	Created               types.String `tfsdk:"created"`
	LastUpdated           types.String `tfsdk:"last_updated"`
}

// oidcDestroyDoc says what destroy does; the docs and DESIGN.md repeat it.
const oidcDestroyDoc = "**Destroy.** Qlik refuses to delete the tenant's interactive identity provider (400, \"The " +
	"interactive IdP for the tenant can't be deleted\"). Destroy then deactivates it (`active = false`) and removes " +
	"it from the state with a warning: nobody can sign in through it any more, which is what removing the " +
	"configuration asks for, and the deactivated provider no longer blocks another interactive one. Qlik does not " +
	"bring the Qlik Account login back, so until another interactive identity provider is configured the tenant has " +
	"no interactive login (tenant recovery needs a Qlik Account user with TenantAdmin assigned directly). To stop " +
	"managing the identity provider and leave it in use, use a `removed` block with `destroy = false` instead. A " +
	"non-interactive one is deleted."

var (
	oidcRealmPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.\-_]+$`)
	httpsURL         = regexp.MustCompile(`^https://[^/\s]+(/\S*)?$`)
)

func (r *oidcIdentityProviderResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	connection := []path.Path{
		path.Root("discovery_url"), path.Root("client_id"), path.Root("client_secret_wo_version"),
		path.Root("realm"), path.Root("scope"), path.Root("claims_mapping"), path.Root("description"),
		path.Root("post_logout_redirect_uri"), path.Root("clock_tolerance_sec"),
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An OpenID Connect identity provider of a Qlik Cloud tenant: by default the tenant's " +
			"interactive login, through the customer's own identity provider (Okta, Auth0, Azure AD, Keycloak, ...). " +
			"Each tenant has one interactive identity provider; creating one replaces the Qlik Account login. The " +
			"provider is created with `skipVerify`, so it is in use at once without the interactive test in the " +
			"management console: check the settings against the identity provider first.\n\n" +
			"The client secret is write-only (`client_secret_wo`, Terraform 1.11 or later): it is sent on create and " +
			"when `client_secret_wo_version` changes, and is never stored in the plan, the state or the logs. Qlik " +
			"does not return it, so a change made in Qlik is not seen.\n\n" + oidcDestroyDoc,
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Identity provider id."),
			"tenant_hostname": tenantHostnameAttribute(),
			"provider_type": requiredReplace("The identity provider product: one of `"+strings.Join(qlik.OIDCProviders, "`, `")+
				"` (`generic` for any other OIDC provider). Changing it replaces the identity provider.",
				stringvalidator.OneOf(qlik.OIDCProviders...)),
			"interactive": replacingBool(boolWithDefault("Whether users sign in through it (`true`, the default: the tenant's login), "+
				"or it only lets tokens of the identity provider call Qlik's APIs (`false`). Changing it replaces the identity provider.",
				true)),
			"description": emptyByDefault("Description, at most 128 characters. Defaults to an empty string. Updates in place.",
				stringvalidator.LengthAtMost(128)),
			"discovery_url": requiredString("The identity provider's OpenID configuration endpoint, "+
				"`https://<domain>/.well-known/openid-configuration`. Updates in place.",
				stringvalidator.RegexMatches(httpsURL, "must be an https URL")),
			"client_id": optionalString("Client id of the Qlik application registered at the identity provider. Required "+
				"for an interactive identity provider. Updates in place.",
				stringvalidator.LengthAtLeast(1)),
			"client_secret_wo": versionedWriteOnly("client_secret_wo", "Client secret of that application. Write-only: sent on create, and on update "+
				"when `client_secret_wo_version` changes; never stored. Required for an interactive identity provider.",
				stringvalidator.LengthAtLeast(1)),
			"client_secret_wo_version": optionalInt64("Version of `client_secret_wo`, stored in the state. Change it (for example " +
				"increment it) to send the current `client_secret_wo`; the update happens in place."),
			"realm": emptyByDefault("Realm identifier, which distinguishes identity providers in user subjects; "+
				"letters, digits, `.`, `-` and `_`, at most 254 characters. Defaults to none. Updates in place.",
				stringvalidator.Any(stringvalidator.LengthAtMost(0), stringvalidator.All(
					stringvalidator.LengthAtMost(254), stringvalidator.RegexMatches(oidcRealmPattern, "must start with a letter or digit and hold only letters, digits, ., - and _")))),
			"scope": emptyByDefault("Scopes sent to the identity provider, space-delimited (Qlik picks a default per "+
				"provider when empty). At most 254 characters. Updates in place.", stringvalidator.LengthAtMost(254)),
			"claims_mapping": schema.MapAttribute{
				MarkdownDescription: "Where Qlik finds each user attribute in the identity provider's claims: a map " +
					"from `" + strings.Join(qlik.OIDCClaims, "`, `") + "` to lists of JSON pointers (`[\"/sub\"]`), the " +
					"first that is present wins. Updates in place.",
				ElementType: types.ListType{ElemType: types.StringType},
				Required:    true,
				Validators: []validator.Map{
					mapvalidator.SizeAtLeast(1),
					mapvalidator.KeysAre(stringvalidator.OneOf(qlik.OIDCClaims...)),
				},
			},
			"post_logout_redirect_uri": emptyByDefault("Where users land after signing out. Defaults to none. Updates in place.",
				stringvalidator.Any(stringvalidator.LengthAtMost(0), validators.RedirectURI())),
			"clock_tolerance_sec": int64WithDefault("Allowed clock skew, in seconds, between the identity provider and Qlik: 0 to "+
				"7200, default 5. Updates in place.",
				5, int64validator.Between(0, 7200)),
			"active": schema.BoolAttribute{
				MarkdownDescription: "Whether the identity provider is in use. An apply makes it active again when it " +
					"was deactivated outside Terraform.",
				Computed:      true,
				PlanModifiers: []planmodifier.Bool{activePlanned{}},
			},
			"created":      createdAtAttribute(),
			"last_updated": updatedAtAttribute(pathNames(connection)...),
		},
	}
}

// activePlanned plans active = true: a deactivated identity provider shows as drift and the update reactivates it.
type activePlanned struct{}

func (activePlanned) Description(context.Context) string { return "always planned true" }

func (m activePlanned) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (activePlanned) PlanModifyBool(_ context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if !req.Plan.Raw.IsNull() {
		resp.PlanValue = types.BoolValue(true)
	}
}

func pathNames(ps []path.Path) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}

// ModifyPlan checks the host, and that an interactive identity provider gets the client id and secret it needs.
func (r *oidcIdentityProviderResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan, ok := planIn[oidcIdentityProviderResourceModel](ctx, r.client, req, resp)
	if !ok || !plan.Interactive.ValueBool() {
		return
	}
	if plan.ClientID.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("client_id"), "Missing client id",
			"An interactive OIDC identity provider needs the client id of the Qlik application at the identity provider.")
	}
	secret := writeOnlyValue(ctx, req.Config, "client_secret_wo", &resp.Diagnostics)
	if req.State.Raw.IsNull() && secret.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("client_secret_wo"), "Missing client secret",
			"An interactive OIDC identity provider needs client_secret_wo (with client_secret_wo_version) at create.")
	}
}

func (r *oidcIdentityProviderResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	secret := writeOnlyValue(ctx, req.Config, "client_secret_wo", &resp.Diagnostics)
	plan, c, ok := createIn[oidcIdentityProviderResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	opts := plan.options(ctx, &resp.Diagnostics)
	opts.ClientSecret = secret.ValueString()
	if resp.Diagnostics.HasError() {
		return
	}
	idp, err := c.CreateOIDCIdentityProvider(ctx, qlik.OIDCIdentityProviderSettings{
		Provider: plan.ProviderType.ValueString(), Interactive: plan.Interactive.ValueBool(),
		Description: plan.Description.ValueString(), ClockToleranceSec: int(plan.ClockToleranceSec.ValueInt64()),
		PostLogoutRedirectURI: plan.PostLogoutRedirectURI.ValueString(), CreateNewUsersOnLogin: true, Options: opts,
	})
	if err != nil {
		hint := ""
		if plan.Interactive.ValueBool() && errors.Is(err, qlik.ErrBadRequest) {
			hint = "Each tenant has one interactive identity provider. If one is configured already, import it " +
				"(terraform import <address> <tenant hostname>/<id>) or deactivate it first."
		}
		addAPIError(&resp.Diagnostics, "Unable to create OIDC identity provider", err, hint)
		return
	}
	plan.fromAPI(ctx, idp, &resp.Diagnostics)
	saveCreated(ctx, resp, &plan)
}

func (r *oidcIdentityProviderResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readObject(ctx, r.client, req, resp, "OIDC identity provider", (*qlik.Client).GetIdentityProvider, oidcMapping(ctx, &resp.Diagnostics))
}

func (r *oidcIdentityProviderResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	secret := writeOnlyValue(ctx, req.Config, "client_secret_wo", &resp.Diagnostics)
	updateThenRead(ctx, r.client, req, resp, "OIDC identity provider", asAPIErrors,
		func(c *qlik.Client, plan, state oidcIdentityProviderResourceModel) error {
			u := qlik.OIDCIdentityProviderUpdate{
				Description:           ifChanged(plan.Description, state.Description),
				PostLogoutRedirectURI: ifChanged(plan.PostLogoutRedirectURI, state.PostLogoutRedirectURI),
			}
			if !plan.ClockToleranceSec.Equal(state.ClockToleranceSec) {
				v := int(plan.ClockToleranceSec.ValueInt64())
				u.ClockToleranceSec = &v
			}
			newSecret := !plan.ClientSecretWOVersion.Equal(state.ClientSecretWOVersion) && !secret.IsNull()
			if newSecret || !plan.DiscoveryURL.Equal(state.DiscoveryURL) || !plan.ClientID.Equal(state.ClientID) ||
				!plan.Realm.Equal(state.Realm) || !plan.Scope.Equal(state.Scope) || !plan.ClaimsMapping.Equal(state.ClaimsMapping) {
				opts := plan.options(ctx, &resp.Diagnostics)
				if newSecret {
					opts.ClientSecret = secret.ValueString()
				}
				u.Options = &opts
			}
			if !state.Active.ValueBool() {
				on := true
				u.Active = &on
			}
			if resp.Diagnostics.HasError() {
				return nil
			}
			return c.UpdateOIDCIdentityProvider(ctx, state.ID.ValueString(), u)
		}, (*qlik.Client).GetIdentityProvider, oidcMapping(ctx, &resp.Diagnostics))
}

// Delete deletes the identity provider, or deactivates the interactive one that Qlik refuses to delete (see
// oidcDestroyDoc).
func (r *oidcIdentityProviderResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, c, ok := deleteIn[oidcIdentityProviderResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	id := state.ID.ValueString()
	err := c.DeleteIdentityProvider(ctx, id)
	if err == nil || errors.Is(err, qlik.ErrNotFound) || !state.Interactive.ValueBool() || !errors.Is(err, qlik.ErrBadRequest) {
		reportDelete(&resp.Diagnostics, "OIDC identity provider", err)
		return
	}
	off := false
	if uerr := c.UpdateOIDCIdentityProvider(ctx, id, qlik.OIDCIdentityProviderUpdate{Active: &off}); uerr != nil && !errors.Is(uerr, qlik.ErrNotFound) {
		addAPIError(&resp.Diagnostics, "Unable to deactivate OIDC identity provider", uerr,
			"Qlik refuses to delete the tenant's interactive identity provider, so destroy deactivates it; that failed too.")
		return
	}
	resp.Diagnostics.AddWarning("Interactive identity provider deactivated, not deleted", fmt.Sprintf(
		"Qlik does not delete a tenant's interactive identity provider (%s): %s. It was deactivated instead and "+
			"removed from the state; nobody can sign in to %s through it now. Configure another interactive identity "+
			"provider for interactive logins, or reactivate this one in the management console.",
		id, apiErrorDetail(err, ""), state.TenantHostname.ValueString()))
}

// options builds the connection settings from the model; the secret is added by the caller.
func (m *oidcIdentityProviderResourceModel) options(ctx context.Context, diags *diag.Diagnostics) qlik.OIDCOptions {
	claims := map[string][]string{}
	diags.Append(m.ClaimsMapping.ElementsAs(ctx, &claims, false)...)
	return qlik.OIDCOptions{
		DiscoveryURL: m.DiscoveryURL.ValueString(), ClientID: m.ClientID.ValueString(),
		Realm: m.Realm.ValueString(), Scope: m.Scope.ValueString(), ClaimsMapping: claims,
	}
}

// oidcMapping is fromAPI as the kit's readObject and updateThenRead take it, reporting to diags.
func oidcMapping(ctx context.Context, diags *diag.Diagnostics) func(*oidcIdentityProviderResourceModel, *qlik.IdentityProvider) {
	return func(m *oidcIdentityProviderResourceModel, idp *qlik.IdentityProvider) { m.fromAPI(ctx, idp, diags) }
}

func (m *oidcIdentityProviderResourceModel) fromAPI(ctx context.Context, idp *qlik.IdentityProvider, diags *diag.Diagnostics) {
	if idp.Protocol != qlik.IdentityProviderProtocolOIDC || idp.Provider == "qlik" {
		diags.AddError("Not an OIDC identity provider", fmt.Sprintf(
			"Identity provider %s is a %s/%s identity provider; qlik_identity_provider_oidc manages the OIDC identity providers made through the API.",
			idp.ID, idp.Protocol, idp.Provider))
		return
	}
	m.ID = types.StringValue(idp.ID)
	m.ProviderType = types.StringValue(idp.Provider)
	m.Interactive = types.BoolValue(idp.Interactive)
	m.Description = types.StringValue(idp.Description)
	m.DiscoveryURL = types.StringValue(idp.Options.DiscoveryURL)
	if idp.Options.ClientID != "" || !m.ClientID.IsNull() {
		m.ClientID = types.StringValue(idp.Options.ClientID)
	}
	m.Realm = types.StringValue(idp.Options.Realm)
	m.Scope = types.StringValue(idp.Options.Scope)
	claims := map[string][]string{}
	for k, v := range idp.Options.ClaimsMapping {
		claims[k] = slices.Clone(v)
	}
	cm, d := types.MapValueFrom(ctx, types.ListType{ElemType: types.StringType}, claims)
	diags.Append(d...)
	m.ClaimsMapping = cm
	m.PostLogoutRedirectURI = types.StringValue(idp.PostLogoutRedirectURI)
	m.ClockToleranceSec = types.Int64Value(int64(idp.ClockToleranceSec))
	m.Active = types.BoolValue(idp.Active)
	m.Created = types.StringValue(idp.Created)
	m.LastUpdated = types.StringValue(idp.LastUpdated)
	m.ClientSecretWO = types.StringNull()
}
