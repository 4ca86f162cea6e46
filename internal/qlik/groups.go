package qlik

import (
	"context"
	"errors"
	"fmt"
)

const groupsPath = "/api/v1/groups"

// Group provider types.
const (
	GroupProviderIDP    = "idp"
	GroupProviderCustom = "custom"
)

// RoleRef is a role as assigned to a group or user (groups.json, schema AssignedRoles).
type RoleRef struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	Level string `json:"level"`
}

// Group is a Qlik Cloud group (groups.json, schema Group). Groups from the identity provider have ProviderType "idp".
type Group struct {
	ID            string    `json:"id"`
	TenantID      string    `json:"tenantId"`
	Name          string    `json:"name"`
	Description   string    `json:"description"`
	Status        string    `json:"status"`
	ProviderType  string    `json:"providerType"`
	AssignedRoles []RoleRef `json:"assignedRoles"`
	CreatedAt     string    `json:"createdAt"`
	CreatedBy     string    `json:"createdBy"`
	LastUpdatedAt string    `json:"lastUpdatedAt"`
}

// RoleNames returns the names of the group's roles in Qlik's order.
func (g *Group) RoleNames() []string { return namesOf(g.AssignedRoles) }

// namesOf returns the names of roles in their order.
func namesOf(roles []RoleRef) []string {
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		out = append(out, r.Name)
	}
	return out
}

// roleName is a role reference by name in a request body ([{name}]).
type roleName struct {
	Name string `json:"name"`
}

func roleNames(names []string) []roleName {
	out := make([]roleName, 0, len(names))
	for _, n := range names {
		out = append(out, roleName{Name: n})
	}
	return out
}

// GroupCreateRequest is the body of POST /api/v1/groups. Roles are given by name.
type GroupCreateRequest struct {
	Name        string
	Description string
	// ProviderType is idp (Qlik's default: a group the identity provider sends) or custom.
	ProviderType string
	Roles        []string
}

type groupCreateBody struct {
	Name          string     `json:"name"`
	Description   string     `json:"description,omitempty"`
	ProviderType  string     `json:"providerType,omitempty"`
	AssignedRoles []roleName `json:"assignedRoles,omitempty"`
}

func groupPath(id string) string { return itemPath(groupsPath, id) }

// CreateGroup calls POST /api/v1/groups. Names are unique and case-sensitive; a create whose outcome is
// unknown is resolved by looking the group up by name, so retries never make a second group.
func (c *Client) CreateGroup(ctx context.Context, req GroupCreateRequest) (*Group, error) {
	body := groupCreateBody{Name: req.Name, Description: req.Description, ProviderType: req.ProviderType, AssignedRoles: roleNames(req.Roles)}
	return createIn(ctx, c, groupsPath, body, creation[Group]{
		what: fmt.Sprintf("group %q", req.Name),
		find: func(ctx context.Context) (*Group, error) { return c.FindGroupByName(ctx, req.Name) },
		proof: func(g *Group) provenance {
			return provenance{id: g.ID, created: g.CreatedAt, creator: g.CreatedBy, differs: differsIn(
				same("name", g.Name, req.Name), same("description", g.Description, req.Description),
				sameIfSent("provider type", g.ProviderType, req.ProviderType), sameItems("list of roles", g.RoleNames(), req.Roles))}
		},
	})
}

// GetGroup calls GET /api/v1/groups/{groupId}.
func (c *Client) GetGroup(ctx context.Context, id string) (*Group, error) {
	return getObject[Group](ctx, c, "group", id, groupPath)
}

// SetGroupRoles calls PATCH /api/v1/groups/{groupId} replacing assignedRoles with the named roles: Qlik's role
// assignment is replace-only, so roles is the complete list. The path carries the leading slash of every
// documented example.
func (c *Client) SetGroupRoles(ctx context.Context, id string, roles []string) error {
	return patchObject(ctx, c, "group", id, groupPath, jsonPatch{replaceOp("/assignedRoles", roleNames(roles))}, nil)
}

// UpdateCustomGroup calls PATCH /api/v1/groups/{groupId} replacing name, description and the complete list of
// roles. Qlik lets only custom groups change name and description.
func (c *Client) UpdateCustomGroup(ctx context.Context, id, name, description string, roles []string) error {
	return patchObject(ctx, c, "group", id, groupPath, jsonPatch{
		replaceOp("/name", name), replaceOp("/description", description), replaceOp("/assignedRoles", roleNames(roles)),
	}, nil)
}

// DeleteGroup calls DELETE /api/v1/groups/{groupId}.
func (c *Client) DeleteGroup(ctx context.Context, id string) error {
	return deleteObject(ctx, c, "group", id, groupPath)
}

// ListGroups calls GET /api/v1/groups with an optional filter (Qlik's SCIM-like syntax, for example
// `name eq "Sales"`) and returns every page.
func (c *Client) ListGroups(ctx context.Context, filter string) ([]Group, error) {
	return listFiltered[Group](ctx, c, groupsPath, filter)
}

// FindGroupByName returns the group whose name equals name exactly (names are case-sensitive), or
// a *NotFoundError.
func (c *Client) FindGroupByName(ctx context.Context, name string) (*Group, error) {
	if name == "" {
		return nil, errors.New("qlik: FindGroupByName needs a name")
	}
	return findFiltered(ctx, c, groupsPath, "name", name, func(g *Group) bool { return g.Name == name }, "group named %q")
}
