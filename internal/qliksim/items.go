package qliksim

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Items (items.json) is Qlik's documented way to find apps by name and space (items.json items#listItems:
// name, spaceId, resourceType, resourceId). The simulator
// lists apps only, which is what resourceType=app asks for.

const itemsPath = "/api/v1/items"

// itemsErrors: code, title, detail, status number; traceId (items.json Errors).
var itemsErrors = errorStyle{status: statusNumber, traceID: true}

// Item is the simulator's wire form of itemResultResponseBody.
type Item struct {
	ID                       string         `json:"id"`
	Name                     string         `json:"name"`
	Description              string         `json:"description"`
	TenantID                 string         `json:"tenantId"`
	OwnerID                  string         `json:"ownerId"`
	SpaceID                  string         `json:"spaceId,omitempty"`
	CreatedAt                string         `json:"createdAt"`
	UpdatedAt                string         `json:"updatedAt"`
	IsFavorited              bool           `json:"isFavorited"`
	Links                    ItemLinks      `json:"links"`
	ResourceID               string         `json:"resourceId"`
	ResourceType             string         `json:"resourceType"`
	ResourceCreatedAt        string         `json:"resourceCreatedAt"`
	ResourceUpdatedAt        string         `json:"resourceUpdatedAt"`
	Actions                  []string       `json:"actions"`
	CollectionIDs            []string       `json:"collectionIds"`
	ResourceAttributes       map[string]any `json:"resourceAttributes"`
	ResourceCustomAttributes map[string]any `json:"resourceCustomAttributes"`
	Meta                     ItemMeta       `json:"meta"`
}

// ItemLinks are an item's links.
type ItemLinks struct {
	Self Link `json:"self"`
}

// ItemMeta is itemMetaResponseBody.
type ItemMeta struct {
	IsFavorited bool       `json:"isFavorited"`
	Actions     []string   `json:"actions"`
	Tags        []struct{} `json:"tags"`
	Collections []struct{} `json:"collections"`
}

func (s *Server) registerItemsRoutes(h *host) {
	h.mux.HandleFunc("GET "+itemsPath, func(w http.ResponseWriter, r *http.Request) { s.listItems(h, w, r) })
}

func itemsBadRequest(w http.ResponseWriter, detail string) {
	writeError(w, http.StatusBadRequest, itemsErrors, apiError{code: "ITEMS-400", title: "Bad Request", detail: detail})
}

// itemListSpec is the list query of GET /items (items.json items#listItems: limit 1-100, default 10; next cursors, in
// creation order).
var itemListSpec = &listSpec{
	limitDefault: 10, limitMin: 1,
	limitDetail:  "limit must be a number from 1 to 100.",
	sortDefault:  "createdAt",
	cursorParams: []string{"next"},
	cursorDetail: "%s is not a cursor this API issued.",
}

func (s *Server) listItems(h *host, w http.ResponseWriter, r *http.Request) {
	t := h.tenant
	lq, err := parseList(r, itemListSpec, s)
	if err != nil {
		itemsBadRequest(w, err.Error())
		return
	}
	q := r.URL.Query()
	if rt := q.Get("resourceType"); rt != "" && !strings.Contains(","+rt+",", ",app,") {
		writeJSON(w, http.StatusOK, listPage[Item]{Data: []Item{}, Links: lq.links(h, r, nil, nil)})
		return
	}
	name, spaceID, resourceID := q.Get("name"), q.Get("spaceId"), q.Get("resourceId")
	var matched []stored[appRecord]
	for _, it := range t.apps.list(time.Now(), false) {
		a := it.Val.attrs
		// items.json: name is a case-insensitive search for a resource by name.
		if (name == "" || strings.EqualFold(a.Name, name)) &&
			(spaceID == "" || a.SpaceID == spaceID) &&
			(resourceID == "" || a.ID == resourceID) {
			matched = append(matched, it)
		}
	}
	key := func(it stored[appRecord]) []string { return []string{fmt.Sprintf("%020d", it.Seq), it.ID} }
	writeJSON(w, http.StatusOK, onePage(lq, h, r, matched, key, func(it stored[appRecord]) Item { return t.appItem(h, it.Val) }))
}

func (t *tenantState) appItem(h *host, rec appRecord) Item {
	a := rec.attrs
	actions := []string{"read", "update", "delete", "publish", "duplicate", "export"}
	return Item{
		ID:                rec.itemID,
		Name:              a.Name,
		Description:       a.Description,
		TenantID:          t.id,
		OwnerID:           a.OwnerID,
		SpaceID:           a.SpaceID,
		CreatedAt:         a.CreatedDate,
		UpdatedAt:         a.ModifiedDate,
		Links:             ItemLinks{Self: Link{Href: h.url + itemsPath + "/" + rec.itemID}},
		ResourceID:        a.ID,
		ResourceType:      "app",
		ResourceCreatedAt: a.CreatedDate,
		ResourceUpdatedAt: a.ModifiedDate,
		Actions:           actions,
		CollectionIDs:     []string{},
		ResourceAttributes: map[string]any{
			"id": a.ID, "name": a.Name, "description": a.Description, "spaceId": a.SpaceID,
			"publishTime": a.PublishTime, "originAppId": a.OriginAppID,
		},
		ResourceCustomAttributes: map[string]any{},
		Meta:                     ItemMeta{Actions: actions, Tags: []struct{}{}, Collections: []struct{}{}},
	}
}
