package qlik

import (
	"context"
	"fmt"
	"sync"
)

const rolesPath = "/api/v1/roles"

// Role is a tenant role (roles.json, schema Role): a default role such as TenantAdmin, or a custom one.
type Role struct {
	ID          string `json:"id"`
	TenantID    string `json:"tenantId"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Level       string `json:"level"`
	Description string `json:"description"`
}

// ListRoles calls GET /api/v1/roles and returns every page: the tenant's role catalogue.
func (c *Client) ListRoles(ctx context.Context) ([]Role, error) {
	return listFiltered[Role](ctx, c, rolesPath, "")
}

// GetRole calls GET /api/v1/roles/{id}.
func (c *Client) GetRole(ctx context.Context, id string) (*Role, error) {
	return getObject[Role](ctx, c, "role", id, rolePath)
}

// roleCatalogues caches each tenant's role catalogue for the life of a client, so validating the role names of
// many resources costs one request per tenant. The zero value is ready to use.
type roleCatalogues struct {
	mu     sync.Mutex
	byHost map[string][]Role
}

// CachedRoles returns the role catalogue of the view's tenant, fetched once per client and tenant. Roles
// created after the first call are not seen; a caller that finds an unknown name should call
// RefreshCachedRoles before concluding that it does not exist.
func (c *Client) CachedRoles(ctx context.Context) ([]Role, error) {
	rc := &c.core.roles
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if roles, ok := rc.byHost[c.ep.host]; ok {
		return roles, nil
	}
	roles, err := c.ListRoles(ctx)
	if err != nil {
		return nil, err
	}
	if rc.byHost == nil {
		rc.byHost = map[string][]Role{}
	}
	rc.byHost[c.ep.host] = roles
	return roles, nil
}

// RefreshCachedRoles drops the cached catalogue of the view's tenant and fetches it again.
func (c *Client) RefreshCachedRoles(ctx context.Context) ([]Role, error) {
	rc := &c.core.roles
	rc.mu.Lock()
	delete(rc.byHost, c.ep.host)
	rc.mu.Unlock()
	return c.CachedRoles(ctx)
}

// CustomRole is a role of type custom with the scopes it grants (roles.json Role).
type CustomRole struct {
	Role
	AssignedScopes []string `json:"assignedScopes"`
	CreatedAt      string   `json:"createdAt"`
	CreatedBy      string   `json:"createdBy"`
}

// CustomRoleRequest is the body of POST /api/v1/roles.
type CustomRoleRequest struct {
	Name           string   `json:"name"`
	Description    string   `json:"description,omitempty"`
	AssignedScopes []string `json:"assignedScopes"`
}

func rolePath(id string) string { return itemPath(rolesPath, id) }

// CreateCustomRole calls POST /api/v1/roles. Role names are unique; a create whose outcome is unknown is resolved
// by looking the role up by name. The new role joins the cached catalogue of this tenant.
func (c *Client) CreateCustomRole(ctx context.Context, req CustomRoleRequest) (*CustomRole, error) {
	if req.AssignedScopes == nil {
		req.AssignedScopes = []string{}
	}
	r, err := createIn(ctx, c, rolesPath, req, creation[CustomRole]{
		what: fmt.Sprintf("role %q", req.Name),
		find: func(ctx context.Context) (*CustomRole, error) { return c.FindCustomRoleByName(ctx, req.Name) },
		proof: func(r *CustomRole) provenance {
			return provenance{id: r.ID, created: r.CreatedAt, creator: r.CreatedBy, differs: differsIn(
				same("name", r.Name, req.Name), same("description", r.Description, req.Description),
				sameItems("list of scopes", r.AssignedScopes, req.AssignedScopes))}
		},
	})
	if err == nil {
		c.forgetCachedRoles()
	}
	return r, err
}

// GetCustomRole calls GET /api/v1/roles/{id}.
func (c *Client) GetCustomRole(ctx context.Context, id string) (*CustomRole, error) {
	return getObject[CustomRole](ctx, c, "role", id, rolePath)
}

// FindCustomRoleByName returns the role of that name, or a *NotFoundError.
func (c *Client) FindCustomRoleByName(ctx context.Context, name string) (*CustomRole, error) {
	return findFiltered(ctx, c, rolesPath, "name", name, func(r *CustomRole) bool { return r.Name == name }, "role named %q")
}

// UpdateCustomRole calls PATCH /api/v1/roles/{id} replacing name, description and scopes.
func (c *Client) UpdateCustomRole(ctx context.Context, id string, req CustomRoleRequest) error {
	err := patchObject(ctx, c, "role", id, rolePath, jsonPatch{
		replaceOp("/name", req.Name), replaceOp("/description", req.Description), replaceOp("/assignedScopes", orEmpty(req.AssignedScopes)),
	}, nil)
	if err == nil {
		c.forgetCachedRoles()
	}
	return err
}

// DeleteCustomRole calls DELETE /api/v1/roles/{id}. Qlik deletes a role only once no user or group holds it.
func (c *Client) DeleteCustomRole(ctx context.Context, id string) error {
	err := deleteObject(ctx, c, "role", id, rolePath)
	if err == nil {
		c.forgetCachedRoles()
	}
	return err
}

// forgetCachedRoles drops the cached catalogue of the view's tenant after a custom role changed.
func (c *Client) forgetCachedRoles() {
	rc := &c.core.roles
	rc.mu.Lock()
	delete(rc.byHost, c.ep.host)
	rc.mu.Unlock()
}
