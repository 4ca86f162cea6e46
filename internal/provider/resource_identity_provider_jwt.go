package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider/validators"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*jwtIdentityProviderResource)(nil)

// NewJWTIdentityProviderResource is the qlik_identity_provider_jwt constructor.
func NewJWTIdentityProviderResource() resource.Resource {
	return &jwtIdentityProviderResource{newObjectResource[jwtIdentityProviderResourceModel]("identity_provider_jwt", "JWT identity provider", "identity_provider_id", (*qlik.Client).DeleteIdentityProvider)}
}

type jwtIdentityProviderResource struct {
	objectResource[jwtIdentityProviderResourceModel]
}

type jwtIdentityProviderResourceModel struct {
	tenantObject
	Issuer            types.String      `tfsdk:"issuer"`
	KeyID             types.String      `tfsdk:"key_id"`
	PublicKeyPEM      publicKeyPEMValue `tfsdk:"public_key_pem"`
	Description       types.String      `tfsdk:"description"`
	ClockToleranceSec types.Int64       `tfsdk:"clock_tolerance_sec"`
	Active            types.Bool        `tfsdk:"active"`
	Created           types.String      `tfsdk:"created"`
	LastUpdated       types.String      `tfsdk:"last_updated"`
}

func (r *jwtIdentityProviderResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A JWT identity provider (protocol `jwtAuth`) of a Qlik Cloud tenant: it lets a web " +
			"application log its users in to Qlik by signing a JSON Web Token with its private key, which Qlik " +
			"verifies with the public key held here. This is how embedded analytics authenticate.\n\n" +
			"Qlik keeps exactly one static key per JWT identity provider and lets only the description change, so " +
			"a new issuer, key id, public key or clock tolerance replaces the identity provider. To rotate a key " +
			"without an outage, add a second `qlik_identity_provider_jwt` with the new key id, move the token " +
			"issuer to it, then remove the old one.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Identity provider id."),
			"tenant_hostname": tenantHostnameAttribute(),
			"issuer": requiredReplace("The JWT issuer: tokens must carry it as their `iss` claim. Changing it "+
				"replaces the identity provider.", stringvalidator.LengthAtLeast(1)),
			"key_id": requiredReplace("Key id: tokens must carry it as the `kid` header. Changing it replaces the "+
				"identity provider.", stringvalidator.LengthAtLeast(1)),
			"public_key_pem": schema.StringAttribute{
				CustomType: publicKeyPEMType{},
				MarkdownDescription: "The PEM-encoded RSA or ECDSA public key that verifies the tokens " +
					"(`-----BEGIN PUBLIC KEY-----` or `-----BEGIN RSA PUBLIC KEY-----`), for example " +
					"`file(\"jwt_public_key.pem\")`. The value is checked at plan time. A reformatted copy of the " +
					"same key (other line breaks, surrounding whitespace, PKCS #1 instead of PKIX) is not a change; " +
					"a different key replaces the identity provider. The key is public, so it is not sensitive.",
				Required:      true,
				PlanModifiers: []planmodifier.String{keepStateForSameKey{}, stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{validators.PublicKeyPEM()},
			},
			"description": emptyByDefault("Description, at most 128 characters. Defaults to an empty string. The only "+
				"attribute that updates in place.", stringvalidator.LengthAtMost(128)),
			"clock_tolerance_sec": replacingInt64(int64WithDefault("Allowed clock skew, in seconds, between the token issuer and Qlik when "+
				"checking `iat`, `nbf` and `exp`: 0 to 7200, default 5. Changing it replaces the identity provider.",
				5, int64validator.Between(0, 7200))),
			"active":       computedKeptBool("Whether Qlik accepts tokens from this identity provider."),
			"created":      createdAtAttribute(),
			"last_updated": updatedAtAttribute("description"),
		},
	}
}

func (r *jwtIdentityProviderResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createObject(ctx, r.client, req, resp, "JWT identity provider", conflictOn("key_id", identityProviderKeyTaken),
		func(c *qlik.Client, plan jwtIdentityProviderResourceModel) (*qlik.IdentityProvider, error) {
			// Qlik gets the key in one canonical layout, whatever the configuration's line breaks.
			pemText, err := validators.CanonicalPublicKeyPEM(plan.PublicKeyPEM.ValueString())
			if err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("public_key_pem"), "Invalid public key", err.Error())
				return nil, nil
			}
			tolerance := int(plan.ClockToleranceSec.ValueInt64())
			return c.CreateJWTIdentityProvider(ctx, qlik.JWTIdentityProviderCreateRequest{
				Issuer:            plan.Issuer.ValueString(),
				KeyID:             plan.KeyID.ValueString(),
				PublicKey:         pemText,
				Description:       plan.Description.ValueString(),
				ClockToleranceSec: &tolerance,
			})
		}, jwtIdentityProviderMapping(&resp.Diagnostics))
}

func (r *jwtIdentityProviderResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readObject(ctx, r.client, req, resp, "JWT identity provider", (*qlik.Client).GetIdentityProvider, jwtIdentityProviderMapping(&resp.Diagnostics))
}

// Update changes the description: every other attribute requires replacement.
func (r *jwtIdentityProviderResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateObject(ctx, r.client, req, resp, "JWT identity provider", conflictOn("key_id", identityProviderKeyTaken),
		func(c *qlik.Client, plan, state jwtIdentityProviderResourceModel) (*qlik.IdentityProvider, error) {
			return c.UpdateIdentityProviderDescription(ctx, state.ID.ValueString(), plan.Description.ValueString())
		}, jwtIdentityProviderMapping(&resp.Diagnostics))
}

// identityProviderKeyTaken is the next step after a 409 (an identity provider with this issuer and key id
// exists), reported against key_id.
const identityProviderKeyTaken = "An identity provider with this issuer and key id exists already: choose another key id, or import the existing one with terraform import."

// jwtIdentityProviderMapping is the model mapping of a JWT identity provider; another protocol is an error in
// diags. The public key keeps the model's text when it holds the same key, so Qlik's layout of the PEM never
// shows as a change.
func jwtIdentityProviderMapping(diags *diag.Diagnostics) func(*jwtIdentityProviderResourceModel, *qlik.IdentityProvider) {
	return func(m *jwtIdentityProviderResourceModel, idp *qlik.IdentityProvider) {
		if idp.Protocol != qlik.IdentityProviderProtocolJWT {
			diags.AddError("Not a JWT identity provider",
				fmt.Sprintf("Identity provider %s uses the %s protocol; qlik_identity_provider_jwt manages jwtAuth identity providers only.", idp.ID, idp.Protocol))
			return
		}
		m.ID = types.StringValue(idp.ID)
		m.Issuer = types.StringValue(idp.Options.Issuer)
		m.KeyID = types.StringValue(idp.KeyID())
		remote := newPublicKeyPEMValue(idp.PublicKey())
		if same, _ := m.PublicKeyPEM.StringSemanticEquals(context.Background(), remote); !same || m.PublicKeyPEM.IsNull() || m.PublicKeyPEM.IsUnknown() {
			m.PublicKeyPEM = remote
		}
		m.Description = types.StringValue(idp.Description)
		m.ClockToleranceSec = types.Int64Value(int64(idp.ClockToleranceSec))
		m.Active = types.BoolValue(idp.Active)
		m.Created = types.StringValue(idp.Created)
		m.LastUpdated = types.StringValue(idp.LastUpdated)
	}
}
