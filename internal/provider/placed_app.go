package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// appFields are the attributes of an app that Qlik reports, with its id: shared by the resources that put an app
// in a space (placedApp) and the qlik_app data source.
type appFields struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	Description  types.String `tfsdk:"description"`
	SpaceID      types.String `tfsdk:"space_id"`
	OwnerID      types.String `tfsdk:"owner_id"`
	CreatedDate  types.String `tfsdk:"created_date"`
	ModifiedDate types.String `tfsdk:"modified_date"`
}

// placedApp is what qlik_app_copy and qlik_app_import share of an app they put in a space: its id, the name,
// description and space the configuration sets (changed in place through Client.PlaceApp), what Qlik reports of
// the app, and the timeouts. A model embeds tenantScoped and placedApp, with its source attributes between them.
type placedApp struct {
	appFields
	timed
}

func (m placedApp) objectID() string { return m.ID.ValueString() }

func (m *placedApp) placed() *placedApp { return m }

func (m *appFields) fromAPI(a *qlik.App) {
	at := a.Attributes
	m.ID = types.StringValue(at.ID)
	m.Name = types.StringValue(at.Name)
	m.Description = types.StringValue(at.Description)
	m.SpaceID = types.StringValue(at.SpaceID)
	m.OwnerID = types.StringValue(at.OwnerID)
	m.CreatedDate = types.StringValue(at.CreatedDate)
	m.ModifiedDate = types.StringValue(at.ModifiedDate)
}

// placedAppAttributes completes the schema attributes of a placed app with those the configuration sets and
// Qlik keeps alike for every placed app: name, description, space_id and owner_id. noun names the app in their
// descriptions ("copy"), space the space that holds it ("space that holds the app").
func placedAppAttributes(noun, space string, attributes map[string]schema.Attribute) map[string]schema.Attribute {
	attributes["name"] = requiredString("Name of the "+noun+". Updates in place.", stringvalidator.LengthBetween(1, 256))
	attributes["description"] = emptyByDefault("Description of the " + noun + ". Defaults to an empty string. Updates in place.")
	attributes["space_id"] = requiredString("Id of the "+space+", for example `qlik_space.customer.id`. Changing it moves "+
		"the app in place.", stringvalidator.LengthAtLeast(1))
	attributes["owner_id"] = computedKept("User id of the " + noun + "'s owner: the user behind the provider's credentials.")
	return attributes
}

// placedAppModel is a pointer to the model M of a resource on placedAppResource (*appCopyResourceModel).
type placedAppModel[M any] interface {
	*M
	placed() *placedApp
}

// placedAppResource is what qlik_app_copy and qlik_app_import do alike once their app is made: Read, an Update
// that renames, describes and moves the app in place (a changed source replaces it), Delete within the delete
// timeout, ImportState by app id, and the end of Create, which gives the app its planned name. The resources add
// their Schema, ModifyPlan and Create.
type placedAppResource[M objectModel, P placedAppModel[M]] struct {
	resourceBase
	// what names the app in messages ("app copy").
	what string
	// createTimeout is the default wait of Create, which moves the whole app.
	createTimeout time.Duration
}

// Default timeouts of an update (a rename or a move) and a delete of a placed app.
const (
	placedAppUpdateTimeout = 10 * time.Minute
	placedAppDeleteTimeout = 10 * time.Minute
)

// newPlacedAppResource is the placedAppResource of the resource type qlik_<name>.
func newPlacedAppResource[M objectModel, P placedAppModel[M]](name, what string, createTimeout time.Duration) placedAppResource[M, P] {
	return placedAppResource[M, P]{resourceBase: resourceBase{name: name}, what: what, createTimeout: createTimeout}
}

func (r *placedAppResource[M, P]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readObject(ctx, r.client, req, resp, r.what, (*qlik.Client).GetApp, func(m *M, a *qlik.App) { P(m).placed().fromAPI(a) })
}

func (r *placedAppResource[M, P]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	planned, prior, c, ok := updateIn[M](ctx, r.client, req, resp)
	if !ok {
		return
	}
	plan, state := P(&planned).placed(), P(&prior).placed()
	ctx, cancel := timeoutContext(ctx, plan.Timeouts.Update, placedAppUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}
	app, err := c.PlaceApp(ctx, state.ID.ValueString(), qlik.AppPlacement{
		SpaceID: ifChanged(plan.SpaceID, state.SpaceID), Name: ifChanged(plan.Name, state.Name),
		Description: ifChanged(plan.Description, state.Description),
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to update "+r.what, err, "")
		return
	}
	plan.fromAPI(app)
	resp.Diagnostics.Append(resp.State.Set(ctx, &planned)...)
}

// Delete deletes the app within the delete timeout; an app already gone is not an error.
func (r *placedAppResource[M, P]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	prior, c, ok := deleteIn[M](ctx, r.client, req, resp)
	if !ok {
		return
	}
	ctx, cancel := timeoutContext(ctx, P(&prior).placed().Timeouts.Delete, placedAppDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if !resp.Diagnostics.HasError() {
		reportDelete(&resp.Diagnostics, r.what, c.DeleteApp(ctx, prior.objectID()))
	}
}

func (r *placedAppResource[M, P]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importTenantScopedID(ctx, r.client, req, resp, "app_id")
}

// unnamedApp is an app that a Create made under a marker name (so that an interrupted apply finds and adopts it)
// and that still needs its planned name, in the words of the warning when naming it fails.
type unnamedApp struct {
	app *qlik.App
	// warning is the summary of the warning ("App copied, but naming the copy failed"); noun names the app in
	// its detail ("copy"), and redo what the next apply does not do again ("copying the app again").
	warning, noun, redo string
}

// saveNamed ends a Create: it gives the app its planned name and description and stores it. When only the naming
// fails, an error would leave the app tainted, and the next apply would delete it and make it again; it is kept
// in state under the planned name instead, with a warning: the next refresh reads the marker name, so the next
// plan shows the rename as an update (Ctrl-C during the rename ends here too).
func (r *placedAppResource[M, P]) saveNamed(ctx context.Context, c *qlik.Client, resp *resource.CreateResponse, planned M, made unnamedApp) {
	plan := P(&planned).placed()
	name, desc := plan.Name.ValueString(), plan.Description.ValueString()
	app, err := c.UpdateApp(ctx, made.app.Attributes.ID, qlik.AppUpdateRequest{Name: &name, Description: &desc})
	if err != nil {
		want := planned
		kept := P(&want).placed()
		kept.fromAPI(made.app)
		kept.Name, kept.Description = plan.Name, plan.Description
		saveCreated(ctx, resp, &want)
		resp.Diagnostics.AddWarning(made.warning, apiErrorDetail(err, fmt.Sprintf(
			"The %s %s is complete and kept in the state; it is still named %q in Qlik. The next plan shows the "+
				"rename to %q as an update, and the next apply renames it without %s.",
			made.noun, made.app.Attributes.ID, made.app.Attributes.Name, name, made.redo)))
		return
	}
	plan.fromAPI(app)
	saveCreated(ctx, resp, &planned)
}
