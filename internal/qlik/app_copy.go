package qlik

import (
	"context"
	"errors"
	"fmt"
)

// ErrNoTargetSpace matches (errors.Is) the error of CopyAppOnce when the target space does not exist; nothing
// was copied.
var ErrNoTargetSpace = errors.New("qlik: the target space does not exist")

// AppCopyRequest is one copy of an app into a space of the view's tenant.
type AppCopyRequest struct {
	// Source is a view of the tenant that holds the source app. A view of the same host copies within the
	// tenant (POST /apps/{appId}/copy); any other copies across tenants by export and import (TransferApp).
	Source      *Client
	SourceAppID string
	// SourceVersion is the caller's name for the version of the source app; it is part of the marker, so that
	// a new version is a new copy, and it keys the shared export of TransferApp.
	SourceVersion string
	// Name is the copy's final name; the copy carries its marker name (AppCopyMarker) until the caller renames
	// it.
	Name        string
	Description string
	SpaceID     string
}

// AppCopyMarker is the name a copy carries until it is complete. It is derived from everything that identifies
// the copy (source tenant and app, version, target tenant, space, final name), so a later run of the same copy
// finds an app left behind by an interrupted one, and two different copies never share it.
func AppCopyMarker(srcHost, srcApp, version, dstHost, spaceID, name string) string {
	return markedName(name, "copying", srcHost, srcApp, version, dstHost, spaceID, name)
}

// CopyAppOnce copies the source app into the target space under its marker name, or adopts the marked copy an
// earlier, interrupted run left there, so that a copy is never made twice; the caller renames the result once
// it is in its state. The target space is read first, so a copy into a space that does not exist fails with
// ErrNoTargetSpace before anything is exported.
func (c *Client) CopyAppOnce(ctx context.Context, req AppCopyRequest) (*App, error) {
	if err := c.checkTargetSpace(ctx, req.SpaceID); err != nil {
		return nil, err
	}
	src := req.Source
	marker := AppCopyMarker(src.Hostname(), req.SourceAppID, req.SourceVersion, c.Hostname(), req.SpaceID, req.Name)
	if found, err := c.adoptMarkedApp(ctx, marker, req.SpaceID); err != nil || found != nil {
		return found, err
	}
	if src.Hostname() == c.Hostname() {
		return c.CopyApp(ctx, req.SourceAppID, AppCreateRequest{Name: marker, Description: req.Description, SpaceID: req.SpaceID, UniqueName: true})
	}
	app, info, err := c.TransferApp(ctx, src, req.SourceAppID, req.SourceVersion, ImportAppRequest{Name: marker, SpaceID: req.SpaceID, UniqueName: true})
	if err != nil {
		return nil, err
	}
	c.core.log.debug(ctx, "qlik: app copied across tenants", map[string]any{"bytes": info.Bytes, "sha256": info.SHA256, "id": app.Attributes.ID, "host": c.ep.host})
	return app, nil
}

// checkTargetSpace reads the space an app is about to be copied or imported into, so that a space that does not
// exist fails with ErrNoTargetSpace before any byte moves. An empty id (the personal space) is not checked.
func (c *Client) checkTargetSpace(ctx context.Context, spaceID string) error {
	if spaceID == "" {
		return nil
	}
	if _, err := c.GetSpace(ctx, spaceID); err != nil {
		if IsNotFound(err) {
			return fmt.Errorf("%w: %w", ErrNoTargetSpace, err)
		}
		return err
	}
	return nil
}

// adoptMarkedApp returns the app an earlier, interrupted run left in spaceID under the marker name, or nil when
// there is none. Every app with a marker name is an unfinished copy or import of the same content into this space
// under the same final name (the marker hashes all of them), so keeping the oldest and deleting the rest loses
// nothing. More than one can exist only if a retry ran before Qlik listed an earlier attempt's app.
func (c *Client) adoptMarkedApp(ctx context.Context, marker, spaceID string) (*App, error) {
	found, err := c.FindApps(ctx, marker, spaceID)
	if err != nil || len(found) == 0 {
		return nil, err
	}
	for _, extra := range found[1:] {
		c.core.log.debug(ctx, "qlik: deleting a surplus unfinished app", map[string]any{"id": extra.ResourceID, "name": marker, "host": c.ep.host})
		if err := c.DeleteApp(ctx, extra.ResourceID); err != nil && !IsNotFound(err) {
			return nil, fmt.Errorf("deleting surplus unfinished app %s: %w", extra.ResourceID, err)
		}
	}
	c.core.log.debug(ctx, "qlik: adopting the app an earlier, interrupted run left behind", map[string]any{"id": found[0].ResourceID, "name": marker, "host": c.ep.host})
	return c.GetApp(ctx, found[0].ResourceID)
}
