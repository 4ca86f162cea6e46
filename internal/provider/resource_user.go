package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ kitResource = (*userResource)(nil)

// NewUserResource is the qlik_user constructor.
func NewUserResource() resource.Resource { return &userResource{resourceBase{name: "user"}} }

type userResource struct{ resourceBase }

type userModel struct {
	tenantObject
	Subject      types.String `tfsdk:"subject"`
	Name         types.String `tfsdk:"name"`
	Email        types.String `tfsdk:"email"`
	Roles        types.Set    `tfsdk:"roles"`
	Status       types.String `tfsdk:"status"`
	LicenseType  types.String `tfsdk:"license_type"`
	DeletionMode types.String `tfsdk:"deletion_mode"`
}

// licenseNone is license_type's value for a user without a license assignment.
const licenseNone = "none"

// Deletion modes of qlik_user.
const (
	deleteUser  = "delete"
	disableUser = "disable"
)

var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

func (r *userResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A user of a tenant, known by the subject its identity provider sends, with its own tenant " +
			"roles, its status and its license.\n\n" +
			"Qlik creates users as *invited*, and an invitation that is not taken up expires; the provider activates " +
			"the user right away (or disables it, as `status` says). A user invited in the management console and " +
			"imported shows `status` `invited` as drift, and the apply activates it.\n\n" +
			"**What destroy does is a choice** (`deletion_mode`): `delete` removes the user, frees its license and " +
			"leaves the content it owns without owner (reloads of its apps then fail). With an identity provider, a " +
			"deleted user who signs in again comes back as a *new* user, with a new id, and may take a license again " +
			"if automatic assignment is on (`qlik_license_settings`). `disable` keeps the user and its content but " +
			"refuses its sign-ins, and removes its own roles (so that custom roles can be deleted) and its license " +
			"assignment (so that the license is free); creating a " +
			"`qlik_user` with the same subject later fails with Qlik's conflict until the disabled user is imported " +
			"or deleted.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("User id."),
			"tenant_hostname": tenantHostnameAttribute(),
			"subject": requiredReplace("The user's subject: the unique id its identity provider sends (the `sub` claim of a "+
				"JWT or OIDC login, for example `auth0|5f1c...`). A sign-in with this subject is this user. Unique in "+
				"the tenant. Changing it replaces the user.", stringvalidator.LengthAtLeast(1)),
			"name": optionalKept("Display name. Defaults to what Qlik sets (the subject, until the user signs in with "+
				"a name claim). Updates in place.",
				stringvalidator.LengthAtLeast(1)),
			"email": optionalKeptReplaced("Email address, set when the user is created. Qlik does not change a user's email "+
				"through its API, so changing the configured value replaces the user. Omit it to take what the "+
				"identity provider sends at sign-in.",
				stringvalidator.RegexMatches(emailPattern, "must be an email address such as ann@example.com")),
			"roles": tenantRolesAttribute("The user's own tenant roles, by name (default or custom; case-sensitive). Roles the " +
				"user holds through groups are not listed here. This is the complete list: roles added elsewhere " +
				"show as drift. Unknown names fail at plan. Defaults to none. Updates in place."),
			"status": stringWithDefault("`active` (the default) or `disabled` (the user cannot sign in; its content stays). "+
				"Updates in place.",
				qlik.UserActive, stringvalidator.OneOf(qlik.UserActive, qlik.UserDisabled)),
			"license_type": optionalKept("The user's license: `professional`, `analyzer`, or `none` to hold none. Qlik answers "+
				"for each assignment separately; a refusal (for example `LICENSES-011` when no license of the type is "+
				"left) fails the apply with Qlik's code and title, and the user keeps what it had. Omit it to leave "+
				"licenses to automatic assignment (`qlik_license_settings`) or the console; the attribute then shows "+
				"what the user holds. Updates in place.",
				stringvalidator.OneOf(qlik.LicenseProfessional, qlik.LicenseAnalyzer, licenseNone)),
			"deletion_mode": stringWithDefault("What destroy does: `delete` (the default) deletes the user; `disable` disables it "+
				"and removes its own roles and its license assignment (see above). Changing it changes nothing in Qlik.",
				deleteUser, stringvalidator.OneOf(deleteUser, disableUser)),
		},
	}
}

// ModifyPlan refuses untrusted hosts, two users of one subject in this run and unknown roles.
func (r *userResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if plan, ok := planIn[userModel](ctx, r.client, req, resp); ok {
		planRolesHolder(ctx, r.client, req, resp, plan.TenantHostname, plan.Subject, "qlik_user", "user", "subject", plan.Roles)
	}
}

// read refreshes m from the user and its license assignment.
func (m *userModel) read(ctx context.Context, c *qlik.Client, id string) error {
	u, err := c.GetUser(ctx, id)
	if err != nil {
		return err
	}
	if u.Status == qlik.UserDeleted {
		return &qlik.NotFoundError{What: "user " + id + " (deleted)", Host: c.Hostname()}
	}
	license := licenseNone
	switch a, err := c.FindLicenseAssignment(ctx, u.Subject); {
	case err == nil:
		license = a.Type
	case !qlik.IsNotFound(err):
		return err
	}
	m.ID = types.StringValue(u.ID)
	m.Subject = types.StringValue(u.Subject)
	m.Name = types.StringValue(u.Name)
	m.Email = types.StringValue(u.Email)
	m.Roles = stringSetValue(u.RoleNames())
	m.Status = types.StringValue(u.Status)
	m.LicenseType = types.StringValue(license)
	return nil
}

// setLicense moves the subject's license assignment from current to desired, with the one action that takes.
func setLicense(ctx context.Context, c *qlik.Client, subject, current, desired string) error {
	switch {
	case desired == "" || desired == current:
		return nil
	case desired == licenseNone:
		return c.UnassignLicense(ctx, subject, current)
	case current == licenseNone || current == "":
		return c.AssignLicense(ctx, subject, desired)
	default:
		return c.ChangeLicense(ctx, subject, current, desired)
	}
}

// configured returns the planned value of an Optional+Computed string, or "" when it is not configured.
func configured(v types.String) string {
	if v.IsNull() || v.IsUnknown() {
		return ""
	}
	return v.ValueString()
}

func (r *userResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan, c, ok := createIn[userModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	roles, ok := rolesToApply(ctx, c, plan.Roles, &resp.Diagnostics)
	if !ok {
		return
	}
	u, err := c.CreateUser(ctx, qlik.UserCreateRequest{
		Subject: plan.Subject.ValueString(), Name: configured(plan.Name), Email: configured(plan.Email), Roles: roles,
	})
	if err != nil {
		if errors.Is(err, qlik.ErrConflict) {
			addAttributeAPIError(&resp.Diagnostics, path.Root("subject"), "Unable to create user", err,
				"A user with this subject exists in the tenant already (possibly a disabled one, or one who signed in "+
					"before Terraform created it): import it with terraform import, or delete it first.")
			return
		}
		addAPIError(&resp.Diagnostics, "Unable to create user", err, "")
		return
	}
	recordCreated(ctx, resp.Private, &resp.Diagnostics)
	// The user exists from here on: whatever fails next, the state records it (a failed create is tainted and
	// replaced by the next apply, which deletes or disables it as deletion_mode says).
	status := plan.Status.ValueString()
	var errs []error
	if err := c.UpdateUser(ctx, u.ID, qlik.UserUpdate{Status: &status}); err != nil {
		errs = append(errs, err)
	}
	if err := setLicense(ctx, c, u.Subject, licenseNone, configured(plan.LicenseType)); err != nil {
		errs = append(errs, err)
	}
	r.finish(ctx, c, u.ID, &plan, "create", errs, &resp.State, &resp.Diagnostics)
}

// finish reads the user back into the state and reports the errors of the steps before.
func (r *userResource) finish(ctx context.Context, c *qlik.Client, id string, plan *userModel, verb string, errs []error, state stateSetter, diags *diag.Diagnostics) {
	if err := plan.read(ctx, c, id); err != nil {
		addAPIError(diags, "Unable to read user", err, "")
		// The state needs known values: what Qlik computes is unknown until the next refresh reads it.
		plan.ID = types.StringValue(id)
		for _, v := range []*types.String{&plan.Name, &plan.Email, &plan.LicenseType} {
			if v.IsUnknown() {
				*v = types.StringNull()
			}
		}
	}
	diags.Append(state.Set(ctx, plan)...)
	for _, err := range errs {
		addUserWriteError(diags, fmt.Sprintf("Unable to %s user %s", verb, plan.Subject.ValueString()), err)
	}
}

func (r *userResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state, c, ok := readIn[userModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	err := state.read(ctx, c, state.ID.ValueString())
	if !readFound(ctx, err, "user", state.ID.ValueString(), resp) {
		return
	}
	if state.DeletionMode.IsNull() {
		state.DeletionMode = types.StringValue(deleteUser) // after an import
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *userResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, state, c, ok := updateIn[userModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	var upd qlik.UserUpdate
	if n := configured(plan.Name); n != "" && n != state.Name.ValueString() {
		upd.Name = &n
	}
	if !plan.Roles.Equal(state.Roles) {
		roles, ok := rolesToApply(ctx, c, plan.Roles, &resp.Diagnostics)
		if !ok {
			return
		}
		upd.Roles = &roles
	}
	if s := plan.Status.ValueString(); s != state.Status.ValueString() {
		upd.Status = &s
	}
	var errs []error
	if err := c.UpdateUser(ctx, state.ID.ValueString(), upd); err != nil {
		errs = append(errs, err)
	}
	if err := setLicense(ctx, c, state.Subject.ValueString(), state.LicenseType.ValueString(), configured(plan.LicenseType)); err != nil {
		errs = append(errs, err)
	}
	r.finish(ctx, c, state.ID.ValueString(), &plan, "update", errs, &resp.State, &resp.Diagnostics)
}

func (r *userResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, c, ok := deleteIn[userModel](ctx, r.client, req, resp)
	if !ok {
		return
	}
	id := state.ID.ValueString()
	if state.DeletionMode.ValueString() != disableUser {
		reportDelete(&resp.Diagnostics, "user", c.DeleteUser(ctx, id))
		return
	}
	// Disabled, the user keeps its content but no roles: a custom role it held could not be deleted otherwise
	// (Qlik deletes only unassigned roles), and a disabled user cannot use them anyway.
	disabled, none := qlik.UserDisabled, []string{}
	err := c.UpdateUser(ctx, id, qlik.UserUpdate{Status: &disabled, Roles: &none})
	switch {
	case errors.Is(err, qlik.ErrNotFound):
		return
	case err != nil:
		addUserWriteError(&resp.Diagnostics, "Unable to disable user", err)
		return
	}
	// A disabled user still holds its license; deprovisioning frees it.
	a, err := c.FindLicenseAssignment(ctx, state.Subject.ValueString())
	switch {
	case qlik.IsNotFound(err):
	case err != nil:
		addAPIError(&resp.Diagnostics, "Unable to read the disabled user's license", err, "")
	default:
		if err := c.UnassignLicense(ctx, a.Subject, a.Type); err != nil {
			addUserWriteError(&resp.Diagnostics, "Unable to free the disabled user's license", err)
		}
	}
}

func (r *userResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importTenantScopedID(ctx, r.client, req, resp, "user_id")
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("deletion_mode"), deleteUser)...)
}

// addUserWriteError shows each refused item of a multi-status answer (a user PATCH, a license action) with Qlik's
// code and title, against the attribute it concerns.
func addUserWriteError(diags *diag.Diagnostics, summary string, err error) {
	var items *qlik.ItemErrors
	if !errors.As(err, &items) {
		addAPIError(diags, summary, err, "")
		return
	}
	attrs := map[string]string{"name": "name", "roles": "roles", "status": "status"}
	for _, it := range items.Items {
		detail := fmt.Sprintf("Qlik Cloud answered %s %s with HTTP %d and refused this item.\n", items.Method, items.Path, items.Status)
		for _, f := range [][2]string{{"Item", it.Item}, {"Status", it.Status}, {"Code", it.Code}, {"Title", it.Title}, {"Detail", it.Detail}, {"Request ID", items.TraceID}} {
			if f[1] != "" {
				detail += f[0] + ": " + f[1] + "\n"
			}
		}
		attr, ok := attrs[it.Item]
		if !ok {
			attr = "license_type"
			if it.Code == "LICENSES-011" {
				detail += "\nNo license of this type is left in the tenant: free one (another user's license_type), choose another type, or extend the subscription."
			}
		}
		diags.AddAttributeError(path.Root(attr), summary, detail)
	}
}

// stateSetter is the Set method of a response's state.
type stateSetter interface {
	Set(ctx context.Context, val any) diag.Diagnostics
}
