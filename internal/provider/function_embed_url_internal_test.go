package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func runEmbedURL(t *testing.T, args ...attr.Value) (string, *function.FuncError) {
	t.Helper()
	f := NewEmbedURLFunction()
	fixed, variadic := args[:2], args[2:]
	tupleTypes := make([]attr.Type, len(variadic))
	for i := range variadic {
		tupleTypes[i] = types.DynamicType
	}
	all := append(append([]attr.Value{}, fixed...), types.TupleValueMust(tupleTypes, variadic))
	resp := &function.RunResponse{Result: function.NewResultData(types.StringUnknown())}
	f.Run(t.Context(), function.RunRequest{Arguments: function.NewArgumentsData(all)}, resp)
	if resp.Error != nil {
		return "", resp.Error
	}
	s, ok := resp.Result.Value().(types.String)
	if !ok {
		t.Fatalf("result is %T", resp.Result.Value())
	}
	return s.ValueString(), nil
}

func obj(attrs map[string]attr.Value) types.Dynamic {
	typ := map[string]attr.Type{}
	for k, v := range attrs {
		typ[k] = v.Type(context.Background())
	}
	return types.DynamicValue(types.ObjectValueMust(typ, attrs))
}

func TestEmbedURL_Run(t *testing.T) {
	str, host, app := types.StringValue, types.StringValue("acme.eu.qlikcloud.com"), types.StringValue("f9e6d5c4-0b1a-4c3d-9e8f-7a6b5c4d3e2f")
	cases := []struct {
		name string
		args []attr.Value
		want string
	}{
		{"app only", []attr.Value{host, app}, "https://acme.eu.qlikcloud.com/single/?appid=f9e6d5c4-0b1a-4c3d-9e8f-7a6b5c4d3e2f"},
		{"sheet and every option", []attr.Value{host, app, obj(map[string]attr.Value{
			"sheet": str("JpXmPa"), "selections_bar": types.BoolValue(true), "context_menu": types.BoolValue(true),
			"interaction": types.BoolValue(false), "theme": str("sense"), "language": str("pt-BR"), "identity": str("tenant a"),
		})}, "https://acme.eu.qlikcloud.com/single/?appid=f9e6d5c4-0b1a-4c3d-9e8f-7a6b5c4d3e2f&sheet=JpXmPa&opt=ctxmenu,currsel,nointeraction&theme=sense&lang=pt-BR&identity=tenant+a"},
		{"false flags and nulls add nothing", []attr.Value{host, app, obj(map[string]attr.Value{
			"selections_bar": types.BoolValue(false), "interaction": types.BoolValue(true), "theme": types.StringNull(),
		})}, "https://acme.eu.qlikcloud.com/single/?appid=f9e6d5c4-0b1a-4c3d-9e8f-7a6b5c4d3e2f"},
		{"map of strings", []attr.Value{host, app, types.DynamicValue(types.MapValueMust(types.StringType, map[string]attr.Value{
			"sheet": str("s1"), "selections_bar": str("true"),
		}))}, "https://acme.eu.qlikcloud.com/single/?appid=f9e6d5c4-0b1a-4c3d-9e8f-7a6b5c4d3e2f&sheet=s1&opt=currsel"},
		{"null options", []attr.Value{host, app, types.DynamicNull()}, "https://acme.eu.qlikcloud.com/single/?appid=f9e6d5c4-0b1a-4c3d-9e8f-7a6b5c4d3e2f"},
		{"loopback tenant, escaped ids", []attr.Value{str("127.0.0.1:41234"), str("a&b"), obj(map[string]attr.Value{"sheet": str("x/y")})}, "http://127.0.0.1:41234/single/?appid=a%26b&sheet=x%2Fy"},
	}
	for _, c := range cases {
		got, err := runEmbedURL(t, c.args...)
		if err != nil || got != c.want {
			t.Errorf("%s: got %q, %v\nwant %q", c.name, got, err, c.want)
		}
	}
}

func TestEmbedURL_RunErrors(t *testing.T) {
	str, host, app := types.StringValue, types.StringValue("acme.eu.qlikcloud.com"), types.StringValue("app")
	cases := []struct {
		name string
		args []attr.Value
		arg  int64
		want string
	}{
		{"scheme in hostname", []attr.Value{str("https://acme.eu.qlikcloud.com"), app}, 0, "must not include a scheme"},
		{"empty app", []attr.Value{host, str(" ")}, 1, "app_id must not be empty"},
		{"unknown key", []attr.Value{host, app, obj(map[string]attr.Value{"sheets": str("x")})}, 2, `no key "sheets"`},
		{"wrong type", []attr.Value{host, app, obj(map[string]attr.Value{"selections_bar": str("yes please")})}, 2, "options.selections_bar must be true or false"},
		{"string option as bool", []attr.Value{host, app, obj(map[string]attr.Value{"theme": types.BoolValue(true)})}, 2, "options.theme must be a string"},
		{"empty sheet", []attr.Value{host, app, obj(map[string]attr.Value{"sheet": str("")})}, 2, "options.sheet must not be empty"},
		{"bad language", []attr.Value{host, app, obj(map[string]attr.Value{"language": str("english please")})}, 2, "not a language tag"},
		{"not an object", []attr.Value{host, app, types.DynamicValue(str("sheet=abc"))}, 2, "options must be an object"},
		{"two option objects", []attr.Value{host, app, obj(map[string]attr.Value{}), obj(map[string]attr.Value{})}, 3, "at most one options object"},
	}
	for _, c := range cases {
		_, err := runEmbedURL(t, c.args...)
		if err == nil || !strings.Contains(err.Text, c.want) || err.FunctionArgument == nil || *err.FunctionArgument != c.arg {
			t.Errorf("%s: error %+v, want %q on argument %d", c.name, err, c.want, c.arg)
		}
	}
}
