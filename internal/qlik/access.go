package qlik

import (
	"context"
	"fmt"
	"slices"
)

// The orchestration behind qlik_role_mapping: a group found or created by name, tenant roles given back, and an
// assignee's roles in a set of spaces reconciled. Each step is idempotent, so a failed or interrupted apply is
// repaired by running it again.

// FindOrCreateGroup returns the group named name, or creates it as an identity-provider group (so that logins
// carrying the name join it) with roles. created says which: only a created group is the caller's to delete.
// roles non-nil (even empty) is the complete role list, which a found group is given too (Qlik's PATCH is
// replace-only); nil leaves a found group's roles alone and creates the group without roles. A group made by
// someone else between the lookup and the create (a first login, for instance) is found, not an error.
func (c *Client) FindOrCreateGroup(ctx context.Context, name string, roles []string) (g *Group, created bool, err error) {
	g, err = c.FindGroupByName(ctx, name)
	if isNoMatch(err) {
		g, err = c.CreateGroup(ctx, GroupCreateRequest{Name: name, ProviderType: GroupProviderIDP, Roles: roles})
		if err == nil {
			return g, true, nil
		}
		if !IsConflict(err) {
			return nil, false, err
		}
		if g, err = c.FindGroupByName(ctx, name); err != nil {
			return nil, false, err
		}
	}
	if err != nil {
		return nil, false, err
	}
	if roles != nil {
		if err := c.SetGroupRoles(ctx, g.ID, roles); err != nil {
			return nil, false, fmt.Errorf("setting the roles of group %q: %w", name, err)
		}
	}
	return g, false, nil
}

// RemoveGroupRoles takes the named roles out of the group's tenant roles and keeps the others. A group that is
// gone has nothing to give back.
func (c *Client) RemoveGroupRoles(ctx context.Context, groupID string, names []string) error {
	if len(names) == 0 {
		return nil
	}
	g, err := c.GetGroup(ctx, groupID)
	if IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading group %s: %w", groupID, err)
	}
	current := g.RoleNames()
	keep := slices.DeleteFunc(slices.Clone(current), func(n string) bool { return slices.Contains(names, n) })
	if len(keep) == len(current) {
		return nil
	}
	if err := c.SetGroupRoles(ctx, groupID, keep); err != nil && !IsNotFound(err) {
		return err
	}
	return nil
}

// SpaceGrant is what one assignee holds in one space.
type SpaceGrant struct {
	SpaceID string
	Roles   []string
}

// SetSpaceRoles gives the assignee exactly roles in the space: it creates the assignee's assignment, or replaces
// the roles of the one that exists (made by hand, or by an interrupted run), which is adopted rather than
// answered with Qlik's 409. Nothing is sent when the roles are already these.
func (c *Client) SetSpaceRoles(ctx context.Context, spaceID, assigneeType, assigneeID string, roles []string) error {
	a, err := c.FindSpaceAssignment(ctx, spaceID, assigneeID)
	if isNoMatch(err) {
		_, err = c.CreateSpaceAssignment(ctx, spaceID, SpaceAssignmentCreateRequest{Type: assigneeType, AssigneeID: assigneeID, Roles: roles})
		return err
	}
	if err != nil {
		return err
	}
	if sameSet(a.Roles, roles) {
		return nil
	}
	_, err = c.UpdateSpaceAssignment(ctx, spaceID, a.ID, roles)
	return err
}

// RemoveSpaceAssignee deletes the assignee's assignment in the space. An assignment or a space that is gone
// already is fine.
func (c *Client) RemoveSpaceAssignee(ctx context.Context, spaceID, assigneeID string) error {
	a, err := c.FindSpaceAssignment(ctx, spaceID, assigneeID)
	if err == nil {
		err = c.DeleteSpaceAssignment(ctx, spaceID, a.ID)
	}
	if IsNotFound(err) {
		return nil
	}
	return err
}

// SpaceRolesOf reads the assignee's roles in each of the spaces. A space where it has no assignment, or that is
// gone, is left out, so a caller that manages those spaces puts the assignment back.
func (c *Client) SpaceRolesOf(ctx context.Context, assigneeID string, spaceIDs []string) ([]SpaceGrant, error) {
	out := []SpaceGrant{}
	for _, spaceID := range spaceIDs {
		a, err := c.FindSpaceAssignment(ctx, spaceID, assigneeID)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading the assignment of %s in space %s: %w", assigneeID, spaceID, err)
		}
		out = append(out, SpaceGrant{SpaceID: spaceID, Roles: a.Roles})
	}
	return out, nil
}

// SpaceRolesError is one space that ReconcileSpaceRoles could not bring to the desired roles.
type SpaceRolesError struct {
	SpaceID string
	// Removing says the assignment was to be deleted; otherwise its roles were to be set.
	Removing bool
	Err      error
}

func (e *SpaceRolesError) Error() string {
	if e.Removing {
		return fmt.Sprintf("removing the assignment in space %s: %v", e.SpaceID, e.Err)
	}
	return fmt.Sprintf("assigning the roles in space %s: %v", e.SpaceID, e.Err)
}

func (e *SpaceRolesError) Unwrap() error { return e.Err }

// ReconcileSpaceRoles moves the assignee's assignments from current (what it holds, as last recorded) to desired,
// and returns what it holds afterwards: a space whose roles are unchanged is not touched, a space new or changed
// gets its roles (SetSpaceRoles), and a space no longer desired loses its assignment. A space that fails keeps
// what it held (nothing, for a new one), so the result matches Qlik; its failure is one of errs.
func (c *Client) ReconcileSpaceRoles(ctx context.Context, assigneeType, assigneeID string, current, desired []SpaceGrant) (held []SpaceGrant, errs []*SpaceRolesError) {
	before := map[string]SpaceGrant{}
	for _, s := range current {
		before[s.SpaceID] = s
	}
	held = []SpaceGrant{}
	wanted := map[string]bool{}
	for _, s := range desired {
		wanted[s.SpaceID] = true
		if prev, ok := before[s.SpaceID]; ok && sameSet(prev.Roles, s.Roles) {
			held = append(held, s)
			continue
		}
		if err := c.SetSpaceRoles(ctx, s.SpaceID, assigneeType, assigneeID, s.Roles); err != nil {
			errs = append(errs, &SpaceRolesError{SpaceID: s.SpaceID, Err: err})
			if prev, ok := before[s.SpaceID]; ok {
				held = append(held, prev)
			}
			continue
		}
		held = append(held, s)
	}
	for _, s := range current {
		if wanted[s.SpaceID] {
			continue
		}
		if err := c.RemoveSpaceAssignee(ctx, s.SpaceID, assigneeID); err != nil {
			errs = append(errs, &SpaceRolesError{SpaceID: s.SpaceID, Removing: true, Err: err})
			held = append(held, s)
		}
	}
	return held, errs
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
