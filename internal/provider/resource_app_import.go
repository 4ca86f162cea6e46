package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*appImportResource)(nil)

// NewAppImportResource is the qlik_app_import constructor. An import waits up to an hour by default: the upload of
// a large app file dominates.
func NewAppImportResource() resource.Resource {
	return &appImportResource{newPlacedAppResource[appImportResourceModel]("app_import", "imported app", 60*time.Minute)}
}

// appImportResource is a placedAppResource: Read, Update, Delete and ImportState are that of every app put in a
// space. A changed file replaces the app (ModifyPlan), so what reaches Update is a rename, a move, a new path to
// the same content, or the first apply after an import, which records the planned hash.
type appImportResource struct {
	placedAppResource[appImportResourceModel, *appImportResourceModel]
}

type appImportResourceModel struct {
	tenantScoped
	Source       types.String `tfsdk:"source"`
	SourceSHA256 types.String `tfsdk:"source_sha256"`
	placedApp
}

func (r *appImportResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An app imported from an app file (QVF) on local disk: a template kept in version " +
			"control or produced by a build. The file is streamed from disk to the tenant's temporary contents " +
			"and imported from there, so memory stays flat whatever its size.\n\n" +
			"The plan hashes the file (`source_sha256`): a changed file replaces the app with a new import, " +
			"since Qlik imports an app file only as a new app (its replace mode is reserved for Qlik's own use). " +
			"Users' private sheets, bookmarks and stories live in the published app, not here: publish the " +
			"import with `qlik_app_publish` and give this resource `lifecycle { create_before_destroy = true }`, " +
			"and a new file is republished onto the same published app, which keeps its id, links and users' " +
			"content, before the previous import is deleted.\n\n" +
			"While importing, the app carries a marker name derived from the file's hash, the space and the " +
			"name, and is renamed when the import is complete; an apply interrupted after Qlik accepted the " +
			"import adopts the marked app on the next run instead of importing it twice. Destroying the " +
			"resource deletes the app.",
		Attributes: placedAppAttributes("app", "space that holds the app", map[string]schema.Attribute{
			"id":              idAttribute("Id of the imported app."),
			"tenant_hostname": tenantHostnameAttribute(),
			"source": fileAttribute("Path of the app file (`.qvf`) on the machine that runs Terraform, for " +
				"example `\"${path.module}/apps/sales.qvf\"`. The file must exist at plan. Moving or renaming " +
				"the file without changing its content is not a change."),
			"source_sha256": fileHashAttribute("SHA-256 (hex) of the file's content, computed at plan. A new " +
				"value replaces the app with a new import. After `terraform import` it is unknown until the " +
				"next apply records it without importing again."),
			"created_date":  createdAtAttribute(),
			"modified_date": updatedAtAttribute("name", "description", "space_id", "source_sha256"),
		}),
		Blocks: timeoutsBlocks(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
	}
}

// ModifyPlan checks the tenant host, then hashes the file: a new hash replaces the app, except right after an
// import, when the state has no hash yet and the next apply only records it.
func (r *appImportResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.resourceBase.ModifyPlan(ctx, req, resp); resp.Diagnostics.HasError() {
		return
	}
	f := planFileHash(ctx, req, resp, "source", "source_sha256", nil)
	if f.Changed && !f.Imported {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("source_sha256"))
	}
}

func (r *appImportResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, c, ctx, cancel, ok := createWithin[appImportResourceModel](ctx, r.client, req, resp, r.createTimeout)
	defer cancel()
	if !ok {
		return
	}

	spaceID := plan.SpaceID.ValueString()
	imported, info, err := c.ImportAppOnce(ctx, qlik.AppImportRequest{
		Path: plan.Source.ValueString(), SHA256: plan.SourceSHA256.ValueString(), Name: plan.Name.ValueString(), SpaceID: spaceID,
	})
	switch {
	case errors.Is(err, qlik.ErrNoTargetSpace):
		addAttributeAPIError(&resp.Diagnostics, path.Root("space_id"), "Unable to import app", err,
			fmt.Sprintf("Space %s does not exist in tenant %s: nothing was uploaded. Check space_id.", spaceID, c.Hostname()))
		return
	case errors.Is(err, qlik.ErrSourceChanged):
		resp.Diagnostics.AddAttributeError(path.Root("source"), "Unable to import app", err.Error()+
			". The file changed between plan and apply; nothing was uploaded. Run terraform plan again.")
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, "Unable to import app", err, importHint(err))
		return
	}
	plan.SourceSHA256 = types.StringValue(info.SHA256)
	r.saveNamed(ctx, c, resp, plan, unnamedApp{
		app: imported, warning: "App imported, but naming it failed", noun: "app", redo: "importing the file again",
	})
}

func importHint(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "The import did not finish within the create timeout: raise timeouts.create for large files and run " +
			"apply again. An import that Qlik already accepted is adopted then, not made twice."
	}
	return ""
}
