package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// The resource kit: what every resource and data source does the same way, so that a resource file holds its
// schema, its model mapping and its API calls. A resource embeds resourceBase (Metadata, Configure, the plan-time
// host check), idResource when it is imported by its id, or objectResource when it is also deleted by one call;
// its model embeds tenantObject (id and tenant_hostname) or tenantScoped (tenant_hostname only).
// createObject, readObject, updateObject (updateThenRead) and deleteObject (deleteRefused) are the whole CRUD
// methods of an object handled by one API call each; a resource that does more starts each method with createIn,
// readIn, updateIn or deleteIn, which read the model and resolve the client of its tenant, and a ModifyPlan with
// more to check starts with planIn or replaceIn. A tenant-scoped data source is a newLookupDataSource (lookup). The
// attribute builders are in schema_helpers.go. DESIGN.md ("Adding a resource on the kit") walks through qlik_space.

// resourceBase is embedded by every resource. name is the type name without the provider's prefix ("space" for
// qlik_space); client is set by Configure and is nil until the provider is configured.
type resourceBase struct {
	name   string
	client *qlik.Client
}

func (b *resourceBase) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + b.name
}

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fails the plan when a known tenant_hostname is one the provider would not send credentials to. A
// resource with more to check at plan defines its own ModifyPlan, starting with planIn or replaceIn, which make
// this check first; a resource without tenant_hostname (qlik_tenant) must define its own.
func (b *resourceBase) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	checkHostsAtPlan(ctx, b.client, req.Plan, &resp.Diagnostics)
}

// idResource is resourceBase for a tenant-scoped resource imported by its id: ImportState takes
// [tenant_hostname/]id, idNames naming the parts of the id in the usage message ("space_id"; "space_id",
// "assignment_id" for a composite id, see importTenantScopedID).
type idResource struct {
	resourceBase
	idNames []string
}

// importedByID is the idResource of the resource type qlik_<name>.
func importedByID(name string, idNames ...string) idResource {
	return idResource{resourceBase: resourceBase{name: name}, idNames: idNames}
}

func (r *idResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importTenantScopedID(ctx, r.client, req, resp, r.idNames[0], r.idNames[1:]...)
}

// objectResource is idResource for a resource whose object goes with one delete call by its id: Delete is
// deleteObject with del ((*qlik.Client).DeleteBrand), what naming the object in messages ("brand"). A resource
// that deletes another way embeds idResource and writes its Delete out.
type objectResource[M objectModel] struct {
	idResource
	what string
	del  func(*qlik.Client, context.Context, string) error
}

// newObjectResource is the objectResource of the resource type qlik_<name>, imported by the id idName ("brand_id").
func newObjectResource[M objectModel](name, what, idName string, del func(*qlik.Client, context.Context, string) error) objectResource[M] {
	return objectResource[M]{idResource: importedByID(name, idName), what: what, del: del}
}

func (r *objectResource[M]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteObject[M](ctx, r.client, req, resp, r.what, r.del)
}

// dataSourceBase is resourceBase for data sources.
type dataSourceBase struct {
	name   string
	client *qlik.Client
}

func (b *dataSourceBase) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + b.name
}

func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// lookupDataSource is a tenant-scoped data source: its schema and the read that fills its model in (see lookup).
type lookupDataSource[M tenantScopedModel] struct {
	dataSourceBase
	schema func() dsschema.Schema
	read   func(ctx context.Context, c *qlik.Client, m *M, diags *diag.Diagnostics)
}

var _ datasource.DataSourceWithConfigure = (*lookupDataSource[spaceDataSourceModel])(nil)

// newLookupDataSource is the lookupDataSource of the data source type qlik_<name>.
func newLookupDataSource[M tenantScopedModel](name string, schema func() dsschema.Schema,
	read func(ctx context.Context, c *qlik.Client, m *M, diags *diag.Diagnostics),
) datasource.DataSource {
	return &lookupDataSource[M]{dataSourceBase: dataSourceBase{name: name}, schema: schema, read: read}
}

func (d *lookupDataSource[M]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = d.schema()
}

func (d *lookupDataSource[M]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	lookup(ctx, d.client, req, resp, d.read)
}

// tenantScoped is embedded in the model of every tenant-scoped resource and data source: the tenant_hostname
// attribute (tenantHostnameAttribute in the schema), through which the kit finds the tenant's client.
type tenantScoped struct {
	TenantHostname types.String `tfsdk:"tenant_hostname"`
}

func (t tenantScoped) tenantHostname() types.String { return t.TenantHostname }

// tenantScopedModel is a model that embeds tenantScoped.
type tenantScopedModel interface{ tenantHostname() types.String }

// tenantObject is embedded in the model of a tenant-scoped object that has a single id: the id and
// tenant_hostname attributes. It makes the model an objectModel, which readObject and deleteObject take.
type tenantObject struct {
	ID types.String `tfsdk:"id"`
	tenantScoped
}

func (o tenantObject) objectID() string { return o.ID.ValueString() }

// objectModel is a tenant-scoped model with a single id (embed tenantObject).
type objectModel interface {
	tenantScopedModel
	objectID() string
}

// kitResource is what a tenant-scoped resource on the kit is: configured, importable, checked at plan.
type kitResource interface {
	resource.ResourceWithConfigure
	resource.ResourceWithImportState
	resource.ResourceWithModifyPlan
}

// clientOf returns the client of m's tenant, unless diags already hold an error (the model could not be read).
// ok is false when there is no client; diags say why.
func clientOf(client *qlik.Client, m tenantScopedModel, diags *diag.Diagnostics) (c *qlik.Client, ok bool) {
	if diags.HasError() {
		return nil, false
	}
	c = tenantClient(client, m.tenantHostname(), diags)
	return c, !diags.HasError()
}

// createIn starts a Create: the planned model and the client of its tenant. When ok is false, Create returns;
// resp.Diagnostics say why.
func createIn[M tenantScopedModel](ctx context.Context, client *qlik.Client, req resource.CreateRequest, resp *resource.CreateResponse) (plan M, c *qlik.Client, ok bool) {
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c, ok = clientOf(client, plan, &resp.Diagnostics)
	return plan, c, ok
}

// readIn starts a Read: the model in state and the client of its tenant. The client waits out Qlik's visibility
// delay for an object this provider created recently (createdView), instead of taking a 404 for a deletion.
func readIn[M tenantScopedModel](ctx context.Context, client *qlik.Client, req resource.ReadRequest, resp *resource.ReadResponse) (state M, c *qlik.Client, ok bool) {
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c, ok = clientOf(client, state, &resp.Diagnostics)
	return state, createdView(ctx, c, req.Private), ok
}

// updateIn starts an Update: the planned model, the model in state, and the client of the planned tenant (a
// change of tenant_hostname replaces the object, so both name the same tenant).
func updateIn[M tenantScopedModel](ctx context.Context, client *qlik.Client, req resource.UpdateRequest, resp *resource.UpdateResponse) (plan, state M, c *qlik.Client, ok bool) {
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c, ok = clientOf(client, plan, &resp.Diagnostics)
	return plan, state, c, ok
}

// deleteIn starts a Delete: the model in state and the client of its tenant, waiting out Qlik's visibility delay
// like readIn's, so that destroy right after create does not leave the object behind.
func deleteIn[M tenantScopedModel](ctx context.Context, client *qlik.Client, req resource.DeleteRequest, resp *resource.DeleteResponse) (state M, c *qlik.Client, ok bool) {
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c, ok = clientOf(client, state, &resp.Diagnostics)
	return state, createdView(ctx, c, req.Private), ok
}

// configIn starts a data source's Read: the configured model and the client of its tenant.
func configIn[M tenantScopedModel](ctx context.Context, client *qlik.Client, req datasource.ReadRequest, resp *datasource.ReadResponse) (config M, c *qlik.Client, ok bool) {
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	c, ok = clientOf(client, config, &resp.Diagnostics)
	return config, c, ok
}

// lookup is the whole Read of a tenant-scoped data source: it reads the configuration, resolves the client of
// its tenant, lets read fill the model from the tenant, and stores the model unless read added an error.
func lookup[M tenantScopedModel](ctx context.Context, client *qlik.Client, req datasource.ReadRequest, resp *datasource.ReadResponse,
	read func(ctx context.Context, c *qlik.Client, m *M, diags *diag.Diagnostics),
) {
	m, c, ok := configIn[M](ctx, client, req, resp)
	if !ok {
		return
	}
	if read(ctx, c, &m, &resp.Diagnostics); !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
}

// writeOnlyValue returns the configured value of a write-only attribute (such as password_wo): Terraform never
// puts it in the plan or the state, so Create and Update read it from the configuration.
func writeOnlyValue(ctx context.Context, config tfsdk.Config, name string, diags *diag.Diagnostics) types.String {
	var v types.String
	diags.Append(config.GetAttribute(ctx, path.Root(name), &v)...)
	return v
}

// planIn starts the ModifyPlan of a resource with more to check at plan: it fails the plan for a known
// tenant_hostname the provider would not send credentials to (as resourceBase.ModifyPlan does), then reads the
// planned model. ok is false for a destroy, or when the host check failed or the plan could not be read.
func planIn[M any](ctx context.Context, client *qlik.Client, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) (plan M, ok bool) {
	if checkHostsAtPlan(ctx, client, req.Plan, &resp.Diagnostics); req.Plan.Raw.IsNull() || resp.Diagnostics.HasError() {
		return plan, false
	}
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	return plan, !resp.Diagnostics.HasError()
}

// changeIn reads the plan and the state in a ModifyPlan that changes an existing object (an update or a
// replacement). ok is false for a create or a destroy, or when either could not be read.
func changeIn[M any](ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) (plan, state M, ok bool) {
	if req.Plan.Raw.IsNull() || req.State.Raw.IsNull() {
		return plan, state, false
	}
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	return plan, state, !resp.Diagnostics.HasError()
}

// replaceIn starts the plan-time check of a change that replaces an existing object because attribute changes
// (a space's type): the planned and prior models and the client of the object's tenant, after the host check of
// resourceBase.ModifyPlan. ok is false unless the plan changes a known value of attribute of an object that stays
// in its tenant, or when the provider is not configured.
func replaceIn[M tenantScopedModel](ctx context.Context, client *qlik.Client, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse,
	attribute string,
) (plan, state M, c *qlik.Client, ok bool) {
	if checkHostsAtPlan(ctx, client, req.Plan, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return plan, state, nil, false
	}
	if plan, state, ok = changeIn[M](ctx, req, resp); !ok || client == nil || !plan.tenantHostname().Equal(state.tenantHostname()) {
		return plan, state, nil, false
	}
	var planned, prior attr.Value
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root(attribute), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(attribute), &prior)...)
	if resp.Diagnostics.HasError() || planned == nil || planned.IsUnknown() || planned.Equal(prior) {
		return plan, state, nil, false
	}
	c, err := client.ForTenant(state.tenantHostname().ValueString())
	return plan, state, c, err == nil
}

// readObject is the whole Read of a resource whose object is fetched by its id: get is the client's Get method
// ((*qlik.Client).GetSpace) and set the model's mapping ((*spaceResourceModel).fromAPI). A 404 removes the
// resource from state (readFound); what names the object in messages ("space"). A set that refuses the object
// (a default role where a custom one is managed) adds an error to resp.Diagnostics, and the state stays as it was.
func readObject[M objectModel, T any](ctx context.Context, client *qlik.Client, req resource.ReadRequest, resp *resource.ReadResponse,
	what string, get func(*qlik.Client, context.Context, string) (*T, error), set func(*M, *T),
) {
	state, c, ok := readIn[M](ctx, client, req, resp)
	if !ok {
		return
	}
	obj, err := get(c, ctx, state.objectID())
	if !readFound(ctx, err, what, state.objectID(), resp) {
		return
	}
	if set(&state, obj); !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	}
}

// deleteObject is the whole Delete of a resource whose object is deleted by its id: del is the client's Delete
// method ((*qlik.Client).DeleteWebIntegration). A 404 counts as deleted (reportDelete).
func deleteObject[M objectModel](ctx context.Context, client *qlik.Client, req resource.DeleteRequest, resp *resource.DeleteResponse,
	what string, del func(*qlik.Client, context.Context, string) error,
) {
	state, c, ok := deleteIn[M](ctx, client, req, resp)
	if ok {
		reportDelete(&resp.Diagnostics, what, del(c, ctx, state.objectID()))
	}
}

// writeFailed reports the error of a create or update call under summary ("Unable to create space"), pointing
// at the attribute to change where it can. conflictOn and writeErrors make one.
type writeFailed func(diags *diag.Diagnostics, summary string, err error)

// errorOn is a rule of writeErrors: an error that matches is reported against attribute, with hint as the next
// step ("" for Qlik's words alone).
type errorOn struct {
	match     func(error) bool
	attribute string
	hint      string
}

// writeErrors is the writeFailed that reports an error against the attribute of the first rule it matches, and
// through addAPIError when it matches none.
func writeErrors(rules ...errorOn) writeFailed {
	return func(diags *diag.Diagnostics, summary string, err error) {
		for _, r := range rules {
			if r.match(err) {
				addAttributeAPIError(diags, path.Root(r.attribute), summary, err, r.hint)
				return
			}
		}
		addAPIError(diags, summary, err, "")
	}
}

// asAPIErrors is the writeFailed of a resource with no write error of its own: every error goes through
// addAPIError.
var asAPIErrors = writeErrors()

// is matches the errors that errors.Is finds target in (qlik.ErrConflict).
func is(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

// conflictOn is the writeFailed of a resource whose only write error of its own is a 409: a value of attribute
// that must be unique is taken, and hint is the next step.
func conflictOn(attribute, hint string) writeFailed {
	return writeErrors(errorOn{is(qlik.ErrConflict), attribute, hint})
}

// createObject is the whole Create of a resource whose object is made by one call: create sends the planned
// model to Qlik (a request it cannot build is reported in resp.Diagnostics instead, and the Create stops), failed
// reports its error as "Unable to create <what>", set maps the answer into the model, and saveCreated stores it.
func createObject[M tenantScopedModel, T any](ctx context.Context, client *qlik.Client, req resource.CreateRequest, resp *resource.CreateResponse,
	what string, failed writeFailed, create func(c *qlik.Client, plan M) (*T, error), set func(*M, *T),
) {
	plan, c, ok := createIn[M](ctx, client, req, resp)
	if !ok {
		return
	}
	obj, err := create(c, plan)
	if writeStopped(&resp.Diagnostics, err, "Unable to create "+what, failed) {
		return
	}
	set(&plan, obj)
	saveCreated(ctx, resp, &plan)
}

// updateObject is the whole Update of a resource whose update call answers with the object: update sends the
// change from state to plan (a request it cannot build is reported in resp.Diagnostics instead, and the Update
// stops), failed reports its error as "Unable to update <what>", and set maps the answer into the stored model.
func updateObject[M tenantScopedModel, T any](ctx context.Context, client *qlik.Client, req resource.UpdateRequest, resp *resource.UpdateResponse,
	what string, failed writeFailed, update func(c *qlik.Client, plan, state M) (*T, error), set func(*M, *T),
) {
	plan, state, c, ok := updateIn[M](ctx, client, req, resp)
	if !ok {
		return
	}
	obj, err := update(c, plan, state)
	if writeStopped(&resp.Diagnostics, err, "Unable to update "+what, failed) {
		return
	}
	set(&plan, obj)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// updateThenRead is updateObject for an update call that answers without the object: get reads it back by its
// id, and an error of that read is "Unable to read <what>".
func updateThenRead[M objectModel, T any](ctx context.Context, client *qlik.Client, req resource.UpdateRequest, resp *resource.UpdateResponse,
	what string, failed writeFailed, update func(c *qlik.Client, plan, state M) error,
	get func(*qlik.Client, context.Context, string) (*T, error), set func(*M, *T),
) {
	updateObject(ctx, client, req, resp, what, failed, func(c *qlik.Client, plan, state M) (*T, error) {
		if err := update(c, plan, state); err != nil || resp.Diagnostics.HasError() {
			return nil, err
		}
		obj, err := get(c, ctx, state.objectID())
		if err != nil {
			addAPIError(&resp.Diagnostics, "Unable to read "+what, err, "")
		}
		return obj, nil
	}, set)
}

// writeStopped reports whether a create or update ends after its call: with the call's error (through failed),
// or with the errors its request added to diags before any call.
func writeStopped(diags *diag.Diagnostics, err error, summary string, failed writeFailed) bool {
	if err != nil {
		failed(diags, summary, err)
	}
	return diags.HasError()
}

// deleteRefused is deleteObject for an object whose delete Qlik may refuse for a reason the user can act on (a
// space that holds content): refusal names that case for an error of del, as the error's summary and the next
// step, or returns an empty summary to report the error as deleteObject does.
func deleteRefused[M objectModel](ctx context.Context, client *qlik.Client, req resource.DeleteRequest, resp *resource.DeleteResponse,
	what string, del func(*qlik.Client, context.Context, string) error, refusal func(state M, err error) (summary, hint string),
) {
	state, c, ok := deleteIn[M](ctx, client, req, resp)
	if !ok {
		return
	}
	err := del(c, ctx, state.objectID())
	if err != nil {
		if summary, hint := refusal(state, err); summary != "" {
			addAPIError(&resp.Diagnostics, summary, err, hint)
			return
		}
	}
	reportDelete(&resp.Diagnostics, what, err)
}

// saveCreated ends a Create: it stores the model and records when the object was created (recordCreated), which
// the Read and Delete of later runs need to wait out Qlik's visibility delay.
func saveCreated(ctx context.Context, resp *resource.CreateResponse, m any) {
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	recordCreated(ctx, resp.Private, &resp.Diagnostics)
}

// reportDelete ends a Delete: err is the answer to the delete call. A 404 means the object is gone already,
// which is what destroy wants; any other error is reported as "Unable to delete <what>".
func reportDelete(diags *diag.Diagnostics, what string, err error) {
	if err != nil && !errors.Is(err, qlik.ErrNotFound) {
		addAPIError(diags, "Unable to delete "+what, err, "")
	}
}

// ifChanged is the planned value for a PATCH-style update request: a pointer to it when it differs from the
// state, nil (leave as is) otherwise.
func ifChanged(plan, state types.String) *string {
	if plan.Equal(state) {
		return nil
	}
	return plan.ValueStringPointer()
}
