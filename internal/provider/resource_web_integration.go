package provider

import (
	"context"
	"errors"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider/validators"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*webIntegrationResource)(nil)

// NewWebIntegrationResource is the qlik_web_integration constructor.
func NewWebIntegrationResource() resource.Resource {
	return &webIntegrationResource{newObjectResource[webIntegrationResourceModel]("web_integration", "web integration", "web_integration_id", (*qlik.Client).DeleteWebIntegration)}
}

type webIntegrationResource struct {
	objectResource[webIntegrationResourceModel]
}

type webIntegrationResourceModel struct {
	tenantObject
	Name         types.String `tfsdk:"name"`
	ValidOrigins types.Set    `tfsdk:"valid_origins"`
	TenantID     types.String `tfsdk:"tenant_id"`
	Created      types.String `tfsdk:"created"`
	CreatedBy    types.String `tfsdk:"created_by"`
	LastUpdated  types.String `tfsdk:"last_updated"`
}

func (r *webIntegrationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A web integration of a Qlik Cloud tenant: the list of web origins allowed to embed " +
			"Qlik content and call Qlik's APIs from a browser. Its `id` is the web integration id that the " +
			"embedding page sends (as the `Qlik-Web-Integration-ID` header, or in an iframe's login flow).\n\n" +
			"The name and the valid origins update in place. Iframe embedding also needs a `qlik_csp_origin` " +
			"with `frame-ancestors` for the same origin.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Web integration id: the value the embedding page passes as the web integration id."),
			"tenant_hostname": tenantHostnameAttribute(),
			"name": requiredString("Name of the web integration, unique in the tenant (the provider finds an "+
				"integration by name after an interrupted create). Updates in place.",
				stringvalidator.LengthAtLeast(1)),
			"valid_origins": emptySetByDefault("Origins allowed to use the integration, each `http://` or `https://`, a host "+
				"and an optional port, with no path: `https://portal.example.com`, `http://localhost:3000`. "+
				"Write them the way Qlik stores them (host in lower case, no default port such as `:443`, no "+
				"trailing slash); the plan rejects other spellings and names the expected one. Order does not "+
				"matter. Defaults to none. Updates in place.",
				setvalidator.ValueStringsAre(validators.Origin()),
			),
			"tenant_id":    computedKept("Id of the tenant that holds the web integration."),
			"created":      createdAtAttribute(),
			"created_by":   createdByAttribute(),
			"last_updated": updatedAtAttribute("name", "valid_origins"),
		},
	}
}

func (r *webIntegrationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createObject(ctx, r.client, req, resp, "web integration", webIntegrationWriteError,
		func(c *qlik.Client, plan webIntegrationResourceModel) (*qlik.WebIntegration, error) {
			origins := setStrings(ctx, plan.ValidOrigins, &resp.Diagnostics)
			if resp.Diagnostics.HasError() {
				return nil, nil
			}
			return c.CreateWebIntegration(ctx, qlik.WebIntegrationCreateRequest{Name: plan.Name.ValueString(), ValidOrigins: origins})
		}, (*webIntegrationResourceModel).fromAPI)
}

func (r *webIntegrationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readObject(ctx, r.client, req, resp, "web integration", (*qlik.Client).GetWebIntegration, (*webIntegrationResourceModel).fromAPI)
}

func (r *webIntegrationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateObject(ctx, r.client, req, resp, "web integration", webIntegrationWriteError,
		func(c *qlik.Client, plan, state webIntegrationResourceModel) (*qlik.WebIntegration, error) {
			update := qlik.WebIntegrationUpdateRequest{Name: ifChanged(plan.Name, state.Name)}
			if !plan.ValidOrigins.Equal(state.ValidOrigins) {
				origins := setStrings(ctx, plan.ValidOrigins, &resp.Diagnostics)
				if resp.Diagnostics.HasError() {
					return nil, nil
				}
				update.ValidOrigins = &origins
			}
			return c.UpdateWebIntegration(ctx, state.ID.ValueString(), update)
		}, (*webIntegrationResourceModel).fromAPI)
}

// webIntegrationWriteError points a name conflict at name and an origin Qlik refused at valid_origins.
var webIntegrationWriteError = writeErrors(
	errorOn{is(qlik.ErrConflict), "name", "Another web integration has this name: choose another name, or import the existing one with terraform import."},
	errorOn{func(err error) bool {
		var apiErr *qlik.APIError
		return errors.As(err, &apiErr) && apiErr.Code == "WEBINTEGRATIONS-6"
	}, "valid_origins", ""},
)

func (m *webIntegrationResourceModel) fromAPI(wi *qlik.WebIntegration) {
	m.ID = types.StringValue(wi.ID)
	m.Name = types.StringValue(wi.Name)
	m.TenantID = types.StringValue(wi.TenantID)
	m.Created = types.StringValue(wi.Created)
	m.CreatedBy = types.StringValue(wi.CreatedBy)
	m.LastUpdated = types.StringValue(wi.LastUpdated)
	m.ValidOrigins = stringSetValue(wi.ValidOrigins)
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
