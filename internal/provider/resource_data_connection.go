package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*dataConnectionResource)(nil)

// NewDataConnectionResource is the qlik_data_connection constructor.
func NewDataConnectionResource() resource.Resource {
	return &dataConnectionResource{newObjectResource[dataConnectionResourceModel]("data_connection", "data connection", "data_connection_id", (*qlik.Client).DeleteDataConnection)}
}

type dataConnectionResource struct {
	objectResource[dataConnectionResourceModel]
}

type dataConnectionResourceModel struct {
	tenantObject
	Name              types.String `tfsdk:"name"`
	Type              types.String `tfsdk:"type"`
	Connector         types.String `tfsdk:"connector"`
	ConnectionString  types.String `tfsdk:"connection_string"`
	SpaceID           types.String `tfsdk:"space_id"`
	Username          types.String `tfsdk:"username"`
	PasswordWO        types.String `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64  `tfsdk:"password_wo_version"`
	OwnerID           types.String `tfsdk:"owner_id"`
	Created           types.String `tfsdk:"created"`
}

func (r *dataConnectionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A data connection, typically one per customer database, that load scripts use with " +
			"`LIB CONNECT TO 'space:name'`. The password is write-only: it is sent to Qlik but never stored in " +
			"the plan or the state; bump `password_wo_version` to send a new one. Qlik does not return the " +
			"credentials, so `username` and the password are not checked for drift; name, connection string, " +
			"type and space are.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Id of the data connection (`qID`, a UUID)."),
			"tenant_hostname": tenantHostnameAttribute(),
			"name": requiredString("Name of the connection, unique within its space. Scripts refer to it by "+
				"this name. A change renames it in place (scripts using the old name must follow).",
				stringvalidator.LengthBetween(1, 256)),
			"type": requiredReplace("Data source id (`datasourceID`), for example `postgres`, `sqlserver`, "+
				"`snowflake` or `File_AmazonS3ConnectorV2`. A change replaces the connection.", stringvalidator.LengthAtLeast(1)),
			"connector": requiredReplace("Connector provider type (`qType`), for example `QvOdbcConnectorPackage.exe` "+
				"for the ODBC databases. A change replaces the connection.", stringvalidator.LengthAtLeast(1)),
			"connection_string": requiredString("Connection string (`qConnectStatement`), for example "+
				"`CUSTOM CONNECT TO \"provider=QvOdbcConnectorPackage.exe;driver=postgres;host=db;port=5432;database=orders;\"`. "+
				"Do not put secrets here: it is stored in the state and shown in plans. A change updates in place.",
				stringvalidator.LengthAtLeast(1)),
			"space_id": optionalReplace("Id of the space the connection belongs to; omit it for the caller's "+
				"personal space. A change replaces the connection.",
				stringvalidator.LengthAtLeast(1)),
			"username": optionalString("User name the connection logs on with. Qlik does not return it, so it is "+
				"kept as configured and not checked for drift. A change updates in place.",
				stringvalidator.LengthAtLeast(1)),
			"password_wo": versionedWriteOnly("password_wo", "Password of `username`. Write-only (Terraform 1.11 or later): sent on "+
				"create, and on update when `password_wo_version` changes; never stored in the plan or the state.",
				stringvalidator.LengthAtLeast(1)),
			"password_wo_version": optionalInt64("Version of `password_wo`, stored in the state. Change it (for example " +
				"increment it) to send the current `password_wo` to Qlik; the update happens in place."),
			"owner_id": computedKept("Id of the user who created the connection."),
			"created":  createdAtAttribute(),
		},
	}
}

func (r *dataConnectionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	password := writeOnlyValue(ctx, req.Config, "password_wo", &resp.Diagnostics)
	createObject(ctx, r.client, req, resp, "data connection", conflictOn("name", dataConnectionNameTaken),
		func(c *qlik.Client, plan dataConnectionResourceModel) (*qlik.DataConnection, error) {
			return c.CreateDataConnection(ctx, qlik.DataConnectionCreateRequest{
				Name:             plan.Name.ValueString(),
				Type:             plan.Connector.ValueString(),
				DatasourceID:     plan.Type.ValueString(),
				ConnectStatement: plan.ConnectionString.ValueString(),
				SpaceID:          plan.SpaceID.ValueString(),
				Username:         plan.Username.ValueStringPointer(),
				Password:         password.ValueStringPointer(),
			})
		}, (*dataConnectionResourceModel).fromAPI)
}

func (r *dataConnectionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readObject(ctx, r.client, req, resp, "data connection", (*qlik.Client).GetDataConnection, (*dataConnectionResourceModel).fromAPI)
}

func (r *dataConnectionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	password := writeOnlyValue(ctx, req.Config, "password_wo", &resp.Diagnostics)
	updateThenRead(ctx, r.client, req, resp, "data connection", conflictOn("name", dataConnectionNameTaken),
		func(c *qlik.Client, plan, state dataConnectionResourceModel) error {
			u := qlik.DataConnectionUpdate{
				Name:             ifChanged(plan.Name, state.Name),
				ConnectStatement: ifChanged(plan.ConnectionString, state.ConnectionString),
			}
			if !plan.Username.Equal(state.Username) {
				empty := ""
				u.Username = &empty
				if !plan.Username.IsNull() {
					u.Username = plan.Username.ValueStringPointer()
				}
			}
			if !plan.PasswordWOVersion.Equal(state.PasswordWOVersion) && !password.IsNull() {
				u.Password = password.ValueStringPointer()
			}
			return c.UpdateDataConnection(ctx, state.ID.ValueString(), u)
		}, (*qlik.Client).GetDataConnection, (*dataConnectionResourceModel).fromAPI)
}

// dataConnectionNameTaken is the next step after a 409 on create or update, reported against name.
const dataConnectionNameTaken = "Another data connection in this space already has this name: choose another name or import that connection."

// fromAPI maps the readable fields. username and the password are not returned by Qlik and stay as they are.
func (m *dataConnectionResourceModel) fromAPI(dc *qlik.DataConnection) {
	m.ID = types.StringValue(dc.ID)
	m.Name = types.StringValue(dc.Name)
	m.Type = types.StringValue(dc.DatasourceID)
	m.Connector = types.StringValue(dc.Type)
	m.ConnectionString = types.StringValue(dc.ConnectStatement)
	m.SpaceID = types.StringNull()
	if dc.SpaceID != "" {
		m.SpaceID = types.StringValue(dc.SpaceID)
	}
	m.OwnerID = types.StringValue(dc.OwnerID)
	m.Created = types.StringValue(dc.Created)
	m.PasswordWO = types.StringNull()
}
