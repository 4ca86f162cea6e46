package qlik

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

const cspOriginsPath = "/api/v1/csp-origins"

// defaultCSPOriginsPageSize is the page size ListCSPOrigins asks for (Qlik's default is 20).
const defaultCSPOriginsPageSize = 100

// CSPOrigin is an entry of a tenant's Content Security Policy (csp-origins.json, schema CSPEntryContent): an origin and the directives it is
// added to. An embedding page's origin needs frame-ancestors for iframes.
type CSPOrigin struct {
	ID           string `json:"id,omitempty"`
	Name         string `json:"name"`
	Origin       string `json:"origin"`
	Description  string `json:"description"`
	CreatedDate  string `json:"createdDate,omitempty"`
	ModifiedDate string `json:"modifiedDate,omitempty"`
	CSPDirectiveFlags
}

// CSPDirectiveFlags holds one flag per directive of csp-origins.json CSPEntryContent.
type CSPDirectiveFlags struct {
	ChildSrc       bool `json:"childSrc"`
	ConnectSrc     bool `json:"connectSrc"`
	ConnectSrcWSS  bool `json:"connectSrcWSS"`
	FontSrc        bool `json:"fontSrc"`
	FormAction     bool `json:"formAction"`
	FrameAncestors bool `json:"frameAncestors"`
	FrameSrc       bool `json:"frameSrc"`
	ImgSrc         bool `json:"imgSrc"`
	MediaSrc       bool `json:"mediaSrc"`
	ObjectSrc      bool `json:"objectSrc"`
	ScriptSrc      bool `json:"scriptSrc"`
	StyleSrc       bool `json:"styleSrc"`
	WorkerSrc      bool `json:"workerSrc"`
}

// CSPDirectives lists the directives a CSP entry can enable, by their Content-Security-Policy name, in
// alphabetical order. connect-src-wss is Qlik's flag for connect-src sources prefixed with wss://. Treat it as
// read-only.
var CSPDirectives = []string{
	"child-src", "connect-src", "connect-src-wss", "font-src", "form-action", "frame-ancestors", "frame-src",
	"img-src", "media-src", "object-src", "script-src", "style-src", "worker-src",
}

func (f *CSPDirectiveFlags) flag(directive string) *bool {
	switch directive {
	case "child-src":
		return &f.ChildSrc
	case "connect-src":
		return &f.ConnectSrc
	case "connect-src-wss":
		return &f.ConnectSrcWSS
	case "font-src":
		return &f.FontSrc
	case "form-action":
		return &f.FormAction
	case "frame-ancestors":
		return &f.FrameAncestors
	case "frame-src":
		return &f.FrameSrc
	case "img-src":
		return &f.ImgSrc
	case "media-src":
		return &f.MediaSrc
	case "object-src":
		return &f.ObjectSrc
	case "script-src":
		return &f.ScriptSrc
	case "style-src":
		return &f.StyleSrc
	case "worker-src":
		return &f.WorkerSrc
	}
	return nil
}

// Directives returns the enabled directives by name, in the order of CSPDirectives.
func (f CSPDirectiveFlags) Directives() []string {
	var out []string
	for _, d := range CSPDirectives {
		if *f.flag(d) {
			out = append(out, d)
		}
	}
	return out
}

// CSPDirectiveFlagsFrom enables the named directives; an unknown name is an error.
func CSPDirectiveFlagsFrom(directives []string) (CSPDirectiveFlags, error) {
	var f CSPDirectiveFlags
	for _, d := range directives {
		p := f.flag(d)
		if p == nil {
			return f, fmt.Errorf("qlik: unknown CSP directive %q; use one of %s", d, strings.Join(CSPDirectives, ", "))
		}
		*p = true
	}
	return f, nil
}

// CSPOriginRequest is the body of POST /api/v1/csp-origins and of PUT /api/v1/csp-origins/{id}, which
// replaces the whole entry.
type CSPOriginRequest struct {
	Name        string `json:"name,omitempty"`
	Origin      string `json:"origin"`
	Description string `json:"description,omitempty"`
	CSPDirectiveFlags
}

func cspOriginPath(id string) string { return itemPath(cspOriginsPath, id) }

// CreateCSPOrigin calls POST /api/v1/csp-origins. A create whose outcome is unknown is resolved by looking the
// entry up by origin, so retries never create a second one.
func (c *Client) CreateCSPOrigin(ctx context.Context, req CSPOriginRequest) (*CSPOrigin, error) {
	return createIn(ctx, c, cspOriginsPath, req, creation[CSPOrigin]{
		what: fmt.Sprintf("CSP origin %q", req.Origin),
		find: func(ctx context.Context) (*CSPOrigin, error) { return c.FindCSPOrigin(ctx, req.Origin) },
		proof: func(e *CSPOrigin) provenance {
			// csp-origins.json reports no creator: the creation date and the fields are the proof.
			return provenance{id: e.ID, created: e.CreatedDate, differs: differsIn(
				same("origin", e.Origin, req.Origin), same("name", e.Name, req.Name),
				same("description", e.Description, req.Description),
				same("set of directives", e.CSPDirectiveFlags, req.CSPDirectiveFlags))}
		},
	})
}

// GetCSPOrigin calls GET /api/v1/csp-origins/{id}.
func (c *Client) GetCSPOrigin(ctx context.Context, id string) (*CSPOrigin, error) {
	return getObject[CSPOrigin](ctx, c, "CSP origin", id, cspOriginPath)
}

// ReplaceCSPOrigin calls PUT /api/v1/csp-origins/{id}, a full replace: every field not set in req is cleared.
func (c *Client) ReplaceCSPOrigin(ctx context.Context, id string, req CSPOriginRequest) (*CSPOrigin, error) {
	if err := checkID("CSP origin", id); err != nil {
		return nil, err
	}
	return doJSON[CSPOrigin](ctx, c, &request{method: http.MethodPut, path: cspOriginPath(id), body: req})
}

// DeleteCSPOrigin calls DELETE /api/v1/csp-origins/{id}.
func (c *Client) DeleteCSPOrigin(ctx context.Context, id string) error {
	return deleteObject(ctx, c, "CSP origin", id, cspOriginPath)
}

// ListCSPOriginsOptions filters ListCSPOrigins.
type ListCSPOriginsOptions struct {
	// Origin and Name are Qlik's case-insensitive wildcard searches, not exact matches.
	Origin string
	Name   string
}

// ListCSPOrigins calls GET /api/v1/csp-origins and follows links.next to return every page.
func (c *Client) ListCSPOrigins(ctx context.Context, opts ListCSPOriginsOptions) ([]CSPOrigin, error) {
	q := sizedQuery(defaultCSPOriginsPageSize)
	if opts.Origin != "" {
		q.Set("origin", opts.Origin)
	}
	if opts.Name != "" {
		q.Set("name", opts.Name)
	}
	return listAllByNextLink[CSPOrigin](ctx, c, cspOriginsPath, q)
}

// FindCSPOrigin returns the CSP entry for origin (compared case-insensitively, as host names are). It returns
// a *NotFoundError when there is none.
func (c *Client) FindCSPOrigin(ctx context.Context, origin string) (*CSPOrigin, error) {
	if origin == "" {
		return nil, errors.New("qlik: FindCSPOrigin needs an origin")
	}
	all, err := c.ListCSPOrigins(ctx, ListCSPOriginsOptions{Origin: origin})
	if err != nil {
		return nil, err
	}
	match := matching(all, func(e *CSPOrigin) bool { return strings.EqualFold(e.Origin, origin) })
	return theOne(match, func() error { return c.notFound("CSP entry for origin %q", origin) },
		func(n int) error { return fmt.Errorf("qlik: %d CSP entries for origin %q on %s", n, origin, c.ep.host) })
}
