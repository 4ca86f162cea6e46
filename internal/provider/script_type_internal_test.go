package provider

import (
	"context"
	"testing"
)

func TestNormalizeScript(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"LOAD 1;\r\nLOAD 2;\r\n", "LOAD 1;\nLOAD 2;"},
		{"LOAD 1;\rLOAD 2;", "LOAD 1;\nLOAD 2;"},
		{"LOAD 1;\n\n\n", "LOAD 1;"},
		{"  LOAD 1;  ", "  LOAD 1;  "},
		{"LOAD 1;\n\nLOAD 2;", "LOAD 1;\n\nLOAD 2;"},
	} {
		if got := normalizeScript(tc.in); got != tc.want {
			t.Errorf("normalizeScript(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLoadScriptSemanticEquality(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newLoadScriptValue("LOAD 1;\r\nLOAD 2;\r\n")
	for _, tc := range []struct {
		other string
		want  bool
	}{
		{"LOAD 1;\nLOAD 2;", true},
		{"LOAD 1;\nLOAD 2;\n\n", true},
		{"LOAD 1;\nLOAD 3;", false},
		{" LOAD 1;\nLOAD 2;", false},
	} {
		got, diags := a.StringSemanticEquals(ctx, newLoadScriptValue(tc.other))
		if diags.HasError() || got != tc.want {
			t.Errorf("equal to %q = %v, want %v", tc.other, got, tc.want)
		}
		if sameHash := scriptSHA256(a.ValueString()) == scriptSHA256(tc.other); sameHash != tc.want {
			t.Errorf("hash of %q equal = %v, want %v", tc.other, sameHash, tc.want)
		}
	}
}

func TestLastLines(t *testing.T) {
	t.Parallel()
	log := "a\r\nb\r\nc\r\nd\r\n"
	if got := lastLines(log, 2); got != "c\nd" {
		t.Errorf("lastLines = %q", got)
	}
	if got := lastLines("one", 5); got != "one" {
		t.Errorf("lastLines = %q", got)
	}
}
