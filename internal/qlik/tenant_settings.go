package qlik

import (
	"context"
	"net/http"
	"net/url"
)

// Tenant-wide settings: one value per tenant, read with GET and changed with PATCH or PUT. Each has its own API.

// EveryoneGroupID is the fixed id of the Everyone system group (groups.json GroupSettings.systemGroups).
const EveryoneGroupID = "000000000000000000000001"

// GroupSettings are the tenant's group settings (GET /api/v1/groups/settings).
type GroupSettings struct {
	AutoCreateGroups bool `json:"autoCreateGroups"`
	SyncIdpGroups    bool `json:"syncIdpGroups"`
	SystemGroups     map[string]struct {
		AssignedRoles []RoleRef `json:"assignedRoles"`
	} `json:"systemGroups"`
}

// EveryoneRoles returns the role names of the Everyone group.
func (s *GroupSettings) EveryoneRoles() []string {
	return namesOf(s.SystemGroups[EveryoneGroupID].AssignedRoles)
}

// GetGroupSettings calls GET /api/v1/groups/settings.
func (c *Client) GetGroupSettings(ctx context.Context) (*GroupSettings, error) {
	return doJSON[GroupSettings](ctx, c, &request{method: http.MethodGet, path: groupsPath + "/settings"})
}

// SetGroupSettings calls PATCH /api/v1/groups/settings: autoCreateGroups and syncIdpGroups are set together (the
// latter is deprecated; Qlik's own Platform Operations connector toggles both), and everyoneRoles, when non-nil,
// replaces the Everyone group's roles.
func (c *Client) SetGroupSettings(ctx context.Context, autoCreate bool, everyoneRoles []string) error {
	p := jsonPatch{replaceOp("/autoCreateGroups", autoCreate), replaceOp("/syncIdpGroups", autoCreate)}
	if everyoneRoles != nil {
		p.replace("/systemGroups/"+EveryoneGroupID+"/assignedRoles", roleNames(everyoneRoles))
	}
	_, err := c.do(ctx, &request{method: http.MethodPatch, path: groupsPath + "/settings", body: p})
	return err
}

// APIKeysConfig is a tenant's API key policy (api-keys.json ApiKeysConfig).
type APIKeysConfig struct {
	MaxKeysPerUser  int    `json:"max_keys_per_user"`
	MaxAPIKeyExpiry string `json:"max_api_key_expiry"`
}

func apiKeysConfigPath(tenantID string) string {
	return "/api/v1/api-keys/configs/" + url.PathEscape(tenantID)
}

// GetAPIKeysConfig calls GET /api/v1/api-keys/configs/{tenantId}.
func (c *Client) GetAPIKeysConfig(ctx context.Context, tenantID string) (*APIKeysConfig, error) {
	return getObject[APIKeysConfig](ctx, c, "tenant", tenantID, apiKeysConfigPath)
}

// SetAPIKeysConfig calls PATCH /api/v1/api-keys/configs/{tenantId} replacing both values.
func (c *Client) SetAPIKeysConfig(ctx context.Context, tenantID string, s APIKeysConfig) error {
	return patchObject(ctx, c, "tenant", tenantID, apiKeysConfigPath, jsonPatch{
		replaceOp("/max_keys_per_user", s.MaxKeysPerUser), replaceOp("/max_api_key_expiry", s.MaxAPIKeyExpiry),
	}, nil)
}

const authSettingsPath = "/api/core/auth-settings"

// AuthSettings are a tenant's session settings (core-auth-settings.json AuthSettingsResource).
type AuthSettings struct {
	TenantID                            string `json:"tenantId"`
	IsDefault                           bool   `json:"isDefault"`
	UserSessionInactivityTimeoutMinutes int64  `json:"userSessionInactivityTimeoutMinutes"`
	MaxUserSessionLifespanMinutes       int64  `json:"maxUserSessionLifespanMinutes"`
}

// GetAuthSettings calls GET /api/core/auth-settings.
func (c *Client) GetAuthSettings(ctx context.Context) (*AuthSettings, error) {
	return doJSON[AuthSettings](ctx, c, &request{method: http.MethodGet, path: authSettingsPath})
}

// SetAuthSettings calls PATCH /api/core/auth-settings replacing both timeouts, and returns the settings Qlik
// answers with.
func (c *Client) SetAuthSettings(ctx context.Context, inactivityMinutes, lifespanMinutes int64) (*AuthSettings, error) {
	p := jsonPatch{
		replaceOp("/userSessionInactivityTimeoutMinutes", inactivityMinutes), replaceOp("/maxUserSessionLifespanMinutes", lifespanMinutes),
	}
	return doJSON[AuthSettings](ctx, c, &request{method: http.MethodPatch, path: authSettingsPath, body: p})
}

// CurrentTenantID returns the id of the view's tenant (GET /api/v1/tenants/me), cached per host for the life of
// the client: APIs such as the API key configuration name the tenant by id.
func (c *Client) CurrentTenantID(ctx context.Context) (string, error) {
	cache := &c.core.tenantIDs
	cache.mu.Lock()
	id, ok := cache.ids[c.ep.host]
	cache.mu.Unlock()
	if ok {
		return id, nil
	}
	t, err := c.GetCurrentTenant(ctx)
	if err != nil {
		return "", err
	}
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if cache.ids == nil {
		cache.ids = map[string]string{}
	}
	cache.ids[c.ep.host] = t.ID
	return t.ID, nil
}
