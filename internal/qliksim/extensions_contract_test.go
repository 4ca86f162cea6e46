package qliksim

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// testArchive is a zip with a .qext file (name.qext holding qext) and a second file.
func testArchive(t *testing.T, name string, qext map[string]any) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	if qext != nil {
		w, err := zw.Create(name + "/" + name + ".qext")
		if err != nil {
			t.Fatal(err)
		}
		if err := json.NewEncoder(w).Encode(qext); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.Create(name + "/" + name + ".js")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte("define([], function () { return {}; });\n"))
	if w, err = zw.Create("LICENSE"); err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte("MIT\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fixArchiveDates checks createdAt and updateAt as timestamps: themes.json and extensions.json type them as format
// "date" while Qlik's other APIs return creation times as timestamps, which the simulator follows.
func fixArchiveDates(t *testing.T, c *contract, spec, schema string) {
	t.Helper()
	for _, f := range []string{"createdAt", "updateAt"} {
		p := c.docs[spec].Components.Schemas[schema].Value.Properties[f].Value
		if p.Format != "date" {
			t.Fatalf("%s: %s.%s is format %q now; revisit fixArchiveDates", spec, schema, f, p.Format)
		}
		p.Format = "date-time"
	}
}

// TestContractThemesAndExtensions drives both APIs through the validating transport: multipart create from a zip,
// reads by id and by qext name, the list, the 409 of a second archive with the same name, 422 for archives that are
// not a theme (extension), a PATCH with a new archive, downloads, and the soft delete (410 afterwards).
func TestContractThemesAndExtensions(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	home := sim.Home()
	key := sim.Credentials().APIKey
	c := loadContract(t, []string{home.URL}, "themes.json", "extensions.json")
	fixArchiveDates(t, c, "themes.json", "theme")
	fixArchiveDates(t, c, "extensions.json", "extension")
	calls := newCountedCalls(t, c, key)
	call := func(method, rawURL string, status int) *response {
		t.Helper()
		return calls.call(method, rawURL, status, nil)
	}
	upload := func(method, rawURL string, status int, archive []byte) *response {
		t.Helper()
		return calls.form(t.Context(), method, rawURL, status, formPart{name: "file", file: archive, contentType: "application/zip"})
	}
	wantMessage := func(r *response, code, message string) {
		t.Helper()
		var body struct {
			Code, Title string
			Status      int
			TraceID     string `json:"traceId"`
			Meta        struct{ Message string }
		}
		r.decode(t, &body)
		if body.Code != code || body.Status != r.status || body.TraceID == "" || !strings.Contains(body.Meta.Message, message) {
			t.Errorf("error %s, want %s with %q", r.body, code, message)
		}
	}
	for _, tc := range []struct {
		kind      archiveKind
		qextType  string
		wrongType string
	}{{themesKind, "theme", "visualization"}, {extensionsKind, "visualization", "theme"}} {
		base := home.URL + tc.kind.path
		v1 := testArchive(t, "acme-"+tc.kind.noun, map[string]any{"name": "Acme " + tc.kind.noun, "type": tc.qextType, "version": "1.0.0", "author": "Acme"})
		var x Extension
		upload(http.MethodPost, base, http.StatusCreated, v1).decode(t, &x)
		if x.Name != "Acme "+tc.kind.noun || x.QextFilename != "acme-"+tc.kind.noun || x.Version != "1.0.0" || x.Type != tc.qextType {
			t.Fatalf("created %+v", x)
		}
		var got Extension
		call(http.MethodGet, base+"/"+x.ID, http.StatusOK).decode(t, &got)
		call(http.MethodGet, base+"/"+x.QextFilename, http.StatusOK).decode(t, &got)
		if got.ID != x.ID {
			t.Errorf("by qext name: %+v", got)
		}
		var list struct{ Data []Extension }
		call(http.MethodGet, base, http.StatusOK).decode(t, &list)
		if len(list.Data) != 1 {
			t.Errorf("list %+v", list)
		}
		wantMessage(upload(http.MethodPost, base, http.StatusConflict, v1), "HTTP-409", "already exists")
		wantMessage(upload(http.MethodPost, base, http.StatusUnprocessableEntity, []byte("not a zip")), "HTTP-422", "not a zip")
		wantMessage(upload(http.MethodPost, base, http.StatusUnprocessableEntity, testArchive(t, "bare", nil)), "HTTP-422", "no .qext")
		wantMessage(upload(http.MethodPost, base, http.StatusUnprocessableEntity,
			testArchive(t, "other", map[string]any{"name": "Other", "type": tc.wrongType})), "HTTP-422", "has type")

		v2 := testArchive(t, "acme-"+tc.kind.noun, map[string]any{"name": "Acme " + tc.kind.noun, "type": tc.qextType, "version": "1.1.0"})
		r := upload(http.MethodPatch, base+"/"+x.ID, http.StatusOK, v2)
		if tc.kind.theme {
			var patched struct{ Data []Extension }
			r.decode(t, &patched)
			if len(patched.Data) != 1 || patched.Data[0].Version != "1.1.0" {
				t.Errorf("patched theme %s", r.body)
			}
		} else {
			var patched Extension
			r.decode(t, &patched)
			if patched.Version != "1.1.0" || patched.Checksum == x.Checksum {
				t.Errorf("patched extension %+v", patched)
			}
		}
		if r := call(http.MethodGet, base+"/"+x.ID+"/file", http.StatusOK); !bytes.Equal(r.body, v2) {
			t.Error("the downloaded archive differs from the upload")
		}
		if r := call(http.MethodGet, base+"/"+x.ID+"/file/LICENSE", http.StatusOK); string(r.body) != "MIT\n" {
			t.Errorf("the archive's LICENSE reads %q", r.body)
		}
		call(http.MethodDelete, base+"/"+x.ID, http.StatusNoContent)
		call(http.MethodGet, base+"/"+x.ID, http.StatusGone)
		call(http.MethodGet, base+"/nope", http.StatusNotFound)
		// The name is free again after the delete.
		upload(http.MethodPost, base, http.StatusCreated, v1)
	}
	calls.allValidated(c)
}
