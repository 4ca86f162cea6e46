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

// addWriteError reports a failed create or update of a resource that does not end in createObject or
// updateObject, as conflictOn(conflictAttr, conflictHint) does: a 409 means a value that must be unique is taken,
// and is reported against that attribute with conflictHint, the next step for the user; anything else goes
// through addAPIError.
func addWriteError(diags *diag.Diagnostics, summary string, err error, conflictAttr, conflictHint string) {
	conflictOn(conflictAttr, conflictHint)(diags, summary, err)
}

// addAttributeAPIError is addAPIError for failures caused by a single attribute, such as a name conflict.
func addAttributeAPIError(diags *diag.Diagnostics, p path.Path, summary string, err error, hint string) {
	diags.AddAttributeError(p, summary, apiErrorDetail(err, hint))
}

func apiErrorDetail(err error, hint string) string {
	var b strings.Builder
	var existing *qlik.ExistingObjectError
	if errors.As(err, &existing) {
		// The object in the way is someone else's: say which, and how to take it over deliberately.
		fmt.Fprintf(&b, "%s already exists in tenant %s with id %s, and this apply did not create it: %s.\n",
			existing.What, existing.Host, existing.ID, existing.Reason)
		b.WriteString("The provider never adopts, changes or deletes an object it did not create. To manage this one, import it:\n")
		fmt.Fprintf(&b, "  terraform import <address of this resource> %q\n", existing.Host+"/"+existing.ID)
		b.WriteString("or give this resource another name.")
		if existing.Cause != nil {
			b.WriteString("\n\nThe create had failed first with: ")
			b.WriteString(apiErrorDetail(existing.Cause, ""))
		}
		return b.String()
	}
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
		if hint == "" {
			hint = statusHint(err)
		}
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
	if host, role, ok := qlik.UnreachableHost(err); ok {
		return unreachableHint(host, role)
	}
	if host, ok := qlik.TenantRefusing(err); ok {
		return deactivatedHint(host)
	}
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

// unreachableHint names the attribute that configured a host that does not resolve or refuses connections.
func unreachableHint(host string, role qlik.HostRole) string {
	attr := "tenant_hostname"
	switch role {
	case qlik.HostHome:
		attr = "tenant_url (or QLIK_TENANT_URL)"
	case qlik.HostRegister:
		attr = "registration_url (or QLIK_REGISTRATION_URL, or the region's registration_url in regions)"
	}
	return fmt.Sprintf("%s does not resolve or refuses connections. Check %s: a Qlik Cloud tenant is reached as <tenant>.<region>.qlikcloud.com, without a port.", host, attr)
}

// deactivatedHint explains a tenant host refusing the token request: the tenant is most likely deactivated.
func deactivatedHint(host string) string {
	return fmt.Sprintf("Tenant %s refuses the token request (403): it is most likely deactivated. A qlik_tenant that "+
		"manages it plans its reactivation (status \"disabled\" -> \"active\"), and a plain terraform apply "+
		"reactivates it before the objects inside it are changed. Otherwise reactivate it in the Qlik Cloud "+
		"administration console within its purge period. If the tenant is active, Qlik's other reasons for this "+
		"answer are a disabled user behind the OAuth client and a client that holds too many tokens.", host)
}

// readFound is the common tail of a Read: it reports whether the object was found. A 404 removes the
// resource from state, so the next plan shows it will be created again; any other error becomes a
// diagnostic. what names the object in messages ("space", "CSP origin").
func readFound(ctx context.Context, err error, what, id string, resp *resource.ReadResponse) bool {
	if errors.Is(err, qlik.ErrNotFound) {
		tflog.Debug(ctx, what+" not found, removing it from state", map[string]any{"id": id})
		resp.State.RemoveResource(ctx)
		return false
	}
	return !readFailed(&resp.Diagnostics, err, "Unable to read "+what, what, id)
}

// readFailed reports the error of a Read other than a 404 and whether there was one: a deactivated tenant keeps
// the state with a warning (keptForDeactivatedTenant), anything else is an error with the given summary. For
// Reads that treat a 404 their own way (qlik_reload keeps its record).
func readFailed(diags *diag.Diagnostics, err error, summary, what, id string) bool {
	if err == nil {
		return false
	}
	if !keptForDeactivatedTenant(diags, err, what, id) {
		addAPIError(diags, summary, err, "")
	}
	return true
}

// keptForDeactivatedTenant handles a Read whose tenant refuses requests because it is deactivated: the state is
// left as it was, with a warning, so that the plan goes on and shows the tenant's reactivation; the objects inside
// are applied after it, since they depend on its hostname. It reports whether err was that case; the caller
// then returns without touching the state.
func keptForDeactivatedTenant(diags *diag.Diagnostics, err error, what, id string) bool {
	host, ok := qlik.TenantRefusing(err)
	if !ok {
		return false
	}
	diags.AddWarning("Tenant "+host+" is not reachable; "+what+" not refreshed",
		fmt.Sprintf("The %s %s was not read and is planned from its last known state. %s", what, id, deactivatedHint(host)))
	return true
}
