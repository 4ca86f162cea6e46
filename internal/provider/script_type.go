package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

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
type loadScriptType struct {
	basetypes.StringType
}

var (
	_ basetypes.StringTypable                    = loadScriptType{}
	_ basetypes.StringValuableWithSemanticEquals = loadScriptValue{}
)

func (t loadScriptType) Equal(o attr.Type) bool {
	other, ok := o.(loadScriptType)
	return ok && t.StringType.Equal(other.StringType)
}

func (t loadScriptType) String() string { return "loadScriptType" }

func (t loadScriptType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return loadScriptValue{StringValue: in}, nil
}

func (t loadScriptType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return loadScriptValue{StringValue: s}, nil
}

func (t loadScriptType) ValueType(context.Context) attr.Value { return loadScriptValue{} }

// loadScriptValue is a value of loadScriptType.
type loadScriptValue struct {
	basetypes.StringValue
}

func newLoadScriptValue(s string) loadScriptValue {
	return loadScriptValue{StringValue: basetypes.NewStringValue(s)}
}

func (v loadScriptValue) Type(context.Context) attr.Type { return loadScriptType{} }

func (v loadScriptValue) Equal(o attr.Value) bool {
	other, ok := o.(loadScriptValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals compares the normalised scripts.
func (v loadScriptValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	other, ok := newValuable.(loadScriptValue)
	if !ok {
		return false, nil
	}
	return normalizeScript(v.ValueString()) == normalizeScript(other.ValueString()), nil
}

// keepStateForSameScript plans the prior state's text when the configuration differs from it only in line
// endings or trailing newlines, so such an edit is not an update.
type keepStateForSameScript struct{}

func (keepStateForSameScript) Description(context.Context) string {
	return "a script that differs only in line endings is not a change"
}

func (m keepStateForSameScript) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (keepStateForSameScript) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsUnknown() || req.PlanValue.IsNull() {
		return
	}
	if normalizeScript(req.StateValue.ValueString()) == normalizeScript(req.PlanValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
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
