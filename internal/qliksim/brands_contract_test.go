package qliksim

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
)

// Test files of each kind Qlik accepts for a brand: the signatures the simulator checks, padded to a size.
func testPNG(size int) []byte  { return pad([]byte("\x89PNG\r\n\x1a\n"), size) }
func testJPEG(size int) []byte { return pad([]byte{0xFF, 0xD8, 0xFF, 0xE0}, size) }
func testICO(size int) []byte  { return pad([]byte{0, 0, 1, 0, 1, 0}, size) }

func pad(head []byte, size int) []byte {
	b := make([]byte, max(size, len(head)))
	copy(b, head)
	for i := len(head); i < len(b); i++ {
		b[i] = byte(i * 7)
	}
	return b
}

// formPart is one field of a multipart body: a text value, or a file with its content type.
type formPart struct {
	name, value string
	file        []byte
	contentType string
}

func multipartBody(t *testing.T, parts ...formPart) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		if p.file == nil {
			if err := mw.WriteField(p.name, p.value); err != nil {
				t.Fatal(err)
			}
			continue
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+p.name+`"; filename="`+p.name+`"`)
		h.Set("Content-Type", p.contentType)
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(p.file)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), b.Bytes()
}

// TestContractBrands drives the brands API through the validating transport: a multipart create with logo and
// favicon, reads, the list and its pages, a patch, file create, update, download and delete, activation (one active
// brand per tenant, the active brand's redirect), Qlik's limits, and deletes.
func TestContractBrands(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	home := sim.Home()
	key := sim.Credentials().APIKey
	c := loadContract(t, []string{home.URL}, "brands.json")
	cc := &contractClient{t: t, hc: &http.Client{Transport: c, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	calls := &countedCalls{t: t, cc: cc, token: key}
	call := calls.call
	form := func(method, rawURL string, status int, parts ...formPart) *response {
		t.Helper()
		return calls.form(t.Context(), method, rawURL, status, parts...)
	}
	wantError := func(r *response, code, detail string) {
		t.Helper()
		var body struct {
			Errors  []struct{ Code, Title, Detail string } `json:"errors"`
			TraceID string                                 `json:"traceId"`
		}
		r.decode(t, &body)
		if len(body.Errors) != 1 || body.Errors[0].Code != code || !strings.Contains(body.Errors[0].Detail, detail) || body.TraceID == "" {
			t.Errorf("error %s, want code %s with %q and a traceId", r.body, code, detail)
		}
	}
	brands := home.URL + brandsPath
	logo, icon := testPNG(2048), testICO(512)

	var a Brand
	form(http.MethodPost, brands, http.StatusCreated,
		formPart{name: "name", value: "Acme"}, formPart{name: "description", value: "Acme's colours"},
		formPart{name: "logo", file: logo, contentType: "image/png"}, formPart{name: "favIcon", file: icon, contentType: "image/x-icon"},
	).decode(t, &a)
	if a.Name != "Acme" || a.Active || len(a.Files) != 2 || a.Files[0].ID != "logo" || a.Files[1].ID != "favIcon" || a.CreatedBy == "" {
		t.Fatalf("created %+v", a)
	}
	var b Brand
	form(http.MethodPost, brands, http.StatusCreated, formPart{name: "name", value: "Globex"}).decode(t, &b)
	if len(b.Files) != 0 || b.Description != "" {
		t.Fatalf("created without files %+v", b)
	}

	// Qlik's limits: size and type of each file, and a name.
	wantError(form(http.MethodPost, brands, http.StatusBadRequest, formPart{name: "name", value: "Big"},
		formPart{name: "logo", file: testPNG(brandLogoMax + 1), contentType: "image/png"}), "HTTP-400", "maximum is 300000 bytes")
	wantError(form(http.MethodPost, brands, http.StatusBadRequest, formPart{name: "name", value: "Gif"},
		formPart{name: "logo", file: pad([]byte("GIF89a"), 64), contentType: "image/png"}), "HTTP-400", "JPG or PNG")
	wantError(form(http.MethodPost, brands, http.StatusBadRequest, formPart{name: "name", value: "Icon"},
		formPart{name: "favIcon", file: testPNG(64), contentType: "image/x-icon"}), "HTTP-400", "ICO")
	wantError(calls.form(invalidRequest(t.Context()), http.MethodPost, brands, http.StatusBadRequest, formPart{name: "description", value: "no name"}), "HTTP-400", "name is required")

	// Reads and the list: newest first by default, pages of limit with startingAfter.
	var got Brand
	call(http.MethodGet, brands+"/"+a.ID, http.StatusOK, nil).decode(t, &got)
	if got.Files[0].ETag == "" || got.Files[0].Path != brandsPath+"/"+a.ID+"/files/logo" || got.Files[0].ContentType != "image/png" {
		t.Errorf("logo %+v", got.Files[0])
	}
	wantError(call(http.MethodGet, brands+"/nope", http.StatusNotFound, nil), "HTTP-404", "No brand")
	var page listPage[Brand]
	call(http.MethodGet, brands+"?limit=1&sort=createdAt", http.StatusOK, nil).decode(t, &page)
	if len(page.Data) != 1 || page.Data[0].ID != a.ID || page.Links.Next == nil {
		t.Fatalf("first page %+v", page)
	}
	var page2 listPage[Brand]
	call(http.MethodGet, page.Links.Next.Href, http.StatusOK, nil).decode(t, &page2)
	if len(page2.Data) != 1 || page2.Data[0].ID != b.ID || page2.Links.Next != nil || page2.Links.Prev == nil {
		t.Fatalf("second page %+v", page2)
	}
	calls.callInvalid(http.MethodGet, brands+"?limit=0", http.StatusBadRequest, nil)

	// PATCH name and description: 204.
	calls.sent++
	if r := cc.do(t.Context(), http.MethodPatch, brands+"/"+b.ID, key, "application/json",
		[]byte(`[{"op":"replace","path":"/name","value":"Globex Corp"},{"op":"add","path":"/description","value":"New"}]`)); r.status != http.StatusNoContent {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	call(http.MethodGet, brands+"/"+b.ID, http.StatusOK, nil).decode(t, &got)
	if got.Name != "Globex Corp" || got.Description != "New" {
		t.Errorf("patched %+v", got)
	}

	// Files: POST adds, PUT replaces (new eTag), GET downloads, DELETE removes.
	var f BrandFile
	form(http.MethodPost, brands+"/"+b.ID+"/files/logo", http.StatusCreated, formPart{name: "file", file: testJPEG(1024), contentType: "image/jpeg"}).decode(t, &f)
	if f.ID != "logo" || f.ContentType != "image/jpeg" {
		t.Errorf("file %+v", f)
	}
	wantError(form(http.MethodPost, brands+"/"+b.ID+"/files/logo", http.StatusBadRequest, formPart{name: "file", file: testPNG(64), contentType: "image/png"}), "HTTP-400", "update it with PUT")
	wantError(form(http.MethodPut, brands+"/"+b.ID+"/files/favIcon", http.StatusNotFound, formPart{name: "file", file: testICO(64), contentType: "image/x-icon"}), "HTTP-404", "POST")
	var f2 BrandFile
	form(http.MethodPut, brands+"/"+b.ID+"/files/logo", http.StatusOK, formPart{name: "file", file: testPNG(900), contentType: "image/png"}).decode(t, &f2)
	if f2.ETag == f.ETag {
		t.Error("a new logo kept its eTag")
	}
	if r := call(http.MethodGet, brands+"/"+b.ID+"/files/logo", http.StatusOK, nil); !bytes.Equal(r.body, testPNG(900)) {
		t.Error("the downloaded logo differs from the upload")
	}
	calls.sent++
	if r := cc.do(t.Context(), http.MethodDelete, brands+"/"+b.ID+"/files/logo", key, "", nil); r.status != http.StatusNoContent {
		t.Fatalf("delete file: %d %s", r.status, r.body)
	}
	call(http.MethodGet, brands+"/"+b.ID+"/files/logo", http.StatusNotFound, nil)

	// One active brand: activating b deactivates a; /brands/active redirects to the active one.
	var act Brand
	call(http.MethodGet, brands+"/active", http.StatusOK, nil)
	call(http.MethodPost, brands+"/"+a.ID+"/actions/activate", http.StatusOK, nil).decode(t, &act)
	if !act.Active {
		t.Errorf("activated %+v", act)
	}
	call(http.MethodPost, brands+"/"+b.ID+"/actions/activate", http.StatusOK, nil)
	call(http.MethodGet, brands+"/"+a.ID, http.StatusOK, nil).decode(t, &got)
	if got.Active {
		t.Error("activating a second brand left the first active")
	}
	if r := call(http.MethodGet, brands+"/active", http.StatusMovedPermanently, nil); r.header.Get("Location") != brandsPath+"/"+b.ID {
		t.Errorf("active brand redirects to %q", r.header.Get("Location"))
	}
	call(http.MethodPost, brands+"/"+b.ID+"/actions/deactivate", http.StatusOK, nil).decode(t, &act)
	if act.Active {
		t.Error("deactivate left the brand active")
	}
	call(http.MethodPost, brands+"/nope/actions/activate", http.StatusNotFound, nil)

	// Deleting the active brand returns the tenant to Qlik's default.
	call(http.MethodPost, brands+"/"+a.ID+"/actions/activate", http.StatusOK, nil)
	for _, id := range []string{a.ID, b.ID} {
		calls.sent++
		if r := cc.do(t.Context(), http.MethodDelete, brands+"/"+id, key, "", nil); r.status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
	}
	call(http.MethodGet, brands+"/active", http.StatusOK, nil)
	call(http.MethodDelete, brands+"/"+a.ID, http.StatusNotFound, nil)
	calls.allValidated(c)
}
