package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*archiveResource)(nil)

// NewThemeResource is the qlik_theme constructor.
func NewThemeResource() resource.Resource {
	return &archiveResource{idResource: importedByID("theme", "theme_id"), kind: qlik.Themes}
}

// NewExtensionResource is the qlik_extension constructor.
func NewExtensionResource() resource.Resource {
	return &archiveResource{idResource: importedByID("extension", "extension_id"), kind: qlik.Extensions}
}

// archiveResource is qlik_theme and qlik_extension: a zip archive described by its .qext file, uploaded to a
// tenant. The two APIs are the same but for their path and what the .qext's type must be.
type archiveResource struct {
	idResource
	kind qlik.ArchiveKind
}

type archiveResourceModel struct {
	tenantObject
	File       types.String `tfsdk:"file"`
	FileSHA256 types.String `tfsdk:"file_sha256"`
	Name       types.String `tfsdk:"name"`
	QextName   types.String `tfsdk:"qext_name"`
	Type       types.String `tfsdk:"type"`
	Version    types.String `tfsdk:"version"`
	CreatedAt  types.String `tfsdk:"created_at"`
	UpdatedAt  types.String `tfsdk:"updated_at"`
}

func (r *archiveResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	noun := r.kind.Noun
	typeRule := "its type is `theme`"
	other := "`qlik_extension`"
	if noun == "extension" {
		typeRule = "its type is the extension's kind, for example `visualization` (not `theme`)"
		other = "`qlik_theme`"
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: fmt.Sprintf("A %[1]s uploaded to a tenant from a zip archive on local disk, built the "+
			"way Qlik Sense %[1]ss are: the archive holds one `.qext` file that names the %[1]s, and %[2]s (use "+
			"%[3]s otherwise). The plan reads the `.qext` (`name`, `qext_name`, `type` and `version` are known at "+
			"plan) and hashes the archive: a changed archive is uploaded in place, keeping the %[1]s's id. An "+
			"archive uploaded again in the management console shows as drift (Qlik's update time differs from "+
			"the one recorded at the last upload) and the next apply uploads the configured one.\n\n"+
			"The `.qext` file's name (without `.qext`) is the %[1]s's unique name in the tenant: a second archive "+
			"with the same name is refused by Qlik. Destroying the resource deletes the %[1]s.", noun, typeRule, other),
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute(fmt.Sprintf("Id of the %s.", noun)),
			"tenant_hostname": tenantHostnameAttribute(),
			"file": fileAttribute(fmt.Sprintf("Path of the %s's zip archive, for example "+
				"`\"${path.module}/%ss/acme.zip\"`. It must exist at plan. A changed archive updates the %s in "+
				"place; a moved one with the same content is no change.", noun, noun, noun)),
			"file_sha256": uploadedHashAttribute("archive"),
			"name":        computedFromArchive("Display name, from the `.qext` file."),
			"qext_name":   computedFromArchive("Name of the `.qext` file without its extension: the unique name in the tenant."),
			"type":        computedFromArchive("Type, from the `.qext` file."),
			"version":     computedFromArchive("Version, from the `.qext` file (empty when it has none)."),
			"created_at":  createdAtAttribute(),
			"updated_at":  computedRead("Time of the last upload (RFC 3339)."),
		},
	}
}

// computedFromArchive is an attribute the plan reads from the archive's .qext.
func computedFromArchive(description string) schema.StringAttribute {
	return computedRead(description)
}

// ModifyPlan checks the tenant host, then reads and hashes the archive: the .qext's fields are planned from it,
// and updated_at moves only when the archive does.
func (r *archiveResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.resourceBase.ModifyPlan(ctx, req, resp); resp.Diagnostics.HasError() || req.Plan.Raw.IsNull() {
		return
	}
	var q qlik.Qext
	check := func(string, int64, []byte) string { return "" }
	var file types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("file"), &file)...)
	if !file.IsUnknown() && !file.IsNull() {
		check = func(string, int64, []byte) string {
			var err error
			if q, err = qlik.ReadQext(r.kind, file.ValueString()); err != nil {
				return err.Error()
			}
			return ""
		}
	}
	f := planFileHash(ctx, req, resp, "file", "file_sha256", check)
	if resp.Diagnostics.HasError() {
		return
	}
	planned := map[string]types.String{"name": types.StringUnknown(), "qext_name": types.StringUnknown(), "type": types.StringUnknown(), "version": types.StringUnknown()}
	if f.Path != "" {
		planned = map[string]types.String{"name": types.StringValue(q.Name), "qext_name": types.StringValue(q.File), "type": types.StringValue(q.Type), "version": types.StringValue(q.Version)}
	}
	for attr, v := range planned {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(attr), v)...)
	}
	var updated types.String
	if !req.State.Raw.IsNull() && !f.Changed {
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("updated_at"), &updated)...)
	} else {
		updated = types.StringUnknown()
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("updated_at"), updated)...)
}

func (r *archiveResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	summary := "Unable to create " + r.kind.Noun
	taken := conflictOn("file", fmt.Sprintf(
		"A %[1]s with this .qext name exists in the tenant already (Qlik keeps the name unique): import it "+
			"with terraform import, or rename the archive's .qext file.", r.kind.Noun))
	createObject(ctx, r.client, req, resp, r.kind.Noun, taken, func(c *qlik.Client, plan archiveResourceModel) (*qlik.Extension, error) {
		if !fileAsPlanned(plan.File, &plan.FileSHA256, "file", summary, &resp.Diagnostics) {
			return nil, nil
		}
		return c.CreateExtension(ctx, r.kind, plan.File.ValueString())
	}, func(m *archiveResourceModel, x *qlik.Extension) {
		m.fromAPI(x)
		setPrivateJSON(ctx, resp.Private, uploadTimeKey, x.UpdateAt, &resp.Diagnostics)
	})
}

func (r *archiveResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	uploaded := privateJSON[string](ctx, req.Private, uploadTimeKey)
	readObject(ctx, r.client, req, resp, r.kind.Noun, r.get, func(m *archiveResourceModel, x *qlik.Extension) {
		if m.fromAPI(x); x.UpdateAt != uploaded {
			m.FileSHA256 = types.StringValue(changedInQlik)
		}
	})
}

func (r *archiveResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, state, c, ok := updateIn[archiveResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	if plan.FileSHA256.Equal(state.FileSHA256) {
		// A new path to the same content: nothing to send.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	summary := "Unable to update " + r.kind.Noun
	if !fileAsPlanned(plan.File, &plan.FileSHA256, "file", summary, &resp.Diagnostics) {
		return
	}
	x, err := c.UpdateExtension(ctx, r.kind, state.ID.ValueString(), plan.File.ValueString())
	if err != nil {
		addWriteError(&resp.Diagnostics, summary, err, "file", fmt.Sprintf(
			"Another %s in the tenant has this archive's .qext name (Qlik keeps the name unique).", r.kind.Noun))
		return
	}
	plan.fromAPI(x)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setPrivateJSON(ctx, resp.Private, uploadTimeKey, x.UpdateAt, &resp.Diagnostics)
}

func (r *archiveResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteObject[archiveResourceModel](ctx, r.client, req, resp, r.kind.Noun, func(c *qlik.Client, ctx context.Context, id string) error {
		return c.DeleteExtension(ctx, r.kind, id)
	})
}

// get is the client's Get method for this kind of archive.
func (r *archiveResource) get(c *qlik.Client, ctx context.Context, id string) (*qlik.Extension, error) {
	return c.GetExtension(ctx, r.kind, id)
}

func (m *archiveResourceModel) fromAPI(x *qlik.Extension) {
	m.ID = types.StringValue(x.ID)
	m.Name = types.StringValue(x.Name)
	m.QextName = types.StringValue(x.QextFilename)
	m.Type = types.StringValue(x.Type)
	m.Version = types.StringValue(x.Version)
	m.CreatedAt = types.StringValue(x.CreatedAt)
	m.UpdatedAt = types.StringValue(x.UpdateAt)
}

// uploadTimeKey is the private state key of Qlik's update time after this resource's last upload: Read compares
// it with Qlik's to see an archive uploaded in the console.
const uploadTimeKey = "archive_uploaded_at"
