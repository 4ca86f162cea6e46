package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// fullyKnown adapts a map to the IsUnknown check of Configure: a map is unknown when any element is.
type fullyKnown struct{ m types.Map }

func (f fullyKnown) IsUnknown() bool { return !mapFullyKnown(f.m) }

// mapFullyKnown reports whether a map and everything in it is known.
func mapFullyKnown(m types.Map) bool {
	if m.IsUnknown() {
		return false
	}
	v, err := m.ToTerraformValue(context.Background())
	return err == nil && v.IsFullyKnown()
}

// regionModel is one entry of the provider's regions attribute.
type regionModel struct {
	ClientID        types.String `tfsdk:"client_id"`
	ClientSecret    types.String `tfsdk:"client_secret"`
	RegistrationURL types.String `tfsdk:"registration_url"`
}

// regionSetting is one region's client after the environment fallback.
type regionSetting struct {
	code                                    string
	inBlock                                 bool
	clientID, clientSecret, registrationURL setting
}

func (r regionSetting) fromEnvOnly() bool { return !r.inBlock }

// regionEnv is the environment variable of one field of a region, e.g. QLIK_US_CLIENT_SECRET.
func regionEnv(code, field string) string { return "QLIK_" + strings.ToUpper(code) + "_" + field }

func regionPath(code string) path.Path { return path.Root("regions").AtMapKey(code) }

// resolveRegions merges the regions attribute with the QLIK_<REGION>_* variables: a region is configured when it
// has an entry in the block or any of its variables is set, and each field of an entry falls back to its variable.
func (p *qlikProvider) resolveRegions(ctx context.Context, m types.Map) (map[string]regionSetting, diag.Diagnostics) {
	var diags diag.Diagnostics
	block := map[string]regionModel{}
	if !m.IsNull() && !m.IsUnknown() {
		diags.Append(m.ElementsAs(ctx, &block, false)...)
	}
	out := map[string]regionSetting{}
	for _, code := range qlik.Regions() {
		b, inBlock := block[code]
		pick := func(field, env string, v types.String) setting { return p.pick("regions."+code+"."+field, env, v) }
		r := regionSetting{
			code:            code,
			inBlock:         inBlock,
			clientID:        pick("client_id", regionEnv(code, "CLIENT_ID"), b.ClientID),
			clientSecret:    pick("client_secret", regionEnv(code, "CLIENT_SECRET"), b.ClientSecret),
			registrationURL: pick("registration_url", regionEnv(code, "REGISTRATION_URL"), b.RegistrationURL),
		}
		if inBlock || r.clientID.set() || r.clientSecret.set() || r.registrationURL.set() {
			out[code] = r
		}
	}
	return out, diags
}

// resolveTrustedHosts returns trusted_hosts from the block, or else from QLIK_TRUSTED_HOSTS ("host=region,...").
func (p *qlikProvider) resolveTrustedHosts(ctx context.Context, m types.Map, diags *diag.Diagnostics) (map[string]string, bool) {
	if !m.IsNull() && !m.IsUnknown() {
		out := map[string]string{}
		diags.Append(m.ElementsAs(ctx, &out, false)...)
		return out, false
	}
	raw := strings.TrimSpace(p.getenv(envTrustedHosts))
	if raw == "" {
		return nil, false
	}
	out := map[string]string{}
	for _, item := range strings.Split(raw, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		host, region, ok := strings.Cut(item, "=")
		if !ok || strings.TrimSpace(host) == "" || strings.TrimSpace(region) == "" {
			diags.AddAttributeError(path.Root("trusted_hosts"), "Invalid "+envTrustedHosts,
				fmt.Sprintf("%s holds %q, which is not host=region; write host=region pairs separated by commas, "+
					"for example 127.0.0.1=eu,analytics.acme.com=us.", envTrustedHosts, item))
			continue
		}
		out[strings.TrimSpace(host)] = strings.TrimSpace(region)
	}
	return out, true
}

// validateRegions checks that every configured region has a complete client, and that regions come with OAuth.
func (s settings) validateRegions() diag.Diagnostics {
	var diags diag.Diagnostics
	for _, code := range qlik.Regions() {
		r, ok := s.regions[code]
		if !ok {
			continue
		}
		switch {
		case r.clientID.set() && !r.clientSecret.set():
			diags.AddAttributeError(regionPath(code).AtName("client_secret"), "Missing client_secret of region "+code,
				fmt.Sprintf("The client_id of region %s is set (from %s) but its client_secret is not. Set regions.%s.client_secret or %s.",
					code, r.clientID.source(), code, r.clientSecret.env))
		case r.clientSecret.set() && !r.clientID.set():
			diags.AddAttributeError(regionPath(code).AtName("client_id"), "Missing client_id of region "+code,
				fmt.Sprintf("The client_secret of region %s is set (from %s) but its client_id is not. Set regions.%s.client_id or %s.",
					code, r.clientSecret.source(), code, r.clientID.env))
		case !r.clientID.set():
			diags.AddAttributeError(regionPath(code), "Missing OAuth client of region "+code,
				fmt.Sprintf("Region %s is configured without a client. Set regions.%s.client_id and client_secret, or %s and %s.",
					code, code, r.clientID.env, r.clientSecret.env))
		}
	}
	if s.apiKey.set() && len(s.regions) > 0 {
		diags.AddAttributeError(path.Root("regions"), "Regions need an OAuth client",
			fmt.Sprintf("An API key (from %s) reaches only the home tenant, so it cannot be combined with region-level "+
				"OAuth clients. Use client_id and client_secret instead of api_key.", s.apiKey.source()))
	}
	return diags
}

// homeRegion is the configured region, or the region in tenant_url's hostname, or "".
func (s settings) homeRegion() string {
	if s.region.set() {
		return s.region.value
	}
	if region, ok := qlik.HostnameRegion(hostOfURL(s.tenantURL.value)); ok {
		return region
	}
	return ""
}

// hostOfURL returns the host[:port] of a base URL, or "".
func hostOfURL(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// validateRegionRouting checks what routing by region needs: a known home region when regions are used, one
// client for the home region, valid values that came from the environment.
func (s settings) validateRegionRouting() diag.Diagnostics {
	var diags diag.Diagnostics
	if s.region.fromEnv && !qlik.IsRegion(s.region.value) {
		diags.AddAttributeError(path.Root("region"), "Invalid region",
			fmt.Sprintf("%s=%q is not one of Qlik's regions: %s.", envRegion, s.region.value, strings.Join(qlik.Regions(), ", ")))
		return diags
	}
	if named, ok := qlik.HostnameRegion(hostOfURL(s.tenantURL.value)); ok && s.region.set() && s.region.value != named {
		diags.AddAttributeError(path.Root("region"), "region contradicts tenant_url",
			fmt.Sprintf("region is %q (from %s), but the home tenant %s is in region %q by its hostname. Remove region "+
				"or correct it.", s.region.value, s.region.source(), hostOfURL(s.tenantURL.value), named))
		return diags
	}
	for code, r := range s.regions {
		if r.registrationURL.set() {
			if err := qlik.ValidateBaseURL(r.registrationURL.value); err != nil {
				diags.AddAttributeError(regionPath(code).AtName("registration_url"), "Invalid registration_url of region "+code,
					fmt.Sprintf("%s (from %s)", err, r.registrationURL.source()))
			}
		}
	}
	if s.trustedFromEnv {
		for host, region := range s.trustedHosts {
			if _, err := qlik.ParseTrustedHost(host); err != nil {
				diags.AddAttributeError(path.Root("trusted_hosts"), "Invalid "+envTrustedHosts, err.Error())
			}
			if !qlik.IsRegion(region) {
				diags.AddAttributeError(path.Root("trusted_hosts"), "Invalid "+envTrustedHosts,
					fmt.Sprintf("%s names region %q for %s; use one of %s.", envTrustedHosts, region, host, strings.Join(qlik.Regions(), ", ")))
			}
		}
	}
	if s.apiKey.set() || len(s.regions) == 0 {
		return diags
	}
	home := s.homeRegion()
	if home == "" {
		diags.AddAttributeError(path.Root("region"), "Missing region of the home tenant",
			fmt.Sprintf("regions routes every request by region, but the region of the home tenant is unknown: the "+
				"hostname of tenant_url (%s) does not follow <name>.<region>.qlikcloud.com. Set region (or %s) to the "+
				"home tenant's region, for example \"eu\".", hostOfURL(s.tenantURL.value), envRegion))
		return diags
	}
	r, inRegions := s.regions[home]
	switch {
	case inRegions && (s.clientID.set() || s.clientSecret.set()):
		diags.AddAttributeError(regionPath(home), "Two OAuth clients for the home region",
			fmt.Sprintf("Region %s is the home region, whose client is already client_id/client_secret (from %s), and "+
				"regions.%s (from %s) names another. Set the home region's client in one place.",
				home, firstSet(s.clientID, s.clientSecret).source(), home, firstSet(r.clientID, r.clientSecret, r.registrationURL).source()))
	case inRegions && s.registrationURL.set() && r.registrationURL.set():
		diags.AddAttributeError(regionPath(home).AtName("registration_url"), "Two register hosts for the home region",
			fmt.Sprintf("registration_url (from %s) and regions.%s.registration_url (from %s) both name the register host of the home region %s. Set one.",
				s.registrationURL.source(), home, r.registrationURL.source(), home))
	case !inRegions && !s.clientID.set():
		diags.AddAttributeError(path.Root("client_id"), "Missing OAuth client of the home region",
			fmt.Sprintf("No client is configured for the home region %s. Set client_id and client_secret (or %s and %s), "+
				"or add regions.%s.", home, envClientID, envClientSecret, home))
	}
	return diags
}
