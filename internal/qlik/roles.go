package qlik

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
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
	q := url.Values{"limit": {strconv.Itoa(identityPageSize)}}
	return listAllByNextLink[Role](ctx, c, rolesPath, q)
}

// GetRole calls GET /api/v1/roles/{id}.
func (c *Client) GetRole(ctx context.Context, id string) (*Role, error) {
	if err := checkID("role", id); err != nil {
		return nil, err
	}
	var r Role
	if _, err := c.do(ctx, &request{method: http.MethodGet, path: rolesPath + "/" + url.PathEscape(id), out: &r}); err != nil {
		return nil, err
	}
	return &r, nil
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
