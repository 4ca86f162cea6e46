package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*appPublishResource)(nil)

// NewAppPublishResource is the qlik_app_publish constructor.
func NewAppPublishResource() resource.Resource {
	return &appPublishResource{newObjectResource[appPublishResourceModel]("app_publish", "published app", "published_app_id", (*qlik.Client).DeleteApp)}
}

type appPublishResource struct {
	objectResource[appPublishResourceModel]
}

type appPublishResourceModel struct {
	tenantObject
	AppID       types.String `tfsdk:"app_id"`
	SpaceID     types.String `tfsdk:"space_id"`
	Triggers    types.Map    `tfsdk:"triggers"`
	Name        types.String `tfsdk:"name"`
	PublishTime types.String `tfsdk:"publish_time"`
}

func (r *appPublishResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Publishes an app to a managed space: Qlik makes a published copy (a new app with its " +
			"own id) whose public sheets are the locked layout consumers see, and on which consumers build their " +
			"own private sheets, bookmarks and stories.\n\n" +
			"When `app_id` or `triggers` changes, the app is republished in place (`PUT /apps/{appId}/publish` " +
			"with the published app as `targetId`): the published app keeps its id, so embed links keep working, " +
			"and it keeps its users' private content. A new `app_id`, such as a new template release's copy, is " +
			"republished with Qlik's origin check off (`checkOriginAppId: false`), because it is by design not " +
			"the app originally published; a republish from the same app keeps the check. Only a new " +
			"`space_id` or `tenant_hostname` replaces the published app.\n\n" +
			"Qlik cannot republish onto a published app whose source app was deleted (an orphan). When a " +
			"release replaces the app copy, publish the new copy before the old one is deleted: give the copy " +
			"`lifecycle { create_before_destroy = true }`. Destroying this resource deletes the published app " +
			"and its users' private content; the source app stays.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Id of the published app (not of the source app)."),
			"tenant_hostname": tenantHostnameAttribute(),
			"app_id": requiredString("Id of the app to publish, for example `qlik_app_copy.sales.id`. Changing it "+
				"republishes the new app onto the published app in place: same id, links and users' private "+
				"content. The previous app must still exist when the new one is republished (see above). Read "+
				"from the published app's origin, so a republish from another app outside Terraform shows as "+
				"a change of `app_id`.",
				stringvalidator.LengthAtLeast(1)),
			"space_id": requiredReplace("Id of the managed space to publish to. Changing it replaces the published app: "+
				"a new id, and its users' private content is deleted with the old one.", stringvalidator.LengthAtLeast(1)),
			"triggers": schema.MapAttribute{
				MarkdownDescription: "Arbitrary values that republish the app when they change, for example " +
					"`{ script = qlik_load_script.x.script_sha256, reload = qlik_reload.x.id }`. A change " +
					"republishes in place.",
				ElementType: types.StringType,
				Optional:    true,
			},
			"name":         computedRead("Name of the published app, as Qlik took it from the source app."),
			"publish_time": computedRead("Time of the last publish or republish (RFC 3339), also one made outside Terraform."),
		},
	}
}

func (r *appPublishResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, c, ok := createIn[appPublishResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	app, err := c.PublishApp(ctx, plan.AppID.ValueString(), qlik.PublishAppRequest{SpaceID: plan.SpaceID.ValueString()})
	if err != nil {
		hint := ""
		if errors.Is(err, qlik.ErrBadRequest) {
			hint = "Apps are published to managed spaces only: check that space_id names a managed space."
		}
		addAPIError(&resp.Diagnostics, "Unable to publish app", err, hint)
		return
	}
	plan.settle(ctx, app, resp.Private, &resp.Diagnostics)
	saveCreated(ctx, resp, &plan)
}

// Read maps the published app. While the origin is the one recorded at this resource's last (re)publish, nobody
// else republished onto the app: app_id stays what was published, whichever origin Qlik reports for it. A new
// origin is someone else's republish: app_id shows it, and the record follows so that Update knows what the app
// was published from.
func (r *appPublishResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	seen := privateJSON[string](ctx, req.Private, publishedOriginKey)
	readObject(ctx, r.client, req, resp, "published app", (*qlik.Client).GetApp, func(m *appPublishResourceModel, app *qlik.App) {
		published := m.AppID
		m.fromAPI(app)
		switch {
		case seen == "":
		case seen == app.Attributes.OriginAppID && !published.IsNull():
			m.AppID = published
		default:
			setPrivateJSON(ctx, resp.Private, publishedOriginKey, app.Attributes.OriginAppID, &resp.Diagnostics)
		}
	})
}

// Update republishes the app onto the published app, which keeps its id: everything but space and tenant updates
// in place. A new app_id (a new release's copy) is by design not the app the target was published from, so it is
// sent with Qlik's origin check off; a republish of the app it was published from keeps the check, which then
// catches a republish from elsewhere since the last refresh. "Published from" is the origin as last seen (recorded
// in private state), not app_id, because Qlik may keep reporting the first app after a release.
func (r *appPublishResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, state, c, ok := updateIn[appPublishResourceModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	origin := privateJSON[string](ctx, req.Private, publishedOriginKey)
	if origin == "" {
		origin = state.AppID.ValueString()
	}
	another := plan.AppID.ValueString() != origin
	app, err := c.RepublishApp(ctx, plan.AppID.ValueString(), qlik.RepublishAppRequest{TargetID: state.ID.ValueString(), AnotherSource: another})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to republish app", err, republishHint(err, another, origin))
		return
	}
	plan.settle(ctx, app, resp.Private, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// republishHint explains Qlik's refusals of a republish. With the origin check off the only refusal is an orphaned
// target: the app it was published from (previous) was deleted before the new app was republished onto it.
func republishHint(err error, another bool, previous string) string {
	switch {
	case !errors.Is(err, qlik.ErrConflict):
		return ""
	case another:
		return "Qlik cannot republish onto a published app whose source app was deleted (an orphan); the previous " +
			"source was " + previous + ". Publish a new release before its predecessor is deleted: give the app " +
			"copy lifecycle { create_before_destroy = true }. To recover this published app, replace it with " +
			"terraform apply -replace=<address of this resource>: it gets a new id (update the embed links), and its " +
			"users' private sheets, bookmarks and stories are deleted with the old one."
	default:
		return "The published app was republished from another app since Terraform last read it. Run terraform " +
			"apply again: the plan then shows the change of app_id and republishes the configured app."
	}
}

// publishedOriginKey is the private-state key holding (setPrivateJSON) the originAppId Qlik reported right after
// this resource's last publish or republish, or the one Read found when someone else republished since. Qlik does
// not document whether a republish from another app makes that app the published app's origin or keeps the one
// originally published; with the record Read tells "still as we left it" from "republished from elsewhere since",
// and Update knows when the origin check applies, under either behaviour.
const publishedOriginKey = "published_origin"

// settle maps the app a publish or republish returned, keeps the configured app_id (Qlik may report another
// origin, see publishedOriginKey) and records the origin it reported.
func (m *appPublishResourceModel) settle(ctx context.Context, a *qlik.App, p privateWriter, diags *diag.Diagnostics) {
	configured := m.AppID
	m.fromAPI(a)
	m.AppID = configured
	setPrivateJSON(ctx, p, publishedOriginKey, a.Attributes.OriginAppID, diags)
}

// fromAPI maps the published app. app_id comes from originAppId, so an import recovers the source, and a
// republish from another app outside Terraform shows as a change of app_id, which republishes the configured app.
func (m *appPublishResourceModel) fromAPI(a *qlik.App) {
	at := a.Attributes
	m.ID = types.StringValue(at.ID)
	if at.OriginAppID != "" {
		m.AppID = types.StringValue(at.OriginAppID)
	}
	m.SpaceID = types.StringValue(at.SpaceID)
	m.Name = types.StringValue(at.Name)
	m.PublishTime = types.StringValue(at.PublishTime)
}
