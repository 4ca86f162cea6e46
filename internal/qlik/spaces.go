package qlik

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

const spacesPath = "/api/v1/spaces"

// defaultSpacesPageSize is the page size ListSpaces asks for when the caller
// does not choose one (Qlik's default is 10).
const defaultSpacesPageSize = 100

// Space types accepted by POST /api/v1/spaces. A space's type cannot change.
const (
	SpaceTypeShared  = "shared"
	SpaceTypeManaged = "managed"
	// SpaceTypeData is meant for Qlik Talend Data Integration projects.
	SpaceTypeData = "data"
)

// SpaceTypes lists every space type, for validators. Treat it as read-only.
var SpaceTypes = []string{SpaceTypeShared, SpaceTypeManaged, SpaceTypeData}

// Space is a Qlik Cloud space (spaces.json, schema Space).
type Space struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description"`
	OwnerID     string `json:"ownerId"`
	TenantID    string `json:"tenantId"`
	CreatedAt   string `json:"createdAt"`
	CreatedBy   string `json:"createdBy"`
	UpdatedAt   string `json:"updatedAt"`
}

// SpaceCreateRequest is the body of POST /api/v1/spaces. Type is one of
// shared, managed or data and cannot change later.
type SpaceCreateRequest struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
}

// SpaceUpdateRequest lists the fields to change; nil leaves a field as is.
// It is sent as JSON-Patch replace operations.
type SpaceUpdateRequest struct {
	Name        *string
	Description *string
}

// ListSpacesOptions filters ListSpaces.
type ListSpacesOptions struct {
	// Name is Qlik's case-insensitive substring search, not an exact match.
	Name string
	// Types restricts the result to these space types.
	Types []string
	// Limit is the page size (default 100); ListSpaces still returns every page.
	Limit int
}

func spacePath(id string) string { return itemPath(spacesPath, id) }

// CreateSpace calls POST /api/v1/spaces. A create whose outcome is unknown
// (5xx, broken connection) is resolved by looking the space up by name and
// type, so retries never create a second space.
func (c *Client) CreateSpace(ctx context.Context, req SpaceCreateRequest) (*Space, error) {
	return createIn(ctx, c, spacesPath, req, creation[Space]{
		what: fmt.Sprintf("space %q", req.Name),
		find: func(ctx context.Context) (*Space, error) { return c.FindSpaceByName(ctx, req.Name, req.Type) },
		proof: func(s *Space) provenance {
			return provenance{id: s.ID, created: s.CreatedAt, creator: s.CreatedBy, differs: differsIn(
				same("name", s.Name, req.Name), same("type", s.Type, req.Type),
				same("description", s.Description, req.Description))}
		},
	})
}

// GetSpace calls GET /api/v1/spaces/{spaceId}.
func (c *Client) GetSpace(ctx context.Context, id string) (*Space, error) {
	return getObject[Space](ctx, c, "space", id, spacePath)
}

// UpdateSpace calls PATCH /api/v1/spaces/{spaceId} with replace operations
// for the fields set in req, and returns the updated space. With nothing to
// change it reads the space instead of sending an empty patch.
func (c *Client) UpdateSpace(ctx context.Context, id string, req SpaceUpdateRequest) (*Space, error) {
	var p jsonPatch
	replaceIfSet(&p, "/name", req.Name)
	replaceIfSet(&p, "/description", req.Description)
	if len(p) == 0 {
		return c.GetSpace(ctx, id)
	}
	var s Space
	if err := patchObject(ctx, c, "space", id, spacePath, p, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// DeleteSpace calls DELETE /api/v1/spaces/{spaceId}. A 412 means the space
// still holds content.
func (c *Client) DeleteSpace(ctx context.Context, id string) error {
	return deleteObject(ctx, c, "space", id, spacePath)
}

// ListSpaces calls GET /api/v1/spaces and follows links.next to return every
// page.
func (c *Client) ListSpaces(ctx context.Context, opts ListSpacesOptions) ([]Space, error) {
	limit := opts.Limit
	if limit <= 0 {
		limit = defaultSpacesPageSize
	}
	q := sizedQuery(limit)
	if opts.Name != "" {
		q.Set("name", opts.Name)
	}
	if len(opts.Types) > 0 {
		q.Set("type", strings.Join(opts.Types, ","))
	}
	return listAllByNextLink[Space](ctx, c, spacesPath, q)
}

// FindSpaceByName calls GET /api/v1/spaces with a name filter and returns
// the space whose name equals name exactly (and whose type equals spaceType
// when set). It returns a *NotFoundError when there is none.
func (c *Client) FindSpaceByName(ctx context.Context, name, spaceType string) (*Space, error) {
	if name == "" {
		return nil, errors.New("qlik: FindSpaceByName needs a name")
	}
	opts := ListSpacesOptions{Name: name}
	if spaceType != "" {
		opts.Types = []string{spaceType}
	}
	spaces, err := c.ListSpaces(ctx, opts)
	if err != nil {
		return nil, err
	}
	match := matching(spaces, func(s *Space) bool { return s.Name == name && (spaceType == "" || s.Type == spaceType) })
	return theOne(match, func() error {
		if spaceType != "" {
			return c.notFound("space named %q of type %q", name, spaceType)
		}
		return c.notFound("space named %q", name)
	}, func(n int) error {
		return fmt.Errorf("qlik: %d spaces are named %q on %s; give the space type to choose one", n, name, c.ep.host)
	})
}
