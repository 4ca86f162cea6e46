package provider

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// NewUsersDataSource is the qlik_users data source constructor.
func NewUsersDataSource() datasource.DataSource {
	return newLookupDataSource("users", usersDataSourceSchema, readUsers)
}

type usersDataSourceModel struct {
	tenantScoped
	Filter types.String    `tfsdk:"filter"`
	Status types.String    `tfsdk:"status"`
	Users  []userListEntry `tfsdk:"users"`
}

type userListEntry struct {
	ID      types.String `tfsdk:"id"`
	Subject types.String `tfsdk:"subject"`
	Name    types.String `tfsdk:"name"`
	Email   types.String `tfsdk:"email"`
	Status  types.String `tfsdk:"status"`
	Roles   types.Set    `tfsdk:"roles"`
	Groups  types.Set    `tfsdk:"groups"`
}

func usersDataSourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Lists the users of a tenant, all of them or those a filter selects, for example to " +
			"find the administrators (`assignedRoles.name eq \"TenantAdmin\"`) or the users from one email domain.",
		Attributes: map[string]schema.Attribute{
			"tenant_hostname": dataSourceTenantHostnameAttribute("look in"),
			"filter": optionalArgument("Qlik's user filter (SCIM-like: `<field> <op> \"<value>\"` joined by `and`/`or`, "+
				"with `eq`, `ne`, `co`, `sw`; fields `id`, `subject`, `name`, `email`, `status`, "+
				"`assignedRoles.name`, `assignedGroups.id`), for example `email co \"@example.com\"`.",
				stringvalidator.LengthAtLeast(1)),
			"status": optionalArgument("Only users with this status: `active`, `invited`, `disabled`. Combined with `filter` by `and`.",
				stringvalidator.OneOf(qlik.UserActive, qlik.UserInvited, qlik.UserDisabled)),
			"users": schema.ListNestedAttribute{
				MarkdownDescription: "The users, in Qlik's order (by name).",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":      computedString("User id."),
					"subject": computedString("Subject from the identity provider."),
					"name":    computedString("Display name."),
					"email":   computedString("Email address."),
					"status":  computedString("`active`, `invited`, `disabled`, ..."),
					"roles":   computedStringSet("Names of the user's own tenant roles."),
					"groups":  computedStringSet("Names of the user's groups."),
				}},
			},
		},
	}
}

func readUsers(ctx context.Context, c *qlik.Client, m *usersDataSourceModel, diags *diag.Diagnostics) {
	var parts []string
	if f := m.Filter.ValueString(); f != "" {
		parts = append(parts, "("+f+")")
	}
	if s := m.Status.ValueString(); s != "" {
		parts = append(parts, "status eq \""+s+"\"")
	}
	users, err := c.ListUsers(ctx, strings.Join(parts, " and "))
	if err != nil {
		if !m.Filter.IsNull() && errors.Is(err, qlik.ErrBadRequest) {
			addAttributeAPIError(diags, path.Root("filter"), "Unable to list users", err, "Qlik refused the filter; check its syntax and field names.")
			return
		}
		addAPIError(diags, "Unable to list users", err, "")
		return
	}
	m.Users = make([]userListEntry, 0, len(users))
	for _, u := range users {
		groups := make([]string, 0, len(u.AssignedGroups))
		for _, g := range u.AssignedGroups {
			groups = append(groups, g.Name)
		}
		m.Users = append(m.Users, userListEntry{
			ID: types.StringValue(u.ID), Subject: types.StringValue(u.Subject), Name: types.StringValue(u.Name),
			Email: types.StringValue(u.Email), Status: types.StringValue(u.Status),
			Roles: stringSetValue(u.RoleNames()), Groups: stringSetValue(groups),
		})
	}
}
