package qlik

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strconv"
	"strings"
)

const tempContentsPath = "/api/v1/temp-contents"

// tempContentTTL is the lifetime asked for uploaded files, in seconds: long enough for an import that waits
// behind rate limits, short enough that a file orphaned by a failed apply does not linger (temp-contents.json,
// operation TempContentsPost: ttl 1 to 259200 seconds, default 3600).
const tempContentTTL = 3 * 3600

// DownloadTempContent streams the file at location (the Location of an export: a path on this client's host,
// such as /api/v1/temp-contents/{id}, or an absolute URL on the same host) into f from its current end, and
// returns the number of bytes written. A download that breaks off is resumed with a Range request from the
// last byte received, so a flaky connection does not restart a large file; a server that ignores Range gets a
// fresh start. f is written sequentially; nothing is held in memory.
func (c *Client) DownloadTempContent(ctx context.Context, location string, f *os.File) (int64, error) {
	if strings.TrimSpace(location) == "" {
		return 0, errors.New("qlik: DownloadTempContent needs a location")
	}
	var written int64
	var lastErr error
	for attempt := 0; ; attempt++ {
		hdr := http.Header{}
		if written > 0 {
			hdr.Set("Range", "bytes="+strconv.FormatInt(written, 10)+"-")
		}
		res, err := c.do(ctx, &request{method: http.MethodGet, path: location, header: hdr, raw: true, longTransfer: true})
		if err != nil {
			if lastErr != nil {
				return written, fmt.Errorf("%w (resuming after: %w)", err, lastErr)
			}
			return written, err
		}
		if written > 0 && res.StatusCode != http.StatusPartialContent {
			// The server sent the whole file again: start over.
			if err := restartFile(f); err != nil {
				_ = res.Body.Close()
				return 0, err
			}
			written = 0
		}
		n, err := io.Copy(f, res.Body)
		_ = res.Body.Close()
		written += n
		if err == nil {
			return written, nil
		}
		if ctx.Err() != nil {
			return written, fmt.Errorf("qlik: downloading %s: %w", location, ctx.Err())
		}
		var we *os.PathError
		if errors.As(err, &we) {
			return written, fmt.Errorf("qlik: writing download of %s: %w", location, err)
		}
		lastErr = err
		if attempt >= c.core.cfg.MaxRetries {
			return written, fmt.Errorf("qlik: downloading %s broke off after %d bytes: %w", location, written, err)
		}
		c.core.log.debug(ctx, "qlik: download broke off; resuming with a Range request", map[string]any{
			"host": c.ep.host, "location": location, "bytes": written, "error": err.Error(),
		})
		if serr := sleepCtx(ctx, jitterBackoff(c.core.cfg.RetryWaitMin, c.core.cfg.RetryWaitMax, attempt)); serr != nil {
			return written, fmt.Errorf("qlik: downloading %s: %w", location, serr)
		}
	}
}

func restartFile(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return fmt.Errorf("qlik: restarting download: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("qlik: restarting download: %w", err)
	}
	return nil
}

// UploadTempContent calls POST /api/v1/temp-contents?filename=&ttl= with the file at localPath as the body and
// returns the id of the new temporary file. The body is streamed from disk and reopened for every attempt, so a
// retry never needs the file in memory. Uploads are retried like reads: an orphaned temporary file expires on its
// own, so a duplicate costs nothing.
func (c *Client) UploadTempContent(ctx context.Context, filename, localPath string) (string, error) {
	st, err := os.Stat(localPath)
	if err != nil {
		return "", fmt.Errorf("qlik: upload: %w", err)
	}
	q := url.Values{}
	q.Set("filename", filename)
	q.Set("ttl", strconv.Itoa(tempContentTTL))
	res, err := c.do(ctx, &request{
		method: http.MethodPost, path: tempContentsPath, query: q,
		stream:      func() (io.ReadCloser, error) { return os.Open(localPath) },
		streamLen:   st.Size(),
		contentType: "application/octet-stream",
		idempotent:  true, longTransfer: true,
	})
	if err != nil {
		return "", err
	}
	id, err := tempContentID(res.Header.Get("Location"))
	if err != nil {
		return "", fmt.Errorf("qlik: POST %s: %w", tempContentsPath, err)
	}
	return id, nil
}

// tempContentID takes the id out of a temporary content Location (a path or an absolute URL ending in the id).
func tempContentID(location string) (string, error) {
	if location == "" {
		return "", errors.New("the answer has no Location header")
	}
	u, err := url.Parse(location)
	if err != nil {
		return "", fmt.Errorf("invalid Location %q: %w", location, err)
	}
	id := path.Base(u.Path)
	if id == "" || id == "." || id == "/" {
		return "", fmt.Errorf("the Location %q names no temporary content", location)
	}
	return id, nil
}
