package qlik

import (
	"context"
	"errors"
	"fmt"
	"net/url"
)

const webIntegrationsPath = "/api/v1/web-integrations"

// defaultWebIntegrationsPageSize is the page size ListWebIntegrations asks for (Qlik's default is 10).
const defaultWebIntegrationsPageSize = 100

// WebIntegration is a Qlik Cloud web integration (web-integrations.json, schema WebIntegration). Its ID is what an embedding web page sends
// as the Qlik-Web-Integration-ID header, and ValidOrigins lists the origins allowed to do so.
type WebIntegration struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	ValidOrigins []string `json:"validOrigins"`
	TenantID     string   `json:"tenantId"`
	Created      string   `json:"created"`
	LastUpdated  string   `json:"lastUpdated"`
	CreatedBy    string   `json:"createdBy"`
}

// WebIntegrationCreateRequest is the body of POST /api/v1/web-integrations.
type WebIntegrationCreateRequest struct {
	Name         string   `json:"name"`
	ValidOrigins []string `json:"validOrigins"`
}

// WebIntegrationUpdateRequest lists the fields to change; nil leaves a field as is. ValidOrigins replaces the
// whole list.
type WebIntegrationUpdateRequest struct {
	Name         *string
	ValidOrigins *[]string
}

func webIntegrationPath(id string) string { return itemPath(webIntegrationsPath, id) }

// CreateWebIntegration calls POST /api/v1/web-integrations. A create whose outcome is unknown is resolved by
// looking the web integration up by name, so retries never create a second one.
func (c *Client) CreateWebIntegration(ctx context.Context, req WebIntegrationCreateRequest) (*WebIntegration, error) {
	if req.ValidOrigins == nil {
		req.ValidOrigins = []string{}
	}
	return createIn(ctx, c, webIntegrationsPath, req, creation[WebIntegration]{
		what: fmt.Sprintf("web integration %q", req.Name),
		find: func(ctx context.Context) (*WebIntegration, error) { return c.FindWebIntegrationByName(ctx, req.Name) },
		proof: func(w *WebIntegration) provenance {
			return provenance{id: w.ID, created: w.Created, creator: w.CreatedBy, differs: differsIn(
				same("name", w.Name, req.Name), sameItems("list of valid origins", w.ValidOrigins, req.ValidOrigins))}
		},
	})
}

// GetWebIntegration calls GET /api/v1/web-integrations/{id}.
func (c *Client) GetWebIntegration(ctx context.Context, id string) (*WebIntegration, error) {
	return getObject[WebIntegration](ctx, c, "web integration", id, webIntegrationPath)
}

// UpdateWebIntegration calls PATCH /api/v1/web-integrations/{id} with replace operations for the fields set in
// req and returns the web integration as read afterwards (the PATCH answers 204 without a body). The value of
// /validOrigins is sent as an array, the type of the field; web-integrations.json types every patch value as a
// string (schema WebIntegrationPatch); the simulator accepts both (DESIGN.md, "Undocumented uniqueness").
func (c *Client) UpdateWebIntegration(ctx context.Context, id string, req WebIntegrationUpdateRequest) (*WebIntegration, error) {
	var p jsonPatch
	replaceIfSet(&p, "/name", req.Name)
	replaceListIfSet(&p, "/validOrigins", req.ValidOrigins)
	return patchThenGet[WebIntegration](ctx, c, "web integration", id, webIntegrationPath, p)
}

// DeleteWebIntegration calls DELETE /api/v1/web-integrations/{id}.
func (c *Client) DeleteWebIntegration(ctx context.Context, id string) error {
	return deleteObject(ctx, c, "web integration", id, webIntegrationPath)
}

// ListWebIntegrations calls GET /api/v1/web-integrations and pages with startingAfter (the id of the last
// object of the previous page) until every web integration has been read.
func (c *Client) ListWebIntegrations(ctx context.Context) ([]WebIntegration, error) {
	return listAllStartingAfter(ctx, c, webIntegrationsPath, url.Values{"sort": {"+name"}}, defaultWebIntegrationsPageSize,
		func(w WebIntegration) string { return w.ID })
}

// FindWebIntegrationByName returns the web integration whose name equals name exactly. It returns
// a *NotFoundError when there is none.
func (c *Client) FindWebIntegrationByName(ctx context.Context, name string) (*WebIntegration, error) {
	if name == "" {
		return nil, errors.New("qlik: FindWebIntegrationByName needs a name")
	}
	all, err := c.ListWebIntegrations(ctx)
	if err != nil {
		return nil, err
	}
	match := matching(all, func(w *WebIntegration) bool { return w.Name == name })
	return theOne(match, func() error { return c.notFound("web integration named %q", name) },
		func(n int) error {
			return fmt.Errorf("qlik: %d web integrations are named %q on %s", n, name, c.ep.host)
		})
}
