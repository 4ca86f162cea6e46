package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// normalizeScript is the form in which two load scripts are compared and hashed: CRLF and lone CR become LF and
// trailing line breaks are dropped. The script editor writes CRLF, templatefile() keeps whatever the template file
// holds, and editors disagree on a final newline; none of that changes what the script does.
func normalizeScript(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimRight(s, "\n")
}

// scriptSHA256 is the hex SHA-256 of the normalised script.
func scriptSHA256(s string) string {
	sum := sha256.Sum256([]byte(normalizeScript(s)))
	return hex.EncodeToString(sum[:])
}

// loadScriptType is a string holding a Qlik load script. Two values are semantically equal when they are equal
// after normalizeScript, so line endings and a trailing newline never show as a change.
type (
	loadScriptType  = semanticStringType[scriptText]
	loadScriptValue = semanticStringValue[scriptText]
	// keepStateForSameScript plans the prior state's text when the configuration differs from it only in line
	// endings or trailing newlines, so such an edit is not an update.
	keepStateForSameScript = keepStateIfSame[scriptText]
)

func newLoadScriptValue(s string) loadScriptValue { return newSemanticStringValue[scriptText](s) }

// scriptText is the normalizer of load scripts (normalizeScript).
type scriptText struct{}

func (scriptText) normalize(s string) string { return normalizeScript(s) }

func (scriptText) typeName() string { return "loadScriptType" }

func (scriptText) sameDescription() string {
	return "a script that differs only in line endings is not a change"
}

// nonEmptyScript rejects a script that is empty or only whitespace: Qlik would store it and every reload would
// then load nothing.
type nonEmptyScript struct{}

func (nonEmptyScript) Description(context.Context) string { return "must contain a statement" }

func (v nonEmptyScript) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (nonEmptyScript) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if strings.TrimSpace(req.ConfigValue.ValueString()) == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Empty load script",
			"The script is empty or only whitespace. An app reloaded with an empty script loses all its data; "+
				"give the script to run, for example with templatefile().")
	}
	if n := qlik.ScriptBodySize(req.ConfigValue.ValueString(), ""); n > qlik.MaxScriptBody {
		resp.Diagnostics.AddAttributeError(req.Path, "Load script too large",
			fmt.Sprintf("The script is %d bytes once encoded for Qlik's scripts API; a script version's request body "+
				"may be at most %d bytes (1 MiB). Move data or long inline tables out of the script (load them from "+
				"a data connection or a file) to bring it under the limit.", n, qlik.MaxScriptBody))
	}
}
