package provider

import "github.com/hashicorp/terraform-plugin-framework/attr"

// ifChangedAs is ifChanged for an attribute that is not a plain string (a set, a map, a bool, or the version of a
// write-only value): v, the planned value as the request takes it, when plan differs from state; nil (leave as
// is) otherwise.
func ifChangedAs[T any](plan, state attr.Value, v T) *T {
	if plan.Equal(state) {
		return nil
	}
	return &v
}
