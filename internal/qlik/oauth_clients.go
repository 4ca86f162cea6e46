package qlik

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

const oauthClientsPath = "/api/v1/oauth-clients"

// OAuth client settings (oauth-clients.json OAuthClientBase).
const (
	OAuthAppTypeWeb           = "web"
	OAuthGrantClientCreds     = "client_credentials"
	OAuthGrantImpersonation   = "urn:qlik:oauth:user-impersonation"
	OAuthAuthClientSecret     = "client_secret"
	OAuthAuthPrivateKeyJWT    = "private_key_jwt"
	OAuthConsentTrusted       = "trusted"
	OAuthConsentRequired      = "required"
	OAuthClientSecretsMax     = 5
	OAuthClientURIsMax        = 5
	OAuthClientURIMaxLength   = 256
	OAuthClientNameMaxLength  = 512
	OAuthClientDescMaxLength  = 4096
	OAuthClientScopeMaxLength = 256
)

// OAuthClient is an OAuth client as an admin reads it (oauth-clients.json OAuthClientAdminReadResponse).
type OAuthClient struct {
	ClientID           string             `json:"clientId"`
	AppType            string             `json:"appType"`
	ClientName         string             `json:"clientName"`
	Description        string             `json:"description"`
	OwnerID            string             `json:"ownerId"`
	TenantID           string             `json:"tenantId"`
	CreatedAt          string             `json:"createdAt"`
	UpdatedAt          string             `json:"updatedAt"`
	PublishedAt        string             `json:"publishedAt"`
	AllowedGrantTypes  []string           `json:"allowedGrantTypes"`
	AllowedScopes      []string           `json:"allowedScopes"`
	RedirectURIs       []string           `json:"redirectUris"`
	AllowedOrigins     []string           `json:"allowedOrigins"`
	AllowedAuthMethods []string           `json:"allowedAuthMethods"`
	PublicKeys         []JWK              `json:"publicKeys"`
	ClientSecrets      []OAuthSecretHint  `json:"clientSecrets"`
	ConnectionConfig   OAuthClientConsent `json:"connectionConfig"`
	// ClientSecret is set only by the answer that made a secret: the create, or a recovery that replaced the
	// secret an interrupted create made (Qlik shows a secret once).
	ClientSecret string `json:"clientSecret,omitempty"`
}

// OAuthSecretHint is what Qlik shows of a client secret after its creation.
type OAuthSecretHint struct {
	Hint      string `json:"hint"`
	CreatedAt string `json:"createdAt"`
	CreatedBy string `json:"createdBy"`
}

// OAuthClientConsent is a client's connection config: its consent method.
type OAuthClientConsent struct {
	ConsentMethod string `json:"consentMethod,omitempty"`
}

// JWK is a public key of a client that authenticates with private_key_jwt (oauth-clients.json JWK).
type JWK struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
}

// OAuthClientSettings are the settings of a client that can be written: all of them at create, and all but
// AppType by Update.
type OAuthClientSettings struct {
	AppType            string
	ClientName         string
	Description        string
	AllowedGrantTypes  []string
	AllowedScopes      []string
	RedirectURIs       []string
	AllowedOrigins     []string
	AllowedAuthMethods []string
	PublicKeys         []JWK
	// ConsentMethod is trusted or required; empty leaves Qlik's default.
	ConsentMethod string
}

type oauthClientCreateBody struct {
	AppType            string              `json:"appType"`
	ClientName         string              `json:"clientName"`
	Description        string              `json:"description,omitempty"`
	AllowedGrantTypes  []string            `json:"allowedGrantTypes,omitempty"`
	AllowedScopes      []string            `json:"allowedScopes,omitempty"`
	RedirectURIs       []string            `json:"redirectUris,omitempty"`
	AllowedOrigins     []string            `json:"allowedOrigins,omitempty"`
	AllowedAuthMethods []string            `json:"allowedAuthMethods,omitempty"`
	PublicKeys         []JWK               `json:"publicKeys,omitempty"`
	ConnectionConfig   *OAuthClientConsent `json:"connectionConfig,omitempty"`
}

func oauthClientPath(id string) string { return itemPath(oauthClientsPath, id) }

// CreateOAuthClient calls POST /api/v1/oauth-clients. The answer carries the client secret, which Qlik never
// shows again. Qlik accepts only the trusted consent method at create; required is its default, and any other
// change of consent goes through SetOAuthClientConsent.
//
// A create whose outcome is unknown is resolved by looking the client up by name (proof: created by this
// request's user after it started, with the fields sent). An adopted client's secret was lost with the answer,
// so a client that uses secrets gets a new one here and the lost one is deleted: the caller always receives a
// secret that works, and no unknown secret stays valid.
func (c *Client) CreateOAuthClient(ctx context.Context, s OAuthClientSettings) (*OAuthClient, error) {
	body := oauthClientCreateBody{
		AppType: s.AppType, ClientName: s.ClientName, Description: s.Description,
		AllowedGrantTypes: s.AllowedGrantTypes, AllowedScopes: s.AllowedScopes, RedirectURIs: s.RedirectURIs,
		AllowedOrigins: s.AllowedOrigins, AllowedAuthMethods: s.AllowedAuthMethods, PublicKeys: s.PublicKeys,
	}
	if s.ConsentMethod == OAuthConsentTrusted {
		body.ConnectionConfig = &OAuthClientConsent{ConsentMethod: OAuthConsentTrusted}
	}
	me := ""
	cr := creation[OAuthClient]{
		what: fmt.Sprintf("OAuth client %q", s.ClientName),
		post: &request{method: http.MethodPost, path: oauthClientsPath, body: body},
		find: func(ctx context.Context) (*OAuthClient, error) {
			if me == "" {
				me = c.currentUserID(ctx)
			}
			return c.findNewestOAuthClient(ctx, s.ClientName, me)
		},
		// Names are unique nowhere, so no 409 tells that an earlier attempt committed, and Qlik lists a new client
		// only after a moment: a list that does not show it yet is read again before the create is tried again.
		untilVisible: true,
		proof: func(o *OAuthClient) provenance {
			return provenance{id: o.ClientID, created: o.CreatedAt, creator: o.OwnerID, differs: differsIn(
				same("app type", o.AppType, s.AppType), same("name", o.ClientName, s.ClientName),
				same("description", o.Description, s.Description),
				same("grant types", setKey(o.AllowedGrantTypes), setKey(s.AllowedGrantTypes)),
				same("scopes", setKey(o.AllowedScopes), setKey(s.AllowedScopes)),
				same("redirect URIs", setKey(o.RedirectURIs), setKey(s.RedirectURIs)),
				same("origins", setKey(o.AllowedOrigins), setKey(s.AllowedOrigins)),
			)}
		},
	}
	o, adopted, err := runCreation(ctx, c, cr)
	if err != nil {
		return nil, err
	}
	if o.ClientSecret != "" {
		c.core.redact.add(o.ClientSecret)
	}
	if !adopted {
		c.core.created.note(c.ep.host, oauthClientPath(o.ClientID), c.core.now())
		return o, nil
	}
	if !slices.Contains(o.AllowedAuthMethods, OAuthAuthClientSecret) {
		return o, nil
	}
	lost := o.ClientSecrets
	sec, retried, err := c.renewOAuthClientSecret(ctx, o.ClientID)
	if err != nil {
		return nil, fmt.Errorf("OAuth client %s was created by an interrupted attempt whose answer (with the client secret) was lost, "+
			"and making a new secret failed: %w", o.ClientID, err)
	}
	if retried {
		// An attempt whose answer was lost may have made a secret nobody saw: every secret but the new one goes.
		cur, err := c.GetOAuthClient(ctx, o.ClientID)
		if err != nil {
			return nil, fmt.Errorf("reading the secrets of OAuth client %s after making a new one: %w", o.ClientID, err)
		}
		lost = slices.DeleteFunc(cur.ClientSecrets, func(h OAuthSecretHint) bool { return h.Hint == sec.Hint })
	}
	for _, h := range lost {
		if err := c.DeleteOAuthClientSecret(ctx, o.ClientID, h.Hint); err != nil && !IsNotFound(err) {
			return nil, fmt.Errorf("deleting the lost secret %s of OAuth client %s: %w", h.Hint, o.ClientID, err)
		}
	}
	o.ClientSecret = sec.ClientSecret
	o.ClientSecrets = []OAuthSecretHint{{Hint: sec.Hint, CreatedAt: sec.CreatedAt, CreatedBy: sec.CreatedBy}}
	return o, nil
}

// renewOAuthClientSecret makes a new secret for an adopted client, asking again after a failure with unknown
// outcome as a create does (worthRetrying, up to MaxRetries); retried says that an earlier attempt may have made a
// secret too.
func (c *Client) renewOAuthClientSecret(ctx context.Context, id string) (sec *OAuthClientSecret, retried bool, err error) {
	for attempt := 0; ; attempt++ {
		sec, err = c.CreateOAuthClientSecret(ctx, id)
		if err == nil || !isAmbiguous(err) || !worthRetrying(err) || attempt >= c.core.cfg.MaxRetries {
			return sec, attempt > 0, err
		}
		if serr := sleepCtx(ctx, jitterBackoff(c.core.cfg.RetryWaitMin, c.core.cfg.RetryWaitMax, attempt)); serr != nil {
			return nil, true, fmt.Errorf("%w (last error: %w)", serr, err)
		}
	}
}

// setKey renders a list as a set for comparison.
func setKey(v []string) string {
	s := slices.Clone(v)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), "\n")
}

// findNewestOAuthClient returns the newest client named name that owner created (Qlik keeps names unique
// nowhere, so older namesakes are never candidates when a newer one exists); a *NotFoundError when none.
func (c *Client) findNewestOAuthClient(ctx context.Context, name, owner string) (*OAuthClient, error) {
	all, err := c.ListOAuthClients(ctx, fmt.Sprintf("clientName eq %s", strconv.Quote(name)))
	if err != nil {
		return nil, err
	}
	var best *OAuthClient
	for i := range all {
		o := &all[i]
		if o.ClientName != name || (owner != "" && o.OwnerID != owner) {
			continue
		}
		if best == nil || o.CreatedAt > best.CreatedAt {
			best = o
		}
	}
	if best == nil {
		return nil, c.notFound("OAuth client named %q", name)
	}
	return best, nil
}

// ListOAuthClients calls GET /api/v1/oauth-clients with an optional RFC 7644 filter and follows links.next.
func (c *Client) ListOAuthClients(ctx context.Context, filter string) ([]OAuthClient, error) {
	return listFiltered[OAuthClient](ctx, c, oauthClientsPath, filter)
}

// GetOAuthClient calls GET /api/v1/oauth-clients/{id}.
func (c *Client) GetOAuthClient(ctx context.Context, id string) (*OAuthClient, error) {
	return getObject[OAuthClient](ctx, c, "OAuth client", id, oauthClientPath)
}

// OAuthClientUpdate names the settings to change; nil fields are left alone.
type OAuthClientUpdate struct {
	ClientName         *string
	Description        *string
	AllowedGrantTypes  *[]string
	AllowedScopes      *[]string
	RedirectURIs       *[]string
	AllowedOrigins     *[]string
	AllowedAuthMethods *[]string
	PublicKeys         *[]JWK
}

// UpdateOAuthClient calls PATCH /api/v1/oauth-clients/{id} with one replace per changed setting. Qlik answers
// 202 with a new client secret when the change made one (client_secret added to the auth methods); that secret
// is returned, and "" otherwise.
func (c *Client) UpdateOAuthClient(ctx context.Context, id string, u OAuthClientUpdate) (string, error) {
	var p jsonPatch
	replaceIfSet(&p, "/clientName", u.ClientName)
	replaceIfSet(&p, "/description", u.Description)
	replaceListIfSet(&p, "/allowedGrantTypes", u.AllowedGrantTypes)
	replaceListIfSet(&p, "/allowedScopes", u.AllowedScopes)
	replaceListIfSet(&p, "/redirectUris", u.RedirectURIs)
	replaceListIfSet(&p, "/allowedOrigins", u.AllowedOrigins)
	// Keys before auth methods: adding private_key_jwt needs the keys in place. They are sent as the field's own
	// type, an array of JWK objects; the spec's string-or-strings value cannot carry one.
	replaceListIfSet(&p, "/publicKeys", u.PublicKeys)
	replaceListIfSet(&p, "/allowedAuthMethods", u.AllowedAuthMethods)
	var out struct {
		ClientSecret string `json:"clientSecret"`
	}
	if err := patchObject(ctx, c, "OAuth client", id, oauthClientPath, p, &out); err != nil {
		return "", err
	}
	c.core.redact.add(out.ClientSecret)
	return out.ClientSecret, nil
}

// SetOAuthClientConsent calls PATCH /api/v1/oauth-clients/{id}/connection-configs/me with the consent method
// (required or trusted).
func (c *Client) SetOAuthClientConsent(ctx context.Context, id, method string) error {
	return patchObject(ctx, c, "OAuth client", id, func(id string) string { return oauthClientPath(id) + "/connection-configs/me" },
		jsonPatch{replaceOp("/consentMethod", method)}, nil)
}

// PublishOAuthClient calls POST /api/v1/oauth-clients/{id}/actions/publish, which makes the client available to
// every tenant of the region, and returns publishedAt. Qlik documents no unpublish.
func (c *Client) PublishOAuthClient(ctx context.Context, id string) (string, error) {
	if err := checkID("OAuth client", id); err != nil {
		return "", err
	}
	var out struct {
		PublishedAt string `json:"publishedAt"`
	}
	// Publishing twice leaves a published client published: safe to retry.
	_, err := c.do(ctx, &request{method: http.MethodPost, path: oauthClientPath(id) + "/actions/publish", out: &out, idempotent: true})
	return out.PublishedAt, err
}

// OAuthClientSecret is a new client secret as Qlik returns it, once (OAuthClientSecretResponse).
type OAuthClientSecret struct {
	Hint         string `json:"hint"`
	ClientID     string `json:"clientId"`
	CreatedAt    string `json:"createdAt"`
	CreatedBy    string `json:"createdBy"`
	ClientSecret string `json:"clientSecret"`
}

// CreateOAuthClientSecret calls POST /api/v1/oauth-clients/{id}/client-secrets. Qlik answers 409 when the
// client has 5 secrets already. It is not retried after an ambiguous failure: a secret cannot be looked up, and
// a second one would count against the cap.
func (c *Client) CreateOAuthClientSecret(ctx context.Context, id string) (*OAuthClientSecret, error) {
	if err := checkID("OAuth client", id); err != nil {
		return nil, err
	}
	out, err := doJSON[OAuthClientSecret](ctx, c, &request{method: http.MethodPost, path: oauthClientPath(id) + "/client-secrets"})
	if err != nil {
		return nil, err
	}
	c.core.redact.add(out.ClientSecret)
	return out, nil
}

// DeleteOAuthClientSecret calls DELETE /api/v1/oauth-clients/{id}/client-secrets/{hint}.
func (c *Client) DeleteOAuthClientSecret(ctx context.Context, id, hint string) error {
	if err := checkID("OAuth client", id); err != nil {
		return err
	}
	if err := checkID("client secret hint", hint); err != nil {
		return err
	}
	_, err := c.do(ctx, &request{method: http.MethodDelete, path: itemPath(oauthClientPath(id)+"/client-secrets", hint)})
	return err
}

// DeleteOAuthClient calls DELETE /api/v1/oauth-clients/{id} with the qlik-confirm-delete header naming the
// client, which Qlik requires.
func (c *Client) DeleteOAuthClient(ctx context.Context, id string) error {
	if err := checkID("OAuth client", id); err != nil {
		return err
	}
	h := http.Header{}
	h.Set("qlik-confirm-delete", id)
	_, err := c.do(ctx, &request{method: http.MethodDelete, path: oauthClientPath(id), header: h})
	return err
}
