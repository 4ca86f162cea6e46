package qlik

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// Assignee types of a space assignment.
const (
	AssigneeUser  = "user"
	AssigneeGroup = "group"
)

// SpaceRoles lists every space role Qlik knows (RoleType in spaces.json).
var SpaceRoles = []string{
	"basicconsumer", "codeveloper", "consumer", "contributor", "dataconsumer",
	"datapreview", "facilitator", "operator", "producer", "publisher",
}

// AssignableSpaceRoles are the roles each space type accepts, as spaces.json's RoleType description lists them.
// A space's own list is GET /spaces/{id} meta.assignableRoles. Treat it as read-only.
var AssignableSpaceRoles = map[string][]string{
	SpaceTypeShared:  {"codeveloper", "consumer", "dataconsumer", "facilitator", "producer"},
	SpaceTypeManaged: {"basicconsumer", "consumer", "contributor", "dataconsumer", "facilitator", "publisher"},
	SpaceTypeData:    {"consumer", "dataconsumer", "datapreview", "facilitator", "operator", "producer", "publisher"},
}

// SpaceAssignment gives a user or group roles in a space (spaces.json, schema Assignment).
type SpaceAssignment struct {
	ID         string   `json:"id"`
	Type       string   `json:"type"`
	AssigneeID string   `json:"assigneeId"`
	Roles      []string `json:"roles"`
	SpaceID    string   `json:"spaceId"`
	TenantID   string   `json:"tenantId"`
	CreatedAt  string   `json:"createdAt"`
	CreatedBy  string   `json:"createdBy"`
	UpdatedAt  string   `json:"updatedAt"`
}

// SpaceAssignmentCreateRequest is the body of POST /api/v1/spaces/{spaceId}/assignments.
type SpaceAssignmentCreateRequest struct {
	Type       string   `json:"type"`
	AssigneeID string   `json:"assigneeId"`
	Roles      []string `json:"roles"`
}

func assignmentsPath(spaceID string) string { return spacePath(spaceID) + "/assignments" }

func assignmentPath(spaceID, id string) string {
	return itemPath(assignmentsPath(spaceID), id)
}

// CreateSpaceAssignment calls POST /api/v1/spaces/{spaceId}/assignments. Only one assignment may exist per
// space and assignee, which is the natural key a create with unknown outcome is resolved by.
func (c *Client) CreateSpaceAssignment(ctx context.Context, spaceID string, req SpaceAssignmentCreateRequest) (*SpaceAssignment, error) {
	if err := checkID("space", spaceID); err != nil {
		return nil, err
	}
	if err := checkID("assignee", req.AssigneeID); err != nil {
		return nil, err
	}
	return createWithRecovery(ctx, c, creation[SpaceAssignment]{
		what: fmt.Sprintf("assignment of %s %s in space %s", req.Type, req.AssigneeID, spaceID),
		post: &request{method: http.MethodPost, path: assignmentsPath(spaceID), body: req},
		find: func(ctx context.Context) (*SpaceAssignment, error) {
			return c.FindSpaceAssignment(ctx, spaceID, req.AssigneeID)
		},
		proof: func(a *SpaceAssignment) provenance {
			return provenance{id: a.ID, created: a.CreatedAt, creator: a.CreatedBy, differs: differsIn(
				same("type", a.Type, req.Type), sameItems("list of roles", a.Roles, req.Roles))}
		},
		path: func(id string) string { return assignmentPath(spaceID, id) },
	})
}

// GetSpaceAssignment calls GET /api/v1/spaces/{spaceId}/assignments/{assignmentId}.
func (c *Client) GetSpaceAssignment(ctx context.Context, spaceID, id string) (*SpaceAssignment, error) {
	if err := checkID("space", spaceID); err != nil {
		return nil, err
	}
	if err := checkID("assignment", id); err != nil {
		return nil, err
	}
	return doJSON[SpaceAssignment](ctx, c, &request{method: http.MethodGet, path: assignmentPath(spaceID, id)})
}

// UpdateSpaceAssignment calls PUT /api/v1/spaces/{spaceId}/assignments/{assignmentId}; roles is the complete
// new list.
func (c *Client) UpdateSpaceAssignment(ctx context.Context, spaceID, id string, roles []string) (*SpaceAssignment, error) {
	if err := checkID("space", spaceID); err != nil {
		return nil, err
	}
	if err := checkID("assignment", id); err != nil {
		return nil, err
	}
	var a SpaceAssignment
	body := struct {
		Roles []string `json:"roles"`
	}{roles}
	if _, err := c.do(ctx, &request{method: http.MethodPut, path: assignmentPath(spaceID, id), body: body, out: &a}); err != nil {
		return nil, err
	}
	return &a, nil
}

// DeleteSpaceAssignment calls DELETE /api/v1/spaces/{spaceId}/assignments/{assignmentId}.
func (c *Client) DeleteSpaceAssignment(ctx context.Context, spaceID, id string) error {
	if err := checkID("space", spaceID); err != nil {
		return err
	}
	if err := checkID("assignment", id); err != nil {
		return err
	}
	_, err := c.do(ctx, &request{method: http.MethodDelete, path: assignmentPath(spaceID, id)})
	return err
}

// ListSpaceAssignments calls GET /api/v1/spaces/{spaceId}/assignments, optionally for one assignee, and
// returns every page.
func (c *Client) ListSpaceAssignments(ctx context.Context, spaceID, assigneeID string) ([]SpaceAssignment, error) {
	if err := checkID("space", spaceID); err != nil {
		return nil, err
	}
	q := url.Values{"limit": {"100"}}
	if assigneeID != "" {
		q.Set("assigneeId", assigneeID)
	}
	return listAllByNextLink[SpaceAssignment](ctx, c, assignmentsPath(spaceID), q)
}

// FindSpaceAssignment returns the assignment of assigneeID in the space, or a *NotFoundError when it has none.
func (c *Client) FindSpaceAssignment(ctx context.Context, spaceID, assigneeID string) (*SpaceAssignment, error) {
	all, err := c.ListSpaceAssignments(ctx, spaceID, assigneeID)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].AssigneeID == assigneeID {
			return &all[i], nil
		}
	}
	return nil, c.notFound("assignment of %s in space %s", assigneeID, spaceID)
}

// SpaceAssignableRoles calls GET /api/v1/spaces/{spaceId} and returns the space's type and the roles that may
// be assigned in it (meta.assignableRoles, the authoritative per-space list; the type's documented roles when a
// response lacks it).
func (c *Client) SpaceAssignableRoles(ctx context.Context, spaceID string) (spaceType string, roles []string, err error) {
	if err := checkID("space", spaceID); err != nil {
		return "", nil, err
	}
	var s struct {
		Type string `json:"type"`
		Meta *struct {
			AssignableRoles []string `json:"assignableRoles"`
		} `json:"meta"`
	}
	if _, err := c.do(ctx, &request{method: http.MethodGet, path: spacePath(spaceID), out: &s}); err != nil {
		return "", nil, err
	}
	if s.Meta != nil && len(s.Meta.AssignableRoles) > 0 {
		return s.Type, s.Meta.AssignableRoles, nil
	}
	return s.Type, AssignableSpaceRoles[s.Type], nil
}
