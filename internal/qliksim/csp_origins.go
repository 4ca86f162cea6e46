package qliksim

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CSPEntry is the simulator's wire form of a Content Security Policy origin (csp-origins.json CSPEntry): an origin
// and one flag per CSP directive it is added to.
type CSPEntry struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Origin      string `json:"origin"`
	Description string `json:"description"`
	CSPDirectives
	CreatedDate  string `json:"createdDate"`
	ModifiedDate string `json:"modifiedDate"`
}

// CSPDirectives are the flags of a CSP entry, one per directive the origin is added to.
type CSPDirectives struct {
	ChildSrc       bool `json:"childSrc"`
	ConnectSrc     bool `json:"connectSrc"`
	ConnectSrcWSS  bool `json:"connectSrcWSS"`
	FontSrc        bool `json:"fontSrc"`
	FormAction     bool `json:"formAction"`
	FrameAncestors bool `json:"frameAncestors"`
	FrameSrc       bool `json:"frameSrc"`
	ImgSrc         bool `json:"imgSrc"`
	MediaSrc       bool `json:"mediaSrc"`
	ObjectSrc      bool `json:"objectSrc"`
	ScriptSrc      bool `json:"scriptSrc"`
	StyleSrc       bool `json:"styleSrc"`
	WorkerSrc      bool `json:"workerSrc"`
}

// cspDirectives maps each directive flag (and list filter) of csp-origins.json to its field.
var cspDirectives = map[string]func(*CSPEntry) *bool{
	"childSrc":       func(e *CSPEntry) *bool { return &e.ChildSrc },
	"connectSrc":     func(e *CSPEntry) *bool { return &e.ConnectSrc },
	"connectSrcWSS":  func(e *CSPEntry) *bool { return &e.ConnectSrcWSS },
	"fontSrc":        func(e *CSPEntry) *bool { return &e.FontSrc },
	"formAction":     func(e *CSPEntry) *bool { return &e.FormAction },
	"frameAncestors": func(e *CSPEntry) *bool { return &e.FrameAncestors },
	"frameSrc":       func(e *CSPEntry) *bool { return &e.FrameSrc },
	"imgSrc":         func(e *CSPEntry) *bool { return &e.ImgSrc },
	"mediaSrc":       func(e *CSPEntry) *bool { return &e.MediaSrc },
	"objectSrc":      func(e *CSPEntry) *bool { return &e.ObjectSrc },
	"scriptSrc":      func(e *CSPEntry) *bool { return &e.ScriptSrc },
	"styleSrc":       func(e *CSPEntry) *bool { return &e.StyleSrc },
	"workerSrc":      func(e *CSPEntry) *bool { return &e.WorkerSrc },
}

const (
	cspOriginMaxLength      = 256
	cspNameMaxLength        = 512
	cspDescriptionMaxLength = 1024
	// csp-origins.json documents no error codes; these are the simulator's [INF].
	codeCSPBadRequest = "CSP-ORIGINS-400"
	codeCSPNotFound   = "CSP-ORIGINS-404"
	codeCSPConflict   = "CSP-ORIGINS-409"
)

// cspErrors: csp-origins.json's Error is code, title, detail: no status and no traceId.
var cspErrors = errorStyle{status: statusAbsent}

// cspOriginPattern is a CSP source without a path: an optional scheme, a host (optionally starting with a "*."
// wildcard label) and an optional port or "*". Qlik's tutorial writes origins as host[:port] without a scheme.
var cspOriginPattern = regexp.MustCompile(`^(?:(?:https?|wss?)://)?(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::(?:[0-9]{1,5}|\*))?$`)

type cspAPI struct {
	tenantAPI
	origins byID[CSPEntry]
}

func (s *Server) registerCSPOriginRoutes(h *host) {
	api := &cspAPI{s.apiOn(h), byID[CSPEntry]{h.tenant.cspOrigins, "id", cspNotFound}}
	h.handleObjects("/api/v1/csp-origins", "id", objectRoutes{list: api.list, create: api.create, get: api.get, put: api.put, delete: api.delete})
}

func cspNotFound(w http.ResponseWriter, id string) {
	cspErrors.write(w, http.StatusNotFound, codeCSPNotFound, "Not found", "No CSP origin with id "+id+".")
}

func cspConflict(w http.ResponseWriter, origin string) {
	cspErrors.write(w, http.StatusConflict, codeCSPConflict, "Conflict", "A CSP entry for origin "+strconv.Quote(origin)+" already exists.")
}

// cspEntryContent is CSPEntryContent, the body of POST and PUT. Absent directives are false.
type cspEntryContent struct {
	Origin      *string `json:"origin"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
	CSPDirectives
}

func validateCSPOrigin(origin string) error {
	switch {
	case strings.TrimSpace(origin) == "":
		return errors.New("origin is required")
	case utf8.RuneCountInString(origin) > cspOriginMaxLength:
		return fmt.Errorf("origin must be at most %d characters long", cspOriginMaxLength)
	case !cspOriginPattern.MatchString(origin):
		return fmt.Errorf("origin %q is not a host[:port], optionally with a scheme and a leading *. wildcard, and without a path", origin)
	}
	return nil
}

// parseContent checks a CSPEntryContent and returns the entry it describes (without id and dates).
func parseCSPContent(r *http.Request) (CSPEntry, error) {
	var c cspEntryContent
	if err := decodeJSON(r, &c); err != nil {
		return CSPEntry{}, err
	}
	if c.Origin == nil {
		return CSPEntry{}, errors.New("origin is required")
	}
	if err := validateCSPOrigin(*c.Origin); err != nil {
		return CSPEntry{}, err
	}
	e := CSPEntry{Origin: *c.Origin, CSPDirectives: c.CSPDirectives}
	if c.Name != nil {
		if utf8.RuneCountInString(*c.Name) > cspNameMaxLength {
			return e, fmt.Errorf("name must be at most %d characters long", cspNameMaxLength)
		}
		e.Name = *c.Name
	}
	if c.Description != nil {
		if utf8.RuneCountInString(*c.Description) > cspDescriptionMaxLength {
			return e, fmt.Errorf("description must be at most %d characters long", cspDescriptionMaxLength)
		}
		e.Description = *c.Description
	}
	return e, nil
}

// sameCSPOrigin is the simulator's uniqueness rule: one entry per origin, compared case-insensitively, since a
// second entry for the same origin would only duplicate sources in the generated header. Qlik documents no such
// rule (the simulator's assumption).
func sameCSPOrigin(a, b CSPEntry) bool { return strings.EqualFold(a.Origin, b.Origin) }

func (api *cspAPI) create(w http.ResponseWriter, r *http.Request) {
	e, err := parseCSPContent(r)
	if err != nil {
		cspErrors.write(w, http.StatusBadRequest, codeCSPBadRequest, "Bad Request", err.Error())
		return
	}
	now := time.Now()
	e.ID = newObjectID()
	e.CreatedDate = formatTime(now)
	e.ModifiedDate = e.CreatedDate
	if err := api.t.cspOrigins.insert(e.ID, e, now.Add(api.s.opts.VisibilityDelay), func(existing CSPEntry) bool {
		return sameCSPOrigin(e, existing)
	}); err != nil {
		cspConflict(w, e.Origin)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

func (api *cspAPI) get(w http.ResponseWriter, r *http.Request) {
	if _, e, ok := api.origins.find(w, r); ok {
		writeJSON(w, http.StatusOK, e)
	}
}

// put replaces the whole entry: a directive left out of the body is turned off, as for a full replace.
func (api *cspAPI) put(w http.ResponseWriter, r *http.Request) {
	id, _, ok := api.origins.find(w, r)
	if !ok {
		return
	}
	e, err := parseCSPContent(r)
	if err != nil {
		cspErrors.write(w, http.StatusBadRequest, codeCSPBadRequest, "Bad Request", err.Error())
		return
	}
	if updated, ok := api.origins.edit(w, id, func(cur CSPEntry, now time.Time) (CSPEntry, error) {
		e.ID, e.CreatedDate, e.ModifiedDate = cur.ID, cur.CreatedDate, formatTime(now)
		return e, nil
	}, sameCSPOrigin, func(w http.ResponseWriter, _ error) { cspConflict(w, e.Origin) }); ok {
		writeJSON(w, http.StatusOK, updated)
	}
}

func (api *cspAPI) delete(w http.ResponseWriter, r *http.Request) {
	if _, ok := api.origins.remove(w, r); ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

var cspSortKeys = map[string]func(stored[CSPEntry]) []string{
	"name":         func(it stored[CSPEntry]) []string { return []string{strings.ToLower(it.Val.Name), it.ID} },
	"origin":       func(it stored[CSPEntry]) []string { return []string{strings.ToLower(it.Val.Origin), it.ID} },
	"createdDate":  func(it stored[CSPEntry]) []string { return []string{fmt.Sprintf("%020d", it.Seq), it.ID} },
	"modifiedDate": func(it stored[CSPEntry]) []string { return []string{it.Val.ModifiedDate, it.ID} },
}

// wildcardMatch reports whether s matches pattern case-insensitively, where * stands for any run of characters
// (the list's name and origin filters are wildcard searches).
func wildcardMatch(pattern, s string) bool {
	pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	if !strings.Contains(pattern, "*") {
		return pattern == s
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// cspListSpec is the list query of GET /csp-origins (csp-origins.json listCSPEntries: limit 1-100, default 20;
// sort by a field or its -field form).
var cspListSpec = &listSpec{
	limitDefault: 20, limitMin: 1,
	sortFields: []string{"name", "origin", "createdDate", "modifiedDate"}, sortDefault: "createdDate", sortMinusOnly: true,
	sortDetail: "sort must be one of name, origin, createdDate, modifiedDate, optionally prefixed with -.",
}

func (api *cspAPI) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	bad := func(detail string) {
		cspErrors.write(w, http.StatusBadRequest, codeCSPBadRequest, "Bad Request", detail)
	}
	lq, err := parseList(r, cspListSpec, api.s)
	if err != nil {
		bad(err.Error())
		return
	}
	flags := map[string]bool{}
	for name := range cspDirectives {
		if v := q.Get(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				bad(name + " must be true or false.")
				return
			}
			flags[name] = b
		}
	}
	name, origin := q.Get("name"), q.Get("origin")
	var items []stored[CSPEntry]
	for _, it := range api.t.cspOrigins.list(time.Now(), false) {
		e := it.Val
		if (name != "" && !wildcardMatch(name, e.Name)) || (origin != "" && !wildcardMatch(origin, e.Origin)) {
			continue
		}
		match := true
		for f, want := range flags {
			if *cspDirectives[f](&e) != want {
				match = false
			}
		}
		if match {
			items = append(items, it)
		}
	}
	writeJSON(w, http.StatusOK, onePage(lq, api.h, r, items, cspSortKeys[lq.sortField], storedValue[CSPEntry]))
}
