package qliksim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Webhooks (webhooks.json, /api/v1/webhooks). A webhook is stored with its secret and encrypted header values,
// which are never served back: a webhook answers secretKeyAdded instead of secret (the response's secret field was
// deprecated with sunset 2025-11) and the names of its encrypted headers. PATCH (204) changes the paths
// webhooks.json lists; PUT replaces the whole webhook and clears what it omits, as Qlik documents ("any omitted
// fields will be cleared"). level and filter are not in the PATCH path enum, so they change only by PUT.
//
// Deliveries: when a reload ends, the tenant's enabled webhooks whose event types include
// com.qlik.v1.app.reload.finished and whose filter matches receive a POST of the event as JSON, signed with the
// webhook's secret in the Qlik-Signature header (the hex HMAC-SHA256 of the body; qlik.dev "Verify webhook
// signatures using HMAC"). Each attempt is recorded as a delivery (GET /webhooks/{id}/deliveries). The event
// envelope follows CloudEvents 1.0 as Qlik's events do since November 2025 (qlik.dev "Qlik Cloud system events");
// the fields of data beyond status are the simulator's assumption. Only reload events are delivered; the other
// event types of the catalogue can be registered but the simulator raises no such events.

const (
	webhooksPath = "/api/v1/webhooks"

	// EventReloadFinished is the event type of an ended reload; its data.status is "ok" or "error".
	EventReloadFinished = "com.qlik.v1.app.reload.finished"

	// Limits documented in webhooks.json (WebhookBase) and by qlik-cli (150 webhooks per user per tenant).
	maxWebhookName        = 512
	maxWebhookURL         = 2048
	maxWebhookDescription = 1024
	maxWebhookHeaderBytes = 2048
	minWebhookSecret      = 32
	maxWebhookSecret      = 64
	maxWebhooksPerUser    = 150

	// webhookDeliveryTimeout bounds one delivery attempt (the simulator's choice).
	webhookDeliveryTimeout = 10 * time.Second

	// webhooks.json documents no error codes; these are the simulator's.
	codeWebhookBadRequest = "WEBHOOKS-400"
	codeWebhookNotFound   = "WEBHOOKS-404"
)

// webhookErrors: webhooks.json's Error is code, title, detail; ErrorResponse adds traceId.
var webhookErrors = errorStyle{status: statusAbsent, traceID: true}

// webhookEventTypes is the event-type catalogue GET /webhooks/event-types serves (a subset of Qlik Help's
// "Supported events" list).
var webhookEventTypes = []EventType{
	{Name: "com.qlik.v1.app.created", Title: "App created", Description: "An app was created.", Levels: []string{"tenant", "user"}},
	{Name: "com.qlik.v1.app.deleted", Title: "App deleted", Description: "An app was deleted.", Levels: []string{"tenant", "user"}},
	{Name: "com.qlik.v1.app.published", Title: "App published", Description: "An app was published.", Levels: []string{"tenant", "user"}},
	{Name: "com.qlik.v1.app.data.updated", Title: "App data updated", Description: "The data of an app changed.", Levels: []string{"tenant", "user"}},
	{Name: EventReloadFinished, Title: "App reload finished", Description: "A reload ended; data.status is ok or error.", Levels: []string{"tenant", "user"}},
	{Name: "com.qlik.v1.user.created", Title: "User created", Description: "A user was created.", Levels: []string{"tenant"}},
	{Name: "com.qlik.v1.user.deleted", Title: "User deleted", Description: "A user was deleted.", Levels: []string{"tenant"}},
}

// EventType is webhooks.json's EventType.
type EventType struct {
	Name        string   `json:"name"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Levels      []string `json:"levels"`
}

// Webhook is the simulator's wire form of webhooks.json's WebhookResponse.
type Webhook struct {
	ID                         string            `json:"id"`
	Name                       string            `json:"name"`
	Description                string            `json:"description,omitempty"`
	URL                        string            `json:"url"`
	EventTypes                 []string          `json:"eventTypes"`
	Level                      string            `json:"level"`
	Filter                     string            `json:"filter,omitempty"`
	Enabled                    bool              `json:"enabled"`
	Headers                    map[string]string `json:"headers,omitempty"`
	EncryptedHeaders           []string          `json:"encryptedHeaders,omitempty"`
	SecretKeyAdded             bool              `json:"secretKeyAdded"`
	Origin                     string            `json:"origin"`
	OwnerID                    string            `json:"ownerId,omitempty"`
	EnableCloudEventDelivery   bool              `json:"enableCloudEventDelivery"`
	CheckCertificateRevocation bool              `json:"checkCertificateRevocation"`
	DisabledReason             string            `json:"disabledReason,omitempty"`
	DisabledReasonCode         string            `json:"disabledReasonCode,omitempty"`
	CreatedAt                  string            `json:"createdAt"`
	UpdatedAt                  string            `json:"updatedAt"`
	CreatedByUserID            string            `json:"createdByUserId"`
	UpdatedByUserID            string            `json:"updatedByUserId"`
}

// webhookRecord is a stored webhook with what is never served: the secret and the encrypted header values.
type webhookRecord struct {
	Webhook
	secret    string
	encrypted map[string]string
}

// WebhookDelivery is webhooks.json's Delivery.
type WebhookDelivery struct {
	ID            string           `json:"id"`
	WebhookID     string           `json:"webhookId"`
	EventType     string           `json:"eventType"`
	TriggeredAt   string           `json:"triggeredAt"`
	Status        string           `json:"status"`
	StatusMessage string           `json:"statusMessage,omitempty"`
	Request       deliveryRequest  `json:"request"`
	Response      deliveryResponse `json:"response"`
}

type deliveryRequest struct {
	URL     string            `json:"url"`
	Body    json.RawMessage   `json:"body"`
	Headers map[string]string `json:"headers"`
}

type deliveryResponse struct {
	StatusCode int               `json:"statusCode,omitempty"`
	Body       string            `json:"body,omitempty"`
	Headers    map[string]string `json:"headers,omitempty"`
}

// workflowState holds a tenant's webhooks and their deliveries, its scheduling tasks and its automations.
type workflowState struct {
	server   *Server // set when the tenant's routes are registered
	webhooks *collection[webhookRecord]

	mu         sync.Mutex
	seq        uint64
	deliveries map[string][]deliveryEntry // by webhook id, oldest first

	sched *schedulingState // scheduling tasks and their runs (scheduling.go)
	autos *automationState // automations and their runs (automations.go)
}

type deliveryEntry struct {
	d   WebhookDelivery
	seq uint64
}

func newWorkflowState() *workflowState {
	return &workflowState{webhooks: newCollection[webhookRecord](), deliveries: map[string][]deliveryEntry{}, sched: newSchedulingState(), autos: newAutomationState()}
}

type webhooksAPI struct {
	tenantAPI
	webhooks byID[webhookRecord]
}

// registerWorkflowRoutes registers the webhooks, scheduling tasks and automations APIs.
func (s *Server) registerWorkflowRoutes(h *host) {
	s.registerSchedulingRoutes(h)
	s.registerAutomationRoutes(h)
	api := &webhooksAPI{s.apiOn(h), byID[webhookRecord]{h.tenant.workflows.webhooks, "id", webhookNotFound}}
	h.tenant.workflows.server = s
	h.handleObjects(webhooksPath, "id", objectRoutes{
		list: api.list, create: api.create, get: api.get, patch: api.patch, put: api.put, delete: api.delete,
	})
	h.mux.HandleFunc("GET "+webhooksPath+"/event-types", api.eventTypes)
	h.mux.HandleFunc("GET "+webhooksPath+"/{id}/deliveries", api.deliveries)
	h.mux.HandleFunc("GET "+webhooksPath+"/{id}/deliveries/{deliveryId}", api.delivery)
	h.mux.HandleFunc("POST "+webhooksPath+"/{id}/deliveries/{deliveryId}/actions/resend", api.resend)
}

func webhookBadRequest(w http.ResponseWriter, err error) {
	webhookErrors.writeAbout(w, http.StatusBadRequest, codeWebhookBadRequest, "Bad Request", err)
}

func webhookNotFound(w http.ResponseWriter, id string) {
	writeError(w, http.StatusNotFound, webhookErrors, apiError{code: codeWebhookNotFound, title: "Not Found", detail: "No webhook with id " + id + "."})
}

// webhookBody is the body of POST and PUT (WebhookPost).
type webhookBody struct {
	Name                       *string           `json:"name"`
	Description                *string           `json:"description"`
	URL                        *string           `json:"url"`
	EventTypes                 []string          `json:"eventTypes"`
	Level                      *string           `json:"level"`
	Filter                     *string           `json:"filter"`
	Secret                     *string           `json:"secret"`
	Enabled                    *bool             `json:"enabled"`
	Headers                    map[string]string `json:"headers"`
	EncryptedHeaders           map[string]string `json:"encryptedHeaders"`
	Origin                     *string           `json:"origin"`
	OwnerID                    *string           `json:"ownerId"`
	EnableCloudEventDelivery   *bool             `json:"enableCloudEventDelivery"`
	CheckCertificateRevocation *bool             `json:"checkCertificateRevocation"`
}

// record builds the webhook a POST or PUT describes; omitted fields take their defaults (a PUT clears them).
func (b webhookBody) record() (webhookRecord, error) {
	var rec webhookRecord
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	rec.Name, rec.Description, rec.URL, rec.Filter = str(b.Name), str(b.Description), str(b.URL), str(b.Filter)
	rec.Level, rec.Origin, rec.OwnerID = str(b.Level), str(b.Origin), str(b.OwnerID)
	if rec.Level == "" {
		rec.Level = "tenant"
	}
	if rec.Origin == "" {
		rec.Origin = "api"
	}
	rec.EventTypes = slices.Clone(b.EventTypes)
	if rec.EventTypes == nil {
		rec.EventTypes = []string{}
	}
	rec.Enabled = b.Enabled != nil && *b.Enabled
	rec.EnableCloudEventDelivery = b.EnableCloudEventDelivery == nil || *b.EnableCloudEventDelivery
	rec.CheckCertificateRevocation = b.CheckCertificateRevocation != nil && *b.CheckCertificateRevocation
	rec.Headers = b.Headers
	rec.secret = str(b.Secret)
	rec.encrypted = b.EncryptedHeaders
	if err := rec.check(); err != nil {
		return rec, err
	}
	return rec, nil
}

// check applies webhooks.json's rules to a webhook about to be stored, and fills in the derived fields.
func (rec *webhookRecord) check() error {
	switch {
	case strings.TrimSpace(rec.Name) == "":
		return &inputError{detail: "name is required.", pointer: "/name"}
	case len(rec.Name) > maxWebhookName:
		return &inputError{detail: fmt.Sprintf("name must be at most %d characters.", maxWebhookName), pointer: "/name"}
	case len(rec.Description) > maxWebhookDescription:
		return &inputError{detail: fmt.Sprintf("description must be at most %d characters.", maxWebhookDescription), pointer: "/description"}
	case rec.Level != "tenant" && rec.Level != "user":
		return &inputError{detail: "level must be tenant or user.", pointer: "/level"}
	case rec.secret != "" && (len(rec.secret) < minWebhookSecret || len(rec.secret) > maxWebhookSecret):
		return &inputError{detail: fmt.Sprintf("secret must be %d to %d characters long.", minWebhookSecret, maxWebhookSecret), pointer: "/secret"}
	}
	if err := checkWebhookURL(rec.URL); err != nil {
		return err
	}
	for i, et := range rec.EventTypes {
		if !slices.ContainsFunc(webhookEventTypes, func(e EventType) bool { return e.Name == et }) {
			return &inputError{detail: fmt.Sprintf("eventTypes: %q is not an event type (see GET /api/v1/webhooks/event-types).", et), pointer: "/eventTypes/" + strconv.Itoa(i)}
		}
	}
	if _, err := parseWebhookFilter(rec.Filter, rec.EventTypes); err != nil {
		return err
	}
	if err := checkWebhookHeaders(rec.Headers, rec.encrypted); err != nil {
		return err
	}
	rec.SecretKeyAdded = rec.secret != ""
	rec.EncryptedHeaders = slices.Sorted(maps.Keys(rec.encrypted))
	if len(rec.Headers) == 0 {
		rec.Headers = nil
	}
	return nil
}

// checkWebhookURL requires an absolute https URL with a host: webhooks.json calls it the "Target URL for webhook
// HTTPS requests".
func checkWebhookURL(raw string) error {
	if raw == "" {
		return &inputError{detail: "url is required.", pointer: "/url"}
	}
	if len(raw) > maxWebhookURL {
		return &inputError{detail: fmt.Sprintf("url must be at most %d characters.", maxWebhookURL), pointer: "/url"}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" || u.User != nil {
		return &inputError{detail: fmt.Sprintf("url %q must be an https:// URL with a host.", raw), pointer: "/url"}
	}
	return nil
}

// checkWebhookHeaders refuses duplicate names (case-insensitive, across both kinds) and more than 2048 bytes of
// either kind (webhooks.json WebhookBase.headers and encryptedHeaders).
func checkWebhookHeaders(plain, encrypted map[string]string) error {
	seen := map[string]bool{}
	for _, kind := range []struct {
		name string
		h    map[string]string
	}{{"headers", plain}, {"encryptedHeaders", encrypted}} {
		size := 0
		for k, v := range kind.h {
			if k == "" || strings.ContainsAny(k, " :\r\n") {
				return &inputError{detail: kind.name + ": " + strconv.Quote(k) + " is not a header name.", pointer: "/" + kind.name}
			}
			low := strings.ToLower(k)
			if seen[low] {
				return &inputError{detail: kind.name + ": header " + strconv.Quote(k) + " is given twice (names are case-insensitive).", pointer: "/" + kind.name}
			}
			seen[low] = true
			size += len(k) + len(v)
		}
		if size > maxWebhookHeaderBytes {
			return &inputError{detail: fmt.Sprintf("%s: at most %d bytes are allowed; got %d.", kind.name, maxWebhookHeaderBytes, size), pointer: "/" + kind.name}
		}
	}
	return nil
}

// parseWebhookFilter parses a webhook filter: the fields id, spaceId and topLevelResourceId, plus data.status for
// a webhook whose only event type is com.qlik.v1.app.reload.finished; operators eq and ne; and, or (webhooks.json
// WebhookBase.filter).
func parseWebhookFilter(src string, eventTypes []string) (filterExpr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	fields := []string{"id", "spaceId", "topLevelResourceId"}
	if len(eventTypes) == 1 && eventTypes[0] == EventReloadFinished {
		fields = append(fields, "data.status")
	}
	f, err := parseFilter(src, fields...)
	if err == nil {
		err = onlyEqNe(f)
	}
	if err != nil {
		detail := "filter: " + err.Error()
		if strings.Contains(src, "data.status") && !slices.Contains(fields, "data.status") {
			detail += " data.status is allowed only when eventTypes is exactly [\"" + EventReloadFinished + "\"]."
		}
		return nil, &inputError{detail: detail, pointer: "/filter"}
	}
	return f, nil
}

func onlyEqNe(f filterExpr) error {
	switch e := f.(type) {
	case filterAnd:
		for _, x := range e {
			if err := onlyEqNe(x); err != nil {
				return err
			}
		}
	case filterOr:
		for _, x := range e {
			if err := onlyEqNe(x); err != nil {
				return err
			}
		}
	case filterCmp:
		if e.op != "eq" && e.op != "ne" {
			return errors.New("operator " + strconv.Quote(e.op) + " is not supported; use eq or ne.")
		}
	}
	return nil
}

// readWebhook reads and checks the body of POST and PUT; it reports false when it answered 400.
func readWebhook(w http.ResponseWriter, r *http.Request) (webhookRecord, bool) {
	var body webhookBody
	if err := decodeJSON(r, &body); err != nil {
		webhookBadRequest(w, err)
		return webhookRecord{}, false
	}
	rec, err := body.record()
	if err != nil {
		webhookBadRequest(w, err)
		return webhookRecord{}, false
	}
	return rec, true
}

func (api *webhooksAPI) create(w http.ResponseWriter, r *http.Request) {
	rec, ok := readWebhook(w, r)
	if !ok {
		return
	}
	user := callerFrom(r.Context()).userID
	now := time.Now()
	rec.ID = newUUID()
	rec.CreatedAt, rec.UpdatedAt = formatTime(now), formatTime(now)
	rec.CreatedByUserID, rec.UpdatedByUserID = user, user
	if rec.Level == "user" && rec.OwnerID == "" {
		rec.OwnerID = user
	}
	mine := 0
	for _, it := range api.t.workflows.webhooks.list(now, true) {
		if it.Val.CreatedByUserID == user {
			mine++
		}
	}
	if mine >= maxWebhooksPerUser {
		webhookBadRequest(w, fmt.Errorf("a user may own at most %d webhooks in a tenant", maxWebhooksPerUser))
		return
	}
	_ = api.t.workflows.webhooks.insert(rec.ID, rec, now.Add(api.s.opts.VisibilityDelay), nil)
	writeJSON(w, http.StatusCreated, rec.Webhook)
}

func (api *webhooksAPI) get(w http.ResponseWriter, r *http.Request) {
	if _, rec, ok := api.webhooks.find(w, r); ok {
		writeJSON(w, http.StatusOK, rec.Webhook)
	}
}

// put is PUT /webhooks/{id}: the body replaces the webhook, and what it omits is cleared (the secret and the
// encrypted headers too).
func (api *webhooksAPI) put(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := api.webhooks.find(w, r); !ok {
		return
	}
	rec, ok := readWebhook(w, r)
	if !ok {
		return
	}
	user := callerFrom(r.Context()).userID
	if updated, ok := api.webhooks.set(w, r, func(cur webhookRecord, now time.Time) webhookRecord {
		rec.ID, rec.CreatedAt, rec.CreatedByUserID = cur.ID, cur.CreatedAt, cur.CreatedByUserID
		if cur.EnableCloudEventDelivery {
			rec.EnableCloudEventDelivery = true // "once enabled for a webhook it cannot be disabled"
		}
		rec.UpdatedAt, rec.UpdatedByUserID = formatTime(now), user
		return rec
	}); ok {
		writeJSON(w, http.StatusOK, updated.Webhook)
	}
}

// applyWebhookPatch applies one operation of a PATCH document (WebhookPatch) to rec.
func applyWebhookPatch(rec *webhookRecord, i int, op rawPatchOp) error {
	at := "/" + strconv.Itoa(i)
	if op.Op == nil || (*op.Op != "add" && *op.Op != "remove" && *op.Op != "replace") {
		return &inputError{detail: "op must be add, remove or replace.", pointer: at + "/op"}
	}
	if op.Path == nil {
		return &inputError{detail: "path is required.", pointer: at + "/path"}
	}
	remove := *op.Op == "remove"
	if !remove && len(op.Value) == 0 {
		return &inputError{detail: "value is required for " + *op.Op + ".", pointer: at + "/value"}
	}
	bad := func(want string) error {
		return &inputError{detail: "value for " + *op.Path + " must be " + want + ".", pointer: at + "/value"}
	}
	str := func(dst *string) error { return patchValue(dst, op, "", bad("a string")) }
	strMap := func(dst *map[string]string) error { return patchValue(dst, op, nil, bad("an object of strings")) }
	switch *op.Path {
	case "/name":
		return str(&rec.Name)
	case "/description":
		return str(&rec.Description)
	case "/url":
		return str(&rec.URL)
	case "/secret":
		return str(&rec.secret)
	case "/eventTypes":
		return patchValue(&rec.EventTypes, op, []string{}, bad("an array of event types"))
	case "/headers":
		return strMap(&rec.Headers)
	case "/encryptedHeaders":
		return strMap(&rec.encrypted)
	case "/enabled":
		return patchValue(&rec.Enabled, op, false, bad("a boolean"))
	case "/enableCloudEventDelivery":
		was := rec.EnableCloudEventDelivery
		if err := patchValue(&rec.EnableCloudEventDelivery, op, false, bad("a boolean")); err != nil {
			return err
		}
		if was && !rec.EnableCloudEventDelivery {
			return &inputError{detail: "enableCloudEventDelivery cannot be disabled once enabled.", pointer: at + "/value"}
		}
		return nil
	}
	return &inputError{detail: "path " + strconv.Quote(*op.Path) + " cannot be patched.", pointer: at + "/path"}
}

// patch is PATCH /webhooks/{id}: 204, changing only the paths the document names.
func (api *webhooksAPI) patch(w http.ResponseWriter, r *http.Request) {
	id, _, ok := api.webhooks.find(w, r)
	if !ok {
		return
	}
	ops, err := decodePatch[rawPatchOp](r)
	if err != nil {
		webhookBadRequest(w, err)
		return
	}
	user := callerFrom(r.Context()).userID
	if _, ok := api.webhooks.edit(w, id, func(cur webhookRecord, now time.Time) (webhookRecord, error) {
		next := cur
		next.Headers, next.encrypted = maps.Clone(cur.Headers), maps.Clone(cur.encrypted)
		for i, op := range ops {
			if err := applyWebhookPatch(&next, i, op); err != nil {
				return cur, err
			}
		}
		if err := next.check(); err != nil {
			return cur, err
		}
		next.UpdatedAt, next.UpdatedByUserID = formatTime(now), user
		return next, nil
	}, nil, webhookBadRequest); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

func (api *webhooksAPI) delete(w http.ResponseWriter, r *http.Request) {
	if id, ok := api.webhooks.remove(w, r); ok {
		api.t.workflows.dropDeliveries(id)
		w.WriteHeader(http.StatusNoContent)
	}
}

// dropDeliveries forgets the deliveries of a deleted webhook.
func (ws *workflowState) dropDeliveries(webhookID string) {
	ws.mu.Lock()
	delete(ws.deliveries, webhookID)
	ws.mu.Unlock()
}

func (api *webhooksAPI) eventTypes(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string][]EventType{"data": webhookEventTypes})
}

// webhookListSpec is the list query of GET /webhooks (webhooks.json listWebhookEntries: limit 1-100, default 20,
// sort by name, url, createdAt or updatedAt, default -createdAt).
var webhookListSpec = &listSpec{
	limitDefault: 20, limitMin: 1,
	sortFields: []string{"name", "url", "createdAt", "updatedAt"}, sortDefault: "-createdAt",
	check: func(q url.Values) error {
		if v := q.Get("enabled"); v != "" {
			if _, err := strconv.ParseBool(v); err != nil {
				return &inputError{detail: "enabled must be true or false.", parameter: "enabled"}
			}
		}
		if v := q.Get("origins"); v != "" && v != "api" && v != "automations" && v != "management-console" {
			return &inputError{detail: "origins must be api, automations or management-console.", parameter: "origins"}
		}
		return nil
	},
}

// list is GET /webhooks; name and url filter by a case-insensitive substring ("wildcard and case insensitive").
func (api *webhooksAPI) list(w http.ResponseWriter, r *http.Request) {
	lq, err := parseList(r, webhookListSpec, api.s)
	if err != nil {
		webhookBadRequest(w, err)
		return
	}
	q := r.URL.Query()
	contains := func(v, want string) bool {
		return want == "" || strings.Contains(strings.ToLower(v), strings.ToLower(strings.Trim(want, "*")))
	}
	var items []stored[Webhook]
	for _, it := range api.t.workflows.webhooks.list(time.Now(), false) {
		wh := it.Val.Webhook
		switch {
		case !contains(wh.Name, q.Get("name")), !contains(wh.URL, q.Get("url")),
			q.Get("enabled") != "" && q.Get("enabled") != strconv.FormatBool(wh.Enabled),
			q.Get("level") != "" && q.Get("level") != wh.Level,
			q.Get("origins") != "" && q.Get("origins") != wh.Origin,
			q.Get("eventTypes") != "" && !slices.Contains(wh.EventTypes, q.Get("eventTypes")),
			q.Get("createdByUserId") != "" && q.Get("createdByUserId") != wh.CreatedByUserID,
			q.Get("updatedByUserId") != "" && q.Get("updatedByUserId") != wh.UpdatedByUserID,
			q.Get("ownerId") != "" && q.Get("ownerId") != wh.OwnerID:
			continue
		}
		items = append(items, stored[Webhook]{ID: it.ID, Val: wh, Seq: it.Seq})
	}
	fields := func(wh Webhook) map[string]string {
		return map[string]string{"name": wh.Name, "url": wh.URL, "createdAt": wh.CreatedAt, "updatedAt": wh.UpdatedAt}
	}
	writeJSON(w, http.StatusOK, onePage(lq, api.h, r, items, byField(lq, fields), storedValue[Webhook]))
}

// deliveryListSpec is the list query of GET /webhooks/{id}/deliveries (limit 1-100, default 20; sort by status
// or triggeredAt, default -triggeredAt).
var deliveryListSpec = &listSpec{
	limitDefault: 20, limitMin: 1,
	sortFields: []string{"status", "triggeredAt"}, sortDefault: "-triggeredAt",
	check: func(q url.Values) error {
		if v := q.Get("status"); v != "" && v != "success" && v != "fail" {
			return &inputError{detail: "status must be success or fail.", parameter: "status"}
		}
		return nil
	},
}

func (api *webhooksAPI) deliveries(w http.ResponseWriter, r *http.Request) {
	id, _, ok := api.webhooks.find(w, r)
	if !ok {
		return
	}
	lq, err := parseList(r, deliveryListSpec, api.s)
	if err != nil {
		webhookBadRequest(w, err)
		return
	}
	q := r.URL.Query()
	ws := api.t.workflows
	ws.mu.Lock()
	var items []stored[WebhookDelivery]
	for _, e := range ws.deliveries[id] {
		if (q.Get("status") != "" && e.d.Status != q.Get("status")) || (q.Get("eventType") != "" && e.d.EventType != q.Get("eventType")) {
			continue
		}
		items = append(items, stored[WebhookDelivery]{ID: e.d.ID, Val: e.d, Seq: e.seq})
	}
	ws.mu.Unlock()
	fields := func(d WebhookDelivery) map[string]string {
		return map[string]string{"status": d.Status, "triggeredAt": d.TriggeredAt}
	}
	writeJSON(w, http.StatusOK, onePage(lq, api.h, r, items, byField(lq, fields), storedValue[WebhookDelivery]))
}

func (ws *workflowState) delivery(webhookID, id string) (WebhookDelivery, bool) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for _, e := range ws.deliveries[webhookID] {
		if e.d.ID == id {
			return e.d, true
		}
	}
	return WebhookDelivery{}, false
}

func (api *webhooksAPI) delivery(w http.ResponseWriter, r *http.Request) {
	id, did := r.PathValue("id"), r.PathValue("deliveryId")
	d, ok := api.t.workflows.delivery(id, did)
	if _, found := api.t.workflows.webhooks.get(id, time.Now(), false); !ok || !found {
		writeError(w, http.StatusNotFound, webhookErrors, apiError{code: codeWebhookNotFound, title: "Not Found", detail: "No delivery " + did + " of webhook " + id + "."})
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// resend is POST .../deliveries/{deliveryId}/actions/resend: the same event is delivered again, with the webhook's
// current URL, headers and secret, and recorded as a new delivery (201).
func (api *webhooksAPI) resend(w http.ResponseWriter, r *http.Request) {
	id, did := r.PathValue("id"), r.PathValue("deliveryId")
	rec, found := api.t.workflows.webhooks.get(id, time.Now(), false)
	d, ok := api.t.workflows.delivery(id, did)
	if !ok || !found {
		writeError(w, http.StatusNotFound, webhookErrors, apiError{code: codeWebhookNotFound, title: "Not Found", detail: "No delivery " + did + " of webhook " + id + "."})
		return
	}
	out := api.s.deliver(r.Context(), api.t, rec, d.EventType, d.Request.Body)
	writeJSON(w, http.StatusCreated, out)
}

// event is something that happened in a tenant, as webhooks receive it.
type event struct {
	typ      string
	id       string // the resource the event is about (filter attribute id)
	spaceID  string
	topLevel string
	userID   string
	data     map[string]any
}

// raise delivers ev to the tenant's webhooks (Server.raise).
func (t *tenantState) raise(ev event) {
	if s := t.workflows.server; s != nil {
		s.raise(t, ev)
	}
}

// raise delivers ev, in the background, to every enabled webhook of the tenant that subscribes to its type and
// whose filter matches. It returns at once; deliveries end by themselves (webhookDeliveryTimeout) or when the
// server closes.
func (s *Server) raise(t *tenantState, ev event) {
	now := time.Now()
	for _, it := range t.workflows.webhooks.list(now, true) {
		rec := it.Val
		if !rec.Enabled || !slices.Contains(rec.EventTypes, ev.typ) {
			continue
		}
		if f, err := parseWebhookFilter(rec.Filter, rec.EventTypes); err != nil || (f != nil && !f.match(ev.fields)) {
			continue
		}
		body, err := json.Marshal(map[string]any{
			"specversion":        "1.0",
			"id":                 newUUID(),
			"source":             "com.qlik/" + t.id,
			"type":               ev.typ,
			"time":               formatTime(now),
			"datacontenttype":    "application/json",
			"tenantid":           t.id,
			"userid":             ev.userID,
			"topLevelResourceId": ev.topLevel,
			"data":               ev.data,
			// Legacy attributes Qlik keeps during the CloudEvents migration.
			"eventType":        ev.typ,
			"eventTypeVersion": "1.0.0",
			"eventTime":        formatTime(now),
			"tenantId":         t.id,
			"userId":           ev.userID,
		})
		if err != nil {
			continue
		}
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), webhookDeliveryTimeout)
			defer cancel()
			go func() {
				select {
				case <-s.done:
					cancel()
				case <-ctx.Done():
				}
			}()
			s.deliver(ctx, t, rec, ev.typ, body)
		}()
	}
}

func (ev event) fields(name string) []string {
	switch name {
	case "id":
		return []string{ev.id}
	case "spaceId":
		return []string{ev.spaceID}
	case "topLevelResourceId":
		return []string{ev.topLevel}
	case "data.status":
		if s, ok := ev.data["status"].(string); ok {
			return []string{s}
		}
	}
	return nil
}

// WebhookSignature is the Qlik-Signature header value of a delivery body: the hex HMAC-SHA256 of the body keyed
// with the webhook's secret.
func WebhookSignature(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// deliver POSTs one event to a webhook's URL and records the attempt.
func (s *Server) deliver(ctx context.Context, t *tenantState, rec webhookRecord, eventType string, body []byte) WebhookDelivery {
	d := WebhookDelivery{
		ID: newUUID(), WebhookID: rec.ID, EventType: eventType, TriggeredAt: formatTime(time.Now()),
		Request: deliveryRequest{URL: rec.URL, Body: json.RawMessage(body), Headers: map[string]string{"Content-Type": "application/json"}},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rec.URL, bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "Qlik-Webhooks")
		for k, v := range rec.Headers {
			req.Header.Set(k, v)
			d.Request.Headers[k] = v
		}
		for k, v := range rec.encrypted {
			req.Header.Set(k, v)
			d.Request.Headers[k] = "**OMITTED**"
		}
		if rec.secret != "" {
			sig := WebhookSignature(rec.secret, body)
			req.Header.Set("Qlik-Signature", sig)
			d.Request.Headers["Qlik-Signature"] = sig
		}
		client := s.opts.WebhookClient
		if client == nil {
			client = &http.Client{Timeout: webhookDeliveryTimeout}
		}
		var resp *http.Response
		resp, err = client.Do(req)
		if err == nil {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			_ = resp.Body.Close()
			d.Response = deliveryResponse{StatusCode: resp.StatusCode, Body: string(b), Headers: map[string]string{}}
			for k := range resp.Header {
				d.Response.Headers[k] = resp.Header.Get(k)
			}
			if resp.StatusCode >= 200 && resp.StatusCode < 300 {
				d.Status, d.StatusMessage = "success", "Delivered"
			} else {
				d.Status, d.StatusMessage = "fail", fmt.Sprintf("The endpoint answered HTTP %d.", resp.StatusCode)
			}
		}
	}
	if err != nil {
		d.Status, d.StatusMessage = "fail", "The request could not be sent: "+err.Error()
	}
	ws := t.workflows
	ws.mu.Lock()
	ws.seq++
	ws.deliveries[rec.ID] = append(ws.deliveries[rec.ID], deliveryEntry{d: d, seq: ws.seq})
	ws.mu.Unlock()
	return d
}
