package qliksim

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// Themes and extensions (themes.json, extensions.json): a zip archive with a .qext file (JSON naming the theme or
// extension and its type) uploaded as multipart/form-data (field file, and optionally data, a JSON object of
// fields). Documented by Qlik: create answers 201, "the name of the new theme (extension) must be different to any
// existing" (409), an invalid payload is 415 or 422, {id} is the id "or its qextFilename", delete is a soft delete
// (204) after which the object is gone (410), PATCH answers 200 (themes: the themes list object, extensions: the
// extension), GET {id}/file downloads the archive. Errors are one object (schema error: code, title, status as a
// number, meta.message, traceId). The simulator's assumptions: the unique name is the qextFilename (the .qext file's
// base name), compared case-insensitively; an archive that is not a zip, has no .qext or more than one, a .qext that
// is not JSON or lacks a name, or a type that does not fit (themes take type "theme", extensions anything else) is
// 422; archives are limited to 64 MiB; createdAt and updateAt are timestamps although the files type them as
// dates; a deleted object answers 410 on GET, PATCH and DELETE until the simulator stops.

const archiveMaxBytes = 64 << 20

// archiveKind is themes or extensions.
type archiveKind struct {
	path string // /api/v1/themes
	noun string // theme
	// theme says the archive must be a theme (qext type "theme"); otherwise it must not be one.
	theme bool
}

var (
	themesKind     = archiveKind{path: "/api/v1/themes", noun: "theme", theme: true}
	extensionsKind = archiveKind{path: "/api/v1/extensions", noun: "extension"}
)

// Extension is the simulator's wire form of extensions.json extension and themes.json theme (the extension's extra
// fields are left out for themes).
type Extension struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	Type         string         `json:"type"`
	Version      string         `json:"version,omitempty"`
	Description  string         `json:"description,omitempty"`
	Author       string         `json:"author,omitempty"`
	Icon         string         `json:"icon,omitempty"`
	QextFilename string         `json:"qextFilename"`
	QextVersion  string         `json:"qextVersion,omitempty"`
	Tags         []string       `json:"tags"`
	File         map[string]any `json:"file"`
	UserID       string         `json:"userId"`
	TenantID     string         `json:"tenantId"`
	CreatedAt    string         `json:"createdAt"`
	UpdateAt     string         `json:"updateAt"`
	Checksum     string         `json:"checksum,omitempty"`
}

type archiveRecord struct {
	ext     Extension
	archive []byte
	deleted bool
}

// archiveState holds a tenant's themes and extensions; mu makes uniqueness checks and writes one step.
type archiveState struct {
	mu    sync.Mutex
	items map[string]*collection[archiveRecord] // by kind path
}

func newArchiveState() *archiveState {
	return &archiveState{items: map[string]*collection[archiveRecord]{
		themesKind.path: newCollection[archiveRecord](), extensionsKind.path: newCollection[archiveRecord](),
	}}
}

type archiveAPI struct {
	tenantAPI
	kind archiveKind
	col  *collection[archiveRecord]
}

func (s *Server) registerThemesAndExtensionsRoutes(h *host) {
	for _, k := range []archiveKind{themesKind, extensionsKind} {
		api := &archiveAPI{tenantAPI: s.apiOn(h), kind: k, col: h.tenant.archives.items[k.path]}
		h.handleObjects(k.path, "id", objectRoutes{list: api.list, create: api.create, get: api.get, patch: api.patch, delete: api.delete})
		h.mux.HandleFunc("GET "+k.path+"/{id}/file", api.download)
		h.mux.HandleFunc("GET "+k.path+"/{id}/file/{filepath...}", api.downloadEntry)
	}
}

// archiveError writes themes.json's and extensions.json's error object.
func archiveError(w http.ResponseWriter, status int, code, title, message string) {
	writeJSON(w, status, map[string]any{
		"code": code, "title": title, "status": status, "traceId": randomHex(16),
		"meta": map[string]string{"message": message},
	})
}

// qext is what the simulator reads from an archive's .qext file.
type qext struct {
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Version     string   `json:"version"`
	Description string   `json:"description"`
	Author      string   `json:"author"`
	Icon        string   `json:"icon"`
	Keywords    string   `json:"keywords"`
	Tags        []string `json:"tags"`
}

// readArchive checks an uploaded archive and returns its .qext and the qext's base name.
func (k archiveKind) readArchive(data []byte) (qext, string, error) {
	var q qext
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return q, "", errors.New("the file is not a zip archive")
	}
	var found *zip.File
	for _, f := range zr.File {
		if strings.EqualFold(path.Ext(f.Name), ".qext") {
			if found != nil {
				return q, "", fmt.Errorf("the archive holds more than one .qext file (%s, %s)", found.Name, f.Name)
			}
			found = f
		}
	}
	if found == nil {
		return q, "", errors.New("the archive holds no .qext file")
	}
	rc, err := found.Open()
	if err != nil {
		return q, "", fmt.Errorf("%s cannot be read: %w", found.Name, err)
	}
	defer rc.Close()
	if err := json.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&q); err != nil {
		return q, "", fmt.Errorf("%s is not valid JSON: %w", found.Name, err)
	}
	switch {
	case strings.TrimSpace(q.Name) == "":
		return q, "", fmt.Errorf("%s has no name", found.Name)
	case k.theme && q.Type != "theme":
		return q, "", fmt.Errorf("%s has type %q; a theme has type \"theme\"", found.Name, q.Type)
	case !k.theme && (q.Type == "" || q.Type == "theme"):
		return q, "", fmt.Errorf("%s has type %q; an extension has a type such as \"visualization\" (themes go to /api/v1/themes)", found.Name, q.Type)
	}
	return q, strings.TrimSuffix(path.Base(found.Name), path.Ext(found.Name)), nil
}

// readUpload parses the multipart body: the archive (field file) and the optional data object.
func readUpload(r *http.Request) ([]byte, map[string]any, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return nil, nil, errors.New("the request body must be multipart/form-data")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, err
	}
	var file []byte
	var data map[string]any
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		b, err := io.ReadAll(io.LimitReader(p, archiveMaxBytes+1))
		_ = p.Close()
		if err != nil {
			return nil, nil, err
		}
		if len(b) > archiveMaxBytes {
			return nil, nil, fmt.Errorf("the archive exceeds %d bytes", archiveMaxBytes)
		}
		switch p.FormName() {
		case "file":
			file = b
		case "data":
			if err := json.Unmarshal(b, &data); err != nil {
				return nil, nil, fmt.Errorf("data is not a JSON object: %w", err)
			}
		}
	}
	return file, data, nil
}

// fromArchive fills the fields an archive decides.
func (k archiveKind) fromArchive(e *Extension, q qext, qextName string, archive []byte) {
	e.Name, e.Type, e.Version, e.Description, e.Author, e.Icon = q.Name, q.Type, q.Version, q.Description, q.Author, q.Icon
	e.QextFilename, e.QextVersion = qextName, q.Version
	e.Tags = append([]string{}, q.Tags...)
	sum := sha256.Sum256(archive)
	e.File = map[string]any{"name": qextName + ".zip", "size": len(archive)}
	if !k.theme {
		e.Checksum = hex.EncodeToString(sum[:])
	}
}

// find returns the object named by id or qextFilename; an object with the name that is not deleted wins over a
// deleted one.
func (api *archiveAPI) find(idOrName string, now time.Time) (stored[archiveRecord], bool) {
	var gone *stored[archiveRecord]
	for _, it := range api.col.list(now, false) {
		if it.ID == idOrName {
			return it, true
		}
		if strings.EqualFold(it.Val.ext.QextFilename, idOrName) {
			if !it.Val.deleted {
				return it, true
			}
			gone = &it
		}
	}
	if gone != nil {
		return *gone, true
	}
	return stored[archiveRecord]{}, false
}

func (api *archiveAPI) clash(qextName, except string, now time.Time) bool {
	for _, it := range api.col.list(now, true) {
		if it.ID != except && !it.Val.deleted && strings.EqualFold(it.Val.ext.QextFilename, qextName) {
			return true
		}
	}
	return false
}

func (api *archiveAPI) unprocessable(w http.ResponseWriter, err error) {
	archiveError(w, http.StatusUnprocessableEntity, "HTTP-422", "Unprocessable Entity", "Invalid "+api.kind.noun+": "+err.Error()+".")
}

func (api *archiveAPI) create(w http.ResponseWriter, r *http.Request) {
	file, data, err := readUpload(r)
	if err != nil {
		archiveError(w, http.StatusUnsupportedMediaType, "HTTP-415", "Unsupported Media Type", err.Error()+".")
		return
	}
	if file == nil {
		api.unprocessable(w, errors.New("the request has no file"))
		return
	}
	q, qextName, err := api.kind.readArchive(file)
	if err != nil {
		api.unprocessable(w, err)
		return
	}
	now := time.Now()
	rec := archiveRecord{archive: file, ext: Extension{
		ID: newObjectID(), UserID: callerFrom(r.Context()).userID, TenantID: api.t.id,
		CreatedAt: formatTime(now), UpdateAt: formatTime(now),
	}}
	api.kind.fromArchive(&rec.ext, q, qextName, file)
	applyData(&rec.ext, data)
	api.t.archives.mu.Lock()
	defer api.t.archives.mu.Unlock()
	if api.clash(qextName, "", now) {
		archiveError(w, http.StatusConflict, "HTTP-409", "Conflict", fmt.Sprintf("A %s named %q already exists.", api.kind.noun, qextName))
		return
	}
	if err := api.col.insert(rec.ext.ID, rec, now.Add(api.s.opts.VisibilityDelay), nil); err != nil {
		archiveError(w, http.StatusConflict, "HTTP-409", "Conflict", err.Error())
		return
	}
	writeJSON(w, http.StatusCreated, rec.ext)
}

// applyData takes the fields of the data part that the archive does not decide.
func applyData(e *Extension, data map[string]any) {
	for k, v := range data {
		s, _ := v.(string)
		switch k {
		case "description":
			e.Description = s
		case "icon":
			e.Icon = s
		}
	}
}

// lookup resolves {id}; a deleted object answers 410, an unknown one 404.
func (api *archiveAPI) lookup(w http.ResponseWriter, r *http.Request) (stored[archiveRecord], bool) {
	id := r.PathValue("id")
	now := time.Now()
	it, ok := api.find(id, now)
	switch {
	case ok && it.Val.deleted:
		archiveError(w, http.StatusGone, "HTTP-410", "Gone", fmt.Sprintf("The %s %s has been deleted.", api.kind.noun, id))
		return it, false
	case !ok:
		archiveError(w, http.StatusNotFound, "HTTP-404", "Not Found", fmt.Sprintf("No %s with id or name %s.", api.kind.noun, id))
		return it, false
	}
	return it, true
}

func (api *archiveAPI) get(w http.ResponseWriter, r *http.Request) {
	if it, ok := api.lookup(w, r); ok {
		writeJSON(w, http.StatusOK, it.Val.ext)
	}
}

func (api *archiveAPI) list(w http.ResponseWriter, _ *http.Request) {
	out := struct {
		Data []Extension `json:"data"`
	}{Data: []Extension{}}
	for _, it := range api.col.list(time.Now(), false) {
		if !it.Val.deleted {
			out.Data = append(out.Data, it.Val.ext)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (api *archiveAPI) patch(w http.ResponseWriter, r *http.Request) {
	it, ok := api.lookup(w, r)
	if !ok {
		return
	}
	file, data, err := readUpload(r)
	if err != nil {
		archiveError(w, http.StatusUnsupportedMediaType, "HTTP-415", "Unsupported Media Type", err.Error()+".")
		return
	}
	var q qext
	var qextName string
	if file != nil {
		if q, qextName, err = api.kind.readArchive(file); err != nil {
			api.unprocessable(w, err)
			return
		}
	}
	now := time.Now()
	api.t.archives.mu.Lock()
	defer api.t.archives.mu.Unlock()
	if file != nil && api.clash(qextName, it.ID, now) {
		archiveError(w, http.StatusConflict, "HTTP-409", "Conflict", fmt.Sprintf("A %s named %q already exists.", api.kind.noun, qextName))
		return
	}
	updated, err := api.col.update(it.ID, now, false, func(cur archiveRecord) (archiveRecord, error) {
		if file != nil {
			api.kind.fromArchive(&cur.ext, q, qextName, file)
			cur.archive = file
		}
		applyData(&cur.ext, data)
		cur.ext.UpdateAt = formatTime(now)
		return cur, nil
	}, nil)
	if err != nil {
		archiveError(w, http.StatusNotFound, "HTTP-404", "Not Found", err.Error())
		return
	}
	if api.kind.theme {
		writeJSON(w, http.StatusOK, struct {
			Data []Extension `json:"data"`
		}{Data: []Extension{updated.ext}})
		return
	}
	writeJSON(w, http.StatusOK, updated.ext)
}

// delete is a soft delete: the object answers 410 from then on.
func (api *archiveAPI) delete(w http.ResponseWriter, r *http.Request) {
	it, ok := api.lookup(w, r)
	if !ok {
		return
	}
	_, _ = api.col.update(it.ID, time.Now(), false, func(cur archiveRecord) (archiveRecord, error) {
		cur.deleted = true
		return cur, nil
	}, nil)
	w.WriteHeader(http.StatusNoContent)
}

func (api *archiveAPI) download(w http.ResponseWriter, r *http.Request) {
	it, ok := api.lookup(w, r)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(it.Val.archive)
}

func (api *archiveAPI) downloadEntry(w http.ResponseWriter, r *http.Request) {
	it, ok := api.lookup(w, r)
	if !ok {
		return
	}
	name := r.PathValue("filepath")
	zr, err := zip.NewReader(bytes.NewReader(it.Val.archive), int64(len(it.Val.archive)))
	if err == nil {
		for _, f := range zr.File {
			if f.Name == name {
				rc, err := f.Open()
				if err != nil {
					break
				}
				defer rc.Close()
				w.Header().Set("Content-Type", "application/octet-stream")
				w.WriteHeader(http.StatusOK)
				_, _ = io.Copy(w, rc)
				return
			}
		}
	}
	archiveError(w, http.StatusNotFound, "HTTP-404", "Not Found", "The archive holds no file "+name+".")
}
