package provider

import (
	"context"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider/validators"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var (
	_ kitResource                         = (*webhookResource)(nil)
	_ resource.ResourceWithValidateConfig = (*webhookResource)(nil)
)

// reloadFinishedEvent is the event type of an ended reload, the only one whose filter may use data.status.
const reloadFinishedEvent = "com.qlik.v1.app.reload.finished"

// NewWebhookResource is the qlik_webhook constructor.
func NewWebhookResource() resource.Resource {
	return &webhookResource{newObjectResource[webhookResourceModel]("webhook", "webhook", "webhook_id", (*qlik.Client).DeleteWebhook)}
}

type webhookResource struct {
	objectResource[webhookResourceModel]
}

type webhookResourceModel struct {
	tenantObject
	Name                      types.String `tfsdk:"name"`
	Description               types.String `tfsdk:"description"`
	URL                       types.String `tfsdk:"url"`
	EventTypes                types.Set    `tfsdk:"event_types"`
	Filter                    types.String `tfsdk:"filter"`
	Level                     types.String `tfsdk:"level"`
	Enabled                   types.Bool   `tfsdk:"enabled"`
	Headers                   types.Map    `tfsdk:"headers"`
	SecretWO                  types.String `tfsdk:"secret_wo"`
	SecretWOVersion           types.Int64  `tfsdk:"secret_wo_version"`
	EncryptedHeadersWO        types.Map    `tfsdk:"encrypted_headers_wo"`
	EncryptedHeadersWOVersion types.Int64  `tfsdk:"encrypted_headers_wo_version"`
	SecretAdded               types.Bool   `tfsdk:"secret_added"`
	CreatedAt                 types.String `tfsdk:"created_at"`
	CreatedBy                 types.String `tfsdk:"created_by"`
	UpdatedAt                 types.String `tfsdk:"updated_at"`
}

func (r *webhookResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A webhook of a Qlik Cloud tenant: Qlik POSTs the events it subscribes to (a reload " +
			"that finished, an app that was published, ...) to `url` as JSON, signed with the secret in the " +
			"`Qlik-Signature` header (the hex HMAC-SHA256 of the body), so the receiver can check that the call " +
			"comes from the tenant.\n\n" +
			"Every change except `filter`, `level` and `tenant_hostname` updates the webhook in place with a PATCH " +
			"of the changed fields only: Qlik's PUT clears the fields it is not sent, and the secret cannot be " +
			"read back to send again. The secret and the encrypted headers are write-only (Terraform 1.11 or " +
			"later): never stored in the plan or the state, and sent again when their `*_version` changes.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Webhook id."),
			"tenant_hostname": tenantHostnameAttribute(),
			"name": requiredString("Name of the webhook, 1 to 512 characters. Updates in place.",
				stringvalidator.LengthBetween(1, 512)),
			"description": emptyByDefault("Why the webhook exists, up to 1024 characters. Updates in place.",
				stringvalidator.LengthAtMost(1024)),
			"url": requiredString("Where Qlik sends the events: an `https://` URL. Updates in place.", validators.HTTPSURL()),
			"event_types": requiredStringSet("Event types that trigger the webhook, such as `"+reloadFinishedEvent+
				"` (a reload ended; `data.status` is `ok` or `error`). The tenant lists the others at "+
				"`GET /api/v1/webhooks/event-types`. Updates in place.",
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(stringvalidator.RegexMatches(eventTypePattern, "must be an event type name such as "+reloadFinishedEvent))),
			"filter": replacingString(emptyByDefault("Which events of those types are sent, in SCIM filter syntax: the attributes " +
				"`id`, `spaceId` and `topLevelResourceId` compared with `eq` or `ne`, joined with `and` and " +
				"`or`, values in double quotes, e.g. `spaceId eq \"6283...\"`. With `event_types` exactly " +
				"`[\"" + reloadFinishedEvent + "\"]` it may also use `data.status`: `data.status eq \"error\"` " +
				"sends only failed reloads. Qlik cannot change the filter of a webhook, so a change replaces it. " +
				"Empty (the default) sends every event.")),
			"level": replacingString(stringWithDefault("`tenant` (the default): events of every resource of the tenant; `user`: only "+
				"of resources the creator of the webhook can access. A change replaces the webhook.",
				"tenant", stringvalidator.OneOf("tenant", "user"))),
			"enabled": boolWithDefault("Whether Qlik sends events. Defaults to `true` (Qlik's own default is off; a "+
				"declared webhook is meant to deliver). Qlik may turn a webhook off by itself after repeated "+
				"failed deliveries: the next plan then shows the update that turns it on again.", true),
			"headers": schema.MapAttribute{
				MarkdownDescription: "Extra HTTP headers sent with every delivery, shown in Qlik's delivery log. " +
					"At most 2048 bytes. Use `encrypted_headers_wo` for credentials. Updates in place.",
				ElementType: types.StringType,
				Optional:    true,
				Validators:  []validator.Map{mapvalidator.SizeAtLeast(1)},
			},
			"secret_wo": versionedWriteOnly("secret_wo", "Secret, 32 to 64 characters, with which Qlik signs each delivery (the "+
				"`Qlik-Signature` header). Write-only: sent on create, and on update when `secret_wo_version` "+
				"changes; never stored in the plan or the state.",
				stringvalidator.LengthBetween(32, 64)),
			"secret_wo_version": optionalInt64("Version of `secret_wo`, stored in the state. Change it to send the current " +
				"`secret_wo` to Qlik (removing both removes the secret); the update happens in place."),
			"encrypted_headers_wo": schema.MapAttribute{
				MarkdownDescription: "HTTP headers sent with every delivery whose values Qlik keeps encrypted and " +
					"never shows (an `Authorization` header of the receiving endpoint). Write-only: sent on create, " +
					"and on update when `encrypted_headers_wo_version` changes; never stored in the plan or the state.",
				ElementType: types.StringType,
				Optional:    true,
				Sensitive:   true,
				WriteOnly:   true,
				Validators: []validator.Map{
					mapvalidator.SizeAtLeast(1),
					mapvalidator.AlsoRequires(path.MatchRoot("encrypted_headers_wo_version")),
				},
			},
			"encrypted_headers_wo_version": optionalInt64("Version of `encrypted_headers_wo`, stored in the state. Change it to send the " +
				"current headers (removing both removes them); the update happens in place."),
			"secret_added": schema.BoolAttribute{
				MarkdownDescription: "Whether Qlik holds a signing secret for the webhook (it never returns the secret itself).",
				Computed:            true,
			},
			"created_at": createdAtAttribute(),
			"created_by": createdByAttribute(),
			"updated_at": updatedAtAttribute(),
		},
	}
}

// ValidateConfig refuses at plan what Qlik would refuse on create: a filter on data.status for other event types
// than exactly the reload-finished one, and a header given both in the clear and encrypted.
func (r *webhookResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m webhookResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.Filter.IsUnknown() && strings.Contains(m.Filter.ValueString(), "data.status") && !m.EventTypes.IsUnknown() {
		types := setStrings(ctx, m.EventTypes, &resp.Diagnostics)
		if len(types) != 1 || types[0] != reloadFinishedEvent {
			resp.Diagnostics.AddAttributeError(path.Root("filter"), "Filter not allowed for these event types",
				"Qlik accepts data.status in a filter only when event_types is exactly [\""+reloadFinishedEvent+"\"]; "+
					"make a separate webhook for the other event types.")
		}
	}
	if m.Headers.IsUnknown() || m.EncryptedHeadersWO.IsUnknown() {
		return
	}
	plain := map[string]bool{}
	for k := range m.Headers.Elements() {
		plain[strings.ToLower(k)] = true
	}
	for k := range m.EncryptedHeadersWO.Elements() {
		if plain[strings.ToLower(k)] {
			resp.Diagnostics.AddAttributeError(path.Root("encrypted_headers_wo"), "Header given twice",
				"The header "+k+" is in both headers and encrypted_headers_wo; Qlik refuses duplicate header names (case-insensitive).")
		}
	}
}

func (r *webhookResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	secret := writeOnlyValue(ctx, req.Config, "secret_wo", &resp.Diagnostics)
	encrypted := writeOnlyMap(ctx, req.Config, "encrypted_headers_wo", &resp.Diagnostics)
	createObject(ctx, r.client, req, resp, "webhook", asAPIErrors, func(c *qlik.Client, plan webhookResourceModel) (*qlik.Webhook, error) {
		body := qlik.WebhookCreateRequest{
			Name:             plan.Name.ValueString(),
			Description:      plan.Description.ValueString(),
			URL:              plan.URL.ValueString(),
			EventTypes:       setStrings(ctx, plan.EventTypes, &resp.Diagnostics),
			Level:            plan.Level.ValueString(),
			Filter:           plan.Filter.ValueString(),
			Enabled:          plan.Enabled.ValueBool(),
			Headers:          stringMap(ctx, plan.Headers, &resp.Diagnostics),
			Secret:           secret.ValueString(),
			EncryptedHeaders: encrypted,
		}
		if resp.Diagnostics.HasError() {
			return nil, nil
		}
		return c.CreateWebhook(ctx, body)
	}, (*webhookResourceModel).fromAPI)
}

func (r *webhookResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readObject(ctx, r.client, req, resp, "webhook", (*qlik.Client).GetWebhook, (*webhookResourceModel).fromAPI)
}

func (r *webhookResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	secret := writeOnlyValue(ctx, req.Config, "secret_wo", &resp.Diagnostics)
	encrypted := writeOnlyMap(ctx, req.Config, "encrypted_headers_wo", &resp.Diagnostics)
	updateObject(ctx, r.client, req, resp, "webhook", asAPIErrors, func(c *qlik.Client, plan, state webhookResourceModel) (*qlik.Webhook, error) {
		u := qlik.WebhookUpdate{
			Name:        ifChanged(plan.Name, state.Name),
			Description: ifChanged(plan.Description, state.Description),
			URL:         ifChanged(plan.URL, state.URL),
			EventTypes:  ifChangedAs(plan.EventTypes, state.EventTypes, setStrings(ctx, plan.EventTypes, &resp.Diagnostics)),
			Enabled:     ifChangedAs(plan.Enabled, state.Enabled, plan.Enabled.ValueBool()),
			Headers:     ifChangedAs(plan.Headers, state.Headers, stringMap(ctx, plan.Headers, &resp.Diagnostics)),
			// A write-only value is sent when its version changes; "" or nil (none configured) removes it.
			Secret:           ifChangedAs(plan.SecretWOVersion, state.SecretWOVersion, secret.ValueString()),
			EncryptedHeaders: ifChangedAs(plan.EncryptedHeadersWOVersion, state.EncryptedHeadersWOVersion, encrypted),
		}
		if resp.Diagnostics.HasError() {
			return nil, nil
		}
		return c.UpdateWebhook(ctx, state.ID.ValueString(), u)
	}, (*webhookResourceModel).fromAPI)
}

// fromAPI maps what Qlik returns. The write-only attributes and their versions stay as they are: Qlik never
// returns the secret or the encrypted header values.
func (m *webhookResourceModel) fromAPI(wh *qlik.Webhook) {
	m.ID = types.StringValue(wh.ID)
	m.Name = types.StringValue(wh.Name)
	m.Description = types.StringValue(wh.Description)
	m.URL = types.StringValue(wh.URL)
	m.EventTypes = stringSetValue(wh.EventTypes)
	m.Filter = types.StringValue(wh.Filter)
	m.Level = types.StringValue(wh.Level)
	if wh.Level == "" {
		m.Level = types.StringValue("tenant")
	}
	m.Enabled = types.BoolValue(wh.Enabled)
	m.Headers = types.MapNull(types.StringType)
	if len(wh.Headers) > 0 {
		m.Headers = stringMapValue(wh.Headers)
	}
	m.SecretWO = types.StringNull()
	m.EncryptedHeadersWO = types.MapNull(types.StringType)
	m.SecretAdded = types.BoolValue(wh.SecretKeyAdded)
	m.CreatedAt = types.StringValue(wh.CreatedAt)
	m.CreatedBy = types.StringValue(wh.CreatedByUserID)
	m.UpdatedAt = types.StringValue(wh.UpdatedAt)
}

// writeOnlyMap is writeOnlyValue for a write-only map of strings; nil when it is not set.
func writeOnlyMap(ctx context.Context, config tfsdk.Config, name string, diags *diag.Diagnostics) map[string]string {
	var v types.Map
	diags.Append(config.GetAttribute(ctx, path.Root(name), &v)...)
	return stringMap(ctx, v, diags)
}

// stringMap returns the elements of a known map of strings; nil for a null or unknown map.
func stringMap(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := map[string]string{}
	diags.Append(m.ElementsAs(ctx, &out, false)...)
	return out
}

func stringMapValue(m map[string]string) types.Map {
	v, _ := types.MapValueFrom(context.Background(), types.StringType, m)
	return v
}

// eventTypePattern is the form of Qlik's event type names (com.qlik.v1.app.reload.finished).
var eventTypePattern = regexp.MustCompile(`^[a-z0-9]+(\.[a-zA-Z0-9-]+)+$`)
