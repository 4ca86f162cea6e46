package qlik

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"time"
)

const (
	appsPath  = "/api/v1/apps"
	itemsPath = "/api/v1/items"
)

// App is Qlik's NxApp (apps.json, schema NxApp).
type App struct {
	Attributes AppAttributes `json:"attributes"`
	Privileges []string      `json:"privileges"`
}

// AppAttributes are an app's attributes. SpaceID is empty for an app in its owner's personal space; Qlik returns
// it although NxAttributes does not document it. PublishTime is set only on published apps, whose OriginAppID is
// the app they were published from.
type AppAttributes struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Description    string `json:"description"`
	OwnerID        string `json:"ownerId"`
	SpaceID        string `json:"spaceId"`
	CreatedDate    string `json:"createdDate"`
	ModifiedDate   string `json:"modifiedDate"`
	LastReloadTime string `json:"lastReloadTime"`
	PublishTime    string `json:"publishTime"`
	OriginAppID    string `json:"originAppId"`
	Usage          string `json:"usage"`
}

// AppCreateRequest names a new app or copy. SpaceID empty means the caller's personal space (for a copy: the
// source's space).
type AppCreateRequest struct {
	Name        string
	Description string
	SpaceID     string
	// UniqueName says that no other app in SpaceID carries Name, which the caller guarantees (the provider
	// uses a marker name while copying). A create with unknown outcome is then resolved by looking the app up
	// by name and space instead of failing, so a retry never leaves two copies.
	UniqueName bool
}

type appAttributesBody struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	SpaceID     string  `json:"spaceId,omitempty"`
}

type appBody struct {
	Attributes appAttributesBody `json:"attributes"`
}

// AppUpdateRequest lists the fields to change; nil leaves a field as is. Qlik can change only these two.
type AppUpdateRequest struct {
	Name        *string
	Description *string
}

// ImportAppRequest describes POST /api/v1/apps/import from a temporary file.
type ImportAppRequest struct {
	FileID  string
	SpaceID string
	Name    string
	// UniqueName: see AppCreateRequest.
	UniqueName bool
}

// PublishAppRequest is the body of POST /api/v1/apps/{appId}/publish. SpaceID must be a managed space.
type PublishAppRequest struct {
	SpaceID     string
	Name        string
	Description string
}

// AppItem is an app as the Items API lists it.
type AppItem struct {
	ItemID     string `json:"id"`
	Name       string `json:"name"`
	ResourceID string `json:"resourceId"`
	SpaceID    string `json:"spaceId"`
	OwnerID    string `json:"ownerId"`
}

// TransferInfo reports what a cross-tenant copy moved.
type TransferInfo struct {
	Bytes  int64
	SHA256 string
}

func appPath(id string) string { return itemPath(appsPath, id) }

func strPtr(s string) *string { return &s }

// CreateApp calls POST /api/v1/apps (200 NxApp).
func (c *Client) CreateApp(ctx context.Context, req AppCreateRequest) (*App, error) {
	body := appBody{Attributes: appAttributesBody{Name: strPtr(req.Name), Description: strPtr(req.Description), SpaceID: req.SpaceID}}
	return c.createApp(ctx, "app "+strconv.Quote(req.Name), req, &request{method: http.MethodPost, path: appsPath, body: body})
}

// createApp sends post, an app create, with recovery by name when the caller made the name unique in its space,
// and notes the new app for the visibility grace.
func (c *Client) createApp(ctx context.Context, what string, req AppCreateRequest, post *request) (*App, error) {
	cr := creation[App]{what: what, post: post, path: appPath}
	if req.UniqueName {
		// The Items API may list a new app only after a moment.
		cr.find = func(ctx context.Context) (*App, error) { return c.findUniqueApp(ctx, req.Name, req.SpaceID) }
		cr.untilVisible = true
		cr.proof = func(a *App) provenance {
			// The unique name is the provider's marker (see the app copy resource): only a copy made for this
			// configuration carries it, in this run or in an interrupted earlier one.
			return provenance{id: a.Attributes.ID, marked: true, differs: differsIn(
				same("name", a.Attributes.Name, req.Name), same("space", a.Attributes.SpaceID, req.SpaceID))}
		}
	} else {
		cr.proof = func(a *App) provenance { return provenance{id: a.Attributes.ID} }
	}
	return createWithRecovery(ctx, c, cr)
}

// findUniqueApp looks up the one app named name in spaceID, for createWithRecovery.
func (c *Client) findUniqueApp(ctx context.Context, name, spaceID string) (*App, error) {
	items, err := c.FindApps(ctx, name, spaceID)
	if err != nil {
		return nil, err
	}
	switch len(items) {
	case 0:
		return nil, c.notFound("app named %q in space %q", name, spaceID)
	case 1:
		return c.GetApp(ctx, items[0].ResourceID)
	default:
		return nil, fmt.Errorf("qlik: %d apps are named %q in space %q on %s", len(items), name, spaceID, c.ep.host)
	}
}

// GetApp calls GET /api/v1/apps/{appId}.
func (c *Client) GetApp(ctx context.Context, id string) (*App, error) {
	return getObject[App](ctx, c, "app", id, appPath)
}

// UpdateApp calls PUT /api/v1/apps/{appId}, which changes only name and description. With nothing to change it
// reads the app instead.
func (c *Client) UpdateApp(ctx context.Context, id string, req AppUpdateRequest) (*App, error) {
	if err := checkID("app", id); err != nil {
		return nil, err
	}
	if req.Name == nil && req.Description == nil {
		return c.GetApp(ctx, id)
	}
	var a App
	body := appBody{Attributes: appAttributesBody{Name: req.Name, Description: req.Description}}
	if _, err := c.do(ctx, &request{method: http.MethodPut, path: appPath(id), body: body, out: &a}); err != nil {
		return nil, err
	}
	return &a, nil
}

// AppPlacement is what an update of an app changes: its space (MoveApp) and its name and description
// (UpdateApp); nil leaves a field as it is.
type AppPlacement struct {
	SpaceID     *string
	Name        *string
	Description *string
}

// PlaceApp reads the app and applies req: a move to another space, then a new name or description. It returns
// the app as Qlik has it afterwards.
func (c *Client) PlaceApp(ctx context.Context, id string, req AppPlacement) (*App, error) {
	app, err := c.GetApp(ctx, id)
	if err == nil && req.SpaceID != nil {
		app, err = c.MoveApp(ctx, id, *req.SpaceID)
	}
	if err == nil && (req.Name != nil || req.Description != nil) {
		app, err = c.UpdateApp(ctx, id, AppUpdateRequest{Name: req.Name, Description: req.Description})
	}
	return app, err
}

// DeleteApp calls DELETE /api/v1/apps/{appId} (200).
func (c *Client) DeleteApp(ctx context.Context, id string) error {
	return deleteObject(ctx, c, "app", id, appPath)
}

// CopyApp calls POST /api/v1/apps/{appId}/copy, which copies an app within its tenant (200 NxApp, a new id).
func (c *Client) CopyApp(ctx context.Context, id string, req AppCreateRequest) (*App, error) {
	if err := checkID("app", id); err != nil {
		return nil, err
	}
	body := appBody{Attributes: appAttributesBody{Name: strPtr(req.Name), Description: strPtr(req.Description), SpaceID: req.SpaceID}}
	return c.createApp(ctx, "copy "+strconv.Quote(req.Name)+" of app "+id, req, &request{method: http.MethodPost, path: appPath(id) + "/copy", body: body})
}

// ExportApp calls POST /api/v1/apps/{appId}/export and returns the Location of the exported file (201), a path
// on this tenant where DownloadTempContent fetches it. An export only produces a temporary file, so it is
// retried like a read.
func (c *Client) ExportApp(ctx context.Context, id string) (string, error) {
	if err := checkID("app", id); err != nil {
		return "", err
	}
	res, err := c.do(ctx, &request{method: http.MethodPost, path: appPath(id) + "/export", idempotent: true})
	if err != nil {
		return "", err
	}
	loc := res.Header.Get("Location")
	if loc == "" {
		return "", fmt.Errorf("qlik: POST %s/export answered %d without a Location header", appPath(id), res.StatusCode)
	}
	return loc, nil
}

// ImportApp calls POST /api/v1/apps/import?fileId=&spaceId=&name= (200 NxApp with a new id).
func (c *Client) ImportApp(ctx context.Context, req ImportAppRequest) (*App, error) {
	if err := checkID("temporary file", req.FileID); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("fileId", req.FileID)
	if req.SpaceID != "" {
		q.Set("spaceId", req.SpaceID)
	}
	if req.Name != "" {
		q.Set("name", req.Name)
	}
	cr := AppCreateRequest{Name: req.Name, SpaceID: req.SpaceID, UniqueName: req.UniqueName}
	return c.createApp(ctx, "import of app "+strconv.Quote(req.Name), cr, &request{method: http.MethodPost, path: appsPath + "/import", query: q, longTransfer: true})
}

// MoveApp calls PUT /api/v1/apps/{appId}/space to move an app to another space.
func (c *Client) MoveApp(ctx context.Context, id, spaceID string) (*App, error) {
	if err := checkID("app", id); err != nil {
		return nil, err
	}
	if err := checkID("space", spaceID); err != nil {
		return nil, err
	}
	var a App
	body := map[string]string{"spaceId": spaceID}
	if _, err := c.do(ctx, &request{method: http.MethodPut, path: appPath(id) + "/space", body: body, out: &a}); err != nil {
		return nil, err
	}
	return &a, nil
}

// RemoveAppFromSpace calls DELETE /api/v1/apps/{appId}/space, which returns the app to its owner's personal
// space.
func (c *Client) RemoveAppFromSpace(ctx context.Context, id string) (*App, error) {
	if err := checkID("app", id); err != nil {
		return nil, err
	}
	return doJSON[App](ctx, c, &request{method: http.MethodDelete, path: appPath(id) + "/space"})
}

type publishBody struct {
	SpaceID    string             `json:"spaceId,omitempty"`
	Attributes *appAttributesBody `json:"attributes,omitempty"`
}

// PublishApp calls POST /api/v1/apps/{appId}/publish and returns the published app, a new app in the managed
// space whose OriginAppID is id. A publish with unknown outcome is not retried: Qlik offers no key to find the
// published copy by other than listing the space.
func (c *Client) PublishApp(ctx context.Context, id string, req PublishAppRequest) (*App, error) {
	if err := checkID("app", id); err != nil {
		return nil, err
	}
	body := publishBody{SpaceID: req.SpaceID}
	if req.Name != "" || req.Description != "" {
		body.Attributes = &appAttributesBody{}
		if req.Name != "" {
			body.Attributes.Name = strPtr(req.Name)
		}
		if req.Description != "" {
			body.Attributes.Description = strPtr(req.Description)
		}
	}
	// Publishing makes a new app and Qlik does not refuse a second one, so a publish whose outcome is unknown
	// (5xx, reset) is looked up by its origin in the target space before it is tried again. The Items API may
	// list the new app only after a moment, so the lookup is repeated a few times first.
	what := "published copy of app " + strconv.Quote(id)
	start := time.Now()
	proof := func(a *App) provenance {
		return provenance{id: a.Attributes.ID, created: a.Attributes.CreatedDate, creator: a.Attributes.OwnerID, differs: differsIn(
			same("origin app", a.Attributes.OriginAppID, id), same("space", a.Attributes.SpaceID, req.SpaceID),
			sameIfSent("name", a.Attributes.Name, req.Name))}
	}
	// Earlier copies published from the same app into the same space are someone else's (or an earlier
	// apply's); only a copy this request made is a candidate.
	ours := func(ctx context.Context, a *App) bool { return c.proveOurs(ctx, what, proof(a), start, nil) == nil }
	return createWithRecovery(ctx, c, creation[App]{
		what: what,
		post: &request{method: http.MethodPost, path: appPath(id) + "/publish", body: body},
		find: func(ctx context.Context) (*App, error) {
			return c.findPublishedApp(ctx, id, req.SpaceID, ours)
		},
		untilVisible: true,
		proof:        proof,
		path:         appPath,
	})
}

// findPublishedApp looks for the app published from originID in spaceID through GET /api/v1/items
// (resourceAttributes.originAppId), for createWithRecovery.
func (c *Client) findPublishedApp(ctx context.Context, originID, spaceID string, keep func(context.Context, *App) bool) (*App, error) {
	type publishedItem struct {
		ResourceID         string `json:"resourceId"`
		SpaceID            string `json:"spaceId"`
		ResourceAttributes struct {
			OriginAppID string `json:"originAppId"`
		} `json:"resourceAttributes"`
	}
	q := url.Values{}
	q.Set("resourceType", "app")
	q.Set("spaceId", spaceID)
	q.Set("limit", "100")
	all, err := listAllByNextLink[publishedItem](ctx, c, itemsPath, q)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, it := range all {
		if it.SpaceID == spaceID && it.ResourceAttributes.OriginAppID == originID {
			ids = append(ids, it.ResourceID)
		}
	}
	var kept []*App
	for _, id := range ids {
		a, err := c.GetApp(ctx, id)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if keep(ctx, a) {
			kept = append(kept, a)
		}
	}
	switch len(kept) {
	case 0:
		return nil, c.notFound("app published from %s into space %q since this publish started", originID, spaceID)
	case 1:
		return kept[0], nil
	default:
		return nil, fmt.Errorf("qlik: %d apps published from %s into space %q on %s since this publish started", len(kept), originID, spaceID, c.ep.host)
	}
}

// RepublishAppRequest is the body of PUT /api/v1/apps/{appId}/publish.
type RepublishAppRequest struct {
	// TargetID is the published app that receives the source's content; it keeps its id.
	TargetID string
	// AnotherSource allows a source other than the app TargetID was published from (checkOriginAppId false),
	// for example a template release's new copy taking over from the previous one. Without it Qlik validates that
	// the source is the published app's origin and refuses anything else.
	AnotherSource bool
}

type republishBody struct {
	TargetID         string `json:"targetId"`
	CheckOriginAppID bool   `json:"checkOriginAppId"`
}

// RepublishApp calls PUT /api/v1/apps/{appId}/publish: the published app req.TargetID receives id's current
// content and keeps its id, its links and what its users made in it. checkOriginAppId is always sent, so the
// validation never depends on Qlik's default. Republishing is idempotent, so it is retried like any PUT.
func (c *Client) RepublishApp(ctx context.Context, id string, req RepublishAppRequest) (*App, error) {
	if err := checkID("app", id); err != nil {
		return nil, err
	}
	if err := checkID("published app", req.TargetID); err != nil {
		return nil, err
	}
	var a App
	body := republishBody{TargetID: req.TargetID, CheckOriginAppID: !req.AnotherSource}
	if _, err := c.do(ctx, &request{method: http.MethodPut, path: appPath(id) + "/publish", body: body, out: &a}); err != nil {
		return nil, err
	}
	return &a, nil
}

// FindApps calls GET /api/v1/items?resourceType=app&name=&spaceId= and returns the apps whose name equals name
// exactly (Qlik's filter ignores case). An empty spaceID searches every space.
func (c *Client) FindApps(ctx context.Context, name, spaceID string) ([]AppItem, error) {
	if name == "" {
		return nil, errors.New("qlik: FindApps needs a name")
	}
	q := url.Values{}
	q.Set("resourceType", "app")
	q.Set("name", name)
	q.Set("limit", "100")
	if spaceID != "" {
		q.Set("spaceId", spaceID)
	}
	all, err := listAllByNextLink[AppItem](ctx, c, itemsPath, q)
	if err != nil {
		return nil, err
	}
	var out []AppItem
	for _, it := range all {
		if it.Name == name && (spaceID == "" || it.SpaceID == spaceID) {
			out = append(out, it)
		}
	}
	return out, nil
}

// SpaceItems calls GET /api/v1/items?spaceId= and returns up to limit items of the space (one page), for checks
// such as "is this space empty" before a change that deletes it.
func (c *Client) SpaceItems(ctx context.Context, spaceID string, limit int) ([]AppItem, error) {
	if err := checkID("space", spaceID); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Set("spaceId", spaceID)
	q.Set("limit", strconv.Itoa(max(limit, 1)))
	var page struct {
		Data []AppItem `json:"data"`
	}
	if _, err := c.do(ctx, &request{method: http.MethodGet, path: itemsPath, query: q, out: &page}); err != nil {
		return nil, err
	}
	var out []AppItem
	for _, it := range page.Data {
		if it.SpaceID == spaceID {
			out = append(out, it)
		}
	}
	return out, nil
}

// TransferApp copies the app srcAppID of the tenant src into the tenant c: export from src, download to a
// spooled temporary file, upload to c's temporary contents, import there. The file streams through disk at
// every step, so memory stays flat whatever the app's size. The spooled file is removed before returning.
//
// release names the version of the source app being copied (qlik_app_copy's source_version). The export of one
// source app and release is made once per client and shared by every copy of it, since an export is a Tier 2
// write on the source tenant that every customer's copy would otherwise repeat; a download that finds it
// expired exports again.
func (c *Client) TransferApp(ctx context.Context, src *Client, srcAppID, release string, req ImportAppRequest) (*App, *TransferInfo, error) {
	if err := checkID("app", srcAppID); err != nil {
		return nil, nil, err
	}
	f, err := os.CreateTemp("", "qlik-app-*.qvf")
	if err != nil {
		return nil, nil, fmt.Errorf("qlik: spooling the exported app: %w", err)
	}
	defer func() {
		_ = f.Close()
		_ = os.Remove(f.Name())
	}()
	n, err := src.downloadExport(ctx, exportKey{host: src.ep.host, appID: srcAppID, release: release}, f)
	if err != nil {
		return nil, nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, nil, fmt.Errorf("qlik: spooled app: %w", err)
	}
	sum, _, err := readSHA256(f)
	if err != nil {
		return nil, nil, fmt.Errorf("qlik: spooled app: %w", err)
	}
	info := &TransferInfo{Bytes: n, SHA256: sum}
	c.core.log.debug(ctx, "qlik: exported app downloaded; uploading to the target tenant", map[string]any{
		"source_host": src.ep.host, "target_host": c.ep.host, "bytes": n, "sha256": info.SHA256,
	})
	fileID, err := c.UploadTempContent(ctx, srcAppID+".qvf", f.Name())
	if err != nil {
		return nil, info, err
	}
	req.FileID = fileID
	a, err := c.ImportApp(ctx, req)
	if err != nil {
		return nil, info, err
	}
	return a, info, nil
}

// exportKey identifies one export: a source app in one release on one host.
type exportKey struct {
	host, appID, release string
}

// exportTTL is how long an export's location is reused: well within the hour Qlik keeps temporary content.
const exportTTL = 30 * time.Minute

// exportCache shares the location of an app export between the copies of one client. The first caller of a key
// exports; callers arriving meanwhile wait for it.
type exportCache struct {
	mu      sync.Mutex
	entries map[exportKey]*exportEntry
}

type exportEntry struct {
	done     chan struct{} // closed when the export has answered
	location string
	err      error
	at       time.Time
}

// exportLocation returns the export location for key, exporting when there is none younger than exportTTL (or
// when stale is the location that just failed to download).
func (c *Client) exportLocation(ctx context.Context, key exportKey, stale string) (string, error) {
	ec := &c.core.exports
	ec.mu.Lock()
	if ec.entries == nil {
		ec.entries = map[exportKey]*exportEntry{}
	}
	e := ec.entries[key]
	if e != nil {
		select {
		case <-e.done:
			if e.err != nil || e.location == stale || c.core.now().Sub(e.at) > exportTTL {
				e = nil
			}
		default: // in flight: wait for it below
		}
	}
	if e == nil {
		e = &exportEntry{done: make(chan struct{})}
		ec.entries[key] = e
		ec.mu.Unlock()
		e.location, e.err = c.ExportApp(ctx, key.appID)
		e.at = c.core.now()
		close(e.done)
		return e.location, e.err
	}
	ec.mu.Unlock()
	select {
	case <-e.done:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	if e.err != nil {
		// The exporting caller's failure (its own context, say) need not be ours: export afresh.
		return c.exportLocation(ctx, key, "")
	}
	return e.location, nil
}

// downloadExport downloads the shared export of key into f; an export that has expired in the meantime (404 or
// 410) is made again once.
func (c *Client) downloadExport(ctx context.Context, key exportKey, f *os.File) (int64, error) {
	loc, err := c.exportLocation(ctx, key, "")
	if err != nil {
		return 0, err
	}
	n, err := c.DownloadTempContent(ctx, loc, f)
	if err == nil || (!IsNotFound(err) && !isGone(err)) {
		return n, err
	}
	c.core.log.debug(ctx, "qlik: the shared app export has expired; exporting again", map[string]any{"app_id": key.appID, "host": key.host})
	if err := restartFile(f); err != nil {
		return 0, err
	}
	if loc, err = c.exportLocation(ctx, key, loc); err != nil {
		return 0, err
	}
	return c.DownloadTempContent(ctx, loc, f)
}

func isGone(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusGone
}
