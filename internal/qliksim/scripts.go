package qliksim

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// App load scripts (apps.json /api/v1/apps/{appId}/scripts). Every POST adds a version that becomes the current
// one; GET .../scripts/current returns it. POST and PATCH answer 200 without a body, DELETE of the current version
// fails. An app that never had a script set carries the default script Qlik writes into a new app, so a fresh
// copy has a current version too.

// defaultAppScript is the script a new app starts with: Qlik's locale settings, CRLF line endings as the script
// editor writes them.
const defaultAppScript = "///$tab Main\r\nSET ThousandSep=',';\r\nSET DecimalSep='.';\r\nSET DateFormat='YYYY-MM-DD';\r\n"

// scriptVersion is one stored version of an app's script.
type scriptVersion struct {
	id         string
	script     string
	message    string
	modifierID string
	modified   time.Time
}

// appScripts holds the versions of one app's script, oldest first; the last one is current.
type appScripts struct {
	versions []scriptVersion
}

// scriptStore holds the script versions of every app of a tenant.
type scriptStore struct {
	mu   sync.Mutex
	apps map[string]*appScripts
}

func newScriptStore() *scriptStore { return &scriptStore{apps: map[string]*appScripts{}} }

// ScriptMeta is apps.json's ScriptMeta.
type ScriptMeta struct {
	ScriptID       string `json:"scriptId"`
	Size           int64  `json:"size"`
	ModifierID     string `json:"modifierId"`
	ModifiedTime   string `json:"modifiedTime"`
	VersionMessage string `json:"versionMessage"`
}

// ScriptVersionInfo is a store snapshot of one script version for tests.
type ScriptVersionInfo struct {
	ID             string
	Script         string
	VersionMessage string
	ModifierID     string
}

type scriptMetaList struct {
	Scripts    []ScriptMeta `json:"scripts"`
	Privileges []string     `json:"privileges"`
	Links      struct{}     `json:"links"`
}

type scriptVersionWire struct {
	Script         string `json:"script"`
	VersionMessage string `json:"versionMessage"`
}

// scriptPatch is apps.json's NxPatch: capitalised keys, unlike every other patch body of Qlik's APIs.
type scriptPatch struct {
	Op    string  `json:"Op"`
	Path  string  `json:"Path"`
	Value *string `json:"Value"`
}

type scriptsAPI struct {
	s *Server
	t *tenantState
}

func (s *Server) registerScriptsRoutes(h *host) {
	api := &scriptsAPI{s: s, t: h.tenant}
	h.handleObjects(appsPath+"/{appId}/scripts", "id", objectRoutes{list: api.list, create: api.create, get: api.get, patch: api.patch, delete: api.delete})
}

// forApp returns the app's script history, creating the default version on first use; it reports false when
// the app does not exist. The caller must hold st.mu.
func (st *scriptStore) forApp(t *tenantState, appID string, includeHidden bool) (*appScripts, bool) {
	rec, ok := t.apps.get(appID, time.Now(), includeHidden)
	if !ok {
		delete(st.apps, appID)
		return nil, false
	}
	as := st.apps[appID]
	if as == nil {
		as = &appScripts{versions: []scriptVersion{{
			id: newObjectID(), script: defaultAppScript, modifierID: rec.attrs.OwnerID, modified: time.Now(),
		}}}
		st.apps[appID] = as
	}
	return as, true
}

// withApp runs fn on the versions of an app under the store's lock; it reports false, without running fn, when
// the app does not exist.
func (st *scriptStore) withApp(t *tenantState, appID string, includeHidden bool, fn func(as *appScripts)) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	as, ok := st.forApp(t, appID, includeHidden)
	if ok {
		fn(as)
	}
	return ok
}

func (as *appScripts) current() scriptVersion { return as.versions[len(as.versions)-1] }

// find returns the index of a version; "current" names the current one.
func (as *appScripts) find(id string) int {
	if id == "current" {
		return len(as.versions) - 1
	}
	for i, v := range as.versions {
		if v.id == id {
			return i
		}
	}
	return -1
}

// addVersion stores a new current version and returns it.
func (t *tenantState) addScriptVersion(appID, script, message, modifier string, includeHidden bool) (scriptVersion, bool) {
	var v scriptVersion
	ok := t.scripts.withApp(t, appID, includeHidden, func(as *appScripts) {
		v = scriptVersion{id: newObjectID(), script: script, message: message, modifierID: modifier, modified: time.Now()}
		as.versions = append(as.versions, v)
	})
	return v, ok
}

// currentScript returns the app's current script version.
func (t *tenantState) currentScript(appID string) (scriptVersion, bool) {
	var v scriptVersion
	ok := t.scripts.withApp(t, appID, true, func(as *appScripts) { v = as.current() })
	return v, ok
}

func (api *scriptsAPI) list(w http.ResponseWriter, r *http.Request) {
	appID := r.PathValue("appId")
	limit := -1
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			appBadRequest(w, "limit must be a positive integer.")
			return
		}
		limit = n
	}
	var out []ScriptMeta
	ok := api.t.scripts.withApp(api.t, appID, false, func(as *appScripts) {
		// Newest first, as the script editor's version history shows them.
		for i := len(as.versions) - 1; i >= 0 && (limit < 0 || len(out) < limit); i-- {
			v := as.versions[i]
			out = append(out, ScriptMeta{
				ScriptID: v.id, Size: int64(len(v.script)), ModifierID: v.modifierID,
				ModifiedTime: formatTime(v.modified), VersionMessage: v.message,
			})
		}
	})
	if !ok {
		appNotFound(w, appID)
		return
	}
	writeJSON(w, http.StatusOK, scriptMetaList{Scripts: out, Privileges: []string{"read", "update", "delete"}})
}

func (api *scriptsAPI) create(w http.ResponseWriter, r *http.Request) {
	appID := r.PathValue("appId")
	var body struct {
		Script         *string `json:"script"`
		VersionMessage string  `json:"versionMessage"`
	}
	if err := decodeJSON(r, &body); err != nil {
		appBadRequest(w, err.Error())
		return
	}
	if body.Script == nil {
		appBadRequest(w, "script is required.")
		return
	}
	if _, ok := api.t.addScriptVersion(appID, *body.Script, body.VersionMessage, callerFrom(r.Context()).userID, false); !ok {
		appNotFound(w, appID)
		return
	}
	writeEmptyOK(w)
}

func (api *scriptsAPI) get(w http.ResponseWriter, r *http.Request) {
	appID, id := r.PathValue("appId"), r.PathValue("id")
	var v scriptVersion
	if api.withVersion(w, appID, id, func(as *appScripts, i int) { v = as.versions[i] }) {
		writeJSON(w, http.StatusOK, scriptVersionWire{Script: v.script, VersionMessage: v.message})
	}
}

// patch changes a version's message, the only field apps.json allows ("Only /versionMessage can be modified").
func (api *scriptsAPI) patch(w http.ResponseWriter, r *http.Request) {
	appID, id := r.PathValue("appId"), r.PathValue("id")
	var ops []scriptPatch
	if err := decodeJSON(r, &ops); err != nil {
		appBadRequest(w, err.Error())
		return
	}
	for _, op := range ops {
		if op.Path != "/versionMessage" {
			appBadRequest(w, "Only /versionMessage can be patched, not "+strconv.Quote(op.Path)+".")
			return
		}
		switch op.Op {
		case "add", "replace":
			if op.Value == nil {
				appBadRequest(w, op.Op+" needs a Value.")
				return
			}
		case "remove":
		default:
			appBadRequest(w, "Op must be add, remove or replace, not "+strconv.Quote(op.Op)+".")
			return
		}
	}
	api.withVersion(w, appID, id, func(as *appScripts, i int) {
		for _, op := range ops {
			if op.Op == "remove" {
				as.versions[i].message = ""
			} else {
				as.versions[i].message = *op.Value
			}
		}
		writeEmptyOK(w)
	})
}

func (api *scriptsAPI) delete(w http.ResponseWriter, r *http.Request) {
	appID, id := r.PathValue("appId"), r.PathValue("id")
	api.withVersion(w, appID, id, func(as *appScripts, i int) {
		if i == len(as.versions)-1 {
			// apps.json: "Fails if the supplied id is the current version."
			appBadRequest(w, "Script version "+id+" is the current version of app "+appID+" and cannot be deleted.")
			return
		}
		as.versions = append(as.versions[:i], as.versions[i+1:]...)
		writeEmptyOK(w)
	})
}

// withVersion runs fn, under the script store's lock, on the versions of app appID and the index of version id in
// them. When the app or the version does not exist it answers 404 instead and reports false.
func (api *scriptsAPI) withVersion(w http.ResponseWriter, appID, id string, fn func(as *appScripts, i int)) bool {
	found := false
	ok := api.t.scripts.withApp(api.t, appID, false, func(as *appScripts) {
		if i := as.find(id); i >= 0 {
			found = true
			fn(as, i)
		}
	})
	switch {
	case !ok:
		appNotFound(w, appID)
	case !found:
		appErrors.write(w, http.StatusNotFound, codeAppNotFound, appNotFoundTitle, "App "+appID+" has no script version "+id+".")
	}
	return ok && found
}

// writeEmptyOK answers 200 with the JSON media type apps.json declares and no body, as the scripts endpoints do.
func writeEmptyOK(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
}
