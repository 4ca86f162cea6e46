package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// parseImportID splits an import id of the form "<id>" (home tenant) or "<tenant_hostname>/<id>". Hostnames
// never contain a slash, so the first slash separates them; parts names the segments after the hostname for
// composite ids ("space_id/assignment_id").
func parseImportID(raw string, parts ...string) (hostname string, ids []string, err error) {
	if len(parts) == 0 {
		parts = []string{"id"}
	}
	format := strings.Join(parts, "/")
	usage := fmt.Sprintf("expected %q for the provider's home tenant or %q for another tenant", format, "<tenant_hostname>/"+format)

	segments := strings.Split(raw, "/")
	switch len(segments) {
	case len(parts):
	case len(parts) + 1:
		hostname, segments = segments[0], segments[1:]
		if hostname == "" {
			return "", nil, fmt.Errorf("invalid import id %q: %s", raw, usage)
		}
	default:
		return "", nil, fmt.Errorf("invalid import id %q: %s", raw, usage)
	}
	for _, s := range segments {
		if strings.TrimSpace(s) == "" {
			return "", nil, fmt.Errorf("invalid import id %q: %s", raw, usage)
		}
	}
	return hostname, segments, nil
}

// importTenantScopedID imports "[tenant_hostname/]id" into id and tenant_hostname; idName names the id in the
// usage message ("space_id"). A composite id names each part ("space_id", "assignment_id"): the last part goes
// into id, each one before it into the attribute of its name. A hostname the provider would not send
// credentials to fails here, before any request.
func importTenantScopedID(ctx context.Context, c *qlik.Client, req resource.ImportStateRequest, resp *resource.ImportStateResponse, idName string, more ...string) {
	names := append([]string{idName}, more...)
	hostname, ids, err := parseImportID(req.ID, names...)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error())
		return
	}
	if checkImportHost(c, hostname, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	if hostname != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tenant_hostname"), hostname)...)
	}
	last := len(ids) - 1
	for i, name := range names[:last] {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), ids[i])...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), ids[last])...)
}
