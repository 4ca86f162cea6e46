package qliksim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Space is the simulator's wire form of a Qlik space (spaces.json Space).
type Space struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Type        string     `json:"type"`
	Description string     `json:"description"`
	OwnerID     string     `json:"ownerId"`
	TenantID    string     `json:"tenantId"`
	CreatedAt   string     `json:"createdAt"`
	CreatedBy   string     `json:"createdBy"`
	UpdatedAt   string     `json:"updatedAt"`
	Links       SpaceLinks `json:"links"`
	// Meta depends on who asks, so API responses always carry it and store snapshots leave it nil.
	Meta *SpaceMeta `json:"meta,omitempty"`
}

// SpaceLinks are a space's hypermedia links.
type SpaceLinks struct {
	Self        Link `json:"self"`
	Assignments Link `json:"assignments"`
}

// SpaceMeta is what the caller may do in a space.
type SpaceMeta struct {
	Actions         []string `json:"actions"`
	Roles           []string `json:"roles"`
	AssignableRoles []string `json:"assignableRoles"`
}

// spaceRecord is a stored space: the wire fields without the caller-relative parts, plus simulator state.
type spaceRecord struct {
	space Space
	// contentItems stands in for content other than apps (files, scripts); apps are counted from the app store.
	contentItems int
}

const (
	spaceNameMaxLength = 256
	spaceNotFoundTitle = "Space not found or access denied"
)

// spaceNamePattern is SpaceCreate.name's pattern in spaces.json.
var spaceNamePattern = regexp.MustCompile(`^[^"*?<>/|\\:]+$`)

var spaceTypes = []string{"shared", "managed", "data"}

// assignableRoles per space type follow the RoleType description in spaces.json.
var assignableRoles = map[string][]string{
	"shared":  {"codeveloper", "consumer", "dataconsumer", "facilitator", "producer"},
	"managed": {"basicconsumer", "consumer", "contributor", "dataconsumer", "facilitator", "publisher"},
	"data":    {"consumer", "dataconsumer", "datapreview", "facilitator", "operator", "producer", "publisher"},
}

var allRoles = []string{
	"consumer", "contributor", "dataconsumer", "datapreview", "facilitator",
	"operator", "producer", "publisher", "basicconsumer", "codeveloper",
}

// Spaces error codes. spaces.json gives no codes for these answers; the names follow the one Qlik example on
// record (AssignmentConflict for a duplicate assignment).
const (
	codeSpaceNotFound    = "SpaceNotFound"
	codeSpaceConflict    = "SpaceConflict"
	codeSpaceNotEmpty    = "SpaceNotEmpty"
	codeSpaceBadRequest  = "BadRequest"
	spaceConflictTitle   = "Space already exists. `name` must be unique."
	spaceNotEmptyTitle   = "Space delete precondition (space not empty) failed"
	spaceBadRequestTitle = "Bad request"
)

type spacesAPI struct {
	tenantAPI
	spaces byID[spaceRecord]
}

func (s *Server) registerSpacesRoutes(h *host) {
	api := &spacesAPI{s.apiOn(h), byID[spaceRecord]{h.tenant.spaces, "spaceId", spaceNotFound}}
	h.handleObjects("/api/v1/spaces", "spaceId", objectRoutes{
		list: api.list, create: api.create, get: api.get, patch: api.patch, put: api.put, delete: api.delete,
	})
	h.mux.HandleFunc("GET /api/v1/spaces/types", api.types)
}

func spaceNotFound(w http.ResponseWriter, id string) {
	spacesErrors.write(w, http.StatusNotFound, codeSpaceNotFound, spaceNotFoundTitle, "No space with id "+id+" is visible to the caller.")
}

func spaceConflict(w http.ResponseWriter, name string) {
	spacesErrors.write(w, http.StatusConflict, codeSpaceConflict, spaceConflictTitle, "A space named "+strconv.Quote(name)+" already exists.")
}

func spaceBadRequest(w http.ResponseWriter, err error) {
	writeError(w, http.StatusBadRequest, spacesErrors, errorAbout(codeSpaceBadRequest, spaceBadRequestTitle, err))
}

func validateSpaceName(name, pointer string) error {
	switch {
	case name == "":
		return &inputError{detail: "name is required and must not be empty.", pointer: pointer}
	case utf8.RuneCountInString(name) > spaceNameMaxLength:
		return &inputError{detail: fmt.Sprintf("name must be at most %d characters long.", spaceNameMaxLength), pointer: pointer}
	case !spaceNamePattern.MatchString(name):
		return &inputError{detail: `name must not contain any of " * ? < > / | \ :`, pointer: pointer}
	}
	return nil
}

func (api *spacesAPI) validateOwner(id, pointer string) error {
	if id == "" || !api.t.hasUser(id) {
		return &inputError{detail: "ownerId " + strconv.Quote(id) + " is not a user of this tenant.", pointer: pointer}
	}
	return nil
}

// nameClash is the uniqueness rule: exact names, tenant-wide unless Options.SpaceNamesUniquePerType.
func (s *Server) nameClash(a, b Space) bool {
	return a.Name == b.Name && (!s.opts.SpaceNamesUniquePerType || a.Type == b.Type)
}

// withLinks fills the links of a stored space.
func (api *spacesAPI) withLinks(sp Space) Space {
	self := api.h.url + "/api/v1/spaces/" + sp.ID
	sp.Links = SpaceLinks{Self: Link{Href: self}, Assignments: Link{Href: self + "/assignments"}}
	return sp
}

// render is a space as c sees it. Every identity in the simulator is a tenant admin, so all may manage every
// space; the owner also holds every assignable role, which is what Qlik reports for owners.
func (api *spacesAPI) render(sp Space, c *caller) Space {
	sp = api.withLinks(sp)
	assignable := slices.Clone(assignableRoles[sp.Type])
	sort.Strings(assignable)
	roles := []string{}
	if c.userID != "" && c.userID == sp.OwnerID {
		roles = slices.Clone(assignable)
	}
	actions := []string{"change_owner", "create", "delete", "read", "update"}
	if slices.Contains(roles, "publisher") {
		actions = append(actions, "publish")
	}
	sp.Meta = &SpaceMeta{Actions: actions, Roles: roles, AssignableRoles: assignable}
	return sp
}

type spaceCreateRequest struct {
	Name        *string `json:"name"`
	Type        *string `json:"type"`
	Description *string `json:"description"`
}

func (api *spacesAPI) create(w http.ResponseWriter, r *http.Request) {
	var req spaceCreateRequest
	if err := decodeNamed(r, &req, func() *string { return req.Name }, validateSpaceName); err != nil {
		spaceBadRequest(w, err)
		return
	}
	if req.Type == nil {
		spaceBadRequest(w, &inputError{detail: "type is required: one of shared, managed, data.", pointer: "/type"})
		return
	}
	if !slices.Contains(spaceTypes, *req.Type) {
		spaceBadRequest(w, &inputError{detail: "type " + strconv.Quote(*req.Type) + " is invalid: use shared, managed or data.", pointer: "/type"})
		return
	}
	c := callerFrom(r.Context())
	now := time.Now()
	stamp := formatTime(now)
	sp := Space{
		ID:        newObjectID(),
		Name:      *req.Name,
		Type:      *req.Type,
		OwnerID:   c.userID,
		TenantID:  api.t.id,
		CreatedAt: stamp,
		CreatedBy: c.userID,
		UpdatedAt: stamp,
	}
	if req.Description != nil {
		sp.Description = *req.Description
	}
	err := api.t.spaces.insert(sp.ID, spaceRecord{space: sp}, now.Add(api.s.opts.VisibilityDelay), func(existing spaceRecord) bool {
		return api.s.nameClash(sp, existing.space)
	})
	if err != nil {
		spaceConflict(w, sp.Name)
		return
	}
	writeJSON(w, http.StatusCreated, api.render(sp, c))
}

func (api *spacesAPI) get(w http.ResponseWriter, r *http.Request) {
	if _, rec, ok := api.spaces.find(w, r); ok {
		writeJSON(w, http.StatusOK, api.render(rec.space, callerFrom(r.Context())))
	}
}

// update applies change to a visible space and answers 200 with the result, mapping store errors to Qlik's
// statuses.
func (api *spacesAPI) update(w http.ResponseWriter, r *http.Request, change func(*Space) error) {
	var attempted string // the name a conflict is about, for the error detail
	if rec, ok := api.spaces.edit(w, r.PathValue("spaceId"), func(cur spaceRecord, now time.Time) (spaceRecord, error) {
		if err := change(&cur.space); err != nil {
			return cur, err
		}
		attempted = cur.space.Name
		cur.space.UpdatedAt = formatTime(now)
		return cur, nil
	}, func(updated, other spaceRecord) bool {
		return api.s.nameClash(updated.space, other.space)
	}, func(w http.ResponseWriter, err error) {
		var in *inputError
		switch {
		case errors.Is(err, ErrConflict):
			spaceConflict(w, attempted)
		case errors.As(err, &in):
			spaceBadRequest(w, err)
		default:
			spacesErrors.write(w, http.StatusInternalServerError, "InternalError", "Internal server error", err.Error())
		}
	}); ok {
		writeJSON(w, http.StatusOK, api.render(rec.space, callerFrom(r.Context())))
	}
}

// patchPaths are the paths SpacePatch allows, with the field each replaces.
var patchPaths = []string{"/name", "/ownerId", "/description"}

type patchOp struct {
	op, path, value string
}

// parsePatch checks a SpacePatch document. It is validated up front so that an invalid operation anywhere
// rejects the whole document, as JSON Patch requires.
func (api *spacesAPI) parsePatch(r *http.Request) ([]patchOp, error) {
	return decodePatchOps(r, func(_ int, at string, m map[string]json.RawMessage) (patchOp, error) {
		var op patchOp
		for _, f := range []struct {
			name string
			dst  *string
		}{{"op", &op.op}, {"path", &op.path}, {"value", &op.value}} {
			v, ok := m[f.name]
			if !ok || string(v) == "null" {
				return patchOp{}, &inputError{detail: f.name + " is required in every operation.", pointer: at + "/" + f.name}
			}
			if err := json.Unmarshal(v, f.dst); err != nil {
				return patchOp{}, &inputError{detail: f.name + " must be a string.", pointer: at + "/" + f.name}
			}
		}
		if op.op != "replace" {
			return patchOp{}, &inputError{detail: "op " + strconv.Quote(op.op) + " is not supported; only replace is.", pointer: at + "/op"}
		}
		if !slices.Contains(patchPaths, op.path) {
			return patchOp{}, &inputError{detail: "path " + strconv.Quote(op.path) + " cannot be patched; use /name, /ownerId or /description.", pointer: at + "/path"}
		}
		switch op.path {
		case "/name":
			if err := validateSpaceName(op.value, at+"/value"); err != nil {
				return patchOp{}, err
			}
		case "/ownerId":
			if err := api.validateOwner(op.value, at+"/value"); err != nil {
				return patchOp{}, err
			}
		}
		return op, nil
	})
}

func (api *spacesAPI) patch(w http.ResponseWriter, r *http.Request) {
	ops, err := api.parsePatch(r)
	if err != nil {
		spaceBadRequest(w, err)
		return
	}
	api.update(w, r, func(sp *Space) error {
		for _, op := range ops {
			switch op.path {
			case "/name":
				sp.Name = op.value
			case "/ownerId":
				sp.OwnerID = op.value
			case "/description":
				sp.Description = op.value
			}
		}
		return nil
	})
}

// spaceUpdateRequest is SpaceUpdate: every field optional, absent fields unchanged, type immutable (a type in the
// body is ignored like any unknown field).
type spaceUpdateRequest struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	OwnerID     *string `json:"ownerId"`
}

func (api *spacesAPI) put(w http.ResponseWriter, r *http.Request) {
	var req spaceUpdateRequest
	if err := decodeJSON(r, &req); err != nil {
		spaceBadRequest(w, err)
		return
	}
	if req.Name != nil {
		if err := validateSpaceName(*req.Name, "/name"); err != nil {
			spaceBadRequest(w, err)
			return
		}
	}
	if req.OwnerID != nil {
		if err := api.validateOwner(*req.OwnerID, "/ownerId"); err != nil {
			spaceBadRequest(w, err)
			return
		}
	}
	api.update(w, r, func(sp *Space) error {
		if req.Name != nil {
			sp.Name = *req.Name
		}
		if req.Description != nil {
			sp.Description = *req.Description
		}
		if req.OwnerID != nil {
			sp.OwnerID = *req.OwnerID
		}
		return nil
	})
}

var errSpaceNotEmpty = errors.New("space not empty")

func (api *spacesAPI) delete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("spaceId")
	var items int
	err := api.t.spaces.remove(id, time.Now(), false, func(cur spaceRecord) error {
		if n := cur.contentItems + api.t.appsInSpace(id); n > 0 {
			items = n
			return errSpaceNotEmpty
		}
		return nil
	})
	switch {
	case errors.Is(err, ErrNotFound):
		spaceNotFound(w, id)
	case errors.Is(err, errSpaceNotEmpty):
		spacesErrors.write(w, http.StatusPreconditionFailed, codeSpaceNotEmpty, spaceNotEmptyTitle,
			fmt.Sprintf("The space still holds %d item(s); delete or move them first.", items))
	default:
		api.t.removeSpaceAssignments(id)
		w.WriteHeader(http.StatusNoContent)
	}
}

// spaceTypesResponse is SpaceTypes: data is an array of type names.
type spaceTypesResponse struct {
	Data []string `json:"data"`
}

func (api *spacesAPI) types(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, spaceTypesResponse{Data: slices.Clone(spaceTypes)})
}

// spaceSortKeys are the sort fields GET /spaces supports, each with a key that ends in the id so keys are unique.
var spaceSortKeys = map[string]func(stored[spaceRecord]) []string{
	"name": func(it stored[spaceRecord]) []string {
		return []string{strings.ToLower(it.Val.space.Name), it.Val.space.Name, it.ID}
	},
	"createdAt": func(it stored[spaceRecord]) []string {
		return []string{it.Val.space.CreatedAt, fmt.Sprintf("%020d", it.Seq), it.ID}
	},
	"type": func(it stored[spaceRecord]) []string {
		return []string{it.Val.space.Type, strings.ToLower(it.Val.space.Name), it.Val.space.Name, it.ID}
	},
}

// spaceListSpec is the list query of GET /spaces (spaces.json getSpaces: limit default 10).
var spaceListSpec = &listSpec{
	limitDefault: 10, limitMin: 1,
	sortFields: []string{"name", "createdAt", "type"}, sortDefault: "name",
	bothDetail: "Use either next or prev, not both.",
}

// spaceListQuery is a parsed GET /spaces query: the list query and the filters of the spaces API.
type spaceListQuery struct {
	listQuery
	types     []string
	name      string
	ownerID   string
	roles     []string
	publish   bool
	noEnvOnly bool // an environment filter with a value: the simulator has no environments, so nothing matches
}

func (api *spacesAPI) parseListQuery(r *http.Request) (spaceListQuery, error) {
	q := r.URL.Query()
	lq, err := parseList(r, spaceListSpec, api.s)
	out := spaceListQuery{listQuery: lq}
	if err != nil {
		return out, err
	}
	if v := q.Get("type"); v != "" {
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimSpace(t)
			if !slices.Contains(spaceTypes, t) {
				return out, &inputError{detail: "type " + strconv.Quote(t) + " is invalid: use shared, managed or data.", parameter: "type"}
			}
			out.types = append(out.types, t)
		}
	}
	if v := q.Get("roles"); v != "" {
		for _, role := range strings.Split(v, ",") {
			role = strings.TrimSpace(role)
			if !slices.Contains(allRoles, role) {
				return out, &inputError{detail: "roles contains the unknown role " + strconv.Quote(role) + ".", parameter: "roles"}
			}
			out.roles = append(out.roles, role)
		}
	}
	switch v := q.Get("action"); v {
	case "":
	case "publish":
		out.publish = true
	default:
		return out, &inputError{detail: `action supports only "publish".`, parameter: "action"}
	}
	out.name = strings.ToLower(q.Get("name"))
	out.ownerID = q.Get("ownerId")
	out.noEnvOnly = q.Get("environment.name") != "" || q.Get("environmentId") != ""
	return out, nil
}

func (lq spaceListQuery) matches(sp Space) bool {
	switch {
	case lq.noEnvOnly:
		return false
	case len(lq.types) > 0 && !slices.Contains(lq.types, sp.Type):
		return false
	case lq.name != "" && !strings.Contains(strings.ToLower(sp.Name), lq.name):
		return false
	case lq.ownerID != "" && sp.OwnerID != lq.ownerID:
		return false
	case lq.publish && !slices.Contains(sp.Meta.Actions, "publish"):
		return false
	case len(lq.roles) > 0 && !slices.ContainsFunc(lq.roles, func(role string) bool { return slices.Contains(sp.Meta.Roles, role) }):
		return false
	}
	return true
}

func (api *spacesAPI) list(w http.ResponseWriter, r *http.Request) {
	lq, err := api.parseListQuery(r)
	if err != nil {
		spaceBadRequest(w, err)
		return
	}
	c := callerFrom(r.Context())
	var items []stored[spaceRecord]
	for _, it := range api.t.spaces.list(time.Now(), false) {
		if lq.matches(api.render(it.Val.space, c)) {
			items = append(items, it)
		}
	}
	pg := onePage(lq.listQuery, api.h, r, items, spaceSortKeys[lq.sortField], func(it stored[spaceRecord]) Space {
		return api.render(it.Val.space, c)
	})
	writeJSON(w, http.StatusOK, pg.withCount(len(items)))
}
