package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider/validators"
)

func hostnameValidator() validator.String { return validators.Hostname() }

// Attribute builders for the attributes that most resources share. Each states its behaviour in its
// description the same way everywhere.

// tenantHostnameAttribute is the tenant_hostname of a tenant-scoped resource (model: embed tenantScoped):
// optional (the home tenant when omitted), checked at plan, and a change replaces the object.
func tenantHostnameAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: tenantHostnameDescription,
		Optional:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		Validators:          []validator.String{hostnameValidator()},
	}
}

// dataSourceTenantHostnameAttribute is the tenant_hostname of a data source, described as "Hostname of the
// tenant to <verb>.", optional and checked at plan.
func dataSourceTenantHostnameAttribute(verb string) dsschema.StringAttribute {
	return dsschema.StringAttribute{
		MarkdownDescription: "Hostname of the tenant to " + verb + ". Omit it for the provider's home tenant.",
		Optional:            true,
		Validators:          []validator.String{hostnameValidator()},
	}
}

// requiredString is a required string a resource can change in place.
func requiredString(description string, validators ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Required: true, Validators: validators}
}

// optionalString is an optional string a resource can change in place; null when it is not set.
func optionalString(description string, validators ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Optional: true, Validators: validators}
}

// requiredBool is a required boolean a resource can change in place.
func requiredBool(description string) schema.BoolAttribute {
	return schema.BoolAttribute{MarkdownDescription: description, Required: true}
}

// requiredInt64 is a required whole number a resource can change in place.
func requiredInt64(description string, validators ...validator.Int64) schema.Int64Attribute {
	return schema.Int64Attribute{MarkdownDescription: description, Required: true, Validators: validators}
}

// optionalReplace is an optional string that Qlik cannot change on an existing object, so a change replaces it.
func optionalReplace(description string, validators ...validator.String) schema.StringAttribute {
	a := requiredReplace(description, validators...)
	a.Required, a.Optional = false, true
	return a
}

// optionalKept is an optional string that Qlik fills in when it is not set: plans keep the state's value unless the
// configuration sets one.
func optionalKept(description string, validators ...validator.String) schema.StringAttribute {
	a := computedKept(description)
	a.Optional, a.Validators = true, validators
	return a
}

// optionalKeptReplaced is optionalKept for a value Qlik cannot change: configuring another one replaces the object.
func optionalKeptReplaced(description string, validators ...validator.String) schema.StringAttribute {
	a := optionalKept(description, validators...)
	a.PlanModifiers = append(a.PlanModifiers, stringplanmodifier.RequiresReplaceIfConfigured())
	return a
}

// optionalInt64 is an optional whole number a resource can change in place (the version of a write-only value).
func optionalInt64(description string) schema.Int64Attribute {
	return schema.Int64Attribute{MarkdownDescription: description, Optional: true}
}

// boolWithDefault is an optional boolean that takes the value def when it is not set.
func boolWithDefault(description string, def bool) schema.BoolAttribute {
	return schema.BoolAttribute{MarkdownDescription: description, Optional: true, Computed: true, Default: booldefault.StaticBool(def)}
}

// writeOnlyString is a secret from the configuration (Terraform 1.11 or later): sensitive, never stored in the plan
// or the state. It is read with writeOnlyValue.
func writeOnlyString(description string, validators ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Optional: true, Sensitive: true, WriteOnly: true, Validators: validators}
}

// versionedWriteOnly is the write-only string name that is sent when its version attribute, name_version, changes:
// setting it requires that attribute.
func versionedWriteOnly(name, description string, validators ...validator.String) schema.StringAttribute {
	return writeOnlyString(description, append(validators, stringvalidator.AlsoRequires(path.MatchRoot(name+"_version")))...)
}

// requiredStringSet is a required set of strings a resource can change in place.
func requiredStringSet(description string, validators ...validator.Set) schema.SetAttribute {
	return schema.SetAttribute{MarkdownDescription: description, ElementType: types.StringType, Required: true, Validators: validators}
}

// requiredReplace is a required string that Qlik cannot change on an existing object, so a change replaces it
// (the description says so).
func requiredReplace(description string, validators ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Required:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		Validators:          validators,
	}
}

// emptyByDefault is an optional string that Qlik stores as "" when it is not set (a description): the plan
// shows "" rather than null, so leaving it out of the configuration is not a change.
func emptyByDefault(description string, validators ...validator.String) schema.StringAttribute {
	return stringWithDefault(description, "", validators...)
}

// stringWithDefault is an optional string that takes the value def when it is not set.
func stringWithDefault(description, def string, validators ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Optional:            true,
		Computed:            true,
		Default:             stringdefault.StaticString(def),
		Validators:          validators,
	}
}

// int64WithDefault is an optional whole number that takes the value def when it is not set.
func int64WithDefault(description string, def int64, validators ...validator.Int64) schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: description,
		Optional:            true,
		Computed:            true,
		Default:             int64default.StaticInt64(def),
		Validators:          validators,
	}
}

// replacingString, replacingBool and replacingInt64 make a change of an attribute replace the object (Qlik
// cannot change it on an existing one).
func replacingString(a schema.StringAttribute) schema.StringAttribute {
	a.PlanModifiers = append(a.PlanModifiers, stringplanmodifier.RequiresReplace())
	return a
}

func replacingBool(a schema.BoolAttribute) schema.BoolAttribute {
	a.PlanModifiers = append(a.PlanModifiers, boolplanmodifier.RequiresReplace())
	return a
}

func replacingInt64(a schema.Int64Attribute) schema.Int64Attribute {
	a.PlanModifiers = append(a.PlanModifiers, int64planmodifier.RequiresReplace())
	return a
}

// emptySetByDefault is an optional set of strings that is empty when it is not set (roles, origins): the plan
// shows an empty set rather than null, so leaving it out of the configuration means none.
func emptySetByDefault(description string, validators ...validator.Set) schema.SetAttribute {
	return schema.SetAttribute{
		MarkdownDescription: description,
		ElementType:         types.StringType,
		Optional:            true,
		Computed:            true,
		Default:             setdefault.StaticValue(stringSetValue(nil)),
		Validators:          validators,
	}
}

// tenantRolesAttribute is the roles of a user or a custom group: the complete list of its own tenant roles, by
// name, at most 100, checked against the tenant's catalogue at plan (planRolesHolder).
func tenantRolesAttribute(description string) schema.SetAttribute {
	return emptySetByDefault(description, setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)), setvalidator.SizeAtMost(100))
}

// idAttribute is a resource's id: computed by Qlik at create and kept in plans after that.
func idAttribute(description string) schema.StringAttribute { return computedKept(description) }

// computedKept is a computed attribute that does not change after create (owner, creation time): plans keep the
// state's value instead of showing it as "known after apply".
func computedKept(description string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: description,
		Computed:            true,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// computedRead is a computed attribute that Qlik may change on any update: plans show it as "known after apply".
func computedRead(description string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: description, Computed: true}
}

// computedKeptBool is computedKept for a boolean.
func computedKeptBool(description string) schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: description,
		Computed:            true,
		PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
	}
}

// createdAtAttribute is the creation time of an object, whatever Qlik calls it (created, createdAt, createdDate).
func createdAtAttribute() schema.StringAttribute { return computedKept("Creation time (RFC 3339).") }

// createdByAttribute is the user id of an object's creator.
func createdByAttribute() schema.StringAttribute { return computedKept("User id of the creator.") }

// updatedAtAttribute is the time of an object's last change. With watched attributes, plans keep the state's
// value unless one of them changes (computedWatching); without, every update shows it as unknown.
func updatedAtAttribute(watched ...string) schema.StringAttribute {
	const description = "Time of the last change (RFC 3339)."
	if len(watched) == 0 {
		return computedRead(description)
	}
	return computedWatching(description, watched...)
}

// computedWatching is a computed string that Qlik changes only when one of the watched attributes changes: plans
// keep the state's value unless one of them does (keptUnlessChanged).
func computedWatching(description string, watched ...string) schema.StringAttribute {
	a := computedRead(description)
	a.PlanModifiers = []planmodifier.String{keptUnlessChanged(watched...)}
	return a
}

// keptUnlessChanged is the plan modifier that keeps the state's value unless one of the named attributes changes.
func keptUnlessChanged(watched ...string) useStateUnlessChanged {
	paths := make([]path.Path, 0, len(watched))
	for _, w := range watched {
		paths = append(paths, path.Root(w))
	}
	return useStateUnlessChanged{watched: paths}
}

// computedString is a data source attribute that the data source reads from Qlik.
func computedString(description string) dsschema.StringAttribute {
	return dsschema.StringAttribute{MarkdownDescription: description, Computed: true}
}

// requiredArgument is a string a data source must be given to look something up (a name).
func requiredArgument(description string, validators ...validator.String) dsschema.StringAttribute {
	return dsschema.StringAttribute{MarkdownDescription: description, Required: true, Validators: validators}
}

// optionalArgument is a string a data source may be given to narrow what it reads (a filter).
func optionalArgument(description string, validators ...validator.String) dsschema.StringAttribute {
	return dsschema.StringAttribute{MarkdownDescription: description, Optional: true, Validators: validators}
}

// optionalOrRead is a string a data source may be given to look something up, and otherwise reads.
func optionalOrRead(description string, validators ...validator.String) dsschema.StringAttribute {
	return dsschema.StringAttribute{MarkdownDescription: description, Optional: true, Computed: true, Validators: validators}
}

// computedStringSet is a data source attribute that holds a set of strings the data source reads (role names).
func computedStringSet(description string) dsschema.SetAttribute {
	return dsschema.SetAttribute{MarkdownDescription: description, Computed: true, ElementType: types.StringType}
}

// spaceNamePattern is Qlik's own rule for space names (spaces.json, SpaceCreate.name).
var spaceNamePattern = regexp.MustCompile(`^[^"*?<>/|\\:]+$`)

func spaceNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, 256),
		stringvalidator.RegexMatches(spaceNamePattern, `must not contain any of " * ? < > / | \ :`),
	}
}

// useStateUnlessChanged keeps a computed value from state unless one of the watched attributes changes in the
// plan: a timestamp such as last_updated moves only when the update that bumps it happens.
type useStateUnlessChanged struct{ watched []path.Path }

func (m useStateUnlessChanged) Description(context.Context) string {
	return fmt.Sprintf("keeps the prior value unless one of %v changes", m.watched)
}

func (m useStateUnlessChanged) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m useStateUnlessChanged) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || !req.PlanValue.IsUnknown() || req.ConfigValue.IsUnknown() {
		return
	}
	if m.unchanged(ctx, req.Plan, req.State, &resp.Diagnostics) {
		resp.PlanValue = req.StateValue
	}
}

// PlanModifySet keeps a computed set from state unless a watched attribute changes (allowed_auth_methods, which
// Qlik fills for a web client, follows app_type).
func (m useStateUnlessChanged) PlanModifySet(ctx context.Context, req planmodifier.SetRequest, resp *planmodifier.SetResponse) {
	if req.StateValue.IsNull() || !req.PlanValue.IsUnknown() || req.ConfigValue.IsUnknown() {
		return
	}
	if m.unchanged(ctx, req.Plan, req.State, &resp.Diagnostics) {
		resp.PlanValue = req.StateValue
	}
}

// unchanged reports whether every watched attribute has the same value, or one that means the same, in the plan
// as in the state.
func (m useStateUnlessChanged) unchanged(ctx context.Context, plan tfsdk.Plan, state tfsdk.State, diags *diag.Diagnostics) bool {
	for _, p := range m.watched {
		var planned, prior attr.Value
		diags.Append(plan.GetAttribute(ctx, p, &planned)...)
		diags.Append(state.GetAttribute(ctx, p, &prior)...)
		if diags.HasError() || planned == nil || prior == nil || (!planned.Equal(prior) && !semanticallyEqual(ctx, planned, prior)) {
			return false
		}
	}
	return true
}

// semanticallyEqual reports whether two values of a semantic string type (a workspace reformatted) mean the same.
func semanticallyEqual(ctx context.Context, planned, prior attr.Value) bool {
	p, ok := planned.(basetypes.StringValuableWithSemanticEquals)
	if !ok {
		return false
	}
	q, ok := prior.(basetypes.StringValuable)
	if !ok {
		return false
	}
	eq, diags := p.StringSemanticEquals(ctx, q)
	return eq && !diags.HasError()
}
