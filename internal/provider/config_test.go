package provider_test

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Acceptance configurations live in testdata/<TestName>/*.tf (or testdata/<TestGroup>/ for a configuration several
// tests share) and read as plain Terraform: what a test varies is a var.<name>. testConfig joins the provider block,
// one variable per value with the value as its default, and the directory's files, so a step's Config is one
// string as before. A nil value is null, which Terraform treats as an omitted argument.

// tfVars are the values of a configuration's variables: strings, bools, ints, []string, map[string]string,
// []map[string]any (a list of objects, for dynamic blocks) or nil.
type tfVars map[string]any

// A missing directory or a value without an HCL literal is a mistake in the test itself: testConfig panics, which
// fails the test that called it.
func testConfig(provider, dir string, vars tfVars) string {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.tf"))
	if err != nil || len(files) == 0 {
		panic(fmt.Sprintf("no configuration in testdata/%s: %v", dir, err))
	}
	var b strings.Builder
	b.WriteString(provider)
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		fmt.Fprintf(&b, "\nvariable %q {\n  default = %s\n}\n", name, hclValue(vars[name]))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			panic(err)
		}
		b.WriteString("\n")
		b.Write(src)
	}
	return b.String()
}

// badResource is the configuration of one resource of kind named "bad", with name = "x" and the arguments of body
// (one per line): input that must fail at plan or be refused by Qlik.
func (e *testEnv) badResource(kind, body string) string {
	return e.oauthProvider() + "\nresource \"" + kind + "\" \"bad\" {\n  name = \"x\"\n" + body + "\n}\n"
}

// orNull is s, or nil (null, an omitted argument) when s is empty.
func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// quoteAll writes items as the elements of an HCL list: quoted, separated by commas.
func quoteAll(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// hclValue writes v as an HCL literal.
func hclValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return hclString(v)
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case []string:
		items := make([]string, 0, len(v))
		for _, s := range v {
			items = append(items, hclString(s))
		}
		return "[" + strings.Join(items, ", ") + "]"
	case map[string]string:
		m := make(map[string]any, len(v))
		for k, s := range v {
			m[k] = s
		}
		return hclValue(m)
	case map[string]any:
		items := make([]string, 0, len(v))
		for _, k := range slices.Sorted(maps.Keys(v)) {
			items = append(items, hclString(k)+" = "+hclValue(v[k]))
		}
		return "{" + strings.Join(items, ", ") + "}"
	case []map[string]any:
		items := make([]string, 0, len(v))
		for _, m := range v {
			items = append(items, hclValue(m))
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	panic(fmt.Sprintf("no HCL literal for %T", v))
}

// hclString quotes s as an HCL string literal: template sequences are escaped, so a value is never interpolated.
func hclString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04x`, r)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func TestHCLString(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain":            `"plain"`,
		"a \"q\" \\ b":     `"a \"q\" \\ b"`,
		"line\nnext\r\t":   `"line\nnext\r\t"`,
		"${var.x} %{if} $": `"$${var.x} %%{if} $"`,
		"\x00":             `"\u0000"`,
		"é ü":              `"é ü"`,
	} {
		if got := hclString(in); got != want {
			t.Errorf("hclString(%q) = %s, want %s", in, got, want)
		}
	}
}
