package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// What a resource keeps in its private state besides the creation time (visibility.go): values Qlik does not
// return but a later Read or Update needs, such as the eTags of the files a brand uploaded or the origin of a
// published app, each as JSON under its own key.

// setPrivateJSON records v under key in a resource's private state.
func setPrivateJSON(ctx context.Context, p privateWriter, key string, v any, diags *diag.Diagnostics) {
	raw, err := json.Marshal(v)
	if err != nil {
		diags.AddError("Unable to record "+key+" in private state", err.Error())
		return
	}
	diags.Append(p.SetKey(ctx, key, raw)...)
}

// privateJSON reads what setPrivateJSON recorded under key; the zero value when nothing was (an import).
func privateJSON[T any](ctx context.Context, p privateReader, key string) T {
	var v T
	if raw, d := p.GetKey(ctx, key); !d.HasError() && len(raw) > 0 {
		_ = json.Unmarshal(raw, &v)
	}
	return v
}
