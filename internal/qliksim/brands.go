package qliksim

import (
	"bytes"
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
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Brands (brands.json): a brand is a name, a description and up to three files (logo, favIcon, styles); one brand
// per tenant is active. POST /brands and the file uploads are multipart/form-data. Documented by Qlik: the logo is
// "a JPG or PNG file ... Maximum size of 300 KB", the favicon "a properly formatted ICO file. Maximum size is 100
// KB", the styles "a JSON file ... Maximum size is 100 KB" ("not currently operational"); activate "de-activates
// any other active brand"; deleting the active brand returns the tenant to Qlik's default; GET /brands/active
// answers 200 with an empty object when no brand is active and 301 otherwise. The simulator's assumptions: a KB
// is 1,000 bytes; a file's type is told by its content (PNG, JPEG and ICO signatures, JSON syntax), not by its
// name or part header; a file's eTag is the SHA-256 of its content; POST of a file the brand already has and PUT
// of one it lacks answer 400 and 404; the error codes are the HTTP-<status> examples of brands.json.

const brandsPath = "/api/v1/brands"

// Qlik's limits of brand files (brands.json, postBrands).
const (
	brandLogoMax    = 300_000
	brandFavIconMax = 100_000
	brandStylesMax  = 100_000
	// brandFormMax bounds a multipart body: every file at its limit plus the text fields.
	brandFormMax = brandLogoMax + brandFavIconMax + brandStylesMax + 64<<10
)

// brandFileIDs are the files of a brand in the order Qlik lists them (brands.json BrandFile.id).
var brandFileIDs = []string{"logo", "favIcon", "styles"}

// brandErrors: ErrorResponse400..500 are errors[] of code, title, detail, with a top-level traceId.
var brandErrors = errorStyle{status: statusAbsent, traceID: true}

// Brand is the simulator's wire form of brands.json Brand.
type Brand struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Active      bool        `json:"active"`
	Files       []BrandFile `json:"files"`
	CreatedAt   string      `json:"createdAt"`
	CreatedBy   string      `json:"createdBy"`
	UpdatedAt   string      `json:"updatedAt"`
	UpdatedBy   string      `json:"updatedBy"`
}

// BrandFile is brands.json BrandFile.
type BrandFile struct {
	ID          string `json:"id"`
	ETag        string `json:"eTag"`
	Path        string `json:"path"`
	ContentType string `json:"contentType"`
}

type brandFileData struct {
	data        []byte
	contentType string
}

type brandRecord struct {
	brand Brand
	files map[string]brandFileData
}

// render is the brand as the API shows it: its files in Qlik's order, with paths and eTags.
func (rec brandRecord) render() Brand {
	b := rec.brand
	b.Files = []BrandFile{}
	for _, id := range brandFileIDs {
		if f, ok := rec.files[id]; ok {
			b.Files = append(b.Files, brandFileOf(b.ID, id, f))
		}
	}
	return b
}

func brandFileOf(brandID, fileID string, f brandFileData) BrandFile {
	sum := sha256.Sum256(f.data)
	return BrandFile{ID: fileID, ETag: hex.EncodeToString(sum[:]), Path: brandsPath + "/" + brandID + "/files/" + fileID, ContentType: f.contentType}
}

// brandState is a tenant's brands; mu makes activation, which touches two brands, one step.
type brandState struct {
	mu     sync.Mutex
	brands *collection[brandRecord]
}

type brandsAPI struct {
	tenantAPI
	brands byID[brandRecord]
}

func (s *Server) registerBrandsRoutes(h *host) {
	api := &brandsAPI{s.apiOn(h), byID[brandRecord]{h.tenant.brands.brands, "id", unknownBrand}}
	h.handleObjects(brandsPath, "id", objectRoutes{list: api.list, create: api.create, get: api.get, patch: api.patch, delete: api.delete})
	h.mux.HandleFunc("GET "+brandsPath+"/active", api.active)
	h.mux.HandleFunc("POST "+brandsPath+"/{id}/actions/activate", api.activate)
	h.mux.HandleFunc("POST "+brandsPath+"/{id}/actions/deactivate", api.deactivate)
	h.mux.HandleFunc("GET "+brandsPath+"/{id}/files/{fileId}", api.getFile)
	h.mux.HandleFunc("POST "+brandsPath+"/{id}/files/{fileId}", api.createFile)
	h.mux.HandleFunc("PUT "+brandsPath+"/{id}/files/{fileId}", api.putFile)
	h.mux.HandleFunc("DELETE "+brandsPath+"/{id}/files/{fileId}", api.deleteFile)
}

func brandBadRequest(w http.ResponseWriter, detail string) {
	writeError(w, http.StatusBadRequest, brandErrors, apiError{code: "HTTP-400", title: "Bad request", detail: detail})
}

func brandNotFound(w http.ResponseWriter, detail string) {
	writeError(w, http.StatusNotFound, brandErrors, apiError{code: "HTTP-404", title: "Not found", detail: detail})
}

func unknownBrand(w http.ResponseWriter, id string) { brandNotFound(w, "No brand with id "+id+".") }

// checkBrandFile checks one uploaded file against Qlik's limits and returns its content type.
func checkBrandFile(fileID string, data []byte) (string, error) {
	limit := map[string]int{"logo": brandLogoMax, "favIcon": brandFavIconMax, "styles": brandStylesMax}[fileID]
	if len(data) == 0 {
		return "", errors.New(fileID + " is empty")
	}
	if len(data) > limit {
		return "", errors.New(fileID + " is " + strconv.Itoa(len(data)) + " bytes; the maximum is " + strconv.Itoa(limit) + " bytes")
	}
	switch fileID {
	case "logo":
		switch {
		case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
			return "image/png", nil
		case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
			return "image/jpeg", nil
		}
		return "", errors.New("logo must be a JPG or PNG file")
	case "favIcon":
		if bytes.HasPrefix(data, []byte{0, 0, 1, 0}) {
			return "image/x-icon", nil
		}
		return "", errors.New("favIcon must be an ICO file")
	default:
		if !json.Valid(data) {
			return "", errors.New("styles must be a JSON file")
		}
		return "application/json", nil
	}
}

// readBrandForm parses a multipart body: its text fields and the files named in fileFields (a field name maps to
// the brand file it fills), each checked against Qlik's limits.
func readBrandForm(r *http.Request, fileFields map[string]string) (map[string]string, map[string]brandFileData, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil, nil, errors.New("the request body must be multipart/form-data")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, errors.New("the multipart body cannot be read: " + err.Error())
	}
	fields, files := map[string]string{}, map[string]brandFileData{}
	read := int64(0)
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, errors.New("the multipart body cannot be read: " + err.Error())
		}
		data, err := io.ReadAll(io.LimitReader(p, brandFormMax+1-read))
		_ = p.Close()
		if err != nil {
			return nil, nil, errors.New("the multipart body cannot be read: " + err.Error())
		}
		if read += int64(len(data)); read > brandFormMax {
			return nil, nil, errors.New("the request body exceeds " + strconv.Itoa(brandFormMax) + " bytes")
		}
		name := p.FormName()
		if fileID, ok := fileFields[name]; ok {
			ct, err := checkBrandFile(fileID, data)
			if err != nil {
				return nil, nil, err
			}
			files[fileID] = brandFileData{data: data, contentType: ct}
			continue
		}
		fields[name] = string(data)
	}
	return fields, files, nil
}

func (api *brandsAPI) create(w http.ResponseWriter, r *http.Request) {
	fields, files, err := readBrandForm(r, map[string]string{"logo": "logo", "favIcon": "favIcon", "styles": "styles"})
	if err != nil {
		brandBadRequest(w, err.Error()+".")
		return
	}
	name := fields["name"]
	if strings.TrimSpace(name) == "" {
		brandBadRequest(w, "name is required.")
		return
	}
	now := formatTime(time.Now())
	user := callerFrom(r.Context()).userID
	rec := brandRecord{
		brand: Brand{ID: newObjectID(), Name: name, Description: fields["description"], CreatedAt: now, CreatedBy: user, UpdatedAt: now, UpdatedBy: user},
		files: files,
	}
	if err := api.t.brands.brands.insert(rec.brand.ID, rec, time.Now().Add(api.s.opts.VisibilityDelay), nil); err != nil {
		brandBadRequest(w, err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, rec.render())
}

func (api *brandsAPI) get(w http.ResponseWriter, r *http.Request) {
	if _, rec, ok := api.brands.find(w, r); ok {
		writeJSON(w, http.StatusOK, rec.render())
	}
}

type brandPatch struct {
	Op    string  `json:"op"`
	Path  string  `json:"path"`
	Value *string `json:"value"`
}

func (api *brandsAPI) patch(w http.ResponseWriter, r *http.Request) {
	var ops []brandPatch
	if err := decodeJSON(r, &ops); err != nil {
		brandBadRequest(w, err.Error())
		return
	}
	for _, op := range ops {
		switch {
		case op.Op != "add" && op.Op != "remove" && op.Op != "replace":
			brandBadRequest(w, "op must be add, remove or replace.")
			return
		case op.Path != "/name" && op.Path != "/description":
			brandBadRequest(w, "path must be /name or /description.")
			return
		case op.Path == "/name" && (op.Op == "remove" || op.Value == nil || strings.TrimSpace(*op.Value) == ""):
			brandBadRequest(w, "A brand needs a name.")
			return
		case op.Op != "remove" && op.Value == nil:
			brandBadRequest(w, op.Op+" of "+op.Path+" needs a value.")
			return
		}
	}
	user := callerFrom(r.Context()).userID
	if _, ok := api.brands.set(w, r, func(cur brandRecord, now time.Time) brandRecord {
		for _, op := range ops {
			v := ""
			if op.Value != nil && op.Op != "remove" {
				v = *op.Value
			}
			if op.Path == "/name" {
				cur.brand.Name = v
			} else {
				cur.brand.Description = v
			}
		}
		cur.brand.UpdatedAt, cur.brand.UpdatedBy = formatTime(now), user
		return cur
	}); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

func (api *brandsAPI) delete(w http.ResponseWriter, r *http.Request) {
	if _, ok := api.brands.remove(w, r); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

// setActive makes the brand id active (deactivating any other) or inactive; it returns false when there is no such
// brand.
func (bs *brandState) setActive(id string, active bool, now time.Time, includeHidden bool, user string) (Brand, bool) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	rec, ok := bs.brands.get(id, now, includeHidden)
	if !ok {
		return Brand{}, false
	}
	if rec.brand.Active == active {
		return rec.render(), true // "If the brand is already active (inactive), no action is taken."
	}
	if active {
		for _, other := range bs.brands.list(now, true) {
			if other.Val.brand.Active {
				_, _ = bs.brands.update(other.ID, now, true, func(cur brandRecord) (brandRecord, error) {
					cur.brand.Active = false
					return cur, nil
				}, nil)
			}
		}
	}
	updated, err := bs.brands.update(id, now, true, func(cur brandRecord) (brandRecord, error) {
		cur.brand.Active = active
		cur.brand.UpdatedAt, cur.brand.UpdatedBy = formatTime(now), user
		return cur, nil
	}, nil)
	return updated.render(), err == nil
}

func (api *brandsAPI) activate(w http.ResponseWriter, r *http.Request) {
	api.switchActive(w, r, true)
}

func (api *brandsAPI) deactivate(w http.ResponseWriter, r *http.Request) {
	api.switchActive(w, r, false)
}

func (api *brandsAPI) switchActive(w http.ResponseWriter, r *http.Request, active bool) {
	id := r.PathValue("id")
	b, ok := api.t.brands.setActive(id, active, time.Now(), false, callerFrom(r.Context()).userID)
	if !ok {
		unknownBrand(w, id)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

// active is GET /brands/active: 200 with an empty object under Qlik's default brand, else a redirect to the active
// brand.
func (api *brandsAPI) active(w http.ResponseWriter, _ *http.Request) {
	for _, it := range api.t.brands.brands.list(time.Now(), false) {
		if it.Val.brand.Active {
			w.Header().Set("Location", brandsPath+"/"+it.ID)
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

// fileRequest reads the brand and file id of a file route; ok is false when an answer was written.
func (api *brandsAPI) fileRequest(w http.ResponseWriter, r *http.Request) (string, string, brandRecord, bool) {
	fileID := r.PathValue("fileId")
	if !slices.Contains(brandFileIDs, fileID) {
		brandBadRequest(w, "The brand file id must be one of logo, favIcon, styles.")
		return "", "", brandRecord{}, false
	}
	id, rec, ok := api.brands.find(w, r)
	return id, fileID, rec, ok
}

func (api *brandsAPI) getFile(w http.ResponseWriter, r *http.Request) {
	_, fileID, rec, ok := api.fileRequest(w, r)
	if !ok {
		return
	}
	f, has := rec.files[fileID]
	if !has {
		brandNotFound(w, "The brand has no "+fileID+" file.")
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(f.data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(f.data)
}

func (api *brandsAPI) createFile(w http.ResponseWriter, r *http.Request) {
	api.writeFile(w, r, false)
}

func (api *brandsAPI) putFile(w http.ResponseWriter, r *http.Request) {
	api.writeFile(w, r, true)
}

// writeFile is POST (replace false: the brand must not have the file yet) and PUT (replace: it must) of a file.
func (api *brandsAPI) writeFile(w http.ResponseWriter, r *http.Request, replace bool) {
	id, fileID, _, ok := api.fileRequest(w, r)
	if !ok {
		return
	}
	_, files, err := readBrandForm(r, map[string]string{"file": fileID})
	if err != nil {
		brandBadRequest(w, err.Error()+".")
		return
	}
	f, has := files[fileID]
	if !has {
		brandBadRequest(w, "The multipart field file is required.")
		return
	}
	user := callerFrom(r.Context()).userID
	if _, ok := api.brands.edit(w, id, func(cur brandRecord, now time.Time) (brandRecord, error) {
		_, exists := cur.files[fileID]
		switch {
		case replace && !exists:
			return cur, errNoBrandFile
		case !replace && exists:
			return cur, errBrandFileExists
		}
		files := make(map[string]brandFileData, len(cur.files)+1)
		maps.Copy(files, cur.files)
		files[fileID] = f
		cur.files = files
		cur.brand.UpdatedAt, cur.brand.UpdatedBy = formatTime(now), user
		return cur, nil
	}, nil, func(w http.ResponseWriter, err error) {
		if errors.Is(err, errNoBrandFile) {
			brandNotFound(w, "The brand has no "+fileID+" file to update; create it with POST.")
			return
		}
		brandBadRequest(w, "The brand has a "+fileID+" file already; update it with PUT.")
	}); ok {
		status := http.StatusCreated
		if replace {
			status = http.StatusOK
		}
		writeJSON(w, status, brandFileOf(id, fileID, f))
	}
}

// errNoBrandFile and errBrandFileExists refuse a file write to a brand that does not have the file, or has it.
var (
	errNoBrandFile     = errors.New("the brand has no such file")
	errBrandFileExists = errors.New("the brand has the file already")
)

func (api *brandsAPI) deleteFile(w http.ResponseWriter, r *http.Request) {
	id, fileID, _, ok := api.fileRequest(w, r)
	if !ok {
		return
	}
	if _, ok := api.brands.edit(w, id, func(cur brandRecord, now time.Time) (brandRecord, error) {
		if _, exists := cur.files[fileID]; !exists {
			return cur, errNoBrandFile
		}
		cur.files = maps.Clone(cur.files)
		delete(cur.files, fileID)
		cur.brand.UpdatedAt = formatTime(now)
		return cur, nil
	}, nil, func(w http.ResponseWriter, _ error) { brandNotFound(w, "The brand has no "+fileID+" file.") }); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

// list is GET /brands: limit 1 to 100 (default 5), sort by id, createdAt or updatedAt with an optional + or -
// (default -id), pages by startingAfter and endingBefore, which name a brand id of the previous page.
func (api *brandsAPI) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 5
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			brandBadRequest(w, "limit must be an integer from 1 to 100.")
			return
		}
		limit = n
	}
	sortParam := q.Get("sort")
	if sortParam == "" {
		sortParam = "-id"
	}
	field, desc := strings.CutPrefix(sortParam, "-")
	field = strings.TrimPrefix(field, "+")
	key := map[string]func(stored[brandRecord]) string{
		"id":        func(it stored[brandRecord]) string { return it.ID },
		"createdAt": func(it stored[brandRecord]) string { return fmt.Sprintf("%020d", it.Seq) },
		"updatedAt": func(it stored[brandRecord]) string { return it.Val.brand.UpdatedAt + fmt.Sprintf("%020d", it.Seq) },
	}[field]
	if key == nil {
		brandBadRequest(w, "sort must be one of id, createdAt, updatedAt, optionally prefixed with + or -.")
		return
	}
	items := api.t.brands.brands.list(time.Now(), false)
	sort.SliceStable(items, func(i, j int) bool {
		if desc {
			return key(items[i]) > key(items[j])
		}
		return key(items[i]) < key(items[j])
	})
	all := make([]Brand, 0, len(items))
	for _, it := range items {
		all = append(all, it.Val.render())
	}
	after, before := q.Get("startingAfter"), q.Get("endingBefore")
	if after != "" && before != "" {
		brandBadRequest(w, "Give startingAfter or endingBefore, not both.")
		return
	}
	start, end, unknown := idPage(all, func(b Brand) string { return b.ID }, limit, after, before)
	if unknown != "" {
		brandBadRequest(w, unknown+" names no brand.")
		return
	}
	page := all[start:end]
	link := func(set, id string) *Link {
		v := url.Values{}
		v.Set("limit", strconv.Itoa(limit))
		v.Set("sort", sortParam)
		if set != "" {
			v.Set(set, id)
		}
		return &Link{Href: api.h.url + brandsPath + "?" + v.Encode()}
	}
	resp := listPage[Brand]{Data: page, Links: listLinks{Self: *link("", "")}}
	if resp.Data == nil {
		resp.Data = []Brand{}
	}
	if end < len(all) && len(page) > 0 {
		resp.Links.Next = link("startingAfter", page[len(page)-1].ID)
	}
	if start > 0 && len(page) > 0 {
		resp.Links.Prev = link("endingBefore", page[0].ID)
	}
	writeJSON(w, http.StatusOK, resp)
}
