package qlik

import (
	"context"
	"net/url"
	"strconv"
)

const dataConnectionsPath = "/api/v1/data-connections"

// DataConnection is a data connection as Qlik returns it (ConnectionGet). Qlik never returns the credentials.
type DataConnection struct {
	ID                  string     `json:"qID"`
	Name                string     `json:"qName"`
	Type                string     `json:"qType"`
	ConnectStatement    string     `json:"qConnectStatement"`
	DatasourceID        string     `json:"datasourceID"`
	SpaceID             string     `json:"space"`
	LogOn               flexString `json:"qLogOn"`
	SeparateCredentials bool       `json:"qSeparateCredentials"`
	OwnerID             string     `json:"user"`
	Created             string     `json:"created"`
	Updated             string     `json:"updated"`
}

// DataConnectionCreateRequest is the body of POST /api/v1/data-connections. Username and Password are sent only
// when set.
type DataConnectionCreateRequest struct {
	Name             string
	Type             string
	DatasourceID     string
	ConnectStatement string
	SpaceID          string
	Username         *string
	Password         *string
}

// DataConnectionUpdate lists the fields to change with PATCH; nil leaves a field as is.
type DataConnectionUpdate struct {
	Name             *string
	ConnectStatement *string
	Username         *string
	Password         *string
}

type dataConnectionCreateBody struct {
	QName             string  `json:"qName"`
	QType             string  `json:"qType"`
	DatasourceID      string  `json:"datasourceID"`
	QConnectStatement string  `json:"qConnectStatement"`
	Space             string  `json:"space,omitempty"`
	QUsername         *string `json:"qUsername,omitempty"`
	QPassword         *string `json:"qPassword,omitempty"`
}

func dataConnectionPath(id string) string { return itemPath(dataConnectionsPath, id) }

// CreateDataConnection calls POST /api/v1/data-connections (201). Names are unique within a space (409), so a
// create with unknown outcome is resolved by looking the connection up by name and space.
func (c *Client) CreateDataConnection(ctx context.Context, req DataConnectionCreateRequest) (*DataConnection, error) {
	if req.Password != nil {
		c.core.redact.add(*req.Password)
	}
	body := dataConnectionCreateBody{
		QName: req.Name, QType: req.Type, DatasourceID: req.DatasourceID, QConnectStatement: req.ConnectStatement,
		Space: req.SpaceID, QUsername: req.Username, QPassword: req.Password,
	}
	return createIn(ctx, c, dataConnectionsPath, body, creation[DataConnection]{
		what: "data connection " + strconv.Quote(req.Name),
		find: func(ctx context.Context) (*DataConnection, error) {
			return c.FindDataConnection(ctx, req.Name, req.SpaceID)
		},
		proof: func(dc *DataConnection) provenance {
			return provenance{id: dc.ID, created: dc.Created, creator: dc.OwnerID, differs: differsIn(
				same("name", dc.Name, req.Name), same("space", dc.SpaceID, req.SpaceID),
				same("type", dc.Type, req.Type), same("connection string", dc.ConnectStatement, req.ConnectStatement))}
		},
	})
}

// FindDataConnection looks a connection up by name in a space ("" = personal) with GET
// /api/v1/data-connections?dataName=&spaceId=, and returns a *NotFoundError when there is none.
func (c *Client) FindDataConnection(ctx context.Context, name, spaceID string) (*DataConnection, error) {
	q := url.Values{}
	q.Set("dataName", name)
	q.Set("limit", "100")
	if spaceID != "" {
		q.Set("spaceId", spaceID)
	}
	all, err := listAllByNextLink[DataConnection](ctx, c, dataConnectionsPath, q)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Name == name && all[i].SpaceID == spaceID {
			return &all[i], nil
		}
	}
	if spaceID == "" {
		return nil, c.notFound("personal data connection named %q", name)
	}
	return nil, c.notFound("data connection named %q in space %s", name, spaceID)
}

// GetDataConnection calls GET /api/v1/data-connections/{qID}.
func (c *Client) GetDataConnection(ctx context.Context, id string) (*DataConnection, error) {
	return getObject[DataConnection](ctx, c, "data connection", id, dataConnectionPath)
}

// UpdateDataConnection calls PATCH /api/v1/data-connections/{qID} (204) with a replace for every field set.
func (c *Client) UpdateDataConnection(ctx context.Context, id string, u DataConnectionUpdate) error {
	if u.Password != nil {
		c.core.redact.add(*u.Password)
	}
	var p jsonPatch
	replaceIfSet(&p, "/qName", u.Name)
	replaceIfSet(&p, "/qConnectStatement", u.ConnectStatement)
	replaceIfSet(&p, "/qUsername", u.Username)
	replaceIfSet(&p, "/qPassword", u.Password)
	return patchObject(ctx, c, "data connection", id, dataConnectionPath, p, nil)
}

// DeleteDataConnection calls DELETE /api/v1/data-connections/{qID} (204).
func (c *Client) DeleteDataConnection(ctx context.Context, id string) error {
	return deleteObject(ctx, c, "data connection", id, dataConnectionPath)
}
