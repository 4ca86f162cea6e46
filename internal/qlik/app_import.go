package qlik

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrSourceChanged matches (errors.Is) the error of ImportAppOnce when the file no longer has the hash the caller
// planned with; nothing was uploaded.
var ErrSourceChanged = errors.New("qlik: the app file changed since it was hashed")

// AppImportRequest is one import of an app file (QVF) from local disk into a space of the view's tenant.
type AppImportRequest struct {
	// Path is the file on local disk. It is streamed from disk, never read into memory.
	Path string
	// SHA256 is the hex SHA-256 of the file the caller planned with. The file is hashed again before the upload
	// and a different hash fails with ErrSourceChanged; empty skips the check.
	SHA256 string
	// Name is the app's final name; the app carries its marker name (AppImportMarker) until the caller renames
	// it.
	Name    string
	SpaceID string
}

// AppImportMarker is the name an imported app carries until it is complete: derived from the file's hash, the
// target tenant, space and final name, so a later run of the same import finds an app left behind by an
// interrupted one, and two different imports (another file, another space) never share it.
func AppImportMarker(sha, dstHost, spaceID, name string) string {
	return markedName(name, "importing", "import", sha, dstHost, spaceID, name)
}

// markedName is name followed by "[doing hash]", the hash derived from key: the same key always makes the same
// name, and different keys different ones.
func markedName(name, doing string, key ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(key, "\x00")))
	return fmt.Sprintf("%s [%s %s]", name, doing, hex.EncodeToString(sum[:6]))
}

// FileSHA256 returns the hex SHA-256 and the size of the file at path, read in small blocks (memory stays flat
// whatever the file's size).
func FileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer func() { _ = f.Close() }()
	return readSHA256(f)
}

// readSHA256 returns the hex SHA-256 and the length of what r reads, read in small blocks.
func readSHA256(r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// ImportAppOnce imports the file req.Path into the target space under its marker name, or adopts the marked app
// an earlier, interrupted run left there, so that an import is never made twice; the caller renames the result
// once it is in its state. The space is read first (ErrNoTargetSpace), then the file is hashed and compared with
// req.SHA256 (ErrSourceChanged), uploaded to the tenant's temporary contents (streamed from disk, reopened for
// every attempt) and imported by its fileId (POST /api/v1/apps/import, mode NEW: apps.json reserves
// AUTOREPLACE for Qlik's internal use, so an import always makes a new app).
func (c *Client) ImportAppOnce(ctx context.Context, req AppImportRequest) (*App, *TransferInfo, error) {
	if strings.TrimSpace(req.Path) == "" {
		return nil, nil, errors.New("qlik: ImportAppOnce needs a file path")
	}
	if err := c.checkTargetSpace(ctx, req.SpaceID); err != nil {
		return nil, nil, err
	}
	sum, n, err := FileSHA256(req.Path)
	if err != nil {
		return nil, nil, fmt.Errorf("qlik: reading the app file: %w", err)
	}
	info := &TransferInfo{Bytes: n, SHA256: sum}
	if req.SHA256 != "" && !strings.EqualFold(req.SHA256, sum) {
		return nil, info, fmt.Errorf("%w: %s has SHA-256 %s, planned with %s", ErrSourceChanged, req.Path, sum, req.SHA256)
	}
	marker := AppImportMarker(sum, c.Hostname(), req.SpaceID, req.Name)
	if found, err := c.adoptMarkedApp(ctx, marker, req.SpaceID); err != nil || found != nil {
		return found, info, err
	}
	fileID, err := c.UploadTempContent(ctx, filepath.Base(req.Path), req.Path)
	if err != nil {
		return nil, info, err
	}
	app, err := c.ImportApp(ctx, ImportAppRequest{FileID: fileID, Name: marker, SpaceID: req.SpaceID, UniqueName: true})
	if err != nil {
		return nil, info, err
	}
	c.core.log.debug(ctx, "qlik: app imported from a file", map[string]any{"bytes": n, "sha256": sum, "id": app.Attributes.ID, "host": c.ep.host})
	return app, info, nil
}
