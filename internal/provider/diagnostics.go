package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// addAPIError is the one place that turns a client error into a diagnostic. summary reads
// "Unable to <verb> <object>"; the detail carries Qlik's own words (status, code, title, detail, trace id)
// and, where we know it, what to do next.
func addAPIError(diags *diag.Diagnostics, summary string, err error, hint string) {
	diags.AddError(summary, apiErrorDetail(err, hint))
}

// addAttributeAPIError is addAPIError for failures caused by a single attribute, such as a name conflict.
func addAttributeAPIError(diags *diag.Diagnostics, p path.Path, summary string, err error, hint string) {
	diags.AddAttributeError(p, summary, apiErrorDetail(err, hint))
}

func apiErrorDetail(err error, hint string) string {
	var b strings.Builder
	var apiErr *qlik.APIError
	if errors.As(err, &apiErr) {
		fmt.Fprintf(&b, "Qlik Cloud answered %s %s with HTTP %d.\n", apiErr.Method, apiErr.Path, apiErr.StatusCode)
		writeField(&b, "Code", apiErr.Code)
		writeField(&b, "Title", apiErr.Title)
		writeField(&b, "Detail", apiErr.Detail)
		writeField(&b, "Request ID", apiErr.TraceID)
		if hint == "" {
			hint = statusHint(err)
		}
	} else {
		b.WriteString(err.Error())
		b.WriteString("\n")
	}
	if hint != "" {
		b.WriteString("\n")
		b.WriteString(hint)
	}
	return strings.TrimRight(b.String(), "\n")
}

func writeField(b *strings.Builder, name, value string) {
	if value != "" {
		fmt.Fprintf(b, "%s: %s\n", name, value)
	}
}

// statusHint gives the next step for failures whose cause does not depend on the resource.
func statusHint(err error) string {
	switch {
	case errors.Is(err, qlik.ErrUnauthorized):
		return "The credentials were rejected: check api_key, or client_id and client_secret, and that they belong to this tenant or region."
	case errors.Is(err, qlik.ErrForbidden):
		return "The credentials are valid but lack the permission for this call: an OAuth client needs the admin_classic scope, an API key a user with the matching role."
	case errors.Is(err, qlik.ErrRateLimited):
		return "Qlik Cloud kept answering 429 until the operation's time ran out: raise the resource's timeouts, lower Terraform's -parallelism, " +
			"or check whether other processes use the same OAuth client heavily."
	}
	return ""
}

// readFound is the common tail of a Read: it reports whether the object was found. A 404 removes the
// resource from state, so the next plan shows it will be created again; any other error becomes a
// diagnostic. what names the object in messages ("space", "CSP origin").
func readFound(ctx context.Context, err error, what, id string, resp *resource.ReadResponse) bool {
	switch {
	case errors.Is(err, qlik.ErrNotFound):
		tflog.Debug(ctx, what+" not found, removing it from state", map[string]any{"id": id})
		resp.State.RemoveResource(ctx)
		return false
	case err != nil:
		addAPIError(&resp.Diagnostics, "Unable to read "+what, err, "")
		return false
	}
	return true
}
