package qliksim

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"
)

// Out-of-band hooks: what tests, the demo and the admin endpoint call to read and change a tenant's objects behind
// the provider's back, as another administrator, the hub or a login would (an edit, a delete, a planted object, a
// content counter). They are all here, one section per API area, on the helpers below: they see objects the API
// does not serve yet (Options.VisibilityDelay), and they keep only the rules that keep the store consistent
// (uniqueness, a valid name or key), not the API's permissions or preconditions.

// The collections of each kind, for the helpers.
var (
	spacesOf       = func(t *tenantState) *collection[spaceRecord] { return t.spaces }
	assignmentsOf  = func(t *tenantState) *collection[Assignment] { return t.access.assignments }
	groupsOf       = func(t *tenantState) *collection[groupRecord] { return t.access.groups }
	usersOf        = func(t *tenantState) *collection[userRecord] { return t.access.users }
	appsOf         = func(t *tenantState) *collection[appRecord] { return t.apps }
	dataConnsOf    = func(t *tenantState) *collection[dataConnRecord] { return t.dataConns }
	webIntsOf      = func(t *tenantState) *collection[WebIntegration] { return t.webIntegrations }
	cspOriginsOf   = func(t *tenantState) *collection[CSPEntry] { return t.cspOrigins }
	idpsOf         = func(t *tenantState) *collection[IdentityProvider] { return t.idps }
	oauthClientsOf = func(t *tenantState) *collection[oauthClientRecord] { return t.oauthClients }
	brandsOf       = func(t *tenantState) *collection[brandRecord] { return t.brands.brands }
	archivesOf     = func(k archiveKind) func(t *tenantState) *collection[archiveRecord] {
		return func(t *tenantState) *collection[archiveRecord] { return t.archives.items[k.path] }
	}
)

// listHook returns every object of a kind in the tenant on hostname, hidden ones included, in creation order, as
// show renders it; nil when there is no such tenant.
func listHook[T, R any](s *Server, hostname string, kind func(*tenantState) *collection[T], show func(*tenantState, T) R) []R {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return nil
	}
	all := kind(t).list(time.Now(), true)
	out := make([]R, 0, len(all))
	for _, it := range all {
		out = append(out, show(t, it.Val))
	}
	return out
}

// getHook returns one object, hidden or not, as show renders it; ErrNotFound when there is none.
func getHook[T, R any](s *Server, hostname, id string, kind func(*tenantState) *collection[T], show func(*tenantState, T) (R, error)) (R, error) {
	var zero R
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return zero, err
	}
	v, ok := kind(t).get(id, time.Now(), true)
	if !ok {
		return zero, ErrNotFound
	}
	return show(t, v)
}

// editHook replaces an object, hidden or not, with edit's result; conflicts is the kind's uniqueness rule (nil:
// none), and a clash is ErrConflict.
func editHook[T any](s *Server, hostname, id string, kind func(*tenantState) *collection[T], edit func(t *tenantState, cur T, now time.Time) (T, error), conflicts func(updated, other T) bool) error {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return err
	}
	now := time.Now()
	_, err = kind(t).update(id, now, true, func(cur T) (T, error) { return edit(t, cur, now) }, conflicts)
	return err
}

// deleteHook removes an object, hidden or not, whatever the API would require first; then runs after it (a
// space's assignments go with it).
func deleteHook[T any](s *Server, hostname, id string, kind func(*tenantState) *collection[T], then ...func(*tenantState)) error {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return err
	}
	if err := kind(t).remove(id, time.Now(), true, nil); err != nil {
		return err
	}
	for _, f := range then {
		f(t)
	}
	return nil
}

// outOfBandUser is who a hook acts as when it makes something in a tenant: its admin user, or on a tenant without
// one (only the home tenant has an API key's admin) the OAuth client's bot user.
func (t *tenantState) outOfBandUser() string {
	if t.adminUserID != "" {
		return t.adminUserID
	}
	return t.botUserID
}

// itself shows an object as it is stored.
func itself[T any](_ *tenantState, v T) T { return v }

// Spaces.

// Spaces returns every space of the tenant on hostname, including ones not yet visible through the API, in
// creation order. Meta is nil: it depends on the caller.
func (s *Server) Spaces(hostname string) []Space {
	return listHook(s, hostname, spacesOf, func(t *tenantState, rec spaceRecord) Space {
		return (&spacesAPI{tenantAPI: s.apiOn(t.host)}).withLinks(rec.space)
	})
}

// EditSpace changes a space out of band, as an edit in the Qlik UI would, and bumps its updatedAt. fn may change
// Name, Description, OwnerID and Type; other fields are restored. The edit is refused with ErrConflict if it
// breaks name uniqueness, and with an error if the name or type is invalid.
func (s *Server) EditSpace(hostname, id string, fn func(*Space)) error {
	return editHook(s, hostname, id, spacesOf, func(_ *tenantState, cur spaceRecord, now time.Time) (spaceRecord, error) {
		edited := cur.space
		fn(&edited)
		if err := validateSpaceName(edited.Name, "/name"); err != nil {
			return cur, fmt.Errorf("qliksim: EditSpace: %w", err)
		}
		if !slices.Contains(spaceTypes, edited.Type) {
			return cur, fmt.Errorf("qliksim: EditSpace: invalid type %q", edited.Type)
		}
		cur.space.Name, cur.space.Description, cur.space.OwnerID, cur.space.Type =
			edited.Name, edited.Description, edited.OwnerID, edited.Type
		cur.space.UpdatedAt = formatTime(now)
		return cur, nil
	}, func(updated, other spaceRecord) bool {
		return s.nameClash(updated.space, other.space)
	})
}

// DeleteSpace deletes a space out of band. Unlike the API it ignores content, so tests can make any space vanish.
func (s *Server) DeleteSpace(hostname, id string) error {
	return deleteHook(s, hostname, id, spacesOf, func(t *tenantState) { t.removeSpaceAssignments(id) })
}

// SetSpaceContent sets how many items (apps, files) a space holds; DELETE answers 412 while it is above zero.
func (s *Server) SetSpaceContent(hostname, id string, items int) error {
	return editHook(s, hostname, id, spacesOf, func(_ *tenantState, cur spaceRecord, _ time.Time) (spaceRecord, error) {
		cur.contentItems = max(items, 0)
		return cur, nil
	}, nil)
}

// Space assignments.

// SpaceAssignments returns the assignments of a space, in creation order.
func (s *Server) SpaceAssignments(hostname, spaceID string) []Assignment {
	var out []Assignment
	for _, as := range listHook(s, hostname, assignmentsOf, func(t *tenantState, as Assignment) Assignment {
		return (&assignmentsAPI{tenantAPI: s.apiOn(t.host)}).render(as)
	}) {
		if as.SpaceID == spaceID {
			out = append(out, as)
		}
	}
	return out
}

// EditSpaceAssignment replaces an assignment's roles out of band, as an edit in the hub would; the roles are
// checked against the space type.
func (s *Server) EditSpaceAssignment(hostname, id string, roles []string) error {
	return editHook(s, hostname, id, assignmentsOf, func(t *tenantState, as Assignment, now time.Time) (Assignment, error) {
		sp, ok := t.spaces.get(as.SpaceID, now, true)
		if !ok {
			return as, ErrNotFound
		}
		if err := validateSpaceRoles(sp.space.Type, roles, "/roles"); err != nil {
			return as, fmt.Errorf("qliksim: EditSpaceAssignment: %w", err)
		}
		as.Roles, as.UpdatedAt = dedupRoles(roles), formatTime(now)
		return as, nil
	}, nil)
}

// DeleteSpaceAssignment deletes an assignment out of band.
func (s *Server) DeleteSpaceAssignment(hostname, id string) error {
	return deleteHook(s, hostname, id, assignmentsOf)
}

// Groups.

// Groups returns the groups of the tenant on hostname, including ones not yet visible, in creation order.
func (s *Server) Groups(hostname string) []Group {
	return listHook(s, hostname, groupsOf, func(t *tenantState, g groupRecord) Group {
		return (&groupsAPI{s: s, h: t.host, a: t.access}).render(g.Group)
	})
}

// GroupByName returns the group of that exact name.
func (s *Server) GroupByName(hostname, name string) (Group, bool) {
	for _, g := range s.Groups(hostname) {
		if g.Name == name {
			return g, true
		}
	}
	return Group{}, false
}

// EditGroup changes a group out of band, as an edit in the management console would. fn may change Name,
// Description and the roles, given as role names in roles (nil keeps them).
func (s *Server) EditGroup(hostname, id string, fn func(g *Group, roles *[]string)) error {
	return editHook(s, hostname, id, groupsOf, func(t *tenantState, cur groupRecord, now time.Time) (groupRecord, error) {
		edited := cur.Group
		var roles []string
		fn(&edited, &roles)
		if err := validateGroupName(edited.Name, "/name"); err != nil {
			return cur, fmt.Errorf("qliksim: EditGroup: %w", err)
		}
		cur.Name, cur.Description = edited.Name, edited.Description
		if roles != nil {
			resolved, err := t.access.rolesNamed(roles)
			if err != nil {
				return cur, fmt.Errorf("qliksim: EditGroup: %w", err)
			}
			cur.AssignedRoles = resolved
		}
		cur.LastUpdatedAt = formatTime(now)
		return cur, nil
	}, func(updated, other groupRecord) bool { return updated.Name == other.Name })
}

// DeleteGroup deletes a group out of band, with its membership and space assignments.
func (s *Server) DeleteGroup(hostname, id string) error {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return err
	}
	return s.removeGroup(t, id, true)
}

// Users.

// AddUser simulates a user who signed in through the identity provider with the given groups claim: the user is
// found by subject or created, and its group membership becomes exactly groupNames (missing groups are created
// while the tenant's autoCreateGroups setting is on, as at a real login).
func (s *Server) AddUser(hostname, subject string, groupNames ...string) (User, error) {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return User{}, err
	}
	return s.signIn(t, subject, "", "", groupNames)
}

// Users returns the users of the tenant on hostname, in creation order.
func (s *Server) Users(hostname string) []User {
	return listHook(s, hostname, usersOf, func(t *tenantState, u userRecord) User { return t.access.renderUser(t.host, u) })
}

// UserAccess returns the names of a user's groups and its effective tenant roles: its own roles and those of
// its groups, sorted and without duplicates.
func (s *Server) UserAccess(hostname, userID string) (groups, roles []string, err error) {
	u, err := getHook(s, hostname, userID, usersOf, func(t *tenantState, rec userRecord) (User, error) {
		return t.access.renderUser(t.host, rec), nil
	})
	if err != nil {
		return nil, nil, err
	}
	for _, r := range u.AssignedRoles {
		roles = append(roles, r.Name)
	}
	for _, g := range u.AssignedGroups {
		groups = append(groups, g.Name)
		for _, r := range g.AssignedRoles {
			roles = append(roles, r.Name)
		}
	}
	slices.Sort(groups)
	slices.Sort(roles)
	return groups, slices.Compact(roles), nil
}

// Roles.

// Roles returns the role catalogue of the tenant on hostname.
func (s *Server) Roles(hostname string) []Role {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return nil
	}
	api := &rolesAPI{s: s, h: t.host, a: t.access}
	roles := t.access.roleCatalogue()
	out := make([]Role, 0, len(roles))
	for _, r := range roles {
		out = append(out, api.withLinks(r))
	}
	return out
}

// Apps.

// SeedApp stores an app with synthetic QVF content of size bytes in the tenant on hostname, as a template built
// in the Qlik UI would be, and returns its id. spaceID may be empty (personal space) or name an existing space.
func (s *Server) SeedApp(hostname, name, spaceID string, size int64) (string, error) {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return "", err
	}
	if _, ok := t.checkSpace(spaceID); !ok {
		return "", fmt.Errorf("qliksim: SeedApp: space %q: %w", spaceID, ErrNotFound)
	}
	a := t.addApp(0, name, "", spaceID, t.outOfBandUser(), content{size: max(size, 0), seed: newSeed()}, nil)
	return a.ID, nil
}

// App returns a snapshot of an app, including one not yet visible through the API.
func (s *Server) App(hostname, id string) (AppInfo, bool) {
	info, err := getHook(s, hostname, id, appsOf, appInfo)
	return info, err == nil
}

// Apps returns every app of the tenant on hostname in creation order.
func (s *Server) Apps(hostname string) []AppInfo {
	return listHook(s, hostname, appsOf, func(_ *tenantState, rec appRecord) AppInfo { return rec.info() })
}

func appInfo(_ *tenantState, rec appRecord) (AppInfo, error) { return rec.info(), nil }

// AppChecksum streams an app's content through SHA-256 and returns the hex digest.
func (s *Server) AppChecksum(hostname, id string) (string, error) {
	return getHook(s, hostname, id, appsOf, func(_ *tenantState, rec appRecord) (string, error) { return rec.data.checksum() })
}

// EditApp changes an app out of band, as an edit in the Qlik UI would: fn may change Name, Description and
// SpaceID; other fields are restored. modifiedDate is bumped.
func (s *Server) EditApp(hostname, id string, fn func(*AppAttributes)) error {
	return editHook(s, hostname, id, appsOf, func(_ *tenantState, cur appRecord, now time.Time) (appRecord, error) {
		edited := cur.attrs
		fn(&edited)
		cur.attrs.Name, cur.attrs.Description, cur.attrs.SpaceID = edited.Name, edited.Description, edited.SpaceID
		cur.attrs.ModifiedDate = formatTime(now)
		return cur, nil
	}, nil)
}

// ReplaceAppContent gives an app new synthetic content of size bytes, as a new version of a template would.
func (s *Server) ReplaceAppContent(hostname, id string, size int64) error {
	return editHook(s, hostname, id, appsOf, func(_ *tenantState, cur appRecord, now time.Time) (appRecord, error) {
		cur.data = content{size: max(size, 0), seed: newSeed()}
		cur.attrs.ModifiedDate = formatTime(now)
		return cur, nil
	}, nil)
}

// DeleteApp deletes an app out of band.
func (s *Server) DeleteApp(hostname, id string) error {
	return deleteHook(s, hostname, id, appsOf)
}

// SeedPrivateObject stores a private sheet, bookmark or story in an app, as its owner would make it in the app;
// obj.Type must be sheet, bookmark or story and obj.OwnerID is required. It returns the object with its new id.
func (s *Server) SeedPrivateObject(hostname, appID string, obj PrivateObject) (PrivateObject, error) {
	if !slices.Contains(privateObjectTypes, obj.Type) {
		return PrivateObject{}, fmt.Errorf("qliksim: private object type %q is not one of %v", obj.Type, privateObjectTypes)
	}
	if obj.OwnerID == "" {
		return PrivateObject{}, errors.New("qliksim: a private object needs its owner's user id")
	}
	obj.ID = randomHex(8)
	err := editHook(s, hostname, appID, appsOf, func(_ *tenantState, cur appRecord, _ time.Time) (appRecord, error) {
		cur.private = append(slices.Clone(cur.private), obj)
		return cur, nil
	}, nil)
	if err != nil {
		return PrivateObject{}, err
	}
	return obj, nil
}

// PrivateObjects returns the private sheets, bookmarks and stories of an app, oldest first, or ErrNotFound when the
// app is gone (and its users' content with it).
func (s *Server) PrivateObjects(hostname, appID string) ([]PrivateObject, error) {
	return getHook(s, hostname, appID, appsOf, func(_ *tenantState, rec appRecord) ([]PrivateObject, error) {
		return slices.Clone(rec.private), nil
	})
}

// Scripts.

// EditScript writes a new current script version out of band, as saving in the Qlik script editor does, and
// returns its id.
func (s *Server) EditScript(hostname, appID, script string) (string, error) {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return "", err
	}
	v, ok := t.addScriptVersion(appID, script, "Edited in the script editor", t.outOfBandUser(), true)
	if !ok {
		return "", ErrNotFound
	}
	return v.id, nil
}

// Scripts returns the script versions of an app, oldest first; the last one is current.
func (s *Server) Scripts(hostname, appID string) ([]ScriptVersionInfo, error) {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return nil, err
	}
	var out []ScriptVersionInfo
	ok := t.scripts.withApp(t, appID, true, func(as *appScripts) {
		out = make([]ScriptVersionInfo, 0, len(as.versions))
		for _, v := range as.versions {
			out = append(out, ScriptVersionInfo{ID: v.id, Script: v.script, VersionMessage: v.message, ModifierID: v.modifierID})
		}
	})
	if !ok {
		return nil, ErrNotFound
	}
	return out, nil
}

// Reloads.

// SetReloadBehaviour sets how the following reloads of an app run: how long they stay RELOADING, whether they
// end FAILED, and the lines they write to the log before the outcome.
func (s *Server) SetReloadBehaviour(hostname, appID string, duration time.Duration, fail bool, logLines []string) error {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return err
	}
	rs := t.reloads
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.behaviour[appID] = ReloadBehaviour{Duration: max(duration, 0), Fail: fail, LogLines: slices.Clone(logLines)}
	return nil
}

// Reloads returns the reloads of the tenant on hostname in creation order.
func (s *Server) Reloads(hostname string) []ReloadInfo {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return nil
	}
	rs := t.reloads
	rs.mu.Lock()
	defer rs.mu.Unlock()
	out := make([]ReloadInfo, 0, len(rs.items))
	for _, st := range rs.items {
		out = append(out, st.info())
	}
	sort.Slice(out, func(i, j int) bool { return rs.items[out[i].ID].seq < rs.items[out[j].ID].seq })
	return out
}

// ReloadByID returns one reload of the tenant on hostname.
func (s *Server) ReloadByID(hostname, id string) (ReloadInfo, bool) {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return ReloadInfo{}, false
	}
	return t.reload(id)
}

// DeleteReload removes a reload from the history, as Qlik's retention does with old reloads.
func (s *Server) DeleteReload(hostname, id string) error {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return err
	}
	rs := t.reloads
	rs.mu.Lock()
	defer rs.mu.Unlock()
	st, ok := rs.items[id]
	if !ok {
		return ErrNotFound
	}
	if st.timer != nil {
		st.timer.Stop()
	}
	delete(rs.items, id)
	return nil
}

// Data connections.

// DataConnections returns the tenant's data connections in creation order.
func (s *Server) DataConnections(hostname string) []DataConnectionInfo {
	return listHook(s, hostname, dataConnsOf, func(_ *tenantState, rec dataConnRecord) DataConnectionInfo { return rec.info() })
}

// DataConnectionByID returns a data connection with its stored credentials, including one not yet visible.
func (s *Server) DataConnectionByID(hostname, id string) (DataConnectionInfo, bool) {
	info, err := getHook(s, hostname, id, dataConnsOf, func(_ *tenantState, rec dataConnRecord) (DataConnectionInfo, error) {
		return rec.info(), nil
	})
	return info, err == nil
}

// EditDataConnection changes a data connection out of band, as an edit in the Qlik UI would: fn may change
// QName, QConnectStatement and Space; other fields are restored.
func (s *Server) EditDataConnection(hostname, id string, fn func(*DataConnection)) error {
	return editHook(s, hostname, id, dataConnsOf, func(_ *tenantState, cur dataConnRecord, now time.Time) (dataConnRecord, error) {
		edited := cur.conn
		fn(&edited)
		cur.conn.QName, cur.conn.QConnectStatement, cur.conn.Space = edited.QName, edited.QConnectStatement, edited.Space
		cur.conn.Updated = formatTime(now)
		return cur, nil
	}, nil)
}

// DeleteDataConnection deletes a data connection out of band.
func (s *Server) DeleteDataConnection(hostname, id string) error {
	return deleteHook(s, hostname, id, dataConnsOf)
}

// Web integrations.

// WebIntegrations returns the web integrations of the tenant on hostname, including ones not yet visible through
// the API, in creation order.
func (s *Server) WebIntegrations(hostname string) []WebIntegration {
	return listHook(s, hostname, webIntsOf, itself[WebIntegration])
}

// EditWebIntegration changes a web integration out of band, as an edit in the management console would. fn may
// change Name and ValidOrigins (stored as given, so a test can plant a non-normalised value); the edit is refused
// with ErrConflict if the name is taken.
func (s *Server) EditWebIntegration(hostname, id string, fn func(*WebIntegration)) error {
	return editHook(s, hostname, id, webIntsOf, func(_ *tenantState, cur WebIntegration, now time.Time) (WebIntegration, error) {
		edited := cur
		edited.ValidOrigins = slices.Clone(cur.ValidOrigins)
		fn(&edited)
		cur.Name, cur.ValidOrigins = edited.Name, edited.ValidOrigins
		cur.LastUpdated = formatTime(now)
		return cur, nil
	}, func(updated, other WebIntegration) bool { return updated.Name == other.Name })
}

// DeleteWebIntegration deletes a web integration out of band.
func (s *Server) DeleteWebIntegration(hostname, id string) error {
	return deleteHook(s, hostname, id, webIntsOf)
}

// CSP origins.

// CSPOrigins returns the CSP entries of the tenant on hostname, including ones not yet visible through the API,
// in creation order.
func (s *Server) CSPOrigins(hostname string) []CSPEntry {
	return listHook(s, hostname, cspOriginsOf, itself[CSPEntry])
}

// EditCSPOrigin changes a CSP entry out of band, as an edit in the management console would. fn may change every
// field but the id and creation date; the edit is refused with ErrConflict if the origin is taken and with an
// error if it is invalid.
func (s *Server) EditCSPOrigin(hostname, id string, fn func(*CSPEntry)) error {
	return editHook(s, hostname, id, cspOriginsOf, func(_ *tenantState, cur CSPEntry, now time.Time) (CSPEntry, error) {
		edited := cur
		fn(&edited)
		if err := validateCSPOrigin(edited.Origin); err != nil {
			return cur, fmt.Errorf("qliksim: EditCSPOrigin: %w", err)
		}
		edited.ID, edited.CreatedDate, edited.ModifiedDate = cur.ID, cur.CreatedDate, formatTime(now)
		return edited, nil
	}, sameCSPOrigin)
}

// DeleteCSPOrigin deletes a CSP entry out of band.
func (s *Server) DeleteCSPOrigin(hostname, id string) error {
	return deleteHook(s, hostname, id, cspOriginsOf)
}

// Identity providers.

// IdentityProviders returns the identity providers of the tenant on hostname, including ones not yet visible
// through the API, in creation order: first the tenant's interactive identity provider, then the jwtAuth ones.
func (s *Server) IdentityProviders(hostname string) []IdentityProvider {
	return listHook(s, hostname, idpsOf, itself[IdentityProvider])
}

// EditIdentityProvider changes an identity provider out of band, as the management console can, and bumps its
// lastUpdated. fn may change Description, Active, ClockToleranceSec and Options (issuer and key), which the API
// itself cannot; the id, protocol and provider are restored.
func (s *Server) EditIdentityProvider(hostname, id string, fn func(*IdentityProvider)) error {
	return editHook(s, hostname, id, idpsOf, func(_ *tenantState, cur IdentityProvider, now time.Time) (IdentityProvider, error) {
		if cur.Protocol != "jwtAuth" {
			return cur, errors.New("qliksim: EditIdentityProvider edits jwtAuth identity providers only")
		}
		edited := cur
		edited.Options.StaticKeys = slices.Clone(cur.Options.StaticKeys)
		fn(&edited)
		edited.ID, edited.Protocol, edited.Provider = cur.ID, cur.Protocol, cur.Provider
		if len(edited.Options.StaticKeys) != 1 {
			return cur, errors.New("qliksim: EditIdentityProvider: a jwtAuth identity provider holds exactly one key")
		}
		if _, err := parsePublicKeyPEM(edited.Options.StaticKeys[0].PEM); err != nil {
			return cur, fmt.Errorf("qliksim: EditIdentityProvider: %w", err)
		}
		edited.LastUpdated = formatTime(now)
		return edited, nil
	}, sameJWTKey)
}

// DeleteIdentityProvider deletes an identity provider out of band, even the interactive one.
func (s *Server) DeleteIdentityProvider(hostname, id string) error {
	return deleteHook(s, hostname, id, idpsOf)
}

// OIDCClientSecret returns the client secret stored for an OIDC identity provider, which the API never shows:
// tests use it to prove what a write sent.
func (s *Server) OIDCClientSecret(hostname, id string) (string, error) {
	return getHook(s, hostname, id, idpsOf, func(_ *tenantState, p IdentityProvider) (string, error) {
		if p.Protocol != "OIDC" {
			return "", ErrNotFound
		}
		return p.Options.ClientSecret, nil
	})
}

// EditOIDCIdentityProvider changes an OIDC identity provider out of band, as the management console can; the id,
// protocol and interactive flag are kept.
func (s *Server) EditOIDCIdentityProvider(hostname, id string, fn func(*IdentityProvider)) error {
	return editHook(s, hostname, id, idpsOf, func(_ *tenantState, cur IdentityProvider, now time.Time) (IdentityProvider, error) {
		if cur.Protocol != "OIDC" || cur.Provider == "qlik" {
			return cur, errors.New("qliksim: EditOIDCIdentityProvider edits OIDC identity providers made through the API only")
		}
		edited := cur
		fn(&edited)
		edited.ID, edited.Protocol, edited.Interactive = cur.ID, cur.Protocol, cur.Interactive
		edited.LastUpdated = formatTime(now)
		return edited, nil
	}, nil)
}

// OAuth clients.

// OAuthClients returns the OAuth clients of the tenant on hostname, hidden ones included, in creation order.
func (s *Server) OAuthClients(hostname string) []OAuthClient {
	return listHook(s, hostname, oauthClientsOf, func(_ *tenantState, rec oauthClientRecord) OAuthClient { return renderOAuthClient(rec) })
}

// EditOAuthClient changes an OAuth client out of band, as the management console can; the client id, tenant and
// secrets are kept.
func (s *Server) EditOAuthClient(hostname, clientID string, fn func(*OAuthClient)) error {
	return editHook(s, hostname, clientID, oauthClientsOf, func(_ *tenantState, cur oauthClientRecord, now time.Time) (oauthClientRecord, error) {
		next := cur
		next.OAuthClient = renderOAuthClient(cur)
		fn(&next.OAuthClient)
		next.ClientID, next.TenantID, next.ClientSecrets = cur.ClientID, cur.TenantID, cur.ClientSecrets
		next.UpdatedAt = formatTime(now)
		return next, nil
	}, nil)
}

// DeleteOAuthClientSecrets deletes every secret of an OAuth client out of band, as an administrator can in the
// management console.
func (s *Server) DeleteOAuthClientSecrets(hostname, clientID string) error {
	return editHook(s, hostname, clientID, oauthClientsOf, func(_ *tenantState, cur oauthClientRecord, _ time.Time) (oauthClientRecord, error) {
		cur.secrets, cur.ClientSecrets = nil, nil
		return cur, nil
	}, nil)
}

// DeleteOAuthClient deletes an OAuth client out of band.
func (s *Server) DeleteOAuthClient(hostname, clientID string) error {
	return deleteHook(s, hostname, clientID, oauthClientsOf)
}

// Temp contents.

// ExpireTempContents makes every temporary file of the tenant on hostname expire now, so downloads answer 410.
func (s *Server) ExpireTempContents(hostname string) error {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return err
	}
	now := time.Now()
	for _, it := range t.temp.list(now, true) {
		_, _ = t.temp.update(it.ID, now, true, func(cur tempContent) (tempContent, error) {
			cur.expires = now
			return cur, nil
		}, nil)
	}
	return nil
}

// TempContentCount is the number of temporary files the tenant on hostname holds, expired or not.
func (s *Server) TempContentCount(hostname string) int {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return 0
	}
	return len(t.temp.list(time.Now(), true))
}

// Tenants.

// TenantByID returns the tenant record as the register host serves it, with its purge date; false when there is
// no such tenant (never created, or purged).
func (s *Server) TenantByID(id string) (TenantRecord, bool) {
	t := s.tenantByID(id)
	if t == nil {
		return TenantRecord{}, false
	}
	reg := s.register
	if r := s.region(t.info.region); r != nil {
		reg = r.register
	}
	return t.record(reg), true
}

// DeactivateTenant deactivates a tenant out of band, as an administrator in the Qlik console would.
func (s *Server) DeactivateTenant(id string, purgeAfterDays int) error {
	t := s.tenantByID(id)
	if t == nil {
		return ErrNotFound
	}
	if purgeAfterDays < minPurgeDays || purgeAfterDays > maxPurgeDays {
		return fmt.Errorf("qliksim: purgeAfterDays %d out of range %d to %d", purgeAfterDays, minPurgeDays, maxPurgeDays)
	}
	s.deactivate(t, purgeAfterDays)
	return nil
}

// PurgeTenant deletes a tenant for good, as Qlik does once its purge date has passed: every host answers 404 for
// it and its own listener is closed. The home tenant cannot be purged.
func (s *Server) PurgeTenant(id string) error {
	s.mu.Lock()
	idx := slices.IndexFunc(s.tenants, func(t *tenantState) bool { return t.id == id })
	if idx < 0 {
		s.mu.Unlock()
		return ErrNotFound
	}
	t := s.tenants[idx]
	if t == s.home {
		s.mu.Unlock()
		return errors.New("qliksim: the home tenant cannot be purged")
	}
	s.tenants = slices.Delete(s.tenants, idx, idx+1)
	delete(s.hosts, t.host.hostname)
	s.mu.Unlock()
	// Close drops open connections too, so a client holding a keep-alive connection sees the tenant vanish.
	_ = t.host.srv.Close()
	return nil
}

// Custom roles.

// EditRole changes a custom role out of band, as an edit in the management console would.
func (s *Server) EditRole(hostname, id string, fn func(r *Role)) error {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return err
	}
	a := t.access
	a.rolesMu.Lock()
	defer a.rolesMu.Unlock()
	i := slices.IndexFunc(a.roles, func(x Role) bool { return x.ID == id })
	if i < 0 {
		return ErrNotFound
	}
	fn(&a.roles[i])
	a.roles[i].LastUpdatedAt = formatTime(time.Now())
	return nil
}

// DeleteRole deletes a custom role out of band, with its assignments to users, groups and the Everyone group.
func (s *Server) DeleteRole(hostname, id string) error {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return err
	}
	a := t.access
	a.rolesMu.Lock()
	n := len(a.roles)
	a.roles = slices.DeleteFunc(a.roles, func(x Role) bool { return x.ID == id && x.Type == "custom" })
	removed := len(a.roles) < n
	a.rolesMu.Unlock()
	if !removed {
		return ErrNotFound
	}
	return nil
}

// User changes.

// EditUser changes a user out of band, as an edit in the management console would. fn may change Name, Email,
// Status and the user's own roles, given as role names in roles (nil keeps them).
func (s *Server) EditUser(hostname, id string, fn func(u *User, roles *[]string)) error {
	return editHook(s, hostname, id, usersOf, func(t *tenantState, cur userRecord, now time.Time) (userRecord, error) {
		edited := cur.User
		var roles []string
		fn(&edited, &roles)
		cur.Name, cur.Email, cur.Status = edited.Name, edited.Email, edited.Status
		if roles != nil {
			resolved, err := t.access.rolesNamed(roles)
			if err != nil {
				return cur, fmt.Errorf("qliksim: EditUser: %w", err)
			}
			cur.roles = resolved
		}
		cur.LastUpdatedAt = formatTime(now)
		return cur, nil
	}, nil)
}

// DeleteUser deletes a user out of band, with its space assignments and its license assignment.
func (s *Server) DeleteUser(hostname, id string) error {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return err
	}
	return s.removeUser(t, id, true)
}

// RefuseUserPatch makes the next n user PATCH operations on path (such as /assignedRoles) in the tenant on
// hostname fail as non-critical failures, with detail as the reason: the operation is not applied, the others
// of the document are, and the answer is 207 (or 400 when nothing was applied). Qlik documents 207 without
// saying which failures cause it; this lets tests produce one on demand.
func (s *Server) RefuseUserPatch(hostname, path, detail string, n int) error {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return err
	}
	a := t.access
	a.settingsMu.Lock()
	defer a.settingsMu.Unlock()
	if a.refusedPatches == nil {
		a.refusedPatches = map[string]refusal{}
	}
	a.refusedPatches[path] = refusal{detail: detail, n: n}
	return nil
}

// Licenses.

// LicenseAssignments returns the license assignments of the tenant on hostname, by subject.
func (s *Server) LicenseAssignments(hostname string) map[string]LicenseAssignment {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return nil
	}
	l := t.access.licenses
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]LicenseAssignment, len(l.assignments))
	for k, v := range l.assignments {
		out[k] = v
	}
	return out
}

// SetLicenseAllotment sets how many users of a type the tenant's license allows.
func (s *Server) SetLicenseAllotment(hostname, typ string, units int) error {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return err
	}
	l := t.access.licenses
	l.mu.Lock()
	defer l.mu.Unlock()
	l.allotments[typ] = units
	return nil
}

// AssignLicense assigns (or, with typ "", removes) a subject's license out of band, as the management console
// would; it ignores the allotment.
func (s *Server) AssignLicense(hostname, subject, typ string) error {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return err
	}
	l := t.access.licenses
	l.mu.Lock()
	defer l.mu.Unlock()
	if typ == "" {
		if _, ok := l.assignments[subject]; !ok {
			return ErrNotFound
		}
		delete(l.assignments, subject)
		return nil
	}
	l.assignments[subject] = LicenseAssignment{Subject: subject, Type: typ, Created: formatTime(time.Now())}
	return nil
}

// Tenant-wide settings (licenses, groups, API keys, authentication).

// TenantSettings returns the tenant-wide settings of the tenant on hostname.
func (s *Server) TenantSettings(hostname string) (TenantSettingsValues, error) {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return TenantSettingsValues{}, err
	}
	a := t.access
	var v TenantSettingsValues
	a.licenses.mu.Lock()
	v.AutoAssignProfessional, v.AutoAssignAnalyzer = a.licenses.settings.AutoAssignProfessional, a.licenses.settings.AutoAssignAnalyzer
	a.licenses.mu.Unlock()
	a.settingsMu.Lock()
	v.AutoCreateGroups = a.autoCreateGroups
	for _, r := range a.freshRoles(a.everyoneRoles) {
		v.EveryoneRoles = append(v.EveryoneRoles, r.Name)
	}
	a.settingsMu.Unlock()
	a.settings.mu.Lock()
	v.MaxKeysPerUser, v.MaxAPIKeyExpiry = a.settings.maxKeysPerUser, a.settings.maxAPIKeyExpiry
	v.SessionInactivityMinutes, v.MaxSessionLifespanMinutes = a.settings.inactivityMinutes, a.settings.lifespanMinutes
	a.settings.mu.Unlock()
	return v, nil
}

// EditTenantSettings changes the tenant-wide settings out of band, as the management console would. Role names in
// EveryoneRoles must exist.
func (s *Server) EditTenantSettings(hostname string, fn func(v *TenantSettingsValues)) error {
	v, err := s.TenantSettings(hostname)
	if err != nil {
		return err
	}
	fn(&v)
	t, _ := s.tenantByHostname(hostname)
	a := t.access
	everyone, err := a.rolesNamed(v.EveryoneRoles)
	if err != nil {
		return fmt.Errorf("qliksim: EditTenantSettings: %w", err)
	}
	a.licenses.mu.Lock()
	a.licenses.settings = licenseSettings{AutoAssignProfessional: v.AutoAssignProfessional, AutoAssignAnalyzer: v.AutoAssignAnalyzer}
	a.licenses.mu.Unlock()
	a.settingsMu.Lock()
	a.autoCreateGroups, a.everyoneRoles = v.AutoCreateGroups, everyone
	a.settingsMu.Unlock()
	a.settings.mu.Lock()
	a.settings.maxKeysPerUser, a.settings.maxAPIKeyExpiry = v.MaxKeysPerUser, v.MaxAPIKeyExpiry
	a.settings.inactivityMinutes, a.settings.lifespanMinutes = v.SessionInactivityMinutes, v.MaxSessionLifespanMinutes
	a.settings.authDefault = false
	a.settings.mu.Unlock()
	return nil
}

// TenantSettingsValues are the simulator's tenant-wide settings, for tests to read and to change out of band.
type TenantSettingsValues struct {
	AutoAssignProfessional, AutoAssignAnalyzer bool
	AutoCreateGroups                           bool
	EveryoneRoles                              []string
	MaxKeysPerUser                             int
	MaxAPIKeyExpiry                            string
	SessionInactivityMinutes                   int64
	MaxSessionLifespanMinutes                  int64
}

// Brands.

// Brands returns the brands of the tenant on hostname, including ones not yet visible through the API, in creation
// order, as the API renders them.
func (s *Server) Brands(hostname string) []Brand {
	return listHook(s, hostname, brandsOf, func(_ *tenantState, rec brandRecord) Brand { return rec.render() })
}

// BrandFileContent returns the content of a brand's file (logo, favIcon or styles).
func (s *Server) BrandFileContent(hostname, id, fileID string) ([]byte, error) {
	return getHook(s, hostname, id, brandsOf, func(_ *tenantState, rec brandRecord) ([]byte, error) {
		f, ok := rec.files[fileID]
		if !ok {
			return nil, ErrNotFound
		}
		return f.data, nil
	})
}

// EditBrand changes a brand out of band, as the management console would: fn may change the name and description,
// and set (non-nil) or remove (nil) files by id; files are checked against Qlik's limits.
func (s *Server) EditBrand(hostname, id string, fn func(b *Brand, files map[string][]byte)) error {
	return editHook(s, hostname, id, brandsOf, func(_ *tenantState, cur brandRecord, now time.Time) (brandRecord, error) {
		edited := cur.brand
		files := map[string][]byte{}
		for k, f := range cur.files {
			files[k] = f.data
		}
		fn(&edited, files)
		out := brandRecord{brand: cur.brand, files: map[string]brandFileData{}}
		out.brand.Name, out.brand.Description, out.brand.UpdatedAt = edited.Name, edited.Description, formatTime(now)
		for k, data := range files {
			if data == nil {
				continue
			}
			ct, err := checkBrandFile(k, data)
			if err != nil {
				return cur, fmt.Errorf("qliksim: EditBrand: %w", err)
			}
			out.files[k] = brandFileData{data: data, contentType: ct}
		}
		return out, nil
	}, nil)
}

// ActivateBrand activates (or deactivates) a brand out of band, as another administrator would; activating one
// deactivates any other.
func (s *Server) ActivateBrand(hostname, id string, active bool) error {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return err
	}
	if _, ok := t.brands.setActive(id, active, time.Now(), true, t.adminUserID); !ok {
		return ErrNotFound
	}
	return nil
}

// DeleteBrand deletes a brand out of band.
func (s *Server) DeleteBrand(hostname, id string) error {
	return deleteHook(s, hostname, id, brandsOf)
}

// Themes and extensions.

// Themes returns the themes of the tenant on hostname (not the deleted ones), in creation order.
func (s *Server) Themes(hostname string) []Extension { return s.archivesOf(hostname, themesKind) }

// Extensions returns the extensions of the tenant on hostname (not the deleted ones), in creation order.
func (s *Server) Extensions(hostname string) []Extension {
	return s.archivesOf(hostname, extensionsKind)
}

// ThemeArchive and ExtensionArchive return the archive stored for a theme or extension.
func (s *Server) ThemeArchive(hostname, id string) ([]byte, error) {
	return s.archiveOf(hostname, id, themesKind)
}

// ExtensionArchive returns the archive stored for an extension.
func (s *Server) ExtensionArchive(hostname, id string) ([]byte, error) {
	return s.archiveOf(hostname, id, extensionsKind)
}

func (s *Server) archiveOf(hostname, id string, k archiveKind) ([]byte, error) {
	return getHook(s, hostname, id, archivesOf(k), func(_ *tenantState, rec archiveRecord) ([]byte, error) {
		if rec.deleted {
			return nil, ErrNotFound
		}
		return rec.archive, nil
	})
}

// ReplaceThemeArchive and ReplaceExtensionArchive upload another archive out of band, as the management console
// would; the archive is checked as the API checks it.
func (s *Server) ReplaceThemeArchive(hostname, id string, archive []byte) error {
	return s.replaceArchive(hostname, id, themesKind, archive)
}

// ReplaceExtensionArchive uploads another archive for an extension out of band.
func (s *Server) ReplaceExtensionArchive(hostname, id string, archive []byte) error {
	return s.replaceArchive(hostname, id, extensionsKind, archive)
}

func (s *Server) replaceArchive(hostname, id string, k archiveKind, archive []byte) error {
	q, name, err := k.readArchive(archive)
	if err != nil {
		return fmt.Errorf("qliksim: replace %s archive: %w", k.noun, err)
	}
	return editHook(s, hostname, id, archivesOf(k), func(_ *tenantState, cur archiveRecord, now time.Time) (archiveRecord, error) {
		k.fromArchive(&cur.ext, q, name, archive)
		cur.archive = archive
		cur.ext.UpdateAt = formatTime(now)
		return cur, nil
	}, nil)
}

// DeleteTheme and DeleteExtension delete out of band, as Qlik does: the object answers 410 afterwards.
func (s *Server) DeleteTheme(hostname, id string) error {
	return s.softDelete(hostname, id, themesKind)
}

// DeleteExtension deletes an extension out of band.
func (s *Server) DeleteExtension(hostname, id string) error {
	return s.softDelete(hostname, id, extensionsKind)
}

func (s *Server) softDelete(hostname, id string, k archiveKind) error {
	return editHook(s, hostname, id, archivesOf(k), func(_ *tenantState, cur archiveRecord, _ time.Time) (archiveRecord, error) {
		cur.deleted = true
		return cur, nil
	}, nil)
}

// Webhooks.

var webhooksOf = func(t *tenantState) *collection[webhookRecord] { return t.workflows.webhooks }

// WebhookInfo is a stored webhook with what the API never serves back.
type WebhookInfo struct {
	Webhook
	// Secret is the signing secret; EncryptedHeaders the encrypted headers with their values.
	Secret           string
	EncryptedHeaders map[string]string
}

func webhookInfo(_ *tenantState, rec webhookRecord) WebhookInfo {
	return WebhookInfo{Webhook: rec.Webhook, Secret: rec.secret, EncryptedHeaders: maps.Clone(rec.encrypted)}
}

// Webhooks returns the webhooks of the tenant on hostname, with their secrets, in creation order.
func (s *Server) Webhooks(hostname string) []WebhookInfo {
	return listHook(s, hostname, webhooksOf, webhookInfo)
}

// EditWebhook changes a webhook out of band, as an edit in the management console would: fn may change Name,
// Description, URL, EventTypes, Enabled and Headers; the result must still be a valid webhook. updatedAt is bumped.
func (s *Server) EditWebhook(hostname, id string, fn func(*Webhook)) error {
	return editHook(s, hostname, id, webhooksOf, func(_ *tenantState, cur webhookRecord, now time.Time) (webhookRecord, error) {
		next := cur
		next.Headers = maps.Clone(cur.Headers)
		next.EventTypes = slices.Clone(cur.EventTypes)
		fn(&next.Webhook)
		next.ID, next.CreatedAt, next.CreatedByUserID, next.Level, next.Filter = cur.ID, cur.CreatedAt, cur.CreatedByUserID, cur.Level, cur.Filter
		if err := next.check(); err != nil {
			return cur, err
		}
		next.UpdatedAt = formatTime(now)
		return next, nil
	}, nil)
}

// DeleteWebhook deletes a webhook out of band, with its deliveries.
func (s *Server) DeleteWebhook(hostname, id string) error {
	return deleteHook(s, hostname, id, webhooksOf, func(t *tenantState) { t.workflows.dropDeliveries(id) })
}

// WebhookDeliveries returns the deliveries of a webhook, oldest first.
func (s *Server) WebhookDeliveries(hostname, id string) []WebhookDelivery {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return nil
	}
	t.workflows.mu.Lock()
	defer t.workflows.mu.Unlock()
	out := make([]WebhookDelivery, 0, len(t.workflows.deliveries[id]))
	for _, e := range t.workflows.deliveries[id] {
		out = append(out, e.d)
	}
	return out
}

// Scheduling tasks.

var tasksOf = func(t *tenantState) *collection[Task] { return t.workflows.sched.tasks }

// Tasks returns the scheduling tasks of the tenant on hostname, in creation order.
func (s *Server) Tasks(hostname string) []Task { return listHook(s, hostname, tasksOf, itself[Task]) }

// EditTask changes a task out of band, as an edit in the hub would: fn may change Name, Description, Enabled and
// Start; the result must still be a valid reload task. updatedAt is bumped.
func (s *Server) EditTask(hostname, id string, fn func(*Task)) error {
	return editHook(s, hostname, id, tasksOf, func(_ *tenantState, cur Task, now time.Time) (Task, error) {
		next := cloneTask(cur)
		fn(&next)
		if next.Name == "" || next.Start == nil || CheckRRule(next.Start.Schedule.Recurrence) != nil {
			return cur, fmt.Errorf("qliksim: EditTask: the task needs a name and a valid recurrence")
		}
		next.ID, next.ResourceID, next.States = cur.ID, cur.ResourceID, cur.States
		next.Metadata = cur.Metadata
		next.Metadata.UpdatedAt = formatTime(now)
		next.Metadata.DisabledCode = ""
		if !next.Enabled {
			next.Metadata.DisabledCode = "MANUALLY"
		}
		return next, nil
	}, nil)
}

// DeleteTask deletes a task out of band, with its runs.
func (s *Server) DeleteTask(hostname, id string) error {
	return deleteHook(s, hostname, id, tasksOf, func(t *tenantState) { t.workflows.sched.dropRuns(id) })
}

// FireTask is the scheduler reaching a task's next occurrence: an enabled task runs (triggeredBy "schedule"), a
// disabled one does not ("Disabled tasks will not trigger automatically"). It reports whether a run started.
func (s *Server) FireTask(hostname, id string) (TaskRun, bool, error) {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return TaskRun{}, false, err
	}
	task, ok := t.workflows.sched.tasks.get(id, time.Now(), true)
	if !ok {
		return TaskRun{}, false, ErrNotFound
	}
	if !task.Enabled {
		return TaskRun{}, false, nil
	}
	run, err := s.runTask(t, id, "schedule", task.Metadata.OwnerID)
	return run, err == nil, err
}

// TaskRuns returns the runs of a task, oldest first, brought up to date with their reloads.
func (s *Server) TaskRuns(hostname, id string) []TaskRun {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return nil
	}
	return t.taskRuns(id)
}

// Automations.

var automationsOf = func(t *tenantState) *collection[Automation] { return t.workflows.autos.automations }

// Automations returns the automations of the tenant on hostname, in creation order.
func (s *Server) Automations(hostname string) []Automation {
	return listHook(s, hostname, automationsOf, func(t *tenantState, a Automation) Automation { return t.withLastRun(a) })
}

// EditAutomation changes an automation out of band, as an edit in the automation editor would: fn may change
// Name, Description, State ("available" or "disabled") and Workspace. updatedAt is bumped.
func (s *Server) EditAutomation(hostname, id string, fn func(*Automation)) error {
	return editHook(s, hostname, id, automationsOf, func(_ *tenantState, cur Automation, now time.Time) (Automation, error) {
		next := cur
		fn(&next)
		if next.Name == "" || (next.State != "available" && next.State != "disabled") || !json.Valid(next.Workspace) {
			return cur, errors.New("qliksim: EditAutomation: the automation needs a name, a state and a JSON workspace")
		}
		next.ID, next.OwnerID, next.ExecutionToken, next.CreatedAt, next.UpdatedAt = cur.ID, cur.OwnerID, cur.ExecutionToken, cur.CreatedAt, formatTime(now)
		return next, nil
	}, nil)
}

// DeleteAutomation deletes an automation out of band.
func (s *Server) DeleteAutomation(hostname, id string) error {
	return deleteHook(s, hostname, id, automationsOf)
}

// SetAutomationBehaviour sets how the following runs of an automation go: how long they stay running, and
// whether they end failed with message in their error list.
func (s *Server) SetAutomationBehaviour(hostname, id string, duration time.Duration, fail bool, message string) error {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return err
	}
	t.workflows.autos.mu.Lock()
	defer t.workflows.autos.mu.Unlock()
	t.workflows.autos.behaviour[id] = AutomationBehaviour{Duration: duration, Fail: fail, Message: message}
	return nil
}

// AutomationRuns returns the runs of an automation, oldest first.
func (s *Server) AutomationRuns(hostname, id string) []AutomationRun {
	t, err := s.tenantByHostname(hostname)
	if err != nil {
		return nil
	}
	return t.automationRuns(id)
}

func (s *Server) archivesOf(hostname string, k archiveKind) []Extension {
	var out []Extension
	for _, rec := range listHook(s, hostname, archivesOf(k), itself[archiveRecord]) {
		if !rec.deleted {
			out = append(out, rec.ext)
		}
	}
	return out
}
