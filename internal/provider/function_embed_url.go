package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

var _ function.Function = (*embedURLFunction)(nil)

// NewEmbedURLFunction is the provider::qlik::embed_url constructor.
func NewEmbedURLFunction() function.Function { return &embedURLFunction{} }

type embedURLFunction struct{}

// embedOptions are the options of the Single Integration API that embed_url supports.
type embedOptions struct {
	sheet         string
	selectionsBar bool
	contextMenu   bool
	interaction   bool
	theme         string
	language      string
	identity      string
}

// embedOptionNames lists the keys of the options argument, for errors and docs.
var embedOptionNames = []string{"sheet", "selections_bar", "context_menu", "interaction", "theme", "language", "identity"}

// languagePattern is a BCP 47 style language tag such as "en", "de" or "pt-BR".
var languagePattern = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

func (f *embedURLFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "embed_url"
}

func (f *embedURLFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Builds the iframe URL of a Qlik Sense app or sheet",
		MarkdownDescription: "Returns the URL that shows a Qlik Sense app, or one of its sheets, in an `<iframe>`: " +
			"the Single Integration API address `https://<tenant_hostname>/single/?appid=<app_id>` with the " +
			"chosen options. The function is pure: it calls no API, so the URL is known at plan time when its " +
			"arguments are.\n\n" +
			"The page that embeds the URL must be allowed by the tenant: its origin in a `qlik_web_integration` " +
			"and, for iframes, in a `qlik_csp_origin` with `frame-ancestors`. Users sign in through the tenant's " +
			"identity provider, for example a `qlik_identity_provider_jwt`.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name: "tenant_hostname",
				MarkdownDescription: "Hostname of the tenant, without scheme or path, for example " +
					"`acme.eu.qlikcloud.com` (typically `qlik_tenant.x.hostname`).",
			},
			function.StringParameter{
				Name:                "app_id",
				MarkdownDescription: "Id of the app to show.",
			},
		},
		VariadicParameter: function.DynamicParameter{
			Name: "options",
			MarkdownDescription: "At most one object with any of these keys (all optional): `sheet` (string, the " +
				"sheet id to open; without it the app opens on its first sheet), `selections_bar` (bool, show the " +
				"current-selections bar; default false), `context_menu` (bool, allow the right-click menu; default " +
				"false), `interaction` (bool, allow clicks and selections; default true), `theme` (string, a theme " +
				"id such as `sense` or `horizon`), `language` (string, a language tag such as `en` or `pt-BR`), " +
				"`identity` (string, a name that keeps the iframe's selections in a session of their own). A map " +
				"of strings works too, with `\"true\"`/`\"false\"` for the bool keys.",
		},
		Return: function.StringReturn{},
	}
}

func (f *embedURLFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var hostname, appID string
	var options []types.Dynamic
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &hostname, &appID, &options))
	if resp.Error != nil {
		return
	}
	base, err := qlik.TenantURL(hostname)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, strings.TrimPrefix(err.Error(), "qlik: "))
		return
	}
	if strings.TrimSpace(appID) == "" {
		resp.Error = function.NewArgumentFuncError(1, "app_id must not be empty")
		return
	}
	opts := embedOptions{interaction: true}
	switch len(options) {
	case 0:
	case 1:
		if opts, err = parseEmbedOptions(options[0]); err != nil {
			resp.Error = function.NewArgumentFuncError(2, err.Error())
			return
		}
	default:
		resp.Error = function.NewArgumentFuncError(3, fmt.Sprintf("embed_url takes at most one options object, not %d", len(options)))
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Result.Set(ctx, types.StringValue(buildEmbedURL(base, appID, opts))))
}

// buildEmbedURL assembles the Single Integration API URL. Parameters keep a fixed order so the URL, and any plan
// that shows it, stays stable.
func buildEmbedURL(base, appID string, o embedOptions) string {
	var b strings.Builder
	b.WriteString(base + "/single/?appid=" + url.QueryEscape(appID))
	if o.sheet != "" {
		b.WriteString("&sheet=" + url.QueryEscape(o.sheet))
	}
	var flags []string
	if o.contextMenu {
		flags = append(flags, "ctxmenu")
	}
	if o.selectionsBar {
		flags = append(flags, "currsel")
	}
	if !o.interaction {
		flags = append(flags, "nointeraction")
	}
	if len(flags) > 0 {
		b.WriteString("&opt=" + strings.Join(flags, ","))
	}
	for _, p := range [][2]string{{"theme", o.theme}, {"lang", o.language}, {"identity", o.identity}} {
		if p[1] != "" {
			b.WriteString("&" + p[0] + "=" + url.QueryEscape(p[1]))
		}
	}
	return b.String()
}

// parseEmbedOptions reads the options argument: an object (or map) whose keys are embedOptionNames. Null values
// count as unset.
func parseEmbedOptions(d types.Dynamic) (embedOptions, error) {
	o := embedOptions{interaction: true}
	if d.IsNull() || d.IsUnderlyingValueNull() {
		return o, nil
	}
	var attrs map[string]attr.Value
	switch v := d.UnderlyingValue().(type) {
	case types.Object:
		attrs = v.Attributes()
	case types.Map:
		attrs = v.Elements()
	default:
		return o, fmt.Errorf("options must be an object such as { sheet = \"abc\", selections_bar = true }, not %s", d.UnderlyingValue().Type(context.Background()))
	}
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := attrs[k]
		if v.IsNull() {
			continue
		}
		var err error
		switch k {
		case "sheet":
			o.sheet, err = optionString(k, v)
			if err == nil && strings.TrimSpace(o.sheet) == "" {
				err = fmt.Errorf("options.sheet must not be empty; leave it out to open the app's first sheet")
			}
		case "selections_bar":
			o.selectionsBar, err = optionBool(k, v)
		case "context_menu":
			o.contextMenu, err = optionBool(k, v)
		case "interaction":
			o.interaction, err = optionBool(k, v)
		case "theme":
			o.theme, err = optionString(k, v)
		case "language":
			o.language, err = optionString(k, v)
			if err == nil && !languagePattern.MatchString(o.language) {
				err = fmt.Errorf("options.language %q is not a language tag such as \"en\" or \"pt-BR\"", o.language)
			}
		case "identity":
			o.identity, err = optionString(k, v)
		default:
			err = fmt.Errorf("options has no key %q; use %s", k, strings.Join(embedOptionNames, ", "))
		}
		if err != nil {
			return o, err
		}
	}
	return o, nil
}

func optionString(key string, v attr.Value) (string, error) {
	s, ok := v.(types.String)
	if !ok {
		return "", fmt.Errorf("options.%s must be a string", key)
	}
	return s.ValueString(), nil
}

func optionBool(key string, v attr.Value) (bool, error) {
	switch b := v.(type) {
	case types.Bool:
		return b.ValueBool(), nil
	case types.String:
		parsed, err := strconv.ParseBool(b.ValueString())
		if err == nil {
			return parsed, nil
		}
	}
	return false, fmt.Errorf("options.%s must be true or false", key)
}
