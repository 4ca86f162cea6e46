package qliksim

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// PATCH /api/v1/users/{userId} (users.json updateUserById): JSON Patch operations replace, add, renew and
// remove-value (set and unset are deprecated aliases of replace and of remove) on the paths users.json lists:
// /name, /roles (deprecated), /assignedRoles, /inviteExpiry, /preferredZoneinfo, /preferredLocale, /status and
// /assignedGroups. users.json answers 204, or 207 "partially successful with non-critical failures" with an Errors
// body. The simulator's reading of "non-critical" (Qlik does not define it): a document that breaks the schema
// (unknown op or path, a value of the wrong type) is a 400 and changes nothing; an operation that is well formed
// but cannot be carried out (a role or group that does not exist, a status other than active or disabled) fails
// alone, the others are applied and the answer is 207 naming each failed operation by its pointer; when every
// operation fails the answer is 400.

// userPatchOp is one parsed operation.
type userPatchOp struct {
	index int
	op    string // replace, add, remove-value, renew
	path  string
	text  string
	roles []roleRef
	// groups are group references by name and provider type.
	groups []groupNameRef
}

type groupNameRef struct {
	Name         string `json:"name"`
	ProviderType string `json:"providerType"`
}

var userPatchPaths = []string{"/name", "/roles", "/assignedRoles", "/inviteExpiry", "/preferredZoneinfo", "/preferredLocale", "/status", "/assignedGroups"}

// inviteValidity is how long an invitation stays valid; Qlik does not document it (simulator assumption).
const inviteValidity = 7 * 24 * time.Hour

func parseUserPatch(r *http.Request) ([]userPatchOp, error) {
	return decodePatchOps(r, func(i int, at string, m map[string]json.RawMessage) (userPatchOp, error) {
		out := userPatchOp{index: i}
		if err := json.Unmarshal(m["op"], &out.op); err != nil {
			return userPatchOp{}, &inputError{detail: "op is required in every operation.", pointer: at + "/op"}
		}
		switch out.op {
		case "set":
			out.op = "replace"
		case "unset":
			out.op = "remove-value"
		case "replace", "add", "remove-value", "renew":
		default:
			return userPatchOp{}, &inputError{detail: `op must be one of "replace", "add", "renew", "remove-value".`, pointer: at + "/op"}
		}
		if err := json.Unmarshal(m["path"], &out.path); err != nil {
			return userPatchOp{}, &inputError{detail: "path is required in every operation.", pointer: at + "/path"}
		}
		if out.op == "add" {
			out.path = strings.TrimSuffix(out.path, "/-")
		}
		if !slices.Contains(userPatchPaths, out.path) {
			return userPatchOp{}, &inputError{detail: "path " + strconv.Quote(out.path) + " cannot be patched; use one of " + strings.Join(userPatchPaths, ", ") + ".", pointer: at + "/path"}
		}
		value, ok := m["value"]
		if !ok {
			return userPatchOp{}, &inputError{detail: "value is required in every operation.", pointer: at + "/value"}
		}
		if err := out.decodeValue(value, at); err != nil {
			return userPatchOp{}, err
		}
		return out, nil
	})
}

// decodeValue checks the value's type for the operation and path.
func (op *userPatchOp) decodeValue(value json.RawMessage, at string) error {
	bad := func(want string) error {
		return &inputError{detail: "value of " + op.op + " on " + op.path + " must be " + want + ".", pointer: at + "/value"}
	}
	switch op.path {
	case "/name", "/preferredZoneinfo", "/preferredLocale", "/status":
		if op.op != "replace" {
			return &inputError{detail: op.path + " takes only replace.", pointer: at + "/op"}
		}
		if json.Unmarshal(value, &op.text) != nil {
			return bad("a string")
		}
		if op.path == "/name" && strings.TrimSpace(op.text) == "" {
			return &inputError{detail: "name must not be empty.", pointer: at + "/value"}
		}
	case "/inviteExpiry":
		if op.op != "renew" {
			return &inputError{detail: "/inviteExpiry takes only renew.", pointer: at + "/op"}
		}
	case "/roles":
		// Deprecated: an array of role names.
		var names []string
		if op.op != "replace" || json.Unmarshal(value, &names) != nil {
			return bad("an array of role names with replace")
		}
		for _, n := range names {
			op.roles = append(op.roles, roleRef{Name: &n})
		}
	case "/assignedRoles":
		if op.op == "replace" {
			if json.Unmarshal(value, &op.roles) != nil {
				return bad("an array of {id} or {name} role references")
			}
		} else {
			var one roleRef
			if json.Unmarshal(value, &one) != nil || (one.ID == nil && one.Name == nil) {
				return bad("one {id} or {name} role reference")
			}
			op.roles = []roleRef{one}
		}
	case "/assignedGroups":
		if op.op == "replace" {
			if json.Unmarshal(value, &op.groups) != nil {
				return bad("an array of {name, providerType} group references")
			}
		} else {
			var one groupNameRef
			if json.Unmarshal(value, &one) != nil || one.Name == "" {
				return bad("one {name, providerType} group reference")
			}
			op.groups = []groupNameRef{one}
		}
		for _, g := range op.groups {
			if g.ProviderType != "idp" && g.ProviderType != "custom" {
				return &inputError{detail: `providerType of a group reference must be "idp" or "custom".`, pointer: at + "/value"}
			}
		}
	}
	return nil
}

// apply carries one operation out on rec, or says why it cannot be.
func (a *accessState) applyUserOp(rec *userRecord, op userPatchOp, now time.Time) error {
	if why, refused := a.takeRefusal(op.path); refused {
		return errors.New(why)
	}
	switch op.path {
	case "/name":
		rec.Name = op.text
	case "/preferredZoneinfo":
		rec.PreferredZoneinfo = op.text
	case "/preferredLocale":
		rec.PreferredLocale = op.text
	case "/status":
		if op.text != "active" && op.text != "disabled" {
			return errors.New(`status can be set only to "active" or "disabled", not ` + strconv.Quote(op.text) + ".")
		}
		rec.Status = op.text
		if op.text == "active" {
			rec.InviteExpiry = 0
		}
	case "/inviteExpiry":
		if rec.Status != "invited" {
			return errors.New("only an invited user's invitation can be renewed; this user is " + rec.Status + ".")
		}
		rec.InviteExpiry = now.Add(inviteValidity).Unix()
	case "/roles", "/assignedRoles":
		roles, err := a.resolveRoles(op.roles, "")
		if err != nil {
			return err
		}
		switch op.op {
		case "replace":
			rec.roles = roles
		case "add":
			if !slices.ContainsFunc(rec.roles, func(r assignedRole) bool { return r.ID == roles[0].ID }) {
				rec.roles = append(slices.Clone(rec.roles), roles[0])
			}
		case "remove-value":
			rec.roles = slices.DeleteFunc(slices.Clone(rec.roles), func(r assignedRole) bool { return r.ID == roles[0].ID })
		default:
			return errors.New(op.op + " is not supported on " + op.path + ".")
		}
	case "/assignedGroups":
		var ids []string
		for _, ref := range op.groups {
			id := ""
			for _, it := range a.groups.list(now, false) {
				if it.Val.Name == ref.Name && it.Val.ProviderType == ref.ProviderType {
					id = it.ID
				}
			}
			if id == "" {
				return errors.New("No " + ref.ProviderType + " group named " + strconv.Quote(ref.Name) + " exists in this tenant.")
			}
			ids = append(ids, id)
		}
		switch op.op {
		case "replace":
			rec.groupIDs = ids
		case "add":
			if !slices.Contains(rec.groupIDs, ids[0]) {
				rec.groupIDs = append(slices.Clone(rec.groupIDs), ids[0])
			}
		case "remove-value":
			rec.groupIDs = slices.DeleteFunc(slices.Clone(rec.groupIDs), func(g string) bool { return g == ids[0] })
		default:
			return errors.New(op.op + " is not supported on " + op.path + ".")
		}
	}
	return nil
}

func (api *usersAPI) patch(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := api.users.find(w, r); !ok {
		return
	}
	ops, err := parseUserPatch(r)
	if err != nil {
		usersErrors.writeAbout(w, http.StatusBadRequest, codeUserBadRequest, "Invalid request", err)
		return
	}
	var failed []apiError
	if _, ok := api.users.set(w, r, func(rec userRecord, now time.Time) userRecord {
		failed = nil
		for _, op := range ops {
			next := rec
			if err := api.a.applyUserOp(&next, op, now); err != nil {
				failed = append(failed, apiError{code: codeUserBadRequest, title: "Operation not applied", detail: err.Error(), pointer: "/" + strconv.Itoa(op.index)})
				continue
			}
			rec = next
		}
		if len(failed) < len(ops) {
			rec.LastUpdatedAt = formatTime(now)
		}
		return rec
	}); !ok {
		return
	}
	switch {
	case len(failed) == len(ops):
		writeError(w, http.StatusBadRequest, usersErrors, failed...)
	case len(failed) > 0:
		writeError(w, http.StatusMultiStatus, usersErrors, failed...)
	default:
		noContentJSON(w)
	}
}

// errUserDisabled refuses the login of a disabled user.
var errUserDisabled = errors.New("qliksim: the user is disabled in this tenant")

type refusal struct {
	detail string
	n      int
}

// takeRefusal reports whether an operation on path is to be refused, and why.
func (a *accessState) takeRefusal(path string) (string, bool) {
	a.settingsMu.Lock()
	defer a.settingsMu.Unlock()
	r, ok := a.refusedPatches[path]
	if !ok || r.n <= 0 {
		return "", false
	}
	r.n--
	a.refusedPatches[path] = r
	return r.detail, true
}
