package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider/validators"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*oauthClientResource)(nil)

// NewOAuthClientResource is the qlik_oauth_client constructor.
func NewOAuthClientResource() resource.Resource {
	return &oauthClientResource{newObjectResource[oauthClientResourceModel]("oauth_client", "OAuth client", "client_id", (*qlik.Client).DeleteOAuthClient)}
}

type oauthClientResource struct {
	objectResource[oauthClientResourceModel]
}

type oauthClientResourceModel struct {
	tenantObject
	ClientID            types.String `tfsdk:"client_id"`
	AppType             types.String `tfsdk:"app_type"`
	Name                types.String `tfsdk:"name"`
	Description         types.String `tfsdk:"description"`
	AllowedGrantTypes   types.Set    `tfsdk:"allowed_grant_types"`
	AllowedScopes       types.Set    `tfsdk:"allowed_scopes"`
	RedirectURIs        types.Set    `tfsdk:"redirect_uris"`
	AllowedOrigins      types.Set    `tfsdk:"allowed_origins"`
	AllowedAuthMethods  types.Set    `tfsdk:"allowed_auth_methods"`
	PublicKeys          types.List   `tfsdk:"public_keys"`
	ConsentMethod       types.String `tfsdk:"consent_method"`
	Published           types.Bool   `tfsdk:"published"`
	PublishedAt         types.String `tfsdk:"published_at"`
	ClientSecret        types.String `tfsdk:"client_secret"`
	ClientSecretHint    types.String `tfsdk:"client_secret_hint"`
	ClientSecretVersion types.Int64  `tfsdk:"client_secret_version"`
	OwnerID             types.String `tfsdk:"owner_id"`
	TenantID            types.String `tfsdk:"tenant_id"`
	CreatedAt           types.String `tfsdk:"created_at"`
	UpdatedAt           types.String `tfsdk:"updated_at"`
}

// oauthPublicKey is one element of public_keys.
type oauthPublicKey struct {
	Kid types.String `tfsdk:"kid"`
	Alg types.String `tfsdk:"alg"`
	PEM types.String `tfsdk:"pem"`
}

var oauthPublicKeyType = types.ObjectType{AttrTypes: map[string]attr.Type{"kid": types.StringType, "alg": types.StringType, "pem": types.StringType}}

var (
	oauthAppTypes    = []string{"web", "native", "spa", "anonymous-embed"}
	oauthGrantTypes  = []string{qlik.OAuthGrantClientCreds, qlik.OAuthGrantImpersonation}
	oauthAuthMethods = []string{qlik.OAuthAuthClientSecret, qlik.OAuthAuthPrivateKeyJWT}
)

// OAuthClientSecretDesign is the part of the description that says how the secret reaches the user; the docs and
// DESIGN.md repeat it.
const oauthClientSecretDoc = "**The client secret.** Qlik shows a client secret once, in the answer that creates it, and " +
	"afterwards only its last characters (`client_secret_hint`). The resource keeps that answer's secret in " +
	"`client_secret`, a sensitive attribute stored in the Terraform state, so that the configuration can hand it to " +
	"the application that needs it (a secret store, the portal's environment) in the same apply and every later " +
	"one; the state must therefore be stored encrypted and access-controlled, like any state holding credentials. " +
	"To rotate, change `client_secret_version`: the update creates a new secret, stores it, and then deletes the " +
	"old one, so the client holds at most two of Qlik's five secrets at a time. An imported client has no " +
	"`client_secret` in state (Qlik cannot show it again); set or change `client_secret_version` to get one (the " +
	"secrets it already has are left alone: an application may be using them). To keep " +
	"every secret out of the state, use `allowed_auth_methods = [\"private_key_jwt\"]` with `public_keys`: the " +
	"application signs its token requests with its private key, which never leaves it."

func (r *oauthClientResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	secretWatch := []string{"client_secret_version", "allowed_auth_methods"}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An OAuth client of a Qlik Cloud tenant: the credentials of an application that calls " +
			"Qlik's APIs (client credentials), logs its users in to Qlik without a login page (user impersonation, " +
			"for qlik-embed), or signs users in through Qlik's consent flow (SPA, native apps).\n\n" +
			oauthClientSecretDoc + "\n\n" +
			"Qlik's limits are checked at plan: at most 5 redirect URIs and 5 origins of at most 256 characters, " +
			"grant types and auth methods only for `web` clients, origins only for `spa` clients, `public_keys` for " +
			"`private_key_jwt`. Destroying the client deletes it (with the `qlik-confirm-delete` header Qlik requires); " +
			"applications using it stop working.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("The client id."),
			"tenant_hostname": tenantHostnameAttribute(),
			"client_id":       computedKept("The client id, which the application sends as `client_id`."),
			"app_type": requiredReplace("Application type: `web` (a confidential backend: client credentials and "+
				"user impersonation), `spa`, `native` or `anonymous-embed`. Qlik cannot change it: a change replaces "+
				"the client.", stringvalidator.OneOf(oauthAppTypes...)),
			"name": requiredString("Client name, shown in the management console and on consent pages. At most 512 characters. Updates in place.",
				stringvalidator.LengthBetween(1, qlik.OAuthClientNameMaxLength)),
			"description": emptyByDefault("Description, at most 4096 characters. Defaults to an empty string. Updates in place.",
				stringvalidator.LengthAtMost(qlik.OAuthClientDescMaxLength)),
			"allowed_grant_types": emptySetByDefault("Grant types of a `web` client: `client_credentials` (the application acts as "+
				"itself) and `urn:qlik:oauth:user-impersonation` (the application gets tokens for existing users "+
				"of the tenant, the way qlik-embed logs users in without a login page). Defaults to none. Updates in place.",
				setvalidator.ValueStringsAre(stringvalidator.OneOf(oauthGrantTypes...)),
			),
			"allowed_scopes": emptySetByDefault("Scopes the client may ask for, such as `user_default` or `admin_classic` "+
				"(https://qlik.dev/authenticate/oauth/scopes/). Tokens carry these scopes, or the subset a token "+
				"request asks for. Defaults to none. Updates in place.",
				setvalidator.ValueStringsAre(validators.OAuthScope()),
			),
			"redirect_uris": emptySetByDefault("Redirect URIs for the login flow, at most 5, each an absolute http(s) URL of at "+
				"most 256 characters. Defaults to none. Updates in place.",
				setvalidator.SizeAtMost(qlik.OAuthClientURIsMax),
				setvalidator.ValueStringsAre(validators.RedirectURI()),
			),
			"allowed_origins": emptySetByDefault("Web origins allowed to use an `spa` client, at most 5, each `https://host[:port]` "+
				"written as Qlik stores it (lower case, no default port, no trailing slash). Defaults to none. Updates in place.",
				setvalidator.SizeAtMost(qlik.OAuthClientURIsMax),
				setvalidator.ValueStringsAre(validators.Origin(), stringvalidator.LengthAtMost(qlik.OAuthClientURIMaxLength)),
			),
			"allowed_auth_methods": schema.SetAttribute{
				MarkdownDescription: "How a `web` client authenticates: `client_secret`, `private_key_jwt` (a JWT " +
					"signed with a private key whose public key is in `public_keys`: no secret exists), or both. Qlik's " +
					"default for a web client is `client_secret`; other app types are public clients and have none. " +
					"Updates in place; adding `client_secret` makes Qlik create a secret, which `client_secret` then holds.",
				ElementType:   types.StringType,
				Optional:      true,
				Computed:      true,
				PlanModifiers: []planmodifier.Set{keptUnlessChanged("app_type")},
				Validators:    []validator.Set{setvalidator.ValueStringsAre(stringvalidator.OneOf(oauthAuthMethods...))},
			},
			"public_keys": schema.ListNestedAttribute{
				MarkdownDescription: "Public keys that verify the client's `private_key_jwt` assertions. Updates in place.",
				Optional:            true,
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"kid": requiredString("Key id: the `kid` header of the assertions this key verifies.",
						stringvalidator.LengthAtLeast(1)),
					"alg": requiredString("Signing algorithm: `RS256` or `RS512` for an RSA key (2048 bits or more), `ES384` for a P-384 EC key.",
						stringvalidator.OneOf("RS256", "RS512", "ES384")),
					"pem": requiredString("The PEM-encoded public key (`-----BEGIN PUBLIC KEY-----`), for example `file(\"portal_public_key.pem\")`. Qlik stores it as a JWK.",
						validators.PublicKeyPEM()),
				}},
			},
			"consent_method": stringWithDefault("`required` (users confirm the scopes on a consent page) or `trusted` (no consent "+
				"page). Defaults to `required`, Qlik's default. Updates in place.",
				qlik.OAuthConsentRequired, stringvalidator.OneOf(qlik.OAuthConsentRequired, qlik.OAuthConsentTrusted)),
			"published": schema.BoolAttribute{
				MarkdownDescription: "Publish the client to the region: every tenant of the region then accepts it, " +
					"with the same client id. Defaults to `false`. `false` to `true` publishes in place; Qlik has no " +
					"unpublish, so `true` to `false` replaces the client.",
				Optional:      true,
				Computed:      true,
				Default:       booldefault.StaticBool(false),
				PlanModifiers: []planmodifier.Bool{unpublishReplaces{}},
			},
			"published_at": computedWatching("When the client was published (RFC 3339); empty while it is not.", "published"),
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "The client secret Qlik returned when it created the current secret (sensitive). " +
					"Null for clients without `client_secret` among `allowed_auth_methods`, and for an imported client " +
					"until `client_secret_version` is set.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{keptUnlessChanged(secretWatch...)},
			},
			"client_secret_hint": computedWatching("The last characters of the current secret, as Qlik lists it.", secretWatch...),
			"client_secret_version": optionalInt64("Change it to rotate the secret: the update makes a new secret, stores it in " +
				"`client_secret`, then deletes the previous one."),
			"owner_id":   computedKept("User id of the client's owner: the user behind the provider's credentials."),
			"tenant_id":  computedKept("Id of the tenant that holds the client."),
			"created_at": createdAtAttribute(),
			"updated_at": updatedAtAttribute("name", "description", "allowed_grant_types", "allowed_scopes", "redirect_uris",
				"allowed_origins", "allowed_auth_methods", "public_keys", "consent_method", "published"),
		},
	}
}

// unpublishReplaces replaces a published client whose plan says published = false: Qlik has no unpublish.
type unpublishReplaces struct{}

func (unpublishReplaces) Description(context.Context) string {
	return "a published client cannot be unpublished; false replaces it"
}

func (m unpublishReplaces) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (unpublishReplaces) PlanModifyBool(_ context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	if req.StateValue.ValueBool() && !req.PlanValue.ValueBool() {
		resp.RequiresReplace = true
	}
}

// ModifyPlan checks the tenant host and Qlik's rules that tie attributes together, so that a client Qlik would
// refuse fails at plan with the attribute to change and nothing is sent.
func (r *oauthClientResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.resourceBase.ModifyPlan(ctx, req, resp); resp.Diagnostics.HasError() || req.Plan.Raw.IsNull() {
		return
	}
	// The rules apply to what the configuration says: computed values kept from state (the auth methods Qlik
	// chose for a web client) do not belong to a new app type.
	var plan oauthClientResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.AppType.IsUnknown() {
		return
	}
	appType := plan.AppType.ValueString()
	known := func(s types.Set) bool { return !s.IsUnknown() && !s.IsNull() && len(s.Elements()) > 0 }
	if appType != qlik.OAuthAppTypeWeb && known(plan.AllowedGrantTypes) {
		resp.Diagnostics.AddAttributeError(path.Root("allowed_grant_types"), "Grant types need a web client",
			fmt.Sprintf("Qlik allows grant types (client credentials, user impersonation) only for app_type \"web\", not %q. Remove allowed_grant_types or change app_type.", appType))
	}
	if appType != "spa" && known(plan.AllowedOrigins) {
		resp.Diagnostics.AddAttributeError(path.Root("allowed_origins"), "Origins need an SPA client",
			fmt.Sprintf("Qlik allows allowed_origins only for app_type \"spa\", not %q.", appType))
	}
	methods := setStrings(ctx, plan.AllowedAuthMethods, &resp.Diagnostics)
	if appType != qlik.OAuthAppTypeWeb && known(plan.AllowedAuthMethods) {
		resp.Diagnostics.AddAttributeError(path.Root("allowed_auth_methods"), "Auth methods need a web client",
			fmt.Sprintf("Only confidential clients (app_type \"web\") authenticate; %q clients are public. Remove allowed_auth_methods.", appType))
	}
	if !plan.AllowedAuthMethods.IsUnknown() && !plan.AllowedAuthMethods.IsNull() && appType == qlik.OAuthAppTypeWeb && len(methods) == 0 {
		resp.Diagnostics.AddAttributeError(path.Root("allowed_auth_methods"), "A web client needs an auth method",
			"Give client_secret, private_key_jwt or both.")
	}
	if slices.Contains(methods, qlik.OAuthAuthPrivateKeyJWT) && plan.PublicKeys.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("public_keys"), "private_key_jwt needs public keys",
			"Qlik verifies private_key_jwt assertions with the client's public keys: add at least one to public_keys.")
	}
	if !plan.PublicKeys.IsUnknown() && !plan.PublicKeys.IsNull() {
		keys := r.keysOf(ctx, plan.PublicKeys, &resp.Diagnostics)
		seen := map[string]bool{}
		for i, k := range keys {
			if k.Kid.IsUnknown() || k.PEM.IsUnknown() || k.Alg.IsUnknown() {
				continue
			}
			if _, err := validators.JWKFromPEM(k.PEM.ValueString(), k.Kid.ValueString(), k.Alg.ValueString()); err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("public_keys").AtListIndex(i).AtName("pem"), "Key not usable for private_key_jwt", err.Error()+".")
			}
			if seen[k.Kid.ValueString()] {
				resp.Diagnostics.AddAttributeError(path.Root("public_keys").AtListIndex(i).AtName("kid"), "Duplicate key id", "Each key needs its own kid.")
			}
			seen[k.Kid.ValueString()] = true
		}
	}
}

func (r *oauthClientResource) keysOf(ctx context.Context, l types.List, diags *diag.Diagnostics) []oauthPublicKey {
	var keys []oauthPublicKey
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	diags.Append(l.ElementsAs(ctx, &keys, false)...)
	return keys
}

// jwks converts public_keys to Qlik's JWKs.
func (r *oauthClientResource) jwks(ctx context.Context, l types.List, diags *diag.Diagnostics) []qlik.JWK {
	out := []qlik.JWK{}
	for i, k := range r.keysOf(ctx, l, diags) {
		j, err := validators.JWKFromPEM(k.PEM.ValueString(), k.Kid.ValueString(), k.Alg.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("public_keys").AtListIndex(i).AtName("pem"), "Key not usable for private_key_jwt", err.Error()+".")
			continue
		}
		out = append(out, qlik.JWK(j))
	}
	return out
}

func (r *oauthClientResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, c, ok := createIn[oauthClientResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	s := qlik.OAuthClientSettings{
		AppType: plan.AppType.ValueString(), ClientName: plan.Name.ValueString(), Description: plan.Description.ValueString(),
		AllowedGrantTypes: setStrings(ctx, plan.AllowedGrantTypes, &resp.Diagnostics),
		AllowedScopes:     setStrings(ctx, plan.AllowedScopes, &resp.Diagnostics),
		RedirectURIs:      setStrings(ctx, plan.RedirectURIs, &resp.Diagnostics),
		AllowedOrigins:    setStrings(ctx, plan.AllowedOrigins, &resp.Diagnostics),
		PublicKeys:        r.jwks(ctx, plan.PublicKeys, &resp.Diagnostics),
		ConsentMethod:     plan.ConsentMethod.ValueString(),
	}
	if !plan.AllowedAuthMethods.IsUnknown() {
		s.AllowedAuthMethods = setStrings(ctx, plan.AllowedAuthMethods, &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	o, err := c.CreateOAuthClient(ctx, s)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to create OAuth client", err, "")
		return
	}
	plan.ClientSecret = types.StringNull()
	if o.ClientSecret != "" {
		plan.ClientSecret = types.StringValue(o.ClientSecret)
	}
	// The client exists from here on: save it before the follow-up calls, so a failure there leaves it in state.
	plan.fromAPI(ctx, o, &resp.Diagnostics)
	saveCreated(ctx, resp, &plan)
	followUp := false
	if plan.ConsentMethod.ValueString() == qlik.OAuthConsentRequired && o.ConnectionConfig.ConsentMethod != qlik.OAuthConsentRequired {
		if err := c.SetOAuthClientConsent(ctx, o.ClientID, qlik.OAuthConsentRequired); err != nil {
			addAPIError(&resp.Diagnostics, "Unable to set the OAuth client's consent method", err, "")
			return
		}
		followUp = true
	}
	if plan.Published.ValueBool() {
		if _, err := c.PublishOAuthClient(ctx, o.ClientID); err != nil {
			addAPIError(&resp.Diagnostics, "Unable to publish OAuth client", err, "")
			return
		}
		followUp = true
	}
	if followUp {
		r.refresh(ctx, c, &plan, &resp.Diagnostics)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// refresh reads the client back after follow-up calls (consent, publish) changed it.
func (r *oauthClientResource) refresh(ctx context.Context, c *qlik.Client, m *oauthClientResourceModel, diags *diag.Diagnostics) {
	o, err := c.GetOAuthClient(ctx, m.ID.ValueString())
	if err != nil {
		addAPIError(diags, "Unable to read OAuth client", err, "")
		return
	}
	m.fromAPI(ctx, o, diags)
}

func (r *oauthClientResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readObject(ctx, r.client, req, resp, "OAuth client", (*qlik.Client).GetOAuthClient, func(m *oauthClientResourceModel, o *qlik.OAuthClient) {
		hint := m.ClientSecretHint.ValueString()
		m.fromAPI(ctx, o, &resp.Diagnostics)
		if hint != "" && !m.ClientSecret.IsNull() && !slices.ContainsFunc(o.ClientSecrets, func(h qlik.OAuthSecretHint) bool { return h.Hint == hint }) {
			resp.Diagnostics.AddWarning("OAuth client secret deleted outside Terraform",
				fmt.Sprintf("The secret of OAuth client %s whose hint is %s was deleted in Qlik, so client_secret in state no longer works. "+
					"Change client_secret_version to make a new one.", o.ClientID, hint))
			m.ClientSecret = types.StringNull()
		}
	})
}

func (r *oauthClientResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, state, c, ok := updateIn[oauthClientResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	id := state.ID.ValueString()
	u := qlik.OAuthClientUpdate{
		ClientName:  ifChanged(plan.Name, state.Name),
		Description: ifChanged(plan.Description, state.Description),
	}
	sets := []struct {
		plan, state types.Set
		dst         **[]string
	}{
		{plan.AllowedGrantTypes, state.AllowedGrantTypes, &u.AllowedGrantTypes},
		{plan.AllowedScopes, state.AllowedScopes, &u.AllowedScopes},
		{plan.RedirectURIs, state.RedirectURIs, &u.RedirectURIs},
		{plan.AllowedOrigins, state.AllowedOrigins, &u.AllowedOrigins},
		{plan.AllowedAuthMethods, state.AllowedAuthMethods, &u.AllowedAuthMethods},
	}
	for _, s := range sets {
		if !s.plan.IsUnknown() && !s.plan.Equal(s.state) {
			v := setStrings(ctx, s.plan, &resp.Diagnostics)
			*s.dst = &v
		}
	}
	if !plan.PublicKeys.Equal(state.PublicKeys) {
		keys := r.jwks(ctx, plan.PublicKeys, &resp.Diagnostics)
		u.PublicKeys = &keys
	}
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ClientSecret, plan.ClientSecretHint = state.ClientSecret, state.ClientSecretHint
	newSecret, err := c.UpdateOAuthClient(ctx, id, u)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to update OAuth client", err, "")
		return
	}
	if newSecret != "" {
		plan.ClientSecret = types.StringValue(newSecret)
	}
	if !plan.ConsentMethod.Equal(state.ConsentMethod) {
		if err := c.SetOAuthClientConsent(ctx, id, plan.ConsentMethod.ValueString()); err != nil {
			addAPIError(&resp.Diagnostics, "Unable to set the OAuth client's consent method", err, "")
			return
		}
	}
	if plan.Published.ValueBool() && !state.Published.ValueBool() {
		if _, err := c.PublishOAuthClient(ctx, id); err != nil {
			addAPIError(&resp.Diagnostics, "Unable to publish OAuth client", err, "")
			return
		}
	}
	o, err := c.GetOAuthClient(ctx, id)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read OAuth client", err, "")
		return
	}
	usesSecret := slices.Contains(o.AllowedAuthMethods, qlik.OAuthAuthClientSecret)
	if usesSecret && newSecret == "" && !plan.ClientSecretVersion.Equal(state.ClientSecretVersion) {
		r.rotate(ctx, c, o, &plan, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
			return
		}
		if o, err = c.GetOAuthClient(ctx, id); err != nil {
			addAPIError(&resp.Diagnostics, "Unable to read OAuth client", err, "")
			return
		}
	}
	if !usesSecret {
		plan.ClientSecret = types.StringNull()
	}
	plan.fromAPI(ctx, o, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// rotate makes a new secret, stores it in the model, and deletes the secret the state held before (the only one
// this resource owns): at most two of Qlik's five exist at a time. When the state held no secret (an imported
// client, or one whose secret was deleted in Qlik), no other secret is touched: an application may be using it.
func (r *oauthClientResource) rotate(ctx context.Context, c *qlik.Client, o *qlik.OAuthClient, m *oauthClientResourceModel, diags *diag.Diagnostics) {
	old := ""
	if !m.ClientSecret.IsNull() {
		old = m.ClientSecretHint.ValueString()
	}
	sec, err := c.CreateOAuthClientSecret(ctx, o.ClientID)
	if err != nil {
		hint := ""
		if errors.Is(err, qlik.ErrConflict) {
			hints := make([]string, 0, len(o.ClientSecrets))
			for _, h := range o.ClientSecrets {
				hints = append(hints, h.Hint)
			}
			hint = fmt.Sprintf("The client has Qlik's maximum of %d secrets (hints %v). Delete the ones no application uses in the management console, then apply again.", qlik.OAuthClientSecretsMax, hints)
		}
		addAttributeAPIError(diags, path.Root("client_secret_version"), "Unable to rotate the OAuth client secret", err, hint)
		return
	}
	m.ClientSecret, m.ClientSecretHint = types.StringValue(sec.ClientSecret), types.StringValue(sec.Hint)
	if old == "" || old == sec.Hint {
		return
	}
	if err := c.DeleteOAuthClientSecret(ctx, o.ClientID, old); err != nil && !errors.Is(err, qlik.ErrNotFound) {
		diags.AddWarning("Previous OAuth client secret not deleted", fmt.Sprintf(
			"The new secret (hint %s) is in client_secret; deleting the previous one (hint %s) failed: %s. Delete it in the management console.",
			sec.Hint, old, apiErrorDetail(err, "")))
	}
}

// fromAPI copies the client into the model. client_secret is never read (Qlik does not show it); the hint is
// the state's secret's hint while Qlik still lists it, else the newest. A public key keeps the model's PEM text
// while it holds the key Qlik has.
func (m *oauthClientResourceModel) fromAPI(ctx context.Context, o *qlik.OAuthClient, diags *diag.Diagnostics) {
	m.ID = types.StringValue(o.ClientID)
	m.ClientID = types.StringValue(o.ClientID)
	m.AppType = types.StringValue(o.AppType)
	m.Name = types.StringValue(o.ClientName)
	m.Description = types.StringValue(o.Description)
	set := func(v []string) types.Set {
		s := slices.Clone(v)
		sort.Strings(s)
		out, d := types.SetValueFrom(ctx, types.StringType, nonNil(s))
		diags.Append(d...)
		return out
	}
	m.AllowedGrantTypes = set(o.AllowedGrantTypes)
	m.AllowedScopes = set(o.AllowedScopes)
	m.RedirectURIs = set(o.RedirectURIs)
	m.AllowedOrigins = set(o.AllowedOrigins)
	m.AllowedAuthMethods = set(o.AllowedAuthMethods)
	m.PublicKeys = publicKeysFromAPI(ctx, m.PublicKeys, o.PublicKeys, diags)
	consent := o.ConnectionConfig.ConsentMethod
	if consent == "" {
		consent = qlik.OAuthConsentRequired
	}
	m.ConsentMethod = types.StringValue(consent)
	m.Published = types.BoolValue(o.PublishedAt != "")
	m.PublishedAt = types.StringValue(o.PublishedAt)
	hint := m.ClientSecretHint.ValueString()
	if m.ClientSecretHint.IsUnknown() || !slices.ContainsFunc(o.ClientSecrets, func(h qlik.OAuthSecretHint) bool { return h.Hint == hint }) {
		hint = ""
		if n := len(o.ClientSecrets); n > 0 {
			hint = o.ClientSecrets[n-1].Hint
		}
	}
	m.ClientSecretHint = types.StringValue(hint)
	if m.ClientSecret.IsUnknown() {
		m.ClientSecret = types.StringNull()
	}
	m.OwnerID = types.StringValue(o.OwnerID)
	m.TenantID = types.StringValue(o.TenantID)
	m.CreatedAt = types.StringValue(o.CreatedAt)
	m.UpdatedAt = types.StringValue(o.UpdatedAt)
}

// nonNil is v, or an empty list for nil (a set or a JSON array must not be null).
func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

// publicKeysFromAPI maps Qlik's JWKs to public_keys, keeping a configured PEM whose key is the JWK Qlik holds.
func publicKeysFromAPI(ctx context.Context, prior types.List, keys []qlik.JWK, diags *diag.Diagnostics) types.List {
	if len(keys) == 0 && (prior.IsNull() || prior.IsUnknown()) {
		return types.ListNull(oauthPublicKeyType)
	}
	var before []oauthPublicKey
	if !prior.IsNull() && !prior.IsUnknown() {
		diags.Append(prior.ElementsAs(ctx, &before, false)...)
	}
	out := make([]oauthPublicKey, 0, len(keys))
	for _, k := range keys {
		entry := oauthPublicKey{Kid: types.StringValue(k.Kid), Alg: types.StringValue(k.Alg)}
		for _, b := range before {
			if j, err := validators.JWKFromPEM(b.PEM.ValueString(), b.Kid.ValueString(), b.Alg.ValueString()); err == nil && qlik.JWK(j) == k {
				entry.PEM = b.PEM
			}
		}
		if entry.PEM.IsNull() {
			p, err := validators.PEMFromJWK(validators.JWK(k))
			if err != nil {
				diags.AddWarning("Unreadable public key", fmt.Sprintf("Key %s of the OAuth client: %s.", k.Kid, err))
			}
			entry.PEM = types.StringValue(p)
		}
		out = append(out, entry)
	}
	l, d := types.ListValueFrom(ctx, oauthPublicKeyType, out)
	diags.Append(d...)
	return l
}
