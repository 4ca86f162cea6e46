package qlik

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ArchiveKind is one of the two APIs that take zip archives described by a .qext file: Themes and Extensions.
type ArchiveKind struct {
	path string
	// Noun names one object of the kind ("theme").
	Noun  string
	theme bool
}

var (
	// Themes is /api/v1/themes (themes.json).
	Themes = ArchiveKind{path: "/api/v1/themes", Noun: "theme", theme: true}
	// Extensions is /api/v1/extensions (extensions.json).
	Extensions = ArchiveKind{path: "/api/v1/extensions", Noun: "extension"}
)

// Extension is a theme or an extension as Qlik returns it (themes.json theme, extensions.json extension).
// QextFilename, the base name of the archive's .qext file, is its unique name in the tenant.
type Extension struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Type         string `json:"type"`
	Version      string `json:"version"`
	Description  string `json:"description"`
	Author       string `json:"author"`
	QextFilename string `json:"qextFilename"`
	UserID       string `json:"userId"`
	CreatedAt    string `json:"createdAt"`
	UpdateAt     string `json:"updateAt"`
}

// Qext is what an archive's .qext file says about it.
type Qext struct {
	// File is the .qext file's base name without extension: the archive's unique name in a tenant.
	File    string
	Name    string `json:"name"`
	Type    string `json:"type"`
	Version string `json:"version"`
}

// ReadQext checks that the file at p is a zip archive of the kind (a theme's .qext has type "theme", an
// extension's any other type) with exactly one .qext file, and returns what it says. Only the archive's directory
// and the .qext are read.
func ReadQext(kind ArchiveKind, p string) (Qext, error) {
	var q Qext
	zr, err := zip.OpenReader(p)
	if err != nil {
		return q, fmt.Errorf("%s is not a zip archive: Qlik takes a %s as a zip file with a .qext file", p, kind.Noun)
	}
	defer func() { _ = zr.Close() }()
	var found *zip.File
	for _, f := range zr.File {
		if strings.EqualFold(path.Ext(f.Name), ".qext") {
			if found != nil {
				return q, fmt.Errorf("%s holds more than one .qext file (%s, %s); a %s archive holds one", p, found.Name, f.Name, kind.Noun)
			}
			found = f
		}
	}
	if found == nil {
		return q, fmt.Errorf("%s holds no .qext file; a %s archive describes itself in one", p, kind.Noun)
	}
	rc, err := found.Open()
	if err != nil {
		return q, fmt.Errorf("%s: %s: %w", p, found.Name, err)
	}
	defer func() { _ = rc.Close() }()
	if err := json.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&q); err != nil {
		return q, fmt.Errorf("%s: %s is not valid JSON: %w", p, found.Name, err)
	}
	q.File = strings.TrimSuffix(path.Base(found.Name), path.Ext(found.Name))
	switch {
	case strings.TrimSpace(q.Name) == "":
		return q, fmt.Errorf("%s: %s has no name", p, found.Name)
	case kind.theme && q.Type != "theme":
		return q, fmt.Errorf("%s: %s has type %q; a theme's type is \"theme\" (use qlik_extension for other types)", p, found.Name, q.Type)
	case !kind.theme && (q.Type == "" || q.Type == "theme"):
		return q, fmt.Errorf("%s: %s has type %q; an extension's type is, for example, \"visualization\" (use qlik_theme for themes)", p, found.Name, q.Type)
	}
	return q, nil
}

func (k ArchiveKind) objectPath(id string) string { return itemPath(k.path, id) }

// CreateExtension uploads the archive at p as a new theme or extension (POST, multipart field file, 201). The
// archive streams from disk. A create whose outcome is unknown is resolved by the archive's unique qext name.
func (c *Client) CreateExtension(ctx context.Context, kind ArchiveKind, p string) (*Extension, error) {
	q, err := ReadQext(kind, p)
	if err != nil {
		return nil, err
	}
	post, err := archiveUpload(http.MethodPost, kind.path, p)
	if err != nil {
		return nil, err
	}
	return createWithRecovery(ctx, c, creation[Extension]{
		what: fmt.Sprintf("%s %q", kind.Noun, q.File),
		post: post,
		find: func(ctx context.Context) (*Extension, error) { return c.FindExtension(ctx, kind, q.File) },
		proof: func(x *Extension) provenance {
			return provenance{id: x.ID, created: x.CreatedAt, creator: x.UserID, differs: differsIn(
				same("name", x.Name, q.Name), same("version", x.Version, q.Version))}
		},
		path: kind.objectPath,
	})
}

// GetExtension calls GET /api/v1/themes/{id} or /api/v1/extensions/{id}. A deleted object (410, Qlik deletes
// softly) is reported as not found.
func (c *Client) GetExtension(ctx context.Context, kind ArchiveKind, id string) (*Extension, error) {
	x, err := getObject[Extension](ctx, c, kind.Noun, id, kind.objectPath)
	if isGone(err) {
		return nil, goneAsNotFound(err)
	}
	return x, err
}

// goneAsNotFound makes a 410 match ErrNotFound, keeping Qlik's code, title and trace id.
func goneAsNotFound(err error) error {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		cp := *apiErr
		cp.StatusCode = http.StatusNotFound
		return &goneError{APIError: &cp, gone: apiErr}
	}
	return err
}

// goneError is a 410 that matches ErrNotFound; its message is the original answer's.
type goneError struct {
	*APIError
	gone *APIError
}

func (e *goneError) Error() string { return e.gone.Error() }
func (e *goneError) Unwrap() error { return e.APIError }

// ListExtensions calls GET /api/v1/themes or /api/v1/extensions (one page: the APIs do not paginate).
func (c *Client) ListExtensions(ctx context.Context, kind ArchiveKind) ([]Extension, error) {
	var page struct {
		Data []Extension `json:"data"`
	}
	if _, err := c.do(ctx, &request{method: http.MethodGet, path: kind.path, out: &page}); err != nil {
		return nil, err
	}
	return page.Data, nil
}

// FindExtension returns the theme or extension whose qext name is name (case-insensitive, as Qlik keeps it
// unique), or a *NotFoundError.
func (c *Client) FindExtension(ctx context.Context, kind ArchiveKind, name string) (*Extension, error) {
	all, err := c.ListExtensions(ctx, kind)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if strings.EqualFold(all[i].QextFilename, name) {
			return &all[i], nil
		}
	}
	return nil, c.notFound("%s named %q", kind.Noun, name)
}

// UpdateExtension uploads the archive at p in place of the theme's or extension's (PATCH, multipart field file,
// 200), then reads it (themes answer the list object, extensions the extension). Uploading the same archive twice
// leaves the same result, so the PATCH is retried like a PUT.
func (c *Client) UpdateExtension(ctx context.Context, kind ArchiveKind, id, p string) (*Extension, error) {
	if err := checkID(kind.Noun, id); err != nil {
		return nil, err
	}
	if _, err := ReadQext(kind, p); err != nil {
		return nil, err
	}
	r, err := archiveUpload(http.MethodPatch, kind.objectPath(id), p)
	if err != nil {
		return nil, err
	}
	if _, err := c.do(ctx, r); err != nil {
		return nil, err
	}
	return c.GetExtension(ctx, kind, id)
}

// DeleteExtension calls DELETE /api/v1/themes/{id} or /api/v1/extensions/{id} (204); a 410 (deleted already)
// counts as not found.
func (c *Client) DeleteExtension(ctx context.Context, kind ArchiveKind, id string) error {
	err := deleteObject(ctx, c, kind.Noun, id, kind.objectPath)
	if isGone(err) {
		return goneAsNotFound(err)
	}
	return err
}

// archiveUpload is a multipart request whose file part streams from disk: the form's head and tail are built
// once, the file is reopened for every attempt, and the length is known, so memory stays flat whatever the
// archive's size.
func archiveUpload(method, apiPath, p string) (*request, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("qlik: %w", err)
	}
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filepath.Base(p)))
	h.Set("Content-Type", "application/zip")
	if _, err := mw.CreatePart(h); err != nil {
		return nil, err
	}
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	prefix := head.Bytes()
	return &request{
		method: method, path: apiPath, contentType: mw.FormDataContentType(),
		streamLen: int64(len(prefix)) + st.Size() + int64(len(tail)),
		stream: func() (io.ReadCloser, error) {
			f, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			return struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(prefix), f, strings.NewReader(tail)), f}, nil
		},
		idempotent: method != http.MethodPost,
	}, nil
}
