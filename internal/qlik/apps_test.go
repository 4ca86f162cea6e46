package qlik

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestRepublishAppBody checks the wire form of a republish: the published app goes in targetId and
// checkOriginAppId is always sent, true unless another source is allowed, so Qlik's default never decides.
func TestRepublishAppBody(t *testing.T) {
	t.Parallel()
	var got []map[string]any
	c := fastClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || r.URL.Path != "/api/v1/apps/src-1/publish" {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Error(err)
		}
		got = append(got, body)
		writeJSON(w, http.StatusOK, map[string]any{"attributes": map[string]string{"id": "pub-1", "originAppId": "src-1"}})
	}))
	for _, another := range []bool{false, true} {
		a, err := c.RepublishApp(t.Context(), "src-1", RepublishAppRequest{TargetID: "pub-1", AnotherSource: another})
		if err != nil || a.Attributes.ID != "pub-1" {
			t.Fatalf("RepublishApp: %+v %v", a, err)
		}
	}
	if len(got) != 2 || got[0]["targetId"] != "pub-1" || got[0]["checkOriginAppId"] != true || got[1]["checkOriginAppId"] != false || len(got[1]) != 2 {
		t.Errorf("bodies sent: %v", got)
	}
}
