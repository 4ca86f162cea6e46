package qliksim

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// Data connections (data-connections.json). Create answers 201, PUT and PATCH 204, DELETE 204; a name is unique within
// its space (409). Credentials (qUsername, qPassword, qConnectionSecret) are stored but never returned. Lists page with
// an opaque `page` cursor and return every connection when no limit is given.

const dataConnectionsPath = "/api/v1/data-connections"

// dataConnErrors: code, title, detail and a numeric status; no traceId (data-connections.json Error).
var dataConnErrors = errorStyle{status: statusNumber}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// DataConnection is the simulator's wire form of ConnectionGet, without the secret.
type DataConnection struct {
	QID                  string   `json:"qID"`
	QName                string   `json:"qName"`
	QType                string   `json:"qType"`
	QConnectStatement    string   `json:"qConnectStatement"`
	QLogOn               int      `json:"qLogOn"`
	QEngineObjectID      string   `json:"qEngineObjectID"`
	QArchitecture        int      `json:"qArchitecture"`
	QSeparateCredentials bool     `json:"qSeparateCredentials"`
	DatasourceID         string   `json:"datasourceID,omitempty"`
	Space                string   `json:"space,omitempty"`
	User                 string   `json:"user"`
	Tenant               string   `json:"tenant"`
	Created              string   `json:"created"`
	Updated              string   `json:"updated"`
	Tags                 []string `json:"tags"`
	Privileges           []string `json:"privileges"`
	Links                struct {
		Self Link `json:"self"`
	} `json:"links"`
}

// DataConnectionInfo is a store snapshot for tests, secrets included.
type DataConnectionInfo struct {
	DataConnection
	Username         string
	Password         string
	ConnectionSecret string
}

type dataConnRecord struct {
	conn     DataConnection
	username string
	password string
	secret   string
}

type dataConnsAPI struct{ tenantAPI }

func (s *Server) registerDataConnectionRoutes(h *host) {
	api := &dataConnsAPI{s.apiOn(h)}
	h.handleObjects(dataConnectionsPath, "qID", objectRoutes{
		list: api.list, create: api.create, get: api.get, patch: api.patch, put: api.put, delete: api.delete,
	})
}

func dcError(w http.ResponseWriter, status int, detail string) {
	writeError(w, status, dataConnErrors, apiError{code: "HTTP-" + strconv.Itoa(status), title: http.StatusText(status), detail: detail})
}

var dataConnPrivileges = []string{"list", "update", "delete", "read", "change_owner", "change_space"}

type dataConnBody struct {
	QID                  *string  `json:"qID"`
	QName                *string  `json:"qName"`
	QType                *string  `json:"qType"`
	QConnectStatement    *string  `json:"qConnectStatement"`
	DatasourceID         *string  `json:"datasourceID"`
	Space                *string  `json:"space"`
	QLogOn               *string  `json:"qLogOn"`
	QUsername            *string  `json:"qUsername"`
	QPassword            *string  `json:"qPassword"`
	QConnectionSecret    *string  `json:"qConnectionSecret"`
	QEngineObjectID      *string  `json:"qEngineObjectID"`
	QArchitecture        *int     `json:"qArchitecture"`
	QSeparateCredentials *bool    `json:"qSeparateCredentials"`
	Tags                 []string `json:"tags"`
}

func logOnValue(v string) (int, bool) {
	switch v {
	case "0", "LOG_ON_SERVICE_USER":
		return 0, true
	case "1", "LOG_ON_CURRENT_USER":
		return 1, true
	}
	return 0, false
}

// apply copies the body's fields onto rec and checks the result.
func (api *dataConnsAPI) apply(rec *dataConnRecord, b dataConnBody) error {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&rec.conn.QName, b.QName)
	set(&rec.conn.QType, b.QType)
	set(&rec.conn.QConnectStatement, b.QConnectStatement)
	set(&rec.conn.DatasourceID, b.DatasourceID)
	set(&rec.conn.Space, b.Space)
	set(&rec.username, b.QUsername)
	set(&rec.password, b.QPassword)
	set(&rec.secret, b.QConnectionSecret)
	if b.QLogOn != nil {
		n, ok := logOnValue(*b.QLogOn)
		if !ok {
			return &inputError{detail: "qLogOn must be 0, 1, LOG_ON_SERVICE_USER or LOG_ON_CURRENT_USER."}
		}
		rec.conn.QLogOn = n
	}
	if b.QArchitecture != nil {
		if *b.QArchitecture != 0 && *b.QArchitecture != 1 {
			return &inputError{detail: "qArchitecture must be 0 or 1."}
		}
		rec.conn.QArchitecture = *b.QArchitecture
	}
	if b.QSeparateCredentials != nil {
		rec.conn.QSeparateCredentials = *b.QSeparateCredentials
	}
	if b.Tags != nil {
		if len(b.Tags) > 32 {
			return &inputError{detail: "At most 32 tags are allowed."}
		}
		rec.conn.Tags = append([]string{}, b.Tags...)
	}
	switch {
	case rec.conn.QName == "":
		return &inputError{detail: "qName is required."}
	case rec.conn.QType == "":
		return &inputError{detail: "qType is required."}
	case rec.conn.QConnectStatement == "":
		return &inputError{detail: "qConnectStatement is required."}
	}
	if rec.conn.Space != "" {
		if _, ok := api.t.checkSpace(rec.conn.Space); !ok {
			return &inputError{detail: "Space " + rec.conn.Space + " does not exist."}
		}
	}
	return nil
}

func sameDataConnName(a, b DataConnection) bool { return a.QName == b.QName && a.Space == b.Space }

func (api *dataConnsAPI) create(w http.ResponseWriter, r *http.Request) {
	var b dataConnBody
	if err := decodeJSON(r, &b); err != nil {
		dcError(w, http.StatusBadRequest, err.Error())
		return
	}
	if b.DatasourceID == nil || *b.DatasourceID == "" {
		dcError(w, http.StatusBadRequest, "datasourceID is required.")
		return
	}
	id := newAppID()
	if b.QID != nil && *b.QID != "" {
		id = *b.QID
	}
	now := formatTime(time.Now())
	who := callerFrom(r.Context()).userID
	rec := dataConnRecord{conn: DataConnection{
		QID: id, QEngineObjectID: id, User: who, Tenant: api.t.id, Created: now, Updated: now,
		Tags: []string{}, Privileges: dataConnPrivileges,
	}}
	rec.conn.Links.Self = Link{Href: api.h.url + dataConnectionsPath + "/" + id}
	if err := api.apply(&rec, b); err != nil {
		dcError(w, http.StatusBadRequest, err.Error())
		return
	}
	err := api.t.dataConns.insert(id, rec, time.Now().Add(api.s.opts.VisibilityDelay), func(o dataConnRecord) bool {
		return sameDataConnName(o.conn, rec.conn)
	})
	if err != nil {
		dcError(w, http.StatusConflict, "Data connection already exists: "+strconv.Quote(rec.conn.QName)+" in this space, or qID "+id+" is taken.")
		return
	}
	resp := struct {
		DataConnection
		QLogOn string `json:"qLogOn"`
	}{DataConnection: rec.conn, QLogOn: strconv.Itoa(rec.conn.QLogOn)}
	writeJSON(w, http.StatusCreated, resp)
}

// lookup finds a connection by path id, or by name with ?type=connectionname.
func (api *dataConnsAPI) lookup(w http.ResponseWriter, r *http.Request) (string, bool) {
	id := r.PathValue("qID")
	if r.URL.Query().Get("type") == "connectionname" {
		for _, it := range api.t.dataConns.list(time.Now(), false) {
			if it.Val.conn.QName == id {
				return it.ID, true
			}
		}
		dcError(w, http.StatusNotFound, "No data connection named "+strconv.Quote(id)+".")
		return "", false
	}
	if !uuidPattern.MatchString(id) {
		dcError(w, http.StatusBadRequest, "qID "+strconv.Quote(id)+" is not a UUID.")
		return "", false
	}
	return id, true
}

func (api *dataConnsAPI) get(w http.ResponseWriter, r *http.Request) {
	id, ok := api.lookup(w, r)
	if !ok {
		return
	}
	rec, ok := api.t.dataConns.get(id, time.Now(), false)
	if !ok {
		dcError(w, http.StatusNotFound, "No data connection with qID "+id+".")
		return
	}
	writeJSON(w, http.StatusOK, rec.conn)
}

// change updates a visible connection and answers 204.
func (api *dataConnsAPI) change(w http.ResponseWriter, id string, fn func(*dataConnRecord) error) {
	_, err := api.t.dataConns.update(id, time.Now(), false, func(cur dataConnRecord) (dataConnRecord, error) {
		if err := fn(&cur); err != nil {
			return cur, err
		}
		cur.conn.Updated = formatTime(time.Now())
		return cur, nil
	}, func(updated, other dataConnRecord) bool { return sameDataConnName(updated.conn, other.conn) })
	var in *inputError
	switch {
	case errors.Is(err, ErrNotFound):
		dcError(w, http.StatusNotFound, "No data connection with qID "+id+".")
	case errors.Is(err, ErrConflict):
		dcError(w, http.StatusConflict, "Another data connection in this space already has that name.")
	case errors.As(err, &in):
		dcError(w, http.StatusBadRequest, in.detail)
	case err != nil:
		dcError(w, http.StatusBadRequest, err.Error())
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// put replaces the connection's fields; an absent qConnectionSecret keeps the stored one.
func (api *dataConnsAPI) put(w http.ResponseWriter, r *http.Request) {
	id, ok := api.lookup(w, r)
	if !ok {
		return
	}
	var b dataConnBody
	if err := decodeJSON(r, &b); err != nil {
		dcError(w, http.StatusBadRequest, err.Error())
		return
	}
	for name, v := range map[string]*string{"qID": b.QID, "qName": b.QName, "qConnectStatement": b.QConnectStatement, "qType": b.QType, "qEngineObjectID": b.QEngineObjectID} {
		if v == nil || *v == "" {
			dcError(w, http.StatusBadRequest, name+" is required.")
			return
		}
	}
	if *b.QID != id {
		dcError(w, http.StatusBadRequest, "qID in the body must equal the qID in the path.")
		return
	}
	api.change(w, id, func(rec *dataConnRecord) error {
		if b.Space == nil {
			empty := ""
			b.Space = &empty
		}
		return api.apply(rec, b)
	})
}

type dataConnPatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// patchable maps PATCH paths onto body fields.
var dataConnPatchPaths = map[string]func(*dataConnBody, *string){
	"/qName":             func(b *dataConnBody, v *string) { b.QName = v },
	"/qConnectStatement": func(b *dataConnBody, v *string) { b.QConnectStatement = v },
	"/qType":             func(b *dataConnBody, v *string) { b.QType = v },
	"/datasourceID":      func(b *dataConnBody, v *string) { b.DatasourceID = v },
	"/space":             func(b *dataConnBody, v *string) { b.Space = v },
	"/qUsername":         func(b *dataConnBody, v *string) { b.QUsername = v },
	"/qPassword":         func(b *dataConnBody, v *string) { b.QPassword = v },
	"/qConnectionSecret": func(b *dataConnBody, v *string) { b.QConnectionSecret = v },
	"/qLogOn":            func(b *dataConnBody, v *string) { b.QLogOn = v },
}

func (api *dataConnsAPI) patch(w http.ResponseWriter, r *http.Request) {
	id, ok := api.lookup(w, r)
	if !ok {
		return
	}
	var ops []dataConnPatchOp
	if err := decodeJSON(r, &ops); err != nil {
		dcError(w, http.StatusBadRequest, err.Error())
		return
	}
	var b dataConnBody
	for _, op := range ops {
		setter, known := dataConnPatchPaths[op.Path]
		if !known {
			dcError(w, http.StatusBadRequest, "path "+strconv.Quote(op.Path)+" cannot be patched.")
			return
		}
		var v string
		switch op.Op {
		case "add", "replace":
			s, isString := op.Value.(string)
			if !isString {
				dcError(w, http.StatusBadRequest, op.Path+" takes a string value.")
				return
			}
			v = s
		case "remove":
		default:
			dcError(w, http.StatusBadRequest, "op must be add, replace or remove, not "+strconv.Quote(op.Op)+".")
			return
		}
		setter(&b, &v)
	}
	api.change(w, id, func(rec *dataConnRecord) error { return api.apply(rec, b) })
}

func (api *dataConnsAPI) delete(w http.ResponseWriter, r *http.Request) {
	id, ok := api.lookup(w, r)
	if !ok {
		return
	}
	if err := api.t.dataConns.remove(id, time.Now(), false, nil); err != nil {
		dcError(w, http.StatusNotFound, "No data connection with qID "+id+".")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

var dataConnSortKeys = map[string]func(DataConnection) string{
	"_id":     func(c DataConnection) string { return c.QID },
	"qName":   func(c DataConnection) string { return c.QName },
	"created": func(c DataConnection) string { return c.Created },
	"updated": func(c DataConnection) string { return c.Updated },
}

// dataConnListSpec is the list query of GET /data-connections (data-connections.json GET /api/v1/data-connections: limit
// 1-100, every connection without one; one page cursor for both directions).
var dataConnListSpec = &listSpec{
	limitMin:   1,
	sortFields: []string{"_id", "qName", "created", "updated"}, sortDefault: "+qName",
	sortDetail:   "sort must be _id, qName, created or updated, optionally prefixed with + or -.",
	cursorParams: []string{"page"},
	cursorDetail: "%s is not a cursor of this query; follow the links returned by the API.",
}

// list is GET /data-connections: filters spaceId and dataName, sort, and `page` cursors; without limit it returns
// everything on one page.
func (api *dataConnsAPI) list(w http.ResponseWriter, r *http.Request) {
	lq, err := parseList(r, dataConnListSpec, api.s)
	if err != nil {
		dcError(w, http.StatusBadRequest, err.Error())
		return
	}
	q := r.URL.Query()
	spaceID, name := q.Get("spaceId"), q.Get("dataName")
	var items []stored[dataConnRecord]
	for _, it := range api.t.dataConns.list(time.Now(), false) {
		if (spaceID != "" && it.Val.conn.Space != spaceID) || (name != "" && it.Val.conn.QName != name) {
			continue
		}
		items = append(items, it)
	}
	sk := dataConnSortKeys[lq.sortField]
	key := func(s stored[dataConnRecord]) []string { return []string{sk(s.Val.conn), s.ID} }
	pg := onePage(lq, api.h, r, items, key, func(it stored[dataConnRecord]) DataConnection { return it.Val.conn })
	writeJSON(w, http.StatusOK, pg.withCount(len(items)))
}

func (rec dataConnRecord) info() DataConnectionInfo {
	return DataConnectionInfo{DataConnection: rec.conn, Username: rec.username, Password: rec.password, ConnectionSecret: rec.secret}
}
