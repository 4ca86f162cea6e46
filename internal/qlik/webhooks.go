package qlik

import (
	"context"
	"errors"
	"fmt"
	"net/url"
)

const webhooksPath = "/api/v1/webhooks"

// Webhook is a Qlik Cloud webhook as GET answers it (webhooks.json, schema WebhookResponse). The secret and the
// values of the encrypted headers are never returned: SecretKeyAdded says whether a secret is set, and
// EncryptedHeaders lists the names of the encrypted headers.
type Webhook struct {
	ID                       string            `json:"id"`
	Name                     string            `json:"name"`
	Description              string            `json:"description"`
	URL                      string            `json:"url"`
	EventTypes               []string          `json:"eventTypes"`
	Level                    string            `json:"level"`
	Filter                   string            `json:"filter"`
	Enabled                  bool              `json:"enabled"`
	Headers                  map[string]string `json:"headers"`
	EncryptedHeaders         []string          `json:"encryptedHeaders"`
	SecretKeyAdded           bool              `json:"secretKeyAdded"`
	OwnerID                  string            `json:"ownerId"`
	EnableCloudEventDelivery bool              `json:"enableCloudEventDelivery"`
	DisabledReason           string            `json:"disabledReason"`
	CreatedAt                string            `json:"createdAt"`
	UpdatedAt                string            `json:"updatedAt"`
	CreatedByUserID          string            `json:"createdByUserId"`
}

// WebhookCreateRequest is the body of POST /api/v1/webhooks (WebhookPost). Secret and EncryptedHeaders are
// write-only: they are masked in logs.
type WebhookCreateRequest struct {
	Name             string            `json:"name"`
	Description      string            `json:"description,omitempty"`
	URL              string            `json:"url"`
	EventTypes       []string          `json:"eventTypes"`
	Level            string            `json:"level,omitempty"`
	Filter           string            `json:"filter,omitempty"`
	Enabled          bool              `json:"enabled"`
	Headers          map[string]string `json:"headers,omitempty"`
	Secret           string            `json:"secret,omitempty"`
	EncryptedHeaders map[string]string `json:"encryptedHeaders,omitempty"`
}

// WebhookUpdate lists the fields to change by PATCH; nil leaves a field as it is. Qlik's PUT clears every field it
// omits, and the secret cannot be read back to send again, so updates are PATCH only. An empty Secret or
// EncryptedHeaders removes it.
type WebhookUpdate struct {
	Name             *string
	Description      *string
	URL              *string
	EventTypes       *[]string
	Enabled          *bool
	Headers          *map[string]string
	Secret           *string
	EncryptedHeaders *map[string]string
}

func webhookPath(id string) string { return itemPath(webhooksPath, id) }

func (c *Client) maskWebhookSecrets(secret string, encrypted map[string]string) {
	c.core.redact.add(secret)
	for _, v := range encrypted {
		c.core.redact.add(v)
	}
}

// CreateWebhook calls POST /api/v1/webhooks. Qlik keeps no natural key unique for webhooks; after a create whose
// outcome is unknown the provider looks for a webhook with the same name and URL that this request created
// (createWithRecovery's proof), so a retry does not register it twice.
func (c *Client) CreateWebhook(ctx context.Context, req WebhookCreateRequest) (*Webhook, error) {
	if req.EventTypes == nil {
		req.EventTypes = []string{}
	}
	c.maskWebhookSecrets(req.Secret, req.EncryptedHeaders)
	return createIn(ctx, c, webhooksPath, req, creation[Webhook]{
		what:      fmt.Sprintf("webhook %q", req.Name),
		namesakes: func(ctx context.Context) ([]Webhook, error) { return c.webhooksNamed(ctx, req.Name, req.URL) },
		proof: func(w *Webhook) provenance {
			return provenance{
				id: w.ID, created: w.CreatedAt, creator: w.CreatedByUserID,
				differs: differsIn(same("name", w.Name, req.Name), same("url", w.URL, req.URL), same("filter", w.Filter, req.Filter),
					sameItems("event types", w.EventTypes, req.EventTypes)),
			}
		},
	})
}

// GetWebhook calls GET /api/v1/webhooks/{id}.
func (c *Client) GetWebhook(ctx context.Context, id string) (*Webhook, error) {
	return getObject[Webhook](ctx, c, "webhook", id, webhookPath)
}

// UpdateWebhook calls PATCH /api/v1/webhooks/{id} (204) with one replace operation per field set in u (remove for
// an empty secret or encrypted headers), then reads the webhook back.
func (c *Client) UpdateWebhook(ctx context.Context, id string, u WebhookUpdate) (*Webhook, error) {
	var p jsonPatch
	replaceIfSet(&p, "/name", u.Name)
	replaceIfSet(&p, "/description", u.Description)
	replaceIfSet(&p, "/url", u.URL)
	replaceListIfSet(&p, "/eventTypes", u.EventTypes)
	if u.Headers != nil {
		h := *u.Headers
		if h == nil {
			h = map[string]string{}
		}
		p.replace("/headers", h)
	}
	if u.Secret != nil {
		c.maskWebhookSecrets(*u.Secret, nil)
		if *u.Secret == "" {
			p.remove("/secret")
		} else {
			p.replace("/secret", *u.Secret)
		}
	}
	if u.EncryptedHeaders != nil {
		c.maskWebhookSecrets("", *u.EncryptedHeaders)
		if len(*u.EncryptedHeaders) == 0 {
			p.remove("/encryptedHeaders")
		} else {
			p.replace("/encryptedHeaders", *u.EncryptedHeaders)
		}
	}
	// enabled last, so that a webhook turned on already has its new URL, events and secret.
	replaceIfSet(&p, "/enabled", u.Enabled)
	return patchThenGet[Webhook](ctx, c, "webhook", id, webhookPath, p)
}

// DeleteWebhook calls DELETE /api/v1/webhooks/{id}.
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	return deleteObject(ctx, c, "webhook", id, webhookPath)
}

// ListWebhooks calls GET /api/v1/webhooks and follows the next links; name narrows the list to webhooks whose
// name contains it (case-insensitive, as Qlik filters).
func (c *Client) ListWebhooks(ctx context.Context, name string) ([]Webhook, error) {
	q := url.Values{"limit": {"100"}, "sort": {"+createdAt"}}
	if name != "" {
		q.Set("name", name)
	}
	return listAllByNextLink[Webhook](ctx, c, webhooksPath, q)
}

// FindWebhook returns the webhook with exactly this name and URL, or a *NotFoundError when there is none. Two
// such webhooks are an error: the provider cannot tell which one is meant.
func (c *Client) FindWebhook(ctx context.Context, name, target string) (*Webhook, error) {
	if name == "" {
		return nil, errors.New("qlik: FindWebhook needs a name")
	}
	match, err := c.webhooksNamed(ctx, name, target)
	if err != nil {
		return nil, err
	}
	return theOne(match, func() error { return c.notFound("webhook named %q for %s", name, target) },
		func(n int) error {
			return fmt.Errorf("qlik: %d webhooks named %q deliver to %s on %s", n, name, target, c.ep.host)
		})
}

// webhooksNamed returns the webhooks named name that deliver to target.
func (c *Client) webhooksNamed(ctx context.Context, name, target string) ([]Webhook, error) {
	all, err := c.ListWebhooks(ctx, name)
	if err != nil {
		return nil, err
	}
	return matching(all, func(w *Webhook) bool { return w.Name == name && w.URL == target }), nil
}
