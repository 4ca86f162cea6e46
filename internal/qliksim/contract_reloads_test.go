package qliksim

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// fixScriptPatchOp repairs apps.json's NxPatchOperationType, a string oneOf whose branches carry only titles:
// every string matches all three, so no patch could validate. The titles are the allowed values.
func fixScriptPatchOp(t *testing.T, doc *openapi3.T) {
	t.Helper()
	ref := doc.Components.Schemas["NxPatchOperationType"]
	if ref == nil || len(ref.Value.OneOf) != 3 {
		t.Fatal("apps.json: NxPatchOperationType is no longer a three-branch oneOf; drop fixScriptPatchOp")
	}
	ref.Value.OneOf = nil
	ref.Value.Enum = []any{"add", "remove", "replace"}
}

// fixDataConnectionsLimitDefault drops the default of the limit parameter, which data-connections.json gives as
// prose ("All resources will be returned if limit is not defined") on an integer schema, and gives PatchRequest's
// array branch the items it lacks.
func fixDataConnectionsLimitDefault(t *testing.T, doc *openapi3.T) {
	t.Helper()
	p := doc.Components.Parameters["limit"]
	if p == nil || p.Value.Schema == nil {
		t.Fatal("data-connections.json: no limit parameter; drop fixDataConnectionsLimitDefault")
	}
	if _, isString := p.Value.Schema.Value.Default.(string); !isString {
		t.Fatal("data-connections.json: limit's default is no longer prose; drop fixDataConnectionsLimitDefault")
	}
	p.Value.Schema.Value.Default = nil
	// PatchRequest's value may be an array, declared without items (invalid OpenAPI); any item is allowed.
	patch := doc.Components.Schemas["PatchRequest"]
	if patch == nil || patch.Value.Items == nil {
		t.Fatal("data-connections.json: PatchRequest is no longer an array; drop the repair")
	}
	for _, branch := range patch.Value.Items.Value.Properties["value"].Value.OneOf {
		if branch.Value.Type.Is("array") && branch.Value.Items == nil {
			branch.Value.Items = openapi3.NewSchemaRef("", openapi3.NewSchema())
		}
	}
}

// TestContractScriptsReloadsDataConnections drives scripts, reloads and data connections through the validating
// transport, including every error answer the provider relies on.
func TestContractScriptsReloadsDataConnections(t *testing.T) {
	t.Parallel()
	sim, home, c, calls := startContract(t, Options{ReloadDuration: 150 * time.Millisecond}, "apps.json", "reloads.json", "data-connections.json", "spaces.json")
	key := calls.token
	call, cc := calls.call, calls.cc
	appID, err := sim.SeedApp(home.Hostname, "Sales", "", 1024)
	if err != nil {
		t.Fatal(err)
	}
	scripts := home.URL + "/api/v1/apps/" + appID + "/scripts"

	// Scripts: a new app has a default version; POST adds versions; the current one cannot be deleted.
	var cur struct{ Script, VersionMessage string }
	call(http.MethodGet, scripts+"/current", http.StatusOK, nil).decode(t, &cur)
	if cur.Script != defaultAppScript {
		t.Errorf("default script %q", cur.Script)
	}
	call(http.MethodPost, scripts, http.StatusOK, map[string]string{"script": "LOAD 1 AS x AUTOGENERATE 1;", "versionMessage": "v1"})
	call(http.MethodPost, scripts, http.StatusOK, map[string]string{"script": "LOAD 2 AS x AUTOGENERATE 1;", "versionMessage": "v2"})
	var list struct {
		Scripts []ScriptMeta `json:"scripts"`
	}
	call(http.MethodGet, scripts+"?limit=2", http.StatusOK, nil).decode(t, &list)
	if len(list.Scripts) != 2 || list.Scripts[0].VersionMessage != "v2" {
		t.Fatalf("script list %+v", list.Scripts)
	}
	newest, older := list.Scripts[0].ScriptID, list.Scripts[1].ScriptID
	call(http.MethodGet, scripts+"/"+older, http.StatusOK, nil).decode(t, &cur)
	if cur.Script != "LOAD 1 AS x AUTOGENERATE 1;" {
		t.Errorf("version v1 holds %q", cur.Script)
	}
	call(http.MethodPatch, scripts+"/"+older, http.StatusOK, []map[string]string{{"Op": "replace", "Path": "/versionMessage", "Value": "first"}})
	call(http.MethodPatch, scripts+"/"+older, http.StatusBadRequest, []map[string]string{{"Op": "replace", "Path": "/script", "Value": "x"}})
	call(http.MethodDelete, scripts+"/"+newest, http.StatusBadRequest, nil)
	call(http.MethodDelete, scripts+"/"+older, http.StatusOK, nil)
	call(http.MethodGet, scripts+"/"+older, http.StatusNotFound, nil)
	call(http.MethodGet, home.URL+"/api/v1/apps/00000000-0000-0000-0000-000000000000/scripts/current", http.StatusNotFound, nil)

	// Reloads: 201 QUEUED, 429 while active, then SUCCEEDED with the current script; cancel; 409 once ended.
	reloads := home.URL + "/api/v1/reloads"
	var rl Reload
	call(http.MethodPost, reloads, http.StatusCreated, map[string]any{"appId": appID, "partial": false, "variables": map[string]string{"region": "EU"}}).decode(t, &rl)
	if rl.Status != ReloadQueued || rl.Type != "external" || rl.Weight != 1 {
		t.Errorf("new reload %+v", rl)
	}
	r429 := call(http.MethodPost, reloads, http.StatusTooManyRequests, map[string]any{"appId": appID})
	if h := r429.header.Get("Retry-After"); h != "" {
		t.Errorf("pending-reload 429 carries Retry-After %q", h)
	}
	call(http.MethodPost, reloads, http.StatusBadRequest, map[string]any{"appId": "no-such-app"})
	waitStatus := func(id string, want string) Reload {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			var got Reload
			call(http.MethodGet, reloads+"/"+id, http.StatusOK, nil).decode(t, &got)
			if got.Status == want || time.Now().After(deadline) {
				if got.Status != want {
					t.Fatalf("reload %s is %s, want %s", id, got.Status, want)
				}
				return got
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	done := waitStatus(rl.ID, ReloadSucceeded)
	if done.StartTime == "" || done.EndTime == "" || done.Log == "" {
		t.Errorf("ended reload %+v", done)
	}
	if info, _ := sim.ReloadByID(home.Hostname, rl.ID); info.Script != "LOAD 2 AS x AUTOGENERATE 1;" || info.Variables["region"] != "EU" {
		t.Errorf("reload ran %q with %v", info.Script, info.Variables)
	}
	call(http.MethodPost, reloads+"/"+rl.ID+"/actions/cancel", http.StatusConflict, nil)
	call(http.MethodPost, reloads+"/nope/actions/cancel", http.StatusNotFound, nil)
	call(http.MethodGet, reloads+"/nope", http.StatusNotFound, nil)
	calls.sent++
	if r := cc.do(t.Context(), http.MethodGet, home.URL+"/api/v1/apps/"+appID+"/reloads/logs/"+rl.ID, key, "", nil); r.status != http.StatusOK || len(r.body) == 0 {
		t.Fatalf("reload log: %d %s", r.status, r.body)
	}
	call(http.MethodGet, home.URL+"/api/v1/apps/"+appID+"/reloads/logs", http.StatusOK, nil)

	if err := sim.SetReloadBehaviour(home.Hostname, appID, time.Minute, false, nil); err != nil {
		t.Fatal(err)
	}
	var second Reload
	call(http.MethodPost, reloads, http.StatusCreated, map[string]any{"appId": appID, "partial": true}).decode(t, &second)
	var canceling struct{ Status string }
	call(http.MethodPost, reloads+"/"+second.ID+"/actions/cancel", http.StatusAccepted, nil).decode(t, &canceling)
	if canceling.Status != ReloadCanceling {
		t.Errorf("cancel answered %q", canceling.Status)
	}
	waitStatus(second.ID, ReloadCanceled)

	if err := sim.SetReloadBehaviour(home.Hostname, appID, 10*time.Millisecond, true, []string{"Connecting to db", "Table not found: orders"}); err != nil {
		t.Fatal(err)
	}
	var third Reload
	call(http.MethodPost, reloads, http.StatusCreated, map[string]any{"appId": appID}).decode(t, &third)
	failed := waitStatus(third.ID, ReloadFailed)
	if failed.ErrorCode == "" || failed.ErrorMessage == "" {
		t.Errorf("failed reload %+v", failed)
	}

	var page struct {
		Data  []Reload `json:"data"`
		Links struct {
			Next *Link `json:"next"`
		} `json:"links"`
	}
	call(http.MethodGet, reloads+"?appId="+appID+"&limit=2", http.StatusOK, nil).decode(t, &page)
	if len(page.Data) != 2 || page.Data[0].ID != third.ID || page.Data[0].Log != "" || page.Links.Next == nil {
		t.Fatalf("first page %+v", page)
	}
	call(http.MethodGet, page.Links.Next.Href, http.StatusOK, nil).decode(t, &page)
	if len(page.Data) != 1 || page.Data[0].ID != rl.ID {
		t.Fatalf("second page %+v", page.Data)
	}
	call(http.MethodGet, reloads+"?appId="+appID+"&log=true&filter="+"status%20eq%20%22FAILED%22", http.StatusOK, nil).decode(t, &page)
	if len(page.Data) != 1 || page.Data[0].Log == "" {
		t.Fatalf("filtered page %+v", page.Data)
	}

	// Data connections: 201, 409 on a duplicate name in the same space, credentials never returned, page cursors.
	dcs := home.URL + "/api/v1/data-connections"
	var created struct{ QID, QType string }
	body := map[string]any{
		"qName": "orders-db", "qType": "QvOdbcConnectorPackage.exe", "datasourceID": "postgres",
		"qConnectStatement": "CUSTOM CONNECT TO \"provider=QvOdbcConnectorPackage.exe;driver=postgres;host=db;port=5432;database=orders;\"",
		"qUsername":         "loader", "qPassword": "s3cret", "qLogOn": "0",
	}
	r := call(http.MethodPost, dcs, http.StatusCreated, body)
	r.decode(t, &created)
	call(http.MethodPost, dcs, http.StatusConflict, body)
	call(http.MethodPost, dcs, http.StatusBadRequest, map[string]any{"qName": "x", "qType": "t", "datasourceID": "postgres", "qConnectStatement": ""})
	got := call(http.MethodGet, dcs+"/"+created.QID, http.StatusOK, nil)
	for _, secret := range []string{"s3cret", "loader"} {
		if bytes.Contains(got.body, []byte(secret)) || bytes.Contains(r.body, []byte(secret)) {
			t.Errorf("a data connection response carries %q: %s", secret, got.body)
		}
	}
	if info, _ := sim.DataConnectionByID(home.Hostname, created.QID); info.Password != "s3cret" {
		t.Errorf("stored password %q", info.Password)
	}
	call(http.MethodGet, dcs+"/not-a-uuid", http.StatusBadRequest, nil)
	call(http.MethodGet, dcs+"/00000000-0000-0000-0000-000000000000", http.StatusNotFound, nil)
	for i := range 3 {
		b := map[string]any{"qName": fmt.Sprintf("db-%d", i), "qType": "t", "datasourceID": "postgres", "qConnectStatement": "CONNECT"}
		call(http.MethodPost, dcs, http.StatusCreated, b)
	}
	walked, _ := walkPages(t, calls.get, dcs+"?limit=2", func(_ listPage[DataConnection], r *response) {
		var pg struct{ Meta struct{ Count int } }
		r.decode(t, &pg)
		if pg.Meta.Count != 4 {
			t.Errorf("meta.count %d", pg.Meta.Count)
		}
	})
	if walked != 4 {
		t.Errorf("walked %d connections, want 4", walked)
	}
	put := map[string]any{"qID": created.QID, "qEngineObjectID": created.QID, "qName": "orders", "qType": created.QType, "qConnectStatement": "CONNECT2"}
	call(http.MethodPut, dcs+"/"+created.QID, http.StatusNoContent, put)
	put["qName"] = "db-0"
	call(http.MethodPut, dcs+"/"+created.QID, http.StatusConflict, put)
	call(http.MethodPatch, dcs+"/"+created.QID, http.StatusNoContent, []map[string]any{{"op": "replace", "path": "/qPassword", "value": "n3w"}, {"op": "replace", "path": "/qName", "value": "orders-2"}})
	call(http.MethodPatch, dcs+"/"+created.QID, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/privileges", "value": "x"}})
	if info, _ := sim.DataConnectionByID(home.Hostname, created.QID); info.Password != "n3w" || info.QName != "orders-2" || info.QConnectStatement != "CONNECT2" {
		t.Errorf("after PUT and PATCH: %+v", info)
	}
	call(http.MethodDelete, dcs+"/"+created.QID, http.StatusNoContent, nil)
	call(http.MethodDelete, dcs+"/"+created.QID, http.StatusNotFound, nil)

	calls.allValidated(c)
}
