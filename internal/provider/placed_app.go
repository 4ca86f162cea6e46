package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// placedApp is what qlik_app_copy and qlik_app_import share of an app they put in a space: the name, description
// and space the configuration sets (changed in place through Client.PlaceApp) and what Qlik reports of the app.
type placedApp struct {
	Name         types.String `tfsdk:"name"`
	Description  types.String `tfsdk:"description"`
	SpaceID      types.String `tfsdk:"space_id"`
	OwnerID      types.String `tfsdk:"owner_id"`
	CreatedDate  types.String `tfsdk:"created_date"`
	ModifiedDate types.String `tfsdk:"modified_date"`
}

func (m *placedApp) fromAPI(a *qlik.App) {
	at := a.Attributes
	m.Name = types.StringValue(at.Name)
	m.Description = types.StringValue(at.Description)
	m.SpaceID = types.StringValue(at.SpaceID)
	m.OwnerID = types.StringValue(at.OwnerID)
	m.CreatedDate = types.StringValue(at.CreatedDate)
	m.ModifiedDate = types.StringValue(at.ModifiedDate)
}

// deleteApp deletes an app within the resource's delete timeout (def when none is configured); an app already
// gone is not an error.
func deleteApp(ctx context.Context, c *qlik.Client, id string, t timeouts.Value, def time.Duration, what string, diags *diag.Diagnostics) {
	timeout, d := t.Delete(ctx, def)
	if diags.Append(d...); diags.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	reportDelete(diags, what, c.DeleteApp(ctx, id))
}
