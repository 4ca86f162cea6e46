// Package provider implements the Qlik Cloud Terraform provider on terraform-plugin-framework. It maps
// configuration onto internal/qlik calls and never speaks HTTP itself.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/provider/validators"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// Environment variables read when the matching attribute is not set in the provider block.
const (
	envTenantURL       = "QLIK_TENANT_URL"
	envAPIKey          = "QLIK_API_KEY"
	envClientID        = "QLIK_CLIENT_ID"
	envClientSecret    = "QLIK_CLIENT_SECRET"
	envRegistrationURL = "QLIK_REGISTRATION_URL"
	envRegion          = "QLIK_REGION"
	envTrustedHosts    = "QLIK_TRUSTED_HOSTS"
	envMaxRetries      = "QLIK_MAX_RETRIES"
	envRetryMaxWait    = "QLIK_RETRY_MAX_WAIT"
	envRequestTimeout  = "QLIK_REQUEST_TIMEOUT"
)

// Bounds of the retry and timeout settings.
const (
	maxRetriesLimit   = 50
	minRetryMaxWait   = time.Second
	maxRetryMaxWait   = 10 * time.Minute
	minRequestTimeout = 5 * time.Second
	maxRequestTimeout = time.Hour
)

var (
	_ provider.Provider                   = (*qlikProvider)(nil)
	_ provider.ProviderWithFunctions      = (*qlikProvider)(nil)
	_ provider.ProviderWithValidateConfig = (*qlikProvider)(nil)
)

// Option adjusts a provider instance; tests use it to shorten backoff, never global state.
type Option func(*qlikProvider)

// WithClientConfig lets the caller adjust the client configuration after the provider has built it.
func WithClientConfig(fn func(*qlik.Config)) Option {
	return func(p *qlikProvider) { p.adjustClient = append(p.adjustClient, fn) }
}

// WithEnv replaces os.Getenv, so tests can exercise environment fallbacks without touching the process.
func WithEnv(getenv func(string) string) Option {
	return func(p *qlikProvider) { p.getenv = getenv }
}

// New returns a constructor for the provider, as providerserver expects.
func New(version string, opts ...Option) func() provider.Provider {
	return func() provider.Provider {
		p := &qlikProvider{version: version, getenv: os.Getenv}
		for _, opt := range opts {
			opt(p)
		}
		return p
	}
}

type qlikProvider struct {
	version      string
	getenv       func(string) string
	adjustClient []func(*qlik.Config)
}

type providerModel struct {
	TenantURL       types.String `tfsdk:"tenant_url"`
	APIKey          types.String `tfsdk:"api_key"`
	ClientID        types.String `tfsdk:"client_id"`
	ClientSecret    types.String `tfsdk:"client_secret"`
	RegistrationURL types.String `tfsdk:"registration_url"`
	Region          types.String `tfsdk:"region"`
	Regions         types.Map    `tfsdk:"regions"`
	TrustedHosts    types.Map    `tfsdk:"trusted_hosts"`
	MaxRetries      types.Number `tfsdk:"max_retries"`
	RetryMaxWait    types.String `tfsdk:"retry_max_wait"`
	RequestTimeout  types.String `tfsdk:"request_timeout"`
}

func (p *qlikProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "qlik"
	resp.Version = p.version
}

func (p *qlikProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Qlik Cloud provider manages tenants, spaces, apps, reloads, access and embedding " +
			"in Qlik Cloud through its REST API. One provider block names a home tenant and credentials; " +
			"tenant-scoped resources reach other tenants through their `tenant_hostname` attribute, so one " +
			"configuration can provision a whole multi-customer estate, across Qlik Cloud regions.\n\n" +
			"Authenticate with either an API key (home tenant only) or an OAuth machine-to-machine client " +
			"(`client_id` and `client_secret`), which can also mint tokens for the other tenants of its region. " +
			"A region-level OAuth client reaches only the tenants of its own region, so an estate that spans " +
			"regions adds one client per further region in `regions`. The provider sends credentials only to the " +
			"home tenant, the register hosts, Qlik Cloud hostnames (`<name>.<region>.qlikcloud.com`) of regions " +
			"it has a client for, and hosts listed in `trusted_hosts`.\n\n" +
			"Every attribute can be set through the environment variable named in its description.",
		Attributes: map[string]schema.Attribute{
			"tenant_url": schema.StringAttribute{
				MarkdownDescription: "URL of the home tenant, for example `https://acme.eu.qlikcloud.com`. " +
					"Must be `https://`; `http://` is accepted only for loopback hosts such as the `qliksim` simulator. " +
					"Environment variable: `" + envTenantURL + "`.",
				Optional:   true,
				Validators: []validator.String{validators.BaseURL()},
			},
			"api_key": schema.StringAttribute{
				MarkdownDescription: "API key of a tenant user, sent as a bearer token. It reaches only the home tenant. " +
					"Conflicts with `client_id` and `client_secret`. Environment variable: `" + envAPIKey + "`; it is " +
					"ignored when the provider block sets `client_id` or `client_secret`.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtLeast(1),
					stringvalidator.ConflictsWith(path.MatchRoot("client_id"), path.MatchRoot("client_secret")),
				},
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "Client id of an OAuth machine-to-machine client. A regional client can also act in " +
					"tenants created by this configuration. Requires `client_secret`. Environment variable: `" + envClientID + "`; " +
					"it and `" + envClientSecret + "` are ignored when the provider block sets `api_key`.",
				Optional: true,
				// The pair is checked in ValidateConfig, where either half may come from the environment.
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "Client secret of the OAuth client. Requires `client_id`. " +
					"Environment variable: `" + envClientSecret + "`.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"registration_url": schema.StringAttribute{
				MarkdownDescription: "URL of the home region's register host that creates tenants, for example " +
					"`https://register.eu.qlikcloud.com`. Needed only by `qlik_tenant`; defaults to " +
					"`https://register.<region>.qlikcloud.com` when the home region is known. Environment variable: `" + envRegistrationURL + "`.",
				Optional:   true,
				Validators: []validator.String{validators.BaseURL()},
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "Region code of the home tenant, one of `" + joinCode(qlik.Regions()) + "`. " +
					"`client_id`, `client_secret` and `registration_url` belong to this region. Read from " +
					"`tenant_url` when its hostname follows Qlik's scheme (`<name>.<region>.qlikcloud.com`); set it " +
					"when the home tenant is reached through an alias hostname or the `qliksim` simulator and " +
					"`regions` is used. Environment variable: `" + envRegion + "`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(qlik.Regions()...)},
			},
			"regions": schema.MapNestedAttribute{
				MarkdownDescription: "Region-level OAuth clients of further regions, keyed by region code (`" +
					joinCode(qlik.Regions()) + "`). A region-level client reaches only the tenants of its region " +
					"and its register host, so an estate with tenants in several regions needs one per region: a " +
					"tenant's `datacenter` picks the register host and client that create, deactivate and " +
					"reactivate it, and a `tenant_hostname` picks the client of its region. The home region's client " +
					"is `client_id`/`client_secret`, or an entry here when those are not set. Each field falls back " +
					"to the environment variables `QLIK_<REGION>_CLIENT_ID`, `QLIK_<REGION>_CLIENT_SECRET` and " +
					"`QLIK_<REGION>_REGISTRATION_URL` (for example `QLIK_US_CLIENT_SECRET`), and a region whose " +
					"variables are set needs no entry at all.",
				Optional: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"client_id": schema.StringAttribute{
						MarkdownDescription: "Client id of the region-level OAuth client. Environment variable: `QLIK_<REGION>_CLIENT_ID`.",
						Optional:            true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"client_secret": schema.StringAttribute{
						MarkdownDescription: "Client secret of the region-level OAuth client. Environment variable: `QLIK_<REGION>_CLIENT_SECRET`.",
						Optional:            true,
						Sensitive:           true,
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"registration_url": schema.StringAttribute{
						MarkdownDescription: "URL of the region's register host. Defaults to `https://register.<region>.qlikcloud.com`. " +
							"Environment variable: `QLIK_<REGION>_REGISTRATION_URL`.",
						Optional:   true,
						Validators: []validator.String{validators.BaseURL()},
					},
				}},
				Validators: []validator.Map{mapvalidator.KeysAre(stringvalidator.OneOf(qlik.Regions()...))},
			},
			"trusted_hosts": schema.MapAttribute{
				MarkdownDescription: "Hosts that do not follow Qlik Cloud's hostname scheme but may receive this " +
					"provider's credentials, each with its region: a tenant's alias hostname " +
					"(`\"analytics.acme.com\" = \"eu\"`), every subdomain of a domain (`\"*.analytics.example.com\"`), " +
					"or the `qliksim` simulator's addresses (`\"127.0.0.1\" = \"eu\"`). A host without a port matches " +
					"any port. A `tenant_hostname` or import id naming any other host that is not a Qlik Cloud " +
					"hostname fails at plan, before any request. Environment variable: `" + envTrustedHosts + "`, as " +
					"`host=region` pairs separated by commas (the simulator prints it).",
				Optional:    true,
				ElementType: types.StringType,
				Validators: []validator.Map{
					mapvalidator.KeysAre(validators.TrustedHost()),
					mapvalidator.ValueStringsAre(stringvalidator.OneOf(qlik.Regions()...)),
				},
			},
			"max_retries": schema.NumberAttribute{
				MarkdownDescription: fmt.Sprintf("How many times a request is retried after "+
					"a 502/503/504 or a connection error, 0 to %d. Defaults to 10. Rate limits (429) are not counted: they are "+
					"retried, with the wait Qlik asks for, for as long as the operation's timeouts allow. Environment variable: `%s`.", maxRetriesLimit, envMaxRetries),
				Optional:   true,
				Validators: []validator.Number{validators.WholeNumberBetween(0, maxRetriesLimit)},
			},
			"retry_max_wait": schema.StringAttribute{
				MarkdownDescription: "Longest wait between two retries, as a duration such as `30s`. Backoff grows " +
					"from one second with jitter up to this cap; a `Retry-After` from Qlik is always honoured. " +
					"Defaults to `30s`. Environment variable: `" + envRetryMaxWait + "`.",
				Optional:   true,
				Validators: []validator.String{validators.Duration(minRetryMaxWait, maxRetryMaxWait)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "Time limit of a single HTTP attempt, as a duration such as `2m`. Long operations " +
					"(tenant creation, app copies, reloads) have their own `timeouts` blocks. Defaults to `2m`. " +
					"Environment variable: `" + envRequestTimeout + "`.",
				Optional:   true,
				Validators: []validator.String{validators.Duration(minRequestTimeout, maxRequestTimeout)},
			},
		},
	}
}

// ValidateConfig catches at plan time what the attribute validators cannot: an auth mode that is half set
// across configuration and environment.
func (p *qlikProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Values that are unknown until apply (for example from another resource) are checked in Configure.
	if m.APIKey.IsUnknown() || m.ClientID.IsUnknown() || m.ClientSecret.IsUnknown() || !mapFullyKnown(m.Regions) || !mapFullyKnown(m.TrustedHosts) {
		return
	}
	s := p.resolve(ctx, m)
	resp.Diagnostics.Append(s.diags...)
	resp.Diagnostics.Append(s.validateAuth()...)
}

func (p *qlikProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	for name, v := range map[string]interface{ IsUnknown() bool }{
		"tenant_url": m.TenantURL, "api_key": m.APIKey, "client_id": m.ClientID,
		"client_secret": m.ClientSecret, "registration_url": m.RegistrationURL, "region": m.Region,
		"regions": fullyKnown{m.Regions}, "trusted_hosts": fullyKnown{m.TrustedHosts},
	} {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown provider setting",
				"The value of "+name+" is not known until apply, but the provider needs it to plan. "+
					"Set it from a variable or an environment variable, or apply its source first with -target.")
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	s := p.resolve(ctx, m)
	cfg, diags := s.clientConfig()
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.UserAgent = fmt.Sprintf("terraform-provider-qlik/%s Terraform/%s", p.version, req.TerraformVersion)
	cfg.Logger = tflogLogger{}
	for _, fn := range p.adjustClient {
		fn(&cfg)
	}

	client, err := qlik.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Unable to create the Qlik Cloud client", err.Error())
		return
	}
	resp.DataSourceData = client
	resp.ResourceData = client
}

func (p *qlikProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewSpaceResource,
		NewTenantResource,
		NewUserResource, NewCustomGroupResource, NewCustomRoleResource, NewLicenseSettingsResource, NewGroupSettingsResource, NewAPIKeySettingsResource, NewAuthSettingsResource,
		NewAppCopyResource,
		NewAppImportResource,
		NewBrandResource,
		NewThemeResource,
		NewExtensionResource,
		NewAppPublishResource,
		NewSpaceAssignmentResource,
		NewRoleMappingResource,
		NewJWTIdentityProviderResource,
		NewOAuthClientResource, NewOIDCIdentityProviderResource,
		NewWebIntegrationResource,
		NewWebhookResource,
		NewReloadScheduleResource,
		NewAutomationResource,
		NewAutomationRunResource,
		NewCSPOriginResource,
		NewLoadScriptResource,
		NewDataConnectionResource,
		NewReloadResource,
	}
}

func (p *qlikProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewSpaceDataSource,
		NewSpacesDataSource,
		NewUsersDataSource,
		NewTenantDataSource,
		NewAppDataSource,
		NewRolesDataSource,
		NewGroupDataSource,
	}
}

func (p *qlikProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		NewEmbedURLFunction,
	}
}

// setting is one provider value after the environment fallback, remembering where it came from so an
// error can name the right place to fix it.
type setting struct {
	attr, env, value string
	fromEnv          bool
}

func (s setting) set() bool { return s.value != "" }

// unlessFromEnv drops a value that came from the environment.
func (s setting) unlessFromEnv() setting {
	if s.fromEnv {
		return setting{attr: s.attr, env: s.env}
	}
	return s
}

func (s setting) source() string {
	if s.fromEnv {
		return "the environment variable " + s.env
	}
	return "the provider block"
}

type settings struct {
	tenantURL, apiKey, clientID, clientSecret, registrationURL, retryMaxWait, requestTimeout setting
	maxRetries                                                                               types.Number
	maxRetriesEnv                                                                            setting
	region                                                                                   setting
	regions                                                                                  map[string]regionSetting
	trustedHosts                                                                             map[string]string
	trustedFromEnv                                                                           bool
	// diags holds what resolving found wrong (an unreadable QLIK_TRUSTED_HOSTS).
	diags diag.Diagnostics
}

// pick resolves the provider value of attribute attr: the configured v, else the environment variable env, else
// unset.
func (p *qlikProvider) pick(attr, env string, v types.String) setting {
	if !v.IsNull() && !v.IsUnknown() {
		return setting{attr: attr, env: env, value: v.ValueString()}
	}
	if e := p.getenv(env); e != "" {
		return setting{attr: attr, env: env, value: e, fromEnv: true}
	}
	return setting{attr: attr, env: env}
}

func (p *qlikProvider) resolve(ctx context.Context, m providerModel) settings {
	s := settings{
		tenantURL:       p.pick("tenant_url", envTenantURL, m.TenantURL),
		apiKey:          p.pick("api_key", envAPIKey, m.APIKey),
		clientID:        p.pick("client_id", envClientID, m.ClientID),
		clientSecret:    p.pick("client_secret", envClientSecret, m.ClientSecret),
		registrationURL: p.pick("registration_url", envRegistrationURL, m.RegistrationURL),
		retryMaxWait:    p.pick("retry_max_wait", envRetryMaxWait, m.RetryMaxWait),
		requestTimeout:  p.pick("request_timeout", envRequestTimeout, m.RequestTimeout),
		maxRetries:      m.MaxRetries,
		maxRetriesEnv:   p.pick("max_retries", envMaxRetries, types.StringNull()),
		region:          p.pick("region", envRegion, m.Region),
	}
	s.regions, s.diags = p.resolveRegions(ctx, m.Regions)
	s.trustedHosts, s.trustedFromEnv = p.resolveTrustedHosts(ctx, m.TrustedHosts, &s.diags)
	// The auth mode named in the provider block wins over the other mode's environment variables, so a
	// workspace that exports QLIK_API_KEY can still use an OAuth client in configuration. The missing
	// half of a pair may still come from the environment (client_id in HCL, QLIK_CLIENT_SECRET exported).
	inBlock := func(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }
	blockAPIKey := inBlock(m.APIKey)
	blockOAuth := inBlock(m.ClientID) || inBlock(m.ClientSecret) || (!m.Regions.IsNull() && len(m.Regions.Elements()) > 0)
	switch {
	case blockAPIKey && !blockOAuth:
		s.clientID, s.clientSecret = s.clientID.unlessFromEnv(), s.clientSecret.unlessFromEnv()
		for code, r := range s.regions {
			if r.fromEnvOnly() {
				delete(s.regions, code)
			}
		}
	case blockOAuth && !blockAPIKey:
		s.apiKey = s.apiKey.unlessFromEnv()
	}
	return s
}

// validateAuth requires exactly one complete auth mode.
func (s settings) validateAuth() diag.Diagnostics {
	var diags diag.Diagnostics
	oauth := s.clientID.set() || s.clientSecret.set()
	switch {
	case s.apiKey.set() && oauth:
		diags.AddAttributeError(path.Root("api_key"), "Conflicting credentials",
			fmt.Sprintf("An API key (from %s) and an OAuth client (from %s) are both set. Use exactly one: "+
				"api_key, or client_id with client_secret.", s.apiKey.source(), firstSet(s.clientID, s.clientSecret).source()))
	case s.clientID.set() && !s.clientSecret.set():
		diags.AddAttributeError(path.Root("client_secret"), "Missing client_secret",
			fmt.Sprintf("client_id is set (from %s) but client_secret is not. Set client_secret or %s.", s.clientID.source(), envClientSecret))
	case s.clientSecret.set() && !s.clientID.set():
		diags.AddAttributeError(path.Root("client_id"), "Missing client_id",
			fmt.Sprintf("client_secret is set (from %s) but client_id is not. Set client_id or %s.", s.clientSecret.source(), envClientID))
	}
	diags.Append(s.validateRegions()...)
	return diags
}

func firstSet(ss ...setting) setting {
	for _, s := range ss {
		if s.set() {
			return s
		}
	}
	return setting{}
}

// clientConfig checks the merged settings, including those that came from the environment and so escaped
// the attribute validators, and builds the client configuration.
func (s settings) clientConfig() (qlik.Config, diag.Diagnostics) {
	diags := s.validateAuth()
	var cfg qlik.Config

	switch {
	case !s.tenantURL.set():
		diags.AddAttributeError(path.Root("tenant_url"), "Missing tenant_url",
			"Set tenant_url in the provider block or "+envTenantURL+" to the URL of your home tenant, for example https://acme.eu.qlikcloud.com.")
	default:
		if err := qlik.ValidateBaseURL(s.tenantURL.value); err != nil {
			diags.AddAttributeError(path.Root("tenant_url"), "Invalid tenant_url", fmt.Sprintf("%s (from %s)", err, s.tenantURL.source()))
		}
	}
	if s.registrationURL.set() {
		if err := qlik.ValidateBaseURL(s.registrationURL.value); err != nil {
			diags.AddAttributeError(path.Root("registration_url"), "Invalid registration_url", fmt.Sprintf("%s (from %s)", err, s.registrationURL.source()))
		}
	}
	if !s.apiKey.set() && !s.clientID.set() && !s.clientSecret.set() && len(s.regions) == 0 {
		diags.AddError("Missing credentials",
			"Set api_key (or "+envAPIKey+"), or client_id and client_secret (or "+envClientID+" and "+envClientSecret+").")
	}

	switch {
	case !s.maxRetries.IsNull() && !s.maxRetries.IsUnknown():
		n, _ := validators.WholeNumber(s.maxRetries.ValueBigFloat(), 0, maxRetriesLimit)
		cfg.MaxRetries = int(n)
	case s.maxRetriesEnv.set():
		n, err := strconv.Atoi(s.maxRetriesEnv.value)
		if err != nil || n < 0 || n > maxRetriesLimit {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
				fmt.Sprintf("%s=%q must be a whole number from 0 to %d.", envMaxRetries, s.maxRetriesEnv.value, maxRetriesLimit))
		} else {
			cfg.MaxRetries = n
		}
	}
	if cfg.MaxRetries == 0 && (!s.maxRetries.IsNull() || s.maxRetriesEnv.set()) {
		// The client reads 0 as "use the default"; an explicit 0 means no retries.
		cfg.MaxRetries = -1
	}
	if s.retryMaxWait.set() {
		d, err := validators.ParseDuration(s.retryMaxWait.value, minRetryMaxWait, maxRetryMaxWait)
		if err != nil {
			diags.AddAttributeError(path.Root("retry_max_wait"), "Invalid retry_max_wait", fmt.Sprintf("%s (from %s)", err, s.retryMaxWait.source()))
		}
		cfg.RetryWaitMax = d
	}
	if s.requestTimeout.set() {
		d, err := validators.ParseDuration(s.requestTimeout.value, minRequestTimeout, maxRequestTimeout)
		if err != nil {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid request_timeout", fmt.Sprintf("%s (from %s)", err, s.requestTimeout.source()))
		}
		cfg.RequestTimeout = d
	}

	diags.Append(s.validateRegionRouting()...)
	cfg.TenantURL = s.tenantURL.value
	cfg.RegistrationURL = s.registrationURL.value
	cfg.HomeRegion = s.region.value
	cfg.TrustedHosts = s.trustedHosts
	if len(s.regions) > 0 {
		cfg.Regions = map[string]qlik.RegionCredentials{}
		for code, r := range s.regions {
			cfg.Regions[code] = qlik.RegionCredentials{
				ClientID: r.clientID.value, ClientSecret: r.clientSecret.value, RegistrationURL: r.registrationURL.value,
			}
		}
	}
	cfg.APIKey = s.apiKey.value
	cfg.ClientID = s.clientID.value
	cfg.ClientSecret = s.clientSecret.value
	return cfg, diags
}
