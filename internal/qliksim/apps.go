package qliksim

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Apps (apps.json: POST /api/v1/apps, /copy, /import, /export, /publish). Create, copy, import and publish answer 200
// with NxApp, DELETE answers 200, export answers 201 with a Location on the same host. An app's QVF content is a
// content description, never bytes in memory.

const appsPath = "/api/v1/apps"

// App error codes. apps.json documents no codes; these follow the HTTP-<status> style of Qlik's gateway.
const (
	codeAppNotFound   = "HTTP-404"
	codeAppBadRequest = "HTTP-400"
	codeAppConflict   = "HTTP-409"
	appNotFoundTitle  = "Not Found"
	appBadTitle       = "Bad Request"
	appConflictTitle  = "Conflict"
)

// appErrors: code, title, detail; no status, no traceId (apps.json Error).
var appErrors = errorStyle{status: statusAbsent}

// App is the simulator's wire form of NxApp.
type App struct {
	Attributes AppAttributes        `json:"attributes"`
	Privileges []string             `json:"privileges"`
	Create     []AppCreatePrivilege `json:"create"`
}

// AppCreatePrivilege is NxAppCreatePrivileges.
type AppCreatePrivilege struct {
	Resource  string `json:"resource"`
	CanCreate bool   `json:"canCreate"`
}

// AppAttributes is NxAttributes plus spaceId, which Qlik returns for apps in a space although the schema does
// not list it (apps.json NxAttributes); the namespaced restore answer documents it
// (https://qlik.dev/apis/rest/analytics/apps).
type AppAttributes struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Description    string `json:"description"`
	Owner          string `json:"owner"`
	OwnerID        string `json:"ownerId"`
	CreatedDate    string `json:"createdDate"`
	ModifiedDate   string `json:"modifiedDate"`
	LastReloadTime string `json:"lastReloadTime,omitempty"`
	PublishTime    string `json:"publishTime,omitempty"`
	OriginAppID    string `json:"originAppId,omitempty"`
	Published      bool   `json:"published"`
	SpaceID        string `json:"spaceId,omitempty"`
	// Usage is left out: apps.json's UsageEnum is a oneOf whose branches overlap, so no value validates.
	Usage             string         `json:"usage,omitempty"`
	Thumbnail         string         `json:"thumbnail"`
	DynamicColor      string         `json:"dynamicColor"`
	Encrypted         bool           `json:"encrypted"`
	HasSectionAccess  bool           `json:"hasSectionAccess"`
	IsDirectQueryMode bool           `json:"isDirectQueryMode"`
	Custom            map[string]any `json:"custom"`
}

// appRecord is a stored app: its attributes, its content, the item id the Items API lists it under and what its
// users made for themselves in it.
type appRecord struct {
	attrs   AppAttributes
	data    content
	itemID  string
	private []PrivateObject
}

// AppInfo is a store snapshot of an app for tests.
type AppInfo struct {
	Attributes AppAttributes
	// Size is the length of the app's QVF content in bytes.
	Size int64
	// PrivateObjects are the sheets, bookmarks and stories users made for themselves in the app.
	PrivateObjects []PrivateObject
}

func (rec appRecord) info() AppInfo {
	return AppInfo{Attributes: rec.attrs, Size: rec.data.size, PrivateObjects: slices.Clone(rec.private)}
}

// PrivateObject is content a user made for themself in an app: a private sheet, bookmark or story. In a published
// app this is what consumers build on top of the locked public sheets (Qlik Help: they "create and edit their own
// private sheets, visualizations and stories"). Qlik keeps it inside the app and serves it through the Engine
// API, not the REST API, so the simulator has no REST route for it: tests and the admin endpoint seed and read
// it. It lives and dies with its app: a republish keeps it, deleting the app deletes it, and copies, exports and
// publishes do not carry it.
type PrivateObject struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	OwnerID string `json:"ownerId"`
	Title   string `json:"title"`
}

// privateObjectTypes are the kinds of private content a user can make in an app.
var privateObjectTypes = []string{"sheet", "bookmark", "story"}

var appPrivileges = []string{"read", "update", "delete", "reload", "import", "publish", "duplicate", "export", "exportdata", "change_owner", "change_space"}

type appsAPI struct {
	tenantAPI
	apps byID[appRecord]
}

// seedCounter makes synthetic contents differ between apps and versions within one process.
var seedCounter atomic.Uint64

func newSeed() uint64 { return splitmix64(uint64(time.Now().UnixNano()) + seedCounter.Add(1)) }

func (s *Server) registerAppsRoutes(h *host) {
	api := &appsAPI{s.apiOn(h), byID[appRecord]{h.tenant.apps, "appId", appNotFound}}
	h.handleObjects(appsPath, "appId", objectRoutes{create: api.create, get: api.get, put: api.update, delete: api.delete})
	h.mux.HandleFunc("POST "+appsPath+"/import", api.importApp)
	h.mux.HandleFunc("POST "+appsPath+"/{appId}/copy", api.copyApp)
	h.mux.HandleFunc("POST "+appsPath+"/{appId}/export", api.export)
	h.mux.HandleFunc("PUT "+appsPath+"/{appId}/space", api.move)
	h.mux.HandleFunc("DELETE "+appsPath+"/{appId}/space", api.removeSpace)
	h.mux.HandleFunc("POST "+appsPath+"/{appId}/publish", api.publish)
	h.mux.HandleFunc("PUT "+appsPath+"/{appId}/publish", api.republish)
}

func appNotFound(w http.ResponseWriter, id string) {
	appErrors.write(w, http.StatusNotFound, codeAppNotFound, appNotFoundTitle, "No app with id "+id+" is visible to the caller.")
}

func appBadRequest(w http.ResponseWriter, detail string) {
	appErrors.write(w, http.StatusBadRequest, codeAppBadRequest, appBadTitle, detail)
}

func render(a AppAttributes) App {
	if a.Custom == nil {
		a.Custom = map[string]any{}
	}
	return App{
		Attributes: a,
		Privileges: slices.Clone(appPrivileges),
		Create:     []AppCreatePrivilege{{Resource: "sheet", CanCreate: true}, {Resource: "bookmark", CanCreate: true}},
	}
}

// checkSpace reports whether spaceID names a space of the tenant; "" (personal space) is always fine. A space
// still hidden by Options.VisibilityDelay counts: delayed visibility models reads and lists lagging behind
// the committed store, while a write that refers to the space is checked against the store, as uniqueness is.
func (t *tenantState) checkSpace(spaceID string) (spaceRecord, bool) {
	if spaceID == "" {
		return spaceRecord{}, true
	}
	return t.spaces.get(spaceID, time.Now(), true)
}

// addApp stores a new app and returns its attributes.
func (api *appsAPI) addApp(name, description, spaceID, owner string, data content, mutate func(*AppAttributes)) AppAttributes {
	return api.t.addApp(api.s.opts.VisibilityDelay, name, description, spaceID, owner, data, mutate)
}

func (t *tenantState) addApp(delay time.Duration, name, description, spaceID, owner string, data content, mutate func(*AppAttributes)) AppAttributes {
	now := time.Now()
	stamp := formatTime(now)
	a := AppAttributes{
		ID:           newAppID(),
		Name:         name,
		Description:  description,
		Owner:        owner,
		OwnerID:      owner,
		CreatedDate:  stamp,
		ModifiedDate: stamp,
		SpaceID:      spaceID,
	}
	if mutate != nil {
		mutate(&a)
	}
	_ = t.apps.insert(a.ID, appRecord{attrs: a, data: data, itemID: newObjectID()}, now.Add(delay), nil)
	return a
}

// newAppID returns a GUID like Qlik's app ids (e.g. 2f6a8a3c-52d3-4bc0-8c6e-5d1b8e4f7c21).
func newAppID() string {
	h := randomHex(16)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

type appAttributesBody struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	SpaceID     *string `json:"spaceId"`
	Locale      *string `json:"locale"`
	Usage       *string `json:"usage"`
}

type createAppBody struct {
	Attributes *appAttributesBody `json:"attributes"`
}

func (b *createAppBody) attrs() appAttributesBody {
	if b.Attributes == nil {
		return appAttributesBody{}
	}
	return *b.Attributes
}

// readAppAttributes reads the attributes of a create or update body; a body that does not decode is answered 400
// and ok is false.
func readAppAttributes(w http.ResponseWriter, r *http.Request) (at appAttributesBody, ok bool) {
	var body createAppBody
	if err := decodeJSON(r, &body); err != nil {
		appBadRequest(w, err.Error())
		return at, false
	}
	return body.attrs(), true
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (api *appsAPI) create(w http.ResponseWriter, r *http.Request) {
	at, ok := readAppAttributes(w, r)
	if !ok {
		return
	}
	spaceID := deref(at.SpaceID)
	if _, ok := api.t.checkSpace(spaceID); !ok {
		appBadRequest(w, "Space "+spaceID+" does not exist.")
		return
	}
	name := deref(at.Name)
	if name == "" {
		name = "Untitled"
	}
	a := api.addApp(name, deref(at.Description), spaceID, callerFrom(r.Context()).userID, content{size: 4096, seed: newSeed()}, nil)
	writeJSON(w, http.StatusOK, render(a))
}

func (api *appsAPI) get(w http.ResponseWriter, r *http.Request) {
	if _, rec, ok := api.apps.find(w, r); ok {
		writeJSON(w, http.StatusOK, render(rec.attrs))
	}
}

// change applies fn to a visible app and answers 200 with the result.
func (api *appsAPI) change(w http.ResponseWriter, id string, fn func(*appRecord) error) {
	if rec, ok := api.apps.edit(w, id, func(cur appRecord, now time.Time) (appRecord, error) {
		if err := fn(&cur); err != nil {
			return cur, err
		}
		cur.attrs.ModifiedDate = formatTime(now)
		return cur, nil
	}, nil, appRefused); ok {
		writeJSON(w, http.StatusOK, render(rec.attrs))
	}
}

// appRefused answers an app change that fn refused: 409 for an *appConflictError, 400 otherwise.
func appRefused(w http.ResponseWriter, err error) {
	var in *inputError
	var conflict *appConflictError
	switch {
	case errors.As(err, &in):
		appBadRequest(w, in.detail)
	case errors.As(err, &conflict):
		appErrors.write(w, http.StatusConflict, codeAppConflict, appConflictTitle, conflict.detail)
	default:
		appBadRequest(w, err.Error())
	}
}

// update is PUT /apps/{appId}: only attributes.name and attributes.description change.
func (api *appsAPI) update(w http.ResponseWriter, r *http.Request) {
	at, ok := readAppAttributes(w, r)
	if !ok {
		return
	}
	api.change(w, r.PathValue("appId"), func(rec *appRecord) error {
		if at.Name != nil {
			if *at.Name == "" {
				return &inputError{detail: "attributes.name must not be empty."}
			}
			rec.attrs.Name = *at.Name
		}
		if at.Description != nil {
			rec.attrs.Description = *at.Description
		}
		return nil
	})
}

func (api *appsAPI) delete(w http.ResponseWriter, r *http.Request) {
	if _, ok := api.apps.remove(w, r); ok {
		// apps.json: 200 with an empty JSON body.
		writeJSON(w, http.StatusOK, struct{}{})
	}
}

// sourceApp reads the request of an operation that makes an app from the one the path's {appId} names (copy,
// publish): the request body into body, and the app. A body that does not decode is a 400 and an unknown app a
// 404; both answer the request and return false.
func (api *appsAPI) sourceApp(w http.ResponseWriter, r *http.Request, body any) (appRecord, bool) {
	if err := decodeJSON(r, body); err != nil {
		appBadRequest(w, err.Error())
		return appRecord{}, false
	}
	_, src, ok := api.apps.find(w, r)
	return src, ok
}

func (api *appsAPI) copyApp(w http.ResponseWriter, r *http.Request) {
	var body createAppBody
	src, ok := api.sourceApp(w, r, &body)
	if !ok {
		return
	}
	at := body.attrs()
	spaceID := src.attrs.SpaceID
	if at.SpaceID != nil {
		spaceID = *at.SpaceID
	}
	if _, ok := api.t.checkSpace(spaceID); !ok {
		appBadRequest(w, "Space "+spaceID+" does not exist.")
		return
	}
	name := src.attrs.Name
	if at.Name != nil && *at.Name != "" {
		name = *at.Name
	}
	desc := src.attrs.Description
	if at.Description != nil {
		desc = *at.Description
	}
	a := api.addApp(name, desc, spaceID, callerFrom(r.Context()).userID, src.data, nil)
	writeJSON(w, http.StatusOK, render(a))
}

// export is POST /apps/{appId}/export: 201 and a Location on this host where the QVF can be downloaded.
func (api *appsAPI) export(w http.ResponseWriter, r *http.Request) {
	_, rec, ok := api.apps.find(w, r)
	if !ok {
		return
	}
	loc := api.t.storeTempContent(rec.attrs.Name+".qvf", rec.data, tempContentDefaultTTL*time.Second, callerFrom(r.Context()).userID)
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusCreated)
}

// importApp is POST /apps/import: the file comes from temp-contents (fileId) or is the octet-stream body.
func (api *appsAPI) importApp(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	spaceID := q.Get("spaceId")
	if _, ok := api.t.checkSpace(spaceID); !ok {
		appErrors.write(w, http.StatusNotFound, codeAppNotFound, appNotFoundTitle, "Space "+spaceID+" does not exist.")
		return
	}
	if mode := q.Get("mode"); mode != "" && mode != "NEW" {
		appBadRequest(w, "mode "+strconv.Quote(mode)+" is not permitted; use NEW.")
		return
	}
	name := q.Get("name")
	var data content
	if fileID := q.Get("fileId"); fileID != "" {
		tc, ok := api.t.temp.get(fileID, time.Now(), false)
		if !ok || !time.Now().Before(tc.expires) {
			appErrors.write(w, http.StatusNotFound, codeAppNotFound, appNotFoundTitle, "No temporary content with id "+fileID+".")
			return
		}
		data = tc.data
		if name == "" {
			name = strings.TrimSuffix(tc.name, ".qvf")
		}
	} else {
		var err error
		if data, err = api.s.spool(r.Body); err != nil {
			panic(http.ErrAbortHandler)
		}
		defer api.s.spoolDone(data)
		if data.size == 0 {
			appBadRequest(w, "Give the app file as the request body or as fileId.")
			return
		}
	}
	if name == "" {
		name = "Imported app"
	}
	a := api.addApp(name, "", spaceID, callerFrom(r.Context()).userID, data, nil)
	writeJSON(w, http.StatusOK, render(a))
}

type spaceBody struct {
	SpaceID *string `json:"spaceId"`
}

func (api *appsAPI) move(w http.ResponseWriter, r *http.Request) {
	var body spaceBody
	if err := decodeJSON(r, &body); err != nil {
		appBadRequest(w, err.Error())
		return
	}
	target := deref(body.SpaceID)
	if target == "" {
		appBadRequest(w, "spaceId is required.")
		return
	}
	if _, ok := api.t.checkSpace(target); !ok {
		appBadRequest(w, "Space "+target+" does not exist.")
		return
	}
	api.change(w, r.PathValue("appId"), func(rec *appRecord) error {
		rec.attrs.SpaceID = target
		return nil
	})
}

func (api *appsAPI) removeSpace(w http.ResponseWriter, r *http.Request) {
	api.change(w, r.PathValue("appId"), func(rec *appRecord) error {
		rec.attrs.SpaceID = ""
		return nil
	})
}

// appConflictError refuses an app write because of the state of the app it targets; it answers 409.
type appConflictError struct{ detail string }

func (e *appConflictError) Error() string { return e.detail }

type publishBody struct {
	SpaceID          *string            `json:"spaceId"`
	TargetID         *string            `json:"targetId"`
	Attributes       *appAttributesBody `json:"attributes"`
	CheckOriginAppID *bool              `json:"checkOriginAppId"`
	Data             *string            `json:"data"`
}

// publish is POST /apps/{appId}/publish: a new app in a managed space, with originAppId and publishTime.
func (api *appsAPI) publish(w http.ResponseWriter, r *http.Request) {
	var body publishBody
	src, ok := api.sourceApp(w, r, &body)
	if !ok {
		return
	}
	id := r.PathValue("appId")
	spaceID := deref(body.SpaceID)
	sp, ok := api.t.checkSpace(spaceID)
	if spaceID == "" || !ok {
		appBadRequest(w, "spaceId must name an existing managed space.")
		return
	}
	if sp.space.Type != "managed" {
		appBadRequest(w, "Apps can be published only to managed spaces; space "+spaceID+" is "+sp.space.Type+".")
		return
	}
	name, desc := src.attrs.Name, src.attrs.Description
	if at := body.Attributes; at != nil {
		if at.Name != nil && *at.Name != "" {
			name = *at.Name
		}
		if at.Description != nil {
			desc = *at.Description
		}
	}
	a := api.addApp(name, desc, spaceID, callerFrom(r.Context()).userID, src.data, func(a *AppAttributes) {
		a.OriginAppID = id
		a.PublishTime = a.CreatedDate
	})
	writeJSON(w, http.StatusOK, render(a))
}

// republish is PUT /apps/{appId}/publish: the published app targetId receives the source's current content and
// keeps its id, its space and what its users made for themselves in it. The rules (apps.json
// PUT /api/v1/apps/{appId}/publish, RepublishApp; DESIGN.md "Published apps in the simulator"):
//
//   - targetId must name a published app (publishTime set), and not the source itself: 400.
//   - A published app whose origin app was deleted is an orphan and "cannot be republished" (Qlik Help, managed
//     spaces): 409, whatever the source.
//   - checkOriginAppId (default true) requires the source to be the app the target was published from: 409 when
//     it is another app. With false, another app may be republished onto the target.
//
// After a republish the target's originAppId names the source, so the app it now mirrors is its parent: deleting
// the previous origin no longer orphans it (Options.RepublishKeepsOrigin models the other reading). Qlik documents
// neither status codes nor the new originAppId; both are the simulator's assumptions (DESIGN.md). The data field (source or target, semantics undocumented; its schema
// is a oneOf no value can satisfy, like UsageEnum) is accepted and does not change what the simulator copies.
func (api *appsAPI) republish(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("appId")
	var body publishBody
	if err := decodeJSON(r, &body); err != nil {
		appBadRequest(w, err.Error())
		return
	}
	if d := body.Data; d != nil && *d != "source" && *d != "target" {
		appBadRequest(w, "data must be source or target.")
		return
	}
	now := time.Now()
	src, ok := api.t.apps.get(id, now, false)
	if !ok {
		appNotFound(w, id)
		return
	}
	target := deref(body.TargetID)
	switch target {
	case "":
		appBadRequest(w, "targetId is required.")
		return
	case id:
		appBadRequest(w, "An app cannot be republished onto itself; targetId must name the published app.")
		return
	}
	cur, ok := api.t.apps.get(target, now, false)
	if !ok {
		appNotFound(w, target)
		return
	}
	origin := cur.attrs.OriginAppID
	// Checked outside the update, which holds the collection's lock; the update makes sure the origin did not
	// change in between.
	if _, ok := api.t.apps.get(origin, now, true); !ok && cur.attrs.PublishTime != "" {
		appErrors.write(w, http.StatusConflict, codeAppConflict, appConflictTitle, fmt.Sprintf(
			"App %s is an orphan: the app it was published from (%s) was deleted, so it cannot be republished. Publish a new app instead.", target, origin))
		return
	}
	check := body.CheckOriginAppID == nil || *body.CheckOriginAppID
	api.change(w, target, func(rec *appRecord) error {
		if rec.attrs.PublishTime == "" {
			return &inputError{detail: "App " + target + " is not a published app."}
		}
		if rec.attrs.OriginAppID != origin {
			return &appConflictError{detail: "App " + target + " was republished by another request; try again."}
		}
		if check && origin != id {
			return &appConflictError{detail: fmt.Sprintf(
				"App %s was published from %s, not from %s; set checkOriginAppId to false to republish another app onto it.", target, origin, id)}
		}
		rec.data = src.data
		if !api.s.opts.RepublishKeepsOrigin {
			rec.attrs.OriginAppID = id
		}
		rec.attrs.PublishTime = formatTime(now)
		if at := body.Attributes; at != nil {
			if at.Name != nil && *at.Name != "" {
				rec.attrs.Name = *at.Name
			}
			if at.Description != nil {
				rec.attrs.Description = *at.Description
			}
		}
		return nil
	})
}

// appsInSpace counts the apps in a space, including ones not yet visible: they make the space non-empty.
func (t *tenantState) appsInSpace(spaceID string) int {
	n := 0
	for _, it := range t.apps.list(time.Now(), true) {
		if it.Val.attrs.SpaceID == spaceID {
			n++
		}
	}
	return n
}
