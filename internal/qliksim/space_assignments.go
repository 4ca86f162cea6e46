package qliksim

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Assignment is the simulator's wire form of a space assignment (spaces.json Assignment).
type Assignment struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	AssigneeID string          `json:"assigneeId"`
	Roles      []string        `json:"roles"`
	SpaceID    string          `json:"spaceId"`
	TenantID   string          `json:"tenantId"`
	CreatedAt  string          `json:"createdAt"`
	CreatedBy  string          `json:"createdBy,omitempty"`
	UpdatedAt  string          `json:"updatedAt"`
	UpdatedBy  string          `json:"updatedBy,omitempty"`
	Links      assignmentLinks `json:"links"`
}

type assignmentLinks struct {
	Self  Link `json:"self"`
	Space Link `json:"space"`
}

const (
	codeAssignmentConflict  = "AssignmentConflict"
	codeAssignmentNotFound  = "AssignmentNotFound"
	assignmentConflictTitle = "Assignment already exists. `assigneeId` must be unique."
)

var assignmentTypes = []string{"user", "group", "bot"}

type assignmentsAPI struct {
	tenantAPI
	spaces byID[spaceRecord]
}

func (api *assignmentsAPI) render(as Assignment) Assignment {
	space := api.h.url + "/api/v1/spaces/" + as.SpaceID
	as.Links = assignmentLinks{Self: Link{Href: space + "/assignments/" + as.ID}, Space: Link{Href: space}}
	return as
}

// space returns the visible space of the request, or answers 404.
func (api *assignmentsAPI) space(w http.ResponseWriter, r *http.Request) (Space, bool) {
	_, rec, ok := api.spaces.find(w, r)
	return rec.space, ok
}

// validateSpaceRoles applies the space type's assignable roles (§4.4); roles are case-sensitive and must not be
// empty.
func validateSpaceRoles(spaceType string, roles []string, pointer string) error {
	if len(roles) == 0 {
		return &inputError{detail: "roles must not be empty.", pointer: pointer}
	}
	valid := assignableRoles[spaceType]
	for i, role := range roles {
		if !slices.Contains(valid, role) {
			return &inputError{
				detail: fmt.Sprintf("Role %q cannot be assigned in a %s space; assignable roles: %s.",
					role, spaceType, strings.Join(valid, ", ")),
				pointer: pointer + "/" + strconv.Itoa(i),
			}
		}
	}
	return nil
}

func dedupRoles(roles []string) []string {
	out := slices.Clone(roles)
	slices.Sort(out)
	return slices.Compact(out)
}

type assignmentCreateRequest struct {
	Type       *string  `json:"type"`
	AssigneeID *string  `json:"assigneeId"`
	Roles      []string `json:"roles"`
}

func (api *assignmentsAPI) create(w http.ResponseWriter, r *http.Request) {
	sp, ok := api.space(w, r)
	if !ok {
		return
	}
	var req assignmentCreateRequest
	if err := decodeJSON(r, &req); err != nil {
		spaceBadRequest(w, err)
		return
	}
	switch {
	case req.Type == nil || !slices.Contains(assignmentTypes, *req.Type):
		spaceBadRequest(w, &inputError{detail: "type is required: one of user, group, bot.", pointer: "/type"})
		return
	case req.AssigneeID == nil || *req.AssigneeID == "":
		spaceBadRequest(w, &inputError{detail: "assigneeId is required.", pointer: "/assigneeId"})
		return
	}
	if err := validateSpaceRoles(sp.Type, req.Roles, "/roles"); err != nil {
		spaceBadRequest(w, err)
		return
	}
	a := api.t.access
	now := time.Now()
	switch *req.Type {
	case "group":
		if _, ok := a.groups.get(*req.AssigneeID, now, true); !ok {
			spaceBadRequest(w, &inputError{detail: "No group with id " + *req.AssigneeID + " exists in this tenant.", pointer: "/assigneeId"})
			return
		}
	default:
		if !api.t.hasUser(*req.AssigneeID) {
			spaceBadRequest(w, &inputError{detail: "No user with id " + *req.AssigneeID + " exists in this tenant.", pointer: "/assigneeId"})
			return
		}
		if *req.AssigneeID == sp.OwnerID {
			spaceBadRequest(w, &inputError{detail: "The space owner holds every assignable role and takes no assignment.", pointer: "/assigneeId"})
			return
		}
	}
	c := callerFrom(r.Context())
	as := Assignment{
		ID: newObjectID(), Type: *req.Type, AssigneeID: *req.AssigneeID, Roles: dedupRoles(req.Roles), SpaceID: sp.ID,
		TenantID: api.t.id, CreatedAt: formatTime(now), CreatedBy: c.userID, UpdatedAt: formatTime(now), UpdatedBy: c.userID,
	}
	// "Only one assignment can exist per space, per user or group."
	err := a.assignments.insert(as.ID, as, now.Add(api.s.opts.VisibilityDelay), func(o Assignment) bool {
		return o.SpaceID == as.SpaceID && o.AssigneeID == as.AssigneeID
	})
	if err != nil {
		spacesErrors.write(w, http.StatusConflict, codeAssignmentConflict, assignmentConflictTitle,
			"The "+as.Type+" "+as.AssigneeID+" already has an assignment in space "+sp.ID+".")
		return
	}
	writeJSON(w, http.StatusCreated, api.render(as))
}

func assignmentNotFound(w http.ResponseWriter, detail string) {
	spacesErrors.write(w, http.StatusNotFound, codeAssignmentNotFound, "Assignment not found", detail)
}

// assignment returns the visible assignment of the request in its space, or answers 404.
func (api *assignmentsAPI) assignment(w http.ResponseWriter, r *http.Request) (Assignment, bool) {
	spaceID, id := r.PathValue("spaceId"), r.PathValue("assignmentId")
	as, ok := api.t.access.assignments.get(id, time.Now(), false)
	if !ok || as.SpaceID != spaceID {
		assignmentNotFound(w, "No assignment with id "+id+" in space "+spaceID+".")
		return Assignment{}, false
	}
	return as, true
}

func (api *assignmentsAPI) get(w http.ResponseWriter, r *http.Request) {
	if _, ok := api.space(w, r); !ok {
		return
	}
	if as, ok := api.assignment(w, r); ok {
		writeJSON(w, http.StatusOK, api.render(as))
	}
}

// put replaces the role list: "The complete list of roles must be provided"; type and assignee are immutable.
func (api *assignmentsAPI) put(w http.ResponseWriter, r *http.Request) {
	sp, ok := api.space(w, r)
	if !ok {
		return
	}
	cur, ok := api.assignment(w, r)
	if !ok {
		return
	}
	var req struct {
		Roles []string `json:"roles"`
	}
	if err := decodeJSON(r, &req); err != nil {
		spaceBadRequest(w, err)
		return
	}
	if err := validateSpaceRoles(sp.Type, req.Roles, "/roles"); err != nil {
		spaceBadRequest(w, err)
		return
	}
	now := time.Now()
	c := callerFrom(r.Context())
	updated, err := api.t.access.assignments.update(cur.ID, now, false, func(as Assignment) (Assignment, error) {
		as.Roles = dedupRoles(req.Roles)
		as.UpdatedAt, as.UpdatedBy = formatTime(now), c.userID
		return as, nil
	}, nil)
	if err != nil {
		assignmentNotFound(w, "No assignment with id "+cur.ID+".")
		return
	}
	writeJSON(w, http.StatusOK, api.render(updated))
}

func (api *assignmentsAPI) delete(w http.ResponseWriter, r *http.Request) {
	if _, ok := api.space(w, r); !ok {
		return
	}
	cur, ok := api.assignment(w, r)
	if !ok {
		return
	}
	if err := api.t.access.assignments.remove(cur.ID, time.Now(), false, nil); err != nil {
		assignmentNotFound(w, "No assignment with id "+cur.ID+".")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func assignmentKey(as stored[Assignment]) []string {
	return []string{as.Val.CreatedAt, fmt.Sprintf("%020d", as.Seq), as.ID}
}

// assignmentListSpec is the list query of GET /spaces/{spaceId}/assignments (spaces.json
// getSpaceAssignments: limit default 10, in creation order).
var assignmentListSpec = &listSpec{
	limitDefault: 10, limitMin: 1,
	sortDefault: "createdAt",
	check: func(q url.Values) error {
		if typ := q.Get("type"); typ != "" && !slices.Contains(assignmentTypes, typ) {
			return &inputError{detail: "type must be user, group or bot.", parameter: "type"}
		}
		return nil
	},
	bothDetail:   "Use either next or prev, not both.",
	cursorDetail: "The %s cursor is invalid; follow the links returned by the API.",
}

// list is GET /spaces/{spaceId}/assignments with the assigneeId and type filters, in creation order.
func (api *assignmentsAPI) list(w http.ResponseWriter, r *http.Request) {
	sp, ok := api.space(w, r)
	if !ok {
		return
	}
	lq, err := parseList(r, assignmentListSpec, api.s)
	if err != nil {
		spaceBadRequest(w, err)
		return
	}
	q := r.URL.Query()
	typ := q.Get("type")
	assignee := q.Get("assigneeId")
	var items []stored[Assignment]
	for _, it := range api.t.access.assignments.list(time.Now(), false) {
		if it.Val.SpaceID == sp.ID && (assignee == "" || it.Val.AssigneeID == assignee) && (typ == "" || it.Val.Type == typ) {
			items = append(items, it)
		}
	}
	pg := onePage(lq, api.h, r, items, assignmentKey, func(it stored[Assignment]) Assignment { return api.render(it.Val) })
	writeJSON(w, http.StatusOK, pg.withCount(len(items)))
}

// removeSpaceAssignments drops the assignments of a deleted space.
func (t *tenantState) removeSpaceAssignments(spaceID string) {
	now := time.Now()
	for _, it := range t.access.assignments.list(now, true) {
		if it.Val.SpaceID == spaceID {
			_ = t.access.assignments.remove(it.ID, now, true, nil)
		}
	}
}
