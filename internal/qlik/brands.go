package qlik

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
)

const brandsPath = "/api/v1/brands"

// Brand is a tenant's custom branding (brands.json, schema Brand): a name, a description and its files. One brand
// per tenant is active.
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

// BrandFile is one file of a brand (brands.json BrandFile); ID is BrandLogo, BrandFavIcon or styles.
type BrandFile struct {
	ID          string `json:"id"`
	ETag        string `json:"eTag"`
	Path        string `json:"path"`
	ContentType string `json:"contentType"`
}

// File returns the brand's file with the given id, or nil.
func (b *Brand) File(id string) *BrandFile {
	for i := range b.Files {
		if b.Files[i].ID == id {
			return &b.Files[i]
		}
	}
	return nil
}

// The brand files the provider manages, by their id in the API.
const (
	BrandLogo    = "logo"
	BrandFavIcon = "favIcon"
)

// Qlik's limits of brand files (brands.json, postBrands): a logo is "a JPG or PNG file ... Maximum size of 300
// KB", a favicon "a properly formatted ICO file. Maximum size is 100 KB". A KB is taken as 1,000 bytes, the
// stricter reading.
const (
	BrandLogoMaxBytes    = 300_000
	BrandFavIconMaxBytes = 100_000
)

// CheckBrandFile checks a brand file before it is sent: its size against Qlik's limit and its type by its first
// bytes (head; 8 are enough): PNG or JPEG for a logo, ICO for a favicon. It returns the content type to send.
func CheckBrandFile(fileID string, size int64, head []byte) (string, error) {
	limit := map[string]int64{BrandLogo: BrandLogoMaxBytes, BrandFavIcon: BrandFavIconMaxBytes}[fileID]
	if limit == 0 {
		return "", fmt.Errorf("qlik: unknown brand file %q", fileID)
	}
	if size == 0 {
		return "", errors.New("the file is empty")
	}
	if size > limit {
		return "", fmt.Errorf("the file is %d bytes; Qlik accepts a %s of at most %d bytes", size, brandFileWords[fileID], limit)
	}
	switch {
	case fileID == BrandLogo && bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", nil
	case fileID == BrandLogo && bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", nil
	case fileID == BrandLogo:
		return "", errors.New("the file is neither PNG nor JPEG; Qlik accepts a logo as a PNG or JPG file")
	case bytes.HasPrefix(head, []byte{0, 0, 1, 0}):
		return "image/x-icon", nil
	default:
		return "", errors.New("the file is not an ICO file; Qlik accepts a favicon as an ICO file")
	}
}

var brandFileWords = map[string]string{BrandLogo: "logo", BrandFavIcon: "favicon"}

// BrandCreateRequest is the form of POST /api/v1/brands. Files maps a file id (BrandLogo, BrandFavIcon) to a path
// on local disk.
type BrandCreateRequest struct {
	Name        string
	Description string
	Files       map[string]string
}

// BrandUpdateRequest lists the fields to change; nil leaves a field as is.
type BrandUpdateRequest struct {
	Name        *string
	Description *string
}

func brandPath(id string) string { return itemPath(brandsPath, id) }

func brandFilePath(id, fileID string) string {
	return itemPath(brandPath(id)+"/files", fileID)
}

// CreateBrand calls POST /api/v1/brands (multipart/form-data, 201 Brand). A create whose outcome is unknown is
// resolved by looking the brand up by name (FindBrand).
func (c *Client) CreateBrand(ctx context.Context, req BrandCreateRequest) (*Brand, error) {
	fields := [][2]string{{"name", req.Name}}
	if req.Description != "" {
		fields = append(fields, [2]string{"description", req.Description})
	}
	var files []formFile
	for _, id := range []string{BrandLogo, BrandFavIcon} {
		if p, ok := req.Files[id]; ok {
			files = append(files, formFile{field: id, path: p})
		}
	}
	form, err := newForm(fields, files)
	if err != nil {
		return nil, err
	}
	return createWithRecovery(ctx, c, creation[Brand]{
		what: fmt.Sprintf("brand %q", req.Name),
		post: form.request(http.MethodPost, brandsPath),
		// Qlik keeps brand names unique nowhere (brands.json documents no 409).
		namesakes: func(ctx context.Context) ([]Brand, error) { return c.brandsNamed(ctx, req.Name) },
		proof: func(b *Brand) provenance {
			return provenance{id: b.ID, created: b.CreatedAt, creator: b.CreatedBy, differs: differsIn(
				same("name", b.Name, req.Name), same("description", b.Description, req.Description),
				same("files", len(b.Files), len(files)))}
		},
		path: brandPath,
	})
}

// GetBrand calls GET /api/v1/brands/{brand-id}.
func (c *Client) GetBrand(ctx context.Context, id string) (*Brand, error) {
	return getObject[Brand](ctx, c, "brand", id, brandPath)
}

// ListBrands calls GET /api/v1/brands, every page (startingAfter).
func (c *Client) ListBrands(ctx context.Context) ([]Brand, error) {
	return listAllStartingAfter(ctx, c, brandsPath, url.Values{"sort": {"createdAt"}}, 100, func(b Brand) string { return b.ID })
}

// FindBrand returns the one brand named name, or a *NotFoundError. Qlik does not keep brand names unique; more
// than one is an error.
func (c *Client) FindBrand(ctx context.Context, name string) (*Brand, error) {
	if name == "" {
		return nil, errors.New("qlik: FindBrand needs a name")
	}
	match, err := c.brandsNamed(ctx, name)
	if err != nil {
		return nil, err
	}
	return theOne(match, func() error { return c.notFound("brand named %q", name) },
		func(n int) error { return fmt.Errorf("qlik: %d brands are named %q on %s", n, name, c.ep.host) })
}

// UpdateBrand calls PATCH /api/v1/brands/{brand-id} (204) with a replace per field to change, then reads the
// brand. With nothing to change it only reads it.
func (c *Client) UpdateBrand(ctx context.Context, id string, req BrandUpdateRequest) (*Brand, error) {
	var p jsonPatch
	replaceIfSet(&p, "/name", req.Name)
	replaceIfSet(&p, "/description", req.Description)
	return patchThenGet[Brand](ctx, c, "brand", id, brandPath, p)
}

// DeleteBrand calls DELETE /api/v1/brands/{brand-id} (204). Deleting the active brand returns the tenant to Qlik's
// default branding.
func (c *Client) DeleteBrand(ctx context.Context, id string) error {
	return deleteObject(ctx, c, "brand", id, brandPath)
}

// SetBrandActive calls POST /api/v1/brands/{brand-id}/actions/activate or .../deactivate (200 Brand). Activating
// a brand deactivates any other; either is a no-op when the brand is already so.
func (c *Client) SetBrandActive(ctx context.Context, id string, active bool) (*Brand, error) {
	if err := checkID("brand", id); err != nil {
		return nil, err
	}
	action := "deactivate"
	if active {
		action = "activate"
	}
	return doJSON[Brand](ctx, c, &request{method: http.MethodPost, path: brandPath(id) + "/actions/" + action, idempotent: true})
}

// SetBrandFile uploads the file at localPath as the brand's file fileID: PUT /api/v1/brands/{brand-id}/files/{id}
// when the brand has it (replace), else POST (multipart field file). Both are retried like PUTs: the upload
// replaces the file whole.
func (c *Client) SetBrandFile(ctx context.Context, id, fileID, localPath string, replace bool) (*BrandFile, error) {
	if err := checkID("brand", id); err != nil {
		return nil, err
	}
	form, err := newForm(nil, []formFile{{field: "file", path: localPath, check: fileID}})
	if err != nil {
		return nil, err
	}
	method := http.MethodPost
	if replace {
		method = http.MethodPut
	}
	r := form.request(method, brandFilePath(id, fileID))
	r.idempotent = true
	return doJSON[BrandFile](ctx, c, r)
}

// DeleteBrandFile calls DELETE /api/v1/brands/{brand-id}/files/{brand-file-id} (204).
func (c *Client) DeleteBrandFile(ctx context.Context, id, fileID string) error {
	if err := checkID("brand", id); err != nil {
		return err
	}
	_, err := c.do(ctx, &request{method: http.MethodDelete, path: brandFilePath(id, fileID)})
	return err
}

// formFile is a file part of a multipart form: the form field, the file on disk and, for a brand file, the file id
// whose limits it must meet (check, the field name when empty).
type formFile struct {
	field, path, check string
}

// multipartForm is a multipart/form-data body built once from small files (brand files are at most 300 KB) and
// replayed on every attempt.
type multipartForm struct {
	body        []byte
	contentType string
}

func newForm(fields [][2]string, files []formFile) (*multipartForm, error) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, f := range fields {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(f.path)
		if err != nil {
			return nil, fmt.Errorf("qlik: reading %s: %w", f.path, err)
		}
		check := f.check
		if check == "" {
			check = f.field
		}
		ct, err := CheckBrandFile(check, int64(len(data)), data)
		if err != nil {
			return nil, fmt.Errorf("qlik: %s: %w", f.path, err)
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%s; filename=%s`, strconv.Quote(f.field), strconv.Quote(filepath.Base(f.path))))
		h.Set("Content-Type", ct)
		w, err := mw.CreatePart(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return &multipartForm{body: b.Bytes(), contentType: mw.FormDataContentType()}, nil
}

func (f *multipartForm) request(method, path string) *request {
	return &request{
		method: method, path: path, contentType: f.contentType, streamLen: int64(len(f.body)),
		stream: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(f.body)), nil },
	}
}

// brandsNamed returns the brands named name.
func (c *Client) brandsNamed(ctx context.Context, name string) ([]Brand, error) {
	all, err := c.ListBrands(ctx)
	if err != nil {
		return nil, err
	}
	return matching(all, func(b *Brand) bool { return b.Name == name }), nil
}
