package qliksim

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestContractDirectory drives user updates, custom roles, licenses, the API key configuration and the
// authentication settings through the validating transport.
func TestContractDirectory(t *testing.T) {
	t.Parallel()
	sim, home, c, calls := startContract(t, Options{}, "groups.json", "roles.json", "users.json", "licenses.json", "api-keys.json", "core-auth-settings.json")
	call := calls.call

	// Custom roles: create, a taken name (400: roles.json declares no 409), rename, scopes, default roles refused.
	roles := home.URL + "/api/v1/roles"
	var role Role
	call(http.MethodPost, roles, http.StatusCreated, map[string]any{"name": "Auditor", "description": "Reads audits", "assignedScopes": []string{"audits:read"}}).decode(t, &role)
	if role.Type != "custom" || !role.CanEdit || !role.CanDelete || fmt.Sprint(role.AssignedScopes) != "[audits:read]" {
		t.Errorf("created role %+v", role)
	}
	taken := call(http.MethodPost, roles, http.StatusBadRequest, map[string]any{"name": "auditor"})
	if !strings.Contains(taken.String(), "must be unique") || fmt.Sprint(taken.errorCodes(t)) != "["+codeRoleBadRequest+"]" {
		t.Errorf("taken role name: %s", taken)
	}
	call(http.MethodPost, roles, http.StatusBadRequest, map[string]any{"name": "TenantAdmin"})
	call(http.MethodPatch, roles+"/"+role.ID, http.StatusNoContent, []map[string]any{
		{"op": "replace", "path": "/name", "value": "Audit reader"},
		{"op": "replace", "path": "/assignedScopes", "value": []string{"audits:read", "users:read"}},
		{"op": "add", "path": "/assignedScopes/-", "value": "groups:read"},
		{"op": "remove-value", "path": "/assignedScopes", "value": "users:read"},
	})
	var got Role
	call(http.MethodGet, roles+"/"+role.ID, http.StatusOK, nil).decode(t, &got)
	if got.Name != "Audit reader" || fmt.Sprint(got.AssignedScopes) != "[audits:read groups:read]" {
		t.Errorf("patched role %+v", got)
	}
	admin := sim.Roles(home.Hostname)[0]
	call(http.MethodPatch, roles+"/"+admin.ID, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/name", "value": "x"}})
	call(http.MethodDelete, roles+"/"+admin.ID, http.StatusBadRequest, nil)
	call(http.MethodPatch, roles+"/62716f4b39b865ece543cd45", http.StatusNotFound, []map[string]any{{"op": "replace", "path": "/name", "value": "x"}})

	// Users: created invited, activated by PATCH; a partial PATCH answers 207 with the failed operation.
	users := home.URL + "/api/v1/users"
	var u User
	call(http.MethodPost, users, http.StatusCreated, map[string]any{"subject": "auth0|carol", "name": "Carol", "email": "carol@example.com", "assignedRoles": []map[string]string{{"name": "Audit reader"}}}).decode(t, &u)
	if u.Status != "invited" || u.InviteExpiry == 0 {
		t.Errorf("created user %+v: want invited with an invite expiry", u)
	}
	call(http.MethodPatch, users+"/"+u.ID, http.StatusNoContent, []map[string]any{
		{"op": "replace", "path": "/status", "value": "active"},
		{"op": "replace", "path": "/name", "value": "Carol Jones"},
		{"op": "replace", "path": "/assignedRoles", "value": []map[string]string{{"name": "Audit reader"}, {"name": "Steward"}}},
	})
	partial := call(http.MethodPatch, users+"/"+u.ID, http.StatusMultiStatus, []map[string]any{
		{"op": "replace", "path": "/name", "value": "Carol J."},
		{"op": "replace", "path": "/assignedRoles", "value": []map[string]string{{"name": "NoSuchRole"}}},
	})
	if !strings.Contains(partial.String(), `\"NoSuchRole\" does not exist`) || !strings.Contains(partial.String(), `"pointer":"/1"`) {
		t.Errorf("207 body %s: want the failed operation named", partial)
	}
	call(http.MethodGet, users+"/"+u.ID, http.StatusOK, nil).decode(t, &u)
	if u.Name != "Carol J." || u.Status != "active" || len(u.AssignedRoles) != 2 {
		t.Errorf("after partial PATCH: %+v", u)
	}
	call(http.MethodPatch, users+"/"+u.ID, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/status", "value": "deleted"}})
	calls.callInvalid(http.MethodPatch, users+"/"+u.ID, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/name", "value": 7}})
	call(http.MethodPatch, users+"/62716f4b39b865ece543cd45", http.StatusNotFound, []map[string]any{{"op": "replace", "path": "/name", "value": "x"}})

	// A role still assigned cannot be deleted, and the error says so; once unassigned it can.
	inUse := call(http.MethodDelete, roles+"/"+role.ID, http.StatusBadRequest, nil)
	if !strings.Contains(inUse.String(), "unassigned from all users and groups") || !strings.Contains(inUse.String(), "auth0|carol") {
		t.Errorf("delete of an assigned role: %s", inUse)
	}
	call(http.MethodPatch, users+"/"+u.ID, http.StatusNoContent, []map[string]any{{"op": "replace", "path": "/assignedRoles", "value": []map[string]string{{"name": "Steward"}}}})
	call(http.MethodDelete, roles+"/"+role.ID, http.StatusNoContent, nil)
	call(http.MethodDelete, roles+"/"+role.ID, http.StatusNotFound, nil)

	// Licenses: settings, then assignments per item with 207.
	lic := home.URL + "/api/v1/licenses"
	call(http.MethodGet, lic+"/settings", http.StatusOK, nil)
	call(http.MethodPut, lic+"/settings", http.StatusOK, map[string]bool{"autoAssignProfessional": true, "autoAssignAnalyzer": true})
	if err := sim.SetLicenseAllotment(home.Hostname, LicenseProfessional, 1); err != nil {
		t.Fatal(err)
	}
	var added struct {
		Data []itemResult `json:"data"`
	}
	call(http.MethodPost, lic+"/assignments/actions/add", http.StatusMultiStatus, map[string]any{"add": []map[string]string{
		{"subject": "auth0|carol", "type": "professional"}, {"subject": "auth0|dave", "type": "professional"}, {"subject": "auth0|erin", "type": "viewer"},
	}}).decode(t, &added)
	var statuses []string
	for _, it := range added.Data {
		statuses = append(statuses, fmt.Sprint(it.Status, it.Code))
	}
	if fmt.Sprint(statuses) != "[201 403LICENSES-011 400LICENSES-BadRequest]" {
		t.Errorf("add statuses %v", statuses)
	}
	call(http.MethodPost, lic+"/assignments/actions/update", http.StatusMultiStatus, map[string]any{"update": []map[string]string{
		{"subject": "auth0|carol", "type": "analyzer", "sourceType": "professional"}, {"subject": "auth0|nobody", "type": "analyzer"},
	}})
	call(http.MethodPost, lic+"/assignments/actions/add", http.StatusMultiStatus, map[string]any{"add": []map[string]string{{"subject": "auth0|dave", "type": "professional"}}})
	var list struct {
		Data  []LicenseAssignment `json:"data"`
		Links map[string]Link     `json:"links"`
	}
	call(http.MethodGet, lic+"/assignments?limit=1", http.StatusOK, nil).decode(t, &list)
	if len(list.Data) != 1 || list.Data[0].Subject != "auth0|carol" || list.Links["next"].Href == "" {
		t.Errorf("assignment page %+v", list)
	} else {
		call(http.MethodGet, list.Links["next"].Href, http.StatusOK, nil).decode(t, &list)
		if len(list.Data) != 1 || list.Data[0].Subject != "auth0|dave" {
			t.Errorf("second page %+v", list)
		}
	}
	call(http.MethodGet, lic+"/assignments?filter="+url.QueryEscape(`subject eq "auth0|carol"`), http.StatusOK, nil).decode(t, &list)
	if len(list.Data) != 1 || list.Data[0].Type != LicenseAnalyzer {
		t.Errorf("filtered assignments %+v", list.Data)
	}
	bad := call(http.MethodGet, lic+"/assignments?sort=owner", http.StatusBadRequest, nil)
	if !strings.Contains(bad.String(), `"message"`) || !strings.Contains(bad.String(), `"error"`) {
		t.Errorf("licenses error body %s: want the top-level error and message", bad)
	}
	call(http.MethodPost, lic+"/assignments/actions/delete", http.StatusMultiStatus, map[string]any{"delete": []map[string]string{{"subject": "auth0|dave", "type": "professional"}}})
	// Deleting a user frees its license.
	call(http.MethodDelete, users+"/"+u.ID, http.StatusNoContent, nil)
	if as := sim.LicenseAssignments(home.Hostname); len(as) != 0 {
		t.Errorf("assignments after the user's delete: %v", as)
	}
	// A first login takes a license while auto-assignment is on.
	if _, err := sim.AddUser(home.Hostname, "auth0|frank"); err != nil {
		t.Fatal(err)
	}
	if as := sim.LicenseAssignments(home.Hostname); as["auth0|frank"].Type != LicenseProfessional {
		t.Errorf("auto-assigned %v, want professional", as)
	}

	// API key configuration of this tenant; another tenant's id is a 404.
	keys := home.URL + "/api/v1/api-keys/configs/" + home.ID
	call(http.MethodGet, keys, http.StatusOK, nil)
	call(http.MethodPatch, keys, http.StatusNoContent, []map[string]any{
		{"op": "replace", "path": "/max_keys_per_user", "value": 10}, {"op": "replace", "path": "/max_api_key_expiry", "value": "P90D"},
	})
	call(http.MethodPatch, keys, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/max_keys_per_user", "value": 1001}})
	call(http.MethodPatch, keys, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/max_api_key_expiry", "value": "90 days"}})
	call(http.MethodPatch, home.URL+"/api/v1/api-keys/configs/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", http.StatusNotFound, []map[string]any{{"op": "replace", "path": "/max_keys_per_user", "value": 1}})

	// Authentication settings.
	auth := home.URL + "/api/core/auth-settings"
	var as AuthSettings
	call(http.MethodGet, auth, http.StatusOK, nil).decode(t, &as)
	if !as.IsDefault {
		t.Errorf("auth settings of a new tenant: %+v, want isDefault", as)
	}
	call(http.MethodPatch, auth, http.StatusOK, []map[string]any{
		{"op": "replace", "path": "/userSessionInactivityTimeoutMinutes", "value": 30}, {"op": "replace", "path": "/maxUserSessionLifespanMinutes", "value": 480},
	}).decode(t, &as)
	if as.IsDefault || as.UserSessionInactivityTimeoutMinutes != 30 || as.MaxUserSessionLifespanMinutes != 480 {
		t.Errorf("patched auth settings %+v", as)
	}
	call(http.MethodPatch, auth, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/maxUserSessionLifespanMinutes", "value": 90}})
	call(http.MethodPatch, auth, http.StatusBadRequest, []map[string]any{{"op": "replace", "path": "/dcrAllowedAuthenticationMethods", "value": []string{"none"}}})

	v, err := sim.TenantSettings(home.Hostname)
	if err != nil || v.MaxKeysPerUser != 10 || v.MaxAPIKeyExpiry != "P90D" || v.SessionInactivityMinutes != 30 || !v.AutoAssignAnalyzer {
		t.Errorf("TenantSettings = %+v, %v", v, err)
	}
	if !slices.Contains(specsServed(), "core-auth-settings.json") {
		t.Error("core-auth-settings.json is not routed")
	}
	calls.allValidated(c)
}

func specsServed() []string {
	return []string{specFor("/api/core/auth-settings"), specFor("/api/v1/licenses/settings"), specFor("/api/v1/api-keys/configs/x")}
}
