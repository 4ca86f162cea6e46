package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// NewAppDataSource is the qlik_app data source constructor.
func NewAppDataSource() datasource.DataSource {
	return newLookupDataSource("app", appDataSourceSchema, readAppLookup)
}

type appDataSourceModel struct {
	tenantScoped
	appFields
	PublishTime types.String `tfsdk:"publish_time"`
	OriginAppID types.String `tfsdk:"origin_app_id"`
}

func appDataSourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Looks up one app by id, or by exact name (optionally within one space), so a " +
			"configuration can refer to a template app by name. Fails when no app matches, or when several " +
			"apps share the name (give `space_id` to choose).",
		Attributes: map[string]schema.Attribute{
			"id":              lookupIDAttribute("App id."),
			"tenant_hostname": dataSourceTenantHostnameAttribute("look in"),
			"name":            optionalOrRead("Exact app name (case-sensitive).", stringvalidator.LengthAtLeast(1)),
			"space_id": optionalOrRead("With `name`: the space to look in. Otherwise the app's space, empty for a "+
				"personal space.",
				stringvalidator.LengthAtLeast(1),
				stringvalidator.ConflictsWith(path.MatchRoot("id"))),
			"description":   computedString("App description."),
			"owner_id":      computedString("User id of the app owner."),
			"created_date":  computedString("Creation time (RFC 3339)."),
			"modified_date": computedString("Time of the last change (RFC 3339)."),
			"publish_time":  computedString("Time the app was published; empty unless this is a published app."),
			"origin_app_id": computedString("For a published app, the id of the app it was published from."),
		},
	}
}

func readAppLookup(ctx context.Context, c *qlik.Client, cfg *appDataSourceModel, diags *diag.Diagnostics) {
	id := cfg.ID.ValueString()
	if id == "" {
		name, space := cfg.Name.ValueString(), cfg.SpaceID.ValueString()
		items, err := c.FindApps(ctx, name, space)
		if err != nil {
			addAPIError(diags, "Unable to find app", err, "")
			return
		}
		where := "in the tenant"
		if space != "" {
			where = "in space " + space
		}
		switch len(items) {
		case 0:
			diags.AddAttributeError(path.Root("name"), "App not found", fmt.Sprintf("No app named %q %s on %s.", name, where, c.Hostname()))
			return
		case 1:
			id = items[0].ResourceID
		default:
			diags.AddAttributeError(path.Root("name"), "App name is ambiguous",
				fmt.Sprintf("%d apps are named %q %s on %s; set space_id, or use id.", len(items), name, where, c.Hostname()))
			return
		}
	}
	app, err := c.GetApp(ctx, id)
	if err != nil {
		addAPIError(diags, "Unable to read app", err, "")
		return
	}
	cfg.fromAPI(app)
	cfg.PublishTime = types.StringValue(app.Attributes.PublishTime)
	cfg.OriginAppID = types.StringValue(app.Attributes.OriginAppID)
}
