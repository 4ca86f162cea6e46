package qlik

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
)

const licensesPath = "/api/v1/licenses"

// License types a user can be assigned (licenses.json allotments).
const (
	LicenseProfessional = "professional"
	LicenseAnalyzer     = "analyzer"
)

// LicenseSettings are the tenant's automatic license assignment settings (GET/PUT /api/v1/licenses/settings).
type LicenseSettings struct {
	AutoAssignProfessional bool `json:"autoAssignProfessional"`
	AutoAssignAnalyzer     bool `json:"autoAssignAnalyzer"`
}

// GetLicenseSettings calls GET /api/v1/licenses/settings.
func (c *Client) GetLicenseSettings(ctx context.Context) (*LicenseSettings, error) {
	return doJSON[LicenseSettings](ctx, c, &request{method: http.MethodGet, path: licensesPath + "/settings"})
}

// SetLicenseSettings calls PUT /api/v1/licenses/settings with both settings and returns what Qlik answers.
func (c *Client) SetLicenseSettings(ctx context.Context, s LicenseSettings) (*LicenseSettings, error) {
	return doJSON[LicenseSettings](ctx, c, &request{method: http.MethodPut, path: licensesPath + "/settings", body: s})
}

// LicenseAssignment is a user's license (licenses.json assignmentsResponse item).
type LicenseAssignment struct {
	Subject string `json:"subject"`
	Type    string `json:"type"`
	Excess  bool   `json:"excess"`
	Created string `json:"created"`
}

// FindLicenseAssignment returns the license assignment of a subject, or a *NotFoundError when it has none.
func (c *Client) FindLicenseAssignment(ctx context.Context, subject string) (*LicenseAssignment, error) {
	return findFiltered(ctx, c, licensesPath+"/assignments", "subject", subject,
		func(a *LicenseAssignment) bool { return a.Subject == subject }, "license assignment of %q")
}

type licenseItem struct {
	Subject    string `json:"subject"`
	Type       string `json:"type,omitempty"`
	SourceType string `json:"sourceType,omitempty"`
}

type licenseItemResult struct {
	Subject string `json:"subject"`
	Type    string `json:"type"`
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Title   string `json:"title"`
}

// licenseAction posts one action (add, update or delete) for one subject. Qlik answers 207 with a status per item;
// a refused item is returned as an *ItemErrors with its code and title (for example LICENSES-011 "No available
// allotment").
func (c *Client) licenseAction(ctx context.Context, action string, item licenseItem) error {
	var out struct {
		Data []licenseItemResult `json:"data"`
	}
	path := licensesPath + "/assignments/actions/" + action
	resp, err := c.do(ctx, &request{method: http.MethodPost, path: path, body: map[string][]licenseItem{action: {item}}, out: &out})
	if err != nil {
		return err
	}
	ie := &ItemErrors{Method: http.MethodPost, Path: path, Host: c.ep.host, Status: resp.StatusCode}
	for _, d := range out.Data {
		if d.Status >= 300 {
			ie.Items = append(ie.Items, ItemError{Item: d.Subject, Status: strconv.Itoa(d.Status), Code: d.Code, Title: d.Title})
		}
	}
	switch {
	case len(ie.Items) > 0:
		return ie
	case len(out.Data) == 0:
		return fmt.Errorf("qlik: POST %s answered %d without a result for %q", path, resp.StatusCode, item.Subject)
	}
	return nil
}

// AssignLicense calls POST /api/v1/licenses/assignments/actions/add for one subject.
func (c *Client) AssignLicense(ctx context.Context, subject, typ string) error {
	return c.licenseAction(ctx, "add", licenseItem{Subject: subject, Type: typ})
}

// ChangeLicense calls POST /api/v1/licenses/assignments/actions/update, moving a subject from one type to another.
func (c *Client) ChangeLicense(ctx context.Context, subject, from, to string) error {
	return c.licenseAction(ctx, "update", licenseItem{Subject: subject, Type: to, SourceType: from})
}

// UnassignLicense calls POST /api/v1/licenses/assignments/actions/delete for one subject's assignment.
func (c *Client) UnassignLicense(ctx context.Context, subject, typ string) error {
	return c.licenseAction(ctx, "delete", licenseItem{Subject: subject, Type: typ})
}
