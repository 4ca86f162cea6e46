package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ datasource.DataSourceWithConfigure = (*tenantDataSource)(nil)

// NewTenantDataSource is the qlik_tenant data source constructor.
func NewTenantDataSource() datasource.DataSource {
	return &tenantDataSource{dataSourceBase{name: "tenant"}}
}

type tenantDataSource struct{ dataSourceBase }

// tenantDataSourceModel differs from the resource's: no write-only key, guard, purge window or timeouts, and
// every hostname as a list.
type tenantDataSourceModel struct {
	ID                                types.String `tfsdk:"id"`
	Name                              types.String `tfsdk:"name"`
	Hostname                          types.String `tfsdk:"hostname"`
	AliasHostname                     types.String `tfsdk:"alias_hostname"`
	Hostnames                         types.List   `tfsdk:"hostnames"`
	Status                            types.String `tfsdk:"status"`
	Region                            types.String `tfsdk:"region"`
	Datacenter                        types.String `tfsdk:"datacenter"`
	Created                           types.String `tfsdk:"created"`
	AutoAssignCreateSharedSpaces      types.Bool   `tfsdk:"auto_assign_create_shared_spaces_role_to_professionals"`
	AutoAssignPrivateAnalytics        types.Bool   `tfsdk:"auto_assign_private_analytics_content_creator_role_to_professionals"`
	AutoAssignDataServicesContributor types.Bool   `tfsdk:"auto_assign_data_services_contributor_role_to_professionals"`
	EnableAppOpeningFeedback          types.Bool   `tfsdk:"enable_app_opening_feedback"`
}

func (d *tenantDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	flag := func(description string) schema.BoolAttribute {
		return schema.BoolAttribute{MarkdownDescription: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a tenant: the provider's home tenant when `id` is omitted (through " +
			"`GET /api/v1/tenants/me`, with any credentials), or any tenant of the region by `id` (on the " +
			"register host, which needs `registration_url` and an OAuth client; without them only the home " +
			"tenant's id can be read).",
		Attributes: map[string]schema.Attribute{
			"id":             optionalOrRead("Tenant id. Omit it to read the provider's home tenant.", stringvalidator.LengthAtLeast(1)),
			"name":           computedString("Display name."),
			"hostname":       computedString("The tenant's own hostname (`hostnames[0]`)."),
			"alias_hostname": computedString("Alias hostname (`hostnames[1]`), or null."),
			"hostnames": schema.ListAttribute{
				MarkdownDescription: "Every hostname of the tenant, its own first.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"status":     computedString("Status: `active`, `disabled` (deactivated, waiting for purge), `deleted` or `user-access-disabled`."),
			"region":     computedString("Region code, e.g. `eu`."),
			"datacenter": computedString("Datacenter, e.g. `eu-west-1`."),
			"created":    computedString("Creation time."),
			"auto_assign_create_shared_spaces_role_to_professionals":              flag("Whether professional users get the role to create shared spaces automatically."),
			"auto_assign_private_analytics_content_creator_role_to_professionals": flag("Whether professional users get the private analytics content creator role automatically."),
			"auto_assign_data_services_contributor_role_to_professionals":         flag("Whether professional users get the data services contributor role automatically."),
			"enable_app_opening_feedback":                                         flag("Whether users are asked for feedback when apps open."),
		},
	}
}

func (d *tenantDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m tenantDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	home := tenantClient(d.client, types.StringNull(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	var (
		t   *qlik.Tenant
		err error
	)
	if m.ID.IsNull() {
		t, err = home.GetCurrentTenant(ctx)
	} else {
		// A register host serves every tenant of its region, deactivated ones included, so each configured
		// region's register host is asked in turn; without one (or with an API key) the home tenant's host still
		// serves its own record.
		views := d.client.RegistrationViews()
		if len(views) == 0 {
			views = []*qlik.Client{home}
		}
		for _, view := range views {
			if t, err = view.GetTenant(ctx, m.ID.ValueString()); !errors.Is(err, qlik.ErrNotFound) {
				break
			}
		}
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Unable to read tenant", err, "")
		return
	}
	m.ID = types.StringValue(t.ID)
	m.Name = types.StringValue(t.Name)
	m.Hostname = types.StringValue(t.Hostname())
	m.AliasHostname = types.StringNull()
	if alias := t.Alias(); alias != "" {
		m.AliasHostname = types.StringValue(alias)
	}
	hostnames, diags := types.ListValueFrom(ctx, types.StringType, t.Hostnames)
	resp.Diagnostics.Append(diags...)
	m.Hostnames = hostnames
	m.Status = types.StringValue(t.Status)
	m.Region = types.StringValue(t.Region)
	m.Datacenter = types.StringValue(t.Datacenter)
	m.Created = types.StringValue(t.Created)
	m.AutoAssignCreateSharedSpaces = types.BoolValue(t.AutoAssignCreateSharedSpacesRoleToProfessionals)
	m.AutoAssignPrivateAnalytics = types.BoolValue(t.AutoAssignPrivateAnalyticsContentCreatorRoleToProfessionals)
	m.AutoAssignDataServicesContributor = types.BoolValue(t.AutoAssignDataServicesContributorRoleToProfessionals)
	m.EnableAppOpeningFeedback = types.BoolValue(t.EnableAppOpeningFeedback)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
