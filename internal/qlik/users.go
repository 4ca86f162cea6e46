package qlik

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
	CreatedAt      string      `json:"createdAt"`
	LastUpdatedAt  string      `json:"lastUpdatedAt"`
	// InviteExpiry is the Unix time an invited user's invitation expires.
	InviteExpiry float64 `json:"inviteExpiry"`
}

// User statuses (users.json User.status).
const (
	UserActive   = "active"
	UserInvited  = "invited"
	UserDisabled = "disabled"
	UserDeleted  = "deleted"
)

// RoleNames returns the names of the user's own roles in Qlik's order.
func (u *User) RoleNames() []string { return namesOf(u.AssignedRoles) }

// GetUser calls GET /api/v1/users/{userId}.
func (c *Client) GetUser(ctx context.Context, id string) (*User, error) {
	return getObject[User](ctx, c, "user", id, userPath)
}

// ListUsers calls GET /api/v1/users with an optional filter (for example `assignedGroups.id eq "<id>"`) and
// returns every page.
func (c *Client) ListUsers(ctx context.Context, filter string) ([]User, error) {
	return listFiltered[User](ctx, c, usersPath, filter)
}

// UserCreateRequest is the body of POST /api/v1/users. Roles are given by name.
type UserCreateRequest struct {
	Subject string
	Name    string
	Email   string
	Roles   []string
}

type userCreateBody struct {
	Subject       string     `json:"subject"`
	Name          string     `json:"name,omitempty"`
	Email         string     `json:"email,omitempty"`
	AssignedRoles []roleName `json:"assignedRoles,omitempty"`
}

func userPath(id string) string { return itemPath(usersPath, id) }

// CreateUser calls POST /api/v1/users, which creates the user with status invited (users.json createUser).
// Subjects are unique (409 "User conflict"); a create whose outcome is unknown is resolved by looking the user
// up by subject. Users carry no creator, so the proof is the creation time and every field sent.
func (c *Client) CreateUser(ctx context.Context, req UserCreateRequest) (*User, error) {
	body := userCreateBody{Subject: req.Subject, Name: req.Name, Email: req.Email, AssignedRoles: roleNames(req.Roles)}
	return createIn(ctx, c, usersPath, body, creation[User]{
		what: fmt.Sprintf("user %q", req.Subject),
		find: func(ctx context.Context) (*User, error) { return c.FindUserBySubject(ctx, req.Subject) },
		proof: func(u *User) provenance {
			return provenance{id: u.ID, created: u.CreatedAt, differs: differsIn(
				same("subject", u.Subject, req.Subject), same("email", u.Email, req.Email),
				sameIfSent("name", u.Name, req.Name), sameItems("list of roles", u.RoleNames(), req.Roles))}
		},
	})
}

// FindUserBySubject returns the user whose subject equals subject exactly, or a *NotFoundError.
func (c *Client) FindUserBySubject(ctx context.Context, subject string) (*User, error) {
	if subject == "" {
		return nil, errors.New("qlik: FindUserBySubject needs a subject")
	}
	return findFiltered(ctx, c, usersPath, "subject", subject, func(u *User) bool {
		return u.Subject == subject && u.Status != UserDeleted
	}, "user with subject %q")
}

// UserUpdate is a change to a user; nil fields are left alone.
type UserUpdate struct {
	Name   *string
	Status *string
	// Roles, when non-nil, is the complete list of the user's own roles, by name.
	Roles *[]string
}

// UpdateUser calls PATCH /api/v1/users/{userId} with one replace per field set. Qlik applies the operations one
// by one and answers 207 when some failed ("partially successful with non-critical failures"); that answer is
// returned as an *ItemErrors naming each failed operation, after the others took effect.
func (c *Client) UpdateUser(ctx context.Context, id string, upd UserUpdate) error {
	if err := checkID("user", id); err != nil {
		return err
	}
	var p jsonPatch
	var names []string
	if upd.Name != nil {
		p, names = append(p, replaceOp("/name", *upd.Name)), append(names, "name")
	}
	if upd.Roles != nil {
		p, names = append(p, replaceOp("/assignedRoles", roleNames(*upd.Roles))), append(names, "roles")
	}
	if upd.Status != nil {
		p, names = append(p, replaceOp("/status", *upd.Status)), append(names, "status")
	}
	if len(p) == 0 {
		return nil
	}
	var partial wireItemErrors
	resp, err := c.do(ctx, &request{method: http.MethodPatch, path: userPath(id), body: p, out: &partial})
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusMultiStatus {
		return nil
	}
	out := &ItemErrors{Method: http.MethodPatch, Path: userPath(id), Host: c.ep.host, Status: resp.StatusCode, TraceID: string(partial.TraceID)}
	for _, e := range partial.Errors {
		it := ItemError{Code: string(e.Code), Title: string(e.Title), Detail: string(e.Detail), Status: string(e.Status)}
		// The pointer names the failed operation ("/1"); say which field that was.
		var i int
		if _, err := fmt.Sscanf(e.Source.Pointer, "/%d", &i); err == nil && i >= 0 && i < len(names) {
			it.Item = names[i]
		}
		out.Items = append(out.Items, it)
	}
	if len(out.Items) == 0 {
		out.Items = []ItemError{{Title: "Qlik reported a partial update without naming the failed operations"}}
	}
	return out
}

// DeleteUser calls DELETE /api/v1/users/{userId}.
func (c *Client) DeleteUser(ctx context.Context, id string) error {
	return deleteObject(ctx, c, "user", id, userPath)
}
