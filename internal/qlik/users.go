package qlik

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

const usersPath = "/api/v1/users"

// UserGroup is a group a user belongs to, as listed on the user.
type UserGroup struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	ProviderType  string    `json:"providerType"`
	AssignedRoles []RoleRef `json:"assignedRoles"`
}

// User is a Qlik Cloud user (users.json, schema User). Users who sign in through an identity provider get their groups
// from the token's groups claim.
type User struct {
	ID             string      `json:"id"`
	TenantID       string      `json:"tenantId"`
	Subject        string      `json:"subject"`
	Name           string      `json:"name"`
	Email          string      `json:"email"`
	Status         string      `json:"status"`
	AssignedRoles  []RoleRef   `json:"assignedRoles"`
	AssignedGroups []UserGroup `json:"assignedGroups"`
}

// GetUser calls GET /api/v1/users/{userId}.
func (c *Client) GetUser(ctx context.Context, id string) (*User, error) {
	if err := checkID("user", id); err != nil {
		return nil, err
	}
	var u User
	if _, err := c.do(ctx, &request{method: http.MethodGet, path: usersPath + "/" + url.PathEscape(id), out: &u}); err != nil {
		return nil, err
	}
	return &u, nil
}

// ListUsers calls GET /api/v1/users with an optional filter (for example `assignedGroups.id eq "<id>"`) and
// returns every page.
func (c *Client) ListUsers(ctx context.Context, filter string) ([]User, error) {
	q := url.Values{"limit": {strconv.Itoa(identityPageSize)}}
	if filter != "" {
		q.Set("filter", filter)
	}
	return listAllByNextLink[User](ctx, c, usersPath, q)
}
