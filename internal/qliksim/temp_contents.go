package qliksim

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Temporary contents (temp-contents.json): the exchange area between app export and import. Files are never held in
// memory: synthetic app content is generated on the fly from a seed, and uploads are spooled to a directory the
// server removes on Close, so the simulator can move gigabyte apps with flat memory.

const (
	tempContentsPath       = "/api/v1/temp-contents"
	tempContentDefaultTTL  = 3600
	tempContentMaxTTL      = 259200
	codeTempContentMissing = "TEMPCONTENTS-404"
	codeTempContentGone    = "TEMPCONTENTS-410"
	codeTempContentBad     = "TEMPCONTENTS-400"
)

// tempContentErrors: code, title, detail, meta; traceId (temp-contents.json Errors).
var tempContentErrors = errorStyle{status: statusAbsent, traceID: true}

// content describes the bytes of an app or a temporary file without holding them: either a synthetic stream
// (seed) or a spooled file on disk.
type content struct {
	size int64
	seed uint64
	file string
}

// open returns a reader that supports Seek, for Range requests.
func (c content) open() (io.ReadSeekCloser, error) {
	if c.file != "" {
		f, err := os.Open(c.file)
		if err != nil {
			return nil, fmt.Errorf("qliksim: open spooled content: %w", err)
		}
		return f, nil
	}
	return &synthReader{seed: c.seed, size: c.size}, nil
}

// checksum streams the content through SHA-256.
func (c content) checksum() (string, error) {
	r, err := c.open()
	if err != nil {
		return "", err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", fmt.Errorf("qliksim: hashing content: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// qvfMagic opens every synthetic file, so a test that receives something else (an error page, a JSON body) sees
// it at once.
var qvfMagic = []byte("QLIKSIM-QVF\x00")

// synthReader produces a deterministic byte stream: after the magic, 8-byte word w of the file is splitmix64(seed
// + w). Any offset can be produced without generating what precedes it, so Range requests are cheap.
type synthReader struct {
	seed uint64
	size int64
	off  int64
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (r *synthReader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	if rem := r.size - r.off; int64(len(p)) > rem {
		p = p[:rem]
	}
	n := 0
	var word [8]byte
	for n < len(p) {
		pos := r.off + int64(n)
		if pos < int64(len(qvfMagic)) {
			n += copy(p[n:], qvfMagic[pos:])
			continue
		}
		w := uint64(pos / 8)
		binary.LittleEndian.PutUint64(word[:], splitmix64(r.seed+w))
		n += copy(p[n:], word[pos%8:])
	}
	r.off += int64(n)
	return n, nil
}

func (r *synthReader) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = r.off + offset
	case io.SeekEnd:
		abs = r.size + offset
	default:
		return 0, errors.New("qliksim: invalid whence")
	}
	if abs < 0 {
		return 0, errors.New("qliksim: negative position")
	}
	r.off = abs
	return abs, nil
}

func (r *synthReader) Close() error { return nil }

// tempContent is one stored temporary file.
type tempContent struct {
	id        string
	name      string
	data      content
	createdAt time.Time
	expires   time.Time
	creatorID string
}

// spool writes body to a new file in the server's spool directory and returns its description. It first
// removes the spooled files nothing refers to any more, so a long-running simulator does not fill its disk. The
// file counts as pending, and so survives other uploads' collection, until the caller has recorded it in a store
// and called spoolDone.
func (s *Server) spool(body io.Reader) (content, error) {
	s.collectSpool()
	dir, err := s.spoolDir()
	if err != nil {
		return content{}, err
	}
	s.spoolMu.Lock()
	f, err := os.CreateTemp(dir, "upload-*")
	if err == nil {
		if s.spoolPending == nil {
			s.spoolPending = map[string]bool{}
		}
		s.spoolPending[f.Name()] = true
	}
	s.spoolMu.Unlock()
	if err != nil {
		return content{}, fmt.Errorf("qliksim: spool: %w", err)
	}
	n, err := io.Copy(f, body)
	cerr := f.Close()
	if err == nil {
		err = cerr
	}
	if err != nil {
		s.spoolDone(content{file: f.Name()})
		_ = os.Remove(f.Name())
		return content{}, fmt.Errorf("qliksim: spool: %w", err)
	}
	return content{size: n, file: f.Name()}, nil
}

// spoolDone ends the pending state of a spooled file, once a store refers to it (or nothing will).
func (s *Server) spoolDone(c content) {
	s.spoolMu.Lock()
	defer s.spoolMu.Unlock()
	delete(s.spoolPending, c.file)
}

// spoolDir creates the server's spool directory on first use; Close removes it.
func (s *Server) spoolDir() (string, error) {
	s.spoolMu.Lock()
	defer s.spoolMu.Unlock()
	if s.spoolPath == "" {
		dir, err := os.MkdirTemp("", "qliksim-spool-")
		if err != nil {
			return "", fmt.Errorf("qliksim: spool directory: %w", err)
		}
		s.spoolPath = dir
	}
	return s.spoolPath, nil
}

// collectSpool deletes the spooled files that no app and no unexpired temporary file refers to, and that are not
// pending. Expired temporary files keep their record, so a download still answers 410 rather than 404. The stores
// are read under spoolMu: a file leaves the pending set only after a store refers to it, so it is always in one of
// the two when several uploads run at once.
func (s *Server) collectSpool() {
	s.spoolMu.Lock()
	defer s.spoolMu.Unlock()
	if s.spoolPath == "" {
		return
	}
	s.mu.RLock()
	tenants := slices.Clone(s.tenants)
	s.mu.RUnlock()
	now := time.Now()
	live := map[string]bool{}
	for _, t := range tenants {
		for _, it := range t.apps.list(now, true) {
			live[it.Val.data.file] = true
		}
		for _, it := range t.temp.list(now, true) {
			if now.Before(it.Val.expires) {
				live[it.Val.data.file] = true
			}
		}
	}
	entries, err := os.ReadDir(s.spoolPath)
	if err != nil {
		return
	}
	for _, e := range entries {
		p := filepath.Join(s.spoolPath, e.Name())
		if !live[p] && !s.spoolPending[p] {
			_ = os.Remove(p)
		}
	}
}

func (s *Server) removeSpool() {
	s.spoolMu.Lock()
	defer s.spoolMu.Unlock()
	if s.spoolPath != "" {
		_ = os.RemoveAll(s.spoolPath)
		s.spoolPath = ""
	}
}

type tempContentsAPI struct{ tenantAPI }

func (s *Server) registerTempContentsRoutes(h *host) {
	api := &tempContentsAPI{s.apiOn(h)}
	h.mux.HandleFunc("POST "+tempContentsPath, api.upload)
	h.mux.HandleFunc("GET "+tempContentsPath+"/{id}", api.download)
}

// store adds a temporary file and returns its path, the value of the Location header.
func (t *tenantState) storeTempContent(name string, data content, ttl time.Duration, creator string) string {
	now := time.Now()
	tc := tempContent{id: newObjectID(), name: name, data: data, createdAt: now, expires: now.Add(ttl), creatorID: creator}
	_ = t.temp.insert(tc.id, tc, now, nil)
	return tempContentsPath + "/" + tc.id
}

// upload is POST /api/v1/temp-contents?filename=&ttl=: the body is the file. 201 with Location, no body.
func (api *tempContentsAPI) upload(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ttl := tempContentDefaultTTL
	if v := q.Get("ttl"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > tempContentMaxTTL {
			tempContentErrors.write(w, http.StatusBadRequest, codeTempContentBad, "Invalid TTL",
				fmt.Sprintf("ttl must be a whole number of seconds from 1 to %d.", tempContentMaxTTL))
			return
		}
		ttl = n
	}
	name := q.Get("filename")
	if strings.ContainsAny(name, "/\\") {
		tempContentErrors.write(w, http.StatusBadRequest, codeTempContentBad, "Invalid filename", "filename must not contain a path.")
		return
	}
	data, err := api.s.spool(r.Body)
	if err != nil {
		// The body broke off: the client has gone, nobody reads an answer.
		panic(http.ErrAbortHandler)
	}
	defer api.s.spoolDone(data)
	loc := api.t.storeTempContent(name, data, time.Duration(ttl)*time.Second, callerFrom(r.Context()).userID)
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusCreated)
}

// download is GET /api/v1/temp-contents/{id}: the file, with Range support (206, 416) and 410 once expired.
func (api *tempContentsAPI) download(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	tc, ok := api.t.temp.get(id, time.Now(), false)
	if !ok {
		tempContentErrors.write(w, http.StatusNotFound, codeTempContentMissing, "Not found", "No temporary content with id "+id+".")
		return
	}
	if !time.Now().Before(tc.expires) {
		tempContentErrors.write(w, http.StatusGone, codeTempContentGone, "Gone", "Temporary content "+id+" has expired.")
		return
	}
	rd, err := tc.data.open()
	if err != nil {
		tempContentErrors.write(w, http.StatusInternalServerError, "TEMPCONTENTS-500", "Internal error", err.Error())
		return
	}
	defer rd.Close()
	name := tc.name
	if name == "" {
		name = id
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	// ServeContent answers Range requests (206 with Content-Range, 416) and sets Content-Length.
	http.ServeContent(w, r, "", time.Time{}, rd)
}
