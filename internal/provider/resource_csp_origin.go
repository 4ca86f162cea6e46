package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider/validators"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*cspOriginResource)(nil)

// NewCSPOriginResource is the qlik_csp_origin constructor.
func NewCSPOriginResource() resource.Resource {
	return &cspOriginResource{newObjectResource[cspOriginResourceModel]("csp_origin", "CSP origin", "csp_origin_id", (*qlik.Client).DeleteCSPOrigin)}
}

type cspOriginResource struct {
	objectResource[cspOriginResourceModel]
}

type cspOriginResourceModel struct {
	tenantObject
	Name         types.String `tfsdk:"name"`
	Origin       types.String `tfsdk:"origin"`
	Description  types.String `tfsdk:"description"`
	Directives   types.Set    `tfsdk:"directives"`
	CreatedDate  types.String `tfsdk:"created_date"`
	ModifiedDate types.String `tfsdk:"modified_date"`
}

func (r *cspOriginResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An entry of a Qlik Cloud tenant's Content Security Policy: an origin and the CSP " +
			"directives Qlik adds it to. A page that shows Qlik sheets in an iframe needs its origin under " +
			"`frame-ancestors`; one that loads images or scripts from another host needs `img-src` or `script-src`.\n\n" +
			"Every attribute updates in place: Qlik replaces the whole entry on each change.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("CSP entry id."),
			"tenant_hostname": tenantHostnameAttribute(),
			"name":            emptyByDefault("Name of the entry, at most 512 characters. Defaults to an empty string. Updates in place.", stringvalidator.LengthAtMost(512)),
			"origin": requiredString("The origin, as a CSP source: `host[:port]` such as `portal.example.com` or "+
				"`portal.example.com:8443`, optionally with a scheme (`https://portal.example.com`) or a "+
				"leading wildcard (`*.example.com`), without a path; at most 256 characters. One entry per "+
				"origin: the provider finds an entry by origin after an interrupted create. Updates in place.",
				validators.CSPSource()),
			"description": emptyByDefault("Why the origin is in the policy, at most 1024 characters. Defaults to an "+
				"empty string. Updates in place.", stringvalidator.LengthAtMost(1024)),
			"directives": requiredStringSet("CSP directives the origin is added to, by their policy name: "+
				directiveList()+". `connect-src-wss` adds the origin to `connect-src` with the `wss://` "+
				"scheme (websockets). Order does not matter. Updates in place.",
				setvalidator.SizeAtLeast(1),
				setvalidator.ValueStringsAre(stringvalidator.OneOf(qlik.CSPDirectives...))),
			"created_date":  createdAtAttribute(),
			"modified_date": updatedAtAttribute("name", "origin", "description", "directives"),
		},
	}
}

func directiveList() string {
	quoted := make([]string, 0, len(qlik.CSPDirectives))
	for _, d := range qlik.CSPDirectives {
		quoted = append(quoted, "`"+d+"`")
	}
	return strings.Join(quoted, ", ")
}

func (r *cspOriginResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createObject(ctx, r.client, req, resp, "CSP origin", cspOriginWriteError,
		func(c *qlik.Client, plan cspOriginResourceModel) (*qlik.CSPOrigin, error) {
			body := plan.toRequest(ctx, &resp.Diagnostics)
			if resp.Diagnostics.HasError() {
				return nil, nil
			}
			return c.CreateCSPOrigin(ctx, body)
		}, cspOriginMapping(&resp.Diagnostics))
}

func (r *cspOriginResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readObject(ctx, r.client, req, resp, "CSP origin", (*qlik.Client).GetCSPOrigin, cspOriginMapping(&resp.Diagnostics))
}

// Update sends the whole entry: PUT /csp-origins/{id} is a full replace.
func (r *cspOriginResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateObject(ctx, r.client, req, resp, "CSP origin", cspOriginWriteError,
		func(c *qlik.Client, plan, state cspOriginResourceModel) (*qlik.CSPOrigin, error) {
			body := plan.toRequest(ctx, &resp.Diagnostics)
			if resp.Diagnostics.HasError() {
				return nil, nil
			}
			return c.ReplaceCSPOrigin(ctx, state.ID.ValueString(), body)
		}, cspOriginMapping(&resp.Diagnostics))
}

// cspOriginWriteError points a duplicate origin, and a 400 about the origin, at the origin attribute.
var cspOriginWriteError = writeErrors(
	errorOn{is(qlik.ErrConflict), "origin", "The tenant's policy has an entry for this origin already: add the directives to that entry, or import it with terraform import."},
	errorOn{badRequestAbout("origin"), "origin", ""},
)

// badRequestAbout matches a 400 whose detail names what.
func badRequestAbout(what string) func(error) bool {
	return func(err error) bool {
		var apiErr *qlik.APIError
		return errors.Is(err, qlik.ErrBadRequest) && errors.As(err, &apiErr) && strings.Contains(strings.ToLower(apiErr.Detail), what)
	}
}

func (m cspOriginResourceModel) toRequest(ctx context.Context, diags *diag.Diagnostics) qlik.CSPOriginRequest {
	flags, err := qlik.CSPDirectiveFlagsFrom(setStrings(ctx, m.Directives, diags))
	if err != nil {
		diags.AddAttributeError(path.Root("directives"), "Invalid CSP directive", err.Error())
	}
	return qlik.CSPOriginRequest{
		Name:              m.Name.ValueString(),
		Origin:            m.Origin.ValueString(),
		Description:       m.Description.ValueString(),
		CSPDirectiveFlags: flags,
	}
}

// cspOriginMapping is the model mapping of a CSP entry, which warns in diags about an entry that enables no
// directive.
func cspOriginMapping(diags *diag.Diagnostics) func(*cspOriginResourceModel, *qlik.CSPOrigin) {
	return func(m *cspOriginResourceModel, e *qlik.CSPOrigin) {
		m.ID = types.StringValue(e.ID)
		m.Name = types.StringValue(e.Name)
		m.Origin = types.StringValue(e.Origin)
		m.Description = types.StringValue(e.Description)
		m.CreatedDate = types.StringValue(e.CreatedDate)
		m.ModifiedDate = types.StringValue(e.ModifiedDate)
		directives := e.Directives()
		m.Directives = stringSetValue(directives)
		if len(directives) == 0 {
			diags.AddWarning("CSP origin has no directives",
				fmt.Sprintf("The CSP entry %s for %s enables no directive, so it has no effect; the next plan adds the configured ones.", e.ID, e.Origin))
		}
	}
}
