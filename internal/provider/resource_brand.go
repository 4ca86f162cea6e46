package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*brandResource)(nil)

// NewBrandResource is the qlik_brand constructor.
func NewBrandResource() resource.Resource {
	return &brandResource{newObjectResource[brandResourceModel]("brand", "brand", "brand_id", (*qlik.Client).DeleteBrand)}
}

type brandResource struct {
	objectResource[brandResourceModel]
}

type brandResourceModel struct {
	tenantObject
	Name          types.String `tfsdk:"name"`
	Description   types.String `tfsdk:"description"`
	Logo          types.String `tfsdk:"logo"`
	LogoSHA256    types.String `tfsdk:"logo_sha256"`
	Favicon       types.String `tfsdk:"favicon"`
	FaviconSHA256 types.String `tfsdk:"favicon_sha256"`
	Active        types.Bool   `tfsdk:"active"`
	CreatedAt     types.String `tfsdk:"created_at"`
	CreatedBy     types.String `tfsdk:"created_by"`
	UpdatedAt     types.String `tfsdk:"updated_at"`
}

// brandFiles are the files a qlik_brand manages: the API's file id and the model's path and hash.
var brandFiles = []struct {
	id, attr string
	path     func(*brandResourceModel) *types.String
	hash     func(*brandResourceModel) *types.String
}{
	{qlik.BrandLogo, "logo", func(m *brandResourceModel) *types.String { return &m.Logo }, func(m *brandResourceModel) *types.String { return &m.LogoSHA256 }},
	{qlik.BrandFavIcon, "favicon", func(m *brandResourceModel) *types.String { return &m.Favicon }, func(m *brandResourceModel) *types.String { return &m.FaviconSHA256 }},
}

func (r *brandResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A brand of a tenant: its name, a logo and a favicon, shown instead of Qlik's in the " +
			"hub and the tenant's pages when the brand is active. Qlik allows one active brand per tenant: " +
			"activating one deactivates the other.\n\n" +
			"The logo and the favicon are files on local disk. The plan checks them against Qlik's limits (a " +
			"logo is a PNG or JPEG file of at most 300 KB, which Qlik fits into 109 × 62 pixels; a favicon an " +
			"ICO file of at most 100 KB) and hashes them, so a changed file shows as a change of `logo_sha256` " +
			"or `favicon_sha256` and is uploaded again in place. A file replaced or removed in the management " +
			"console shows as drift (Qlik's eTag of the file differs from the one recorded at upload) and the " +
			"next apply puts the configured file back.\n\n" +
			"Two `qlik_brand` of one tenant with `active = true` fail at plan: each apply would take the tenant " +
			"from the other. A brand activated outside this configuration (the console, another workspace) " +
			"shows as `active` drift on this one, and the next apply activates this one again. Destroying an " +
			"active brand returns the tenant to Qlik's default branding.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Brand id."),
			"tenant_hostname": tenantHostnameAttribute(),
			"name":            requiredString("Name of the brand. Updates in place.", stringvalidator.LengthAtLeast(1)),
			"description":     emptyByDefault("Description of the brand. Defaults to an empty string. Updates in place."),
			"logo": optionalFileAttribute("Path of the logo: a PNG or JPEG file of at most 300 KB, for example " +
				"`\"${path.module}/branding/logo.png\"`. Omit it for Qlik's logo. Changes update in place."),
			"logo_sha256": uploadedHashAttribute("logo"),
			"favicon": optionalFileAttribute("Path of the favicon: an ICO file of at most 100 KB. Omit it for Qlik's " +
				"favicon. Changes update in place."),
			"favicon_sha256": uploadedHashAttribute("favicon"),
			"active": boolWithDefault("Whether the brand is the tenant's active brand. Defaults to `false`. "+
				"Activating it deactivates the tenant's other brand. At most one `qlik_brand` per tenant may "+
				"set it (checked at plan). Updates in place.", false),
			"created_at": createdAtAttribute(),
			"created_by": createdByAttribute(),
			"updated_at": updatedAtAttribute("name", "description", "active"),
		},
	}
}

// ModifyPlan checks the tenant host, checks and hashes the files (a new hash moves updated_at too), and claims
// the tenant's active brand for this resource when it sets active.
func (r *brandResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.resourceBase.ModifyPlan(ctx, req, resp); resp.Diagnostics.HasError() || req.Plan.Raw.IsNull() {
		return
	}
	changed := false
	for _, f := range brandFiles {
		id := f.id
		check := func(_ string, size int64, head []byte) string {
			if _, err := qlik.CheckBrandFile(id, size, head); err != nil {
				return err.Error()
			}
			return ""
		}
		changed = planFileHash(ctx, req, resp, f.attr, f.attr+"_sha256", check).Changed || changed
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if changed {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("updated_at"), types.StringUnknown())...)
	}
	var host types.String
	var active types.Bool
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("tenant_hostname"), &host)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("active"), &active)...)
	if !resp.Diagnostics.HasError() && active.ValueBool() {
		claimInTenant(r.client, req, host, types.StringValue("active brand"), "qlik_brand", "setting", path.Root("active"), &resp.Diagnostics)
	}
}

func (r *brandResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	createObject(ctx, r.client, req, resp, "brand", asAPIErrors, func(c *qlik.Client, plan brandResourceModel) (*qlik.Brand, error) {
		files := map[string]string{}
		for _, f := range brandFiles {
			if p := f.path(&plan); !p.IsNull() {
				if !fileAsPlanned(*p, f.hash(&plan), f.attr, "Unable to create brand", &resp.Diagnostics) {
					return nil, nil
				}
				files[f.id] = p.ValueString()
			}
		}
		b, err := c.CreateBrand(ctx, qlik.BrandCreateRequest{Name: plan.Name.ValueString(), Description: plan.Description.ValueString(), Files: files})
		if err != nil || !plan.Active.ValueBool() {
			return b, err
		}
		activated, err := c.SetBrandActive(ctx, b.ID, true)
		if err == nil {
			return activated, nil
		}
		// The brand exists; only its activation failed. It is kept in state as inactive, with a warning, so the
		// next plan shows the activation as an update instead of replacing a tainted brand.
		resp.Diagnostics.AddWarning("Brand created, but activating it failed", apiErrorDetail(err, fmt.Sprintf(
			"Brand %s is created and kept in the state as inactive. The next plan shows its activation as an "+
				"update, and the next apply activates it.", b.ID)))
		return b, nil
	}, func(m *brandResourceModel, b *qlik.Brand) {
		m.fromAPI(b)
		recordBrandETags(ctx, resp.Private, b, &resp.Diagnostics)
	})
}

// Read maps the brand and checks its files against the eTags recorded at upload: a file Qlik no longer holds has
// a null hash, and one it holds in another version the hash changedInQlik.
func (r *brandResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	recorded := privateJSON[map[string]string](ctx, req.Private, brandETagsKey)
	readObject(ctx, r.client, req, resp, "brand", (*qlik.Client).GetBrand, func(m *brandResourceModel, b *qlik.Brand) {
		m.fromAPI(b)
		for _, f := range brandFiles {
			switch inQlik := b.File(f.id); {
			case inQlik == nil:
				*f.hash(m) = types.StringNull()
			case inQlik.ETag != recorded[f.id]:
				*f.hash(m) = types.StringValue(changedInQlik)
			}
		}
	})
}

func (r *brandResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, state, c, ok := updateIn[brandResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	id := state.ID.ValueString()
	b, err := c.UpdateBrand(ctx, id, qlik.BrandUpdateRequest{Name: ifChanged(plan.Name, state.Name), Description: ifChanged(plan.Description, state.Description)})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to update brand", err, "")
		return
	}
	for _, f := range brandFiles {
		p, planned := f.path(&plan), f.hash(&plan)
		if planned.Equal(*f.hash(&state)) {
			continue
		}
		inQlik := b.File(f.id) != nil
		switch {
		case p.IsNull() && inQlik:
			err = c.DeleteBrandFile(ctx, id, f.id)
		case p.IsNull():
		default:
			if !fileAsPlanned(*p, planned, f.attr, "Unable to update brand", &resp.Diagnostics) {
				return
			}
			_, err = c.SetBrandFile(ctx, id, f.id, p.ValueString(), inQlik)
		}
		if err != nil {
			addAttributeAPIError(&resp.Diagnostics, path.Root(f.attr), "Unable to update brand", err, "")
			return
		}
	}
	if !plan.Active.IsUnknown() && plan.Active.ValueBool() != b.Active {
		if _, err := c.SetBrandActive(ctx, id, plan.Active.ValueBool()); err != nil {
			addAttributeAPIError(&resp.Diagnostics, path.Root("active"), "Unable to update brand", err, "")
			return
		}
	}
	if b, err = c.GetBrand(ctx, id); err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read brand after the update", err, "")
		return
	}
	plan.fromAPI(b)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	recordBrandETags(ctx, resp.Private, b, &resp.Diagnostics)
}

// fromAPI maps what Qlik returns; the file paths and hashes are the configuration's (Read checks the files).
func (m *brandResourceModel) fromAPI(b *qlik.Brand) {
	m.ID = types.StringValue(b.ID)
	m.Name = types.StringValue(b.Name)
	m.Description = types.StringValue(b.Description)
	m.Active = types.BoolValue(b.Active)
	m.CreatedAt = types.StringValue(b.CreatedAt)
	m.CreatedBy = types.StringValue(b.CreatedBy)
	m.UpdatedAt = types.StringValue(b.UpdatedAt)
}

// brandETagsKey is the private state key of the eTags of the files this resource uploaded, by file id: Read
// compares them with Qlik's to see a file changed in the console.
const brandETagsKey = "brand_file_etags"

func recordBrandETags(ctx context.Context, p privateWriter, b *qlik.Brand, diags *diag.Diagnostics) {
	tags := map[string]string{}
	for _, f := range b.Files {
		tags[f.ID] = f.ETag
	}
	setPrivateJSON(ctx, p, brandETagsKey, tags, diags)
}
