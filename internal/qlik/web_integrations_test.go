package qlik

import (
	"strings"
	"testing"
)

// The PATCH sends /validOrigins as an array, and an emptied list as [] rather than null; a create without
// origins sends [] too.
func TestWebIntegrations_RequestBodies(t *testing.T) {
	c, bodies := recordingClient(t, map[string]any{"id": "w1", "name": "Portal"},
		map[string]any{"id": "w1", "name": "Portal"})
	ctx := t.Context()
	if _, err := c.CreateWebIntegration(ctx, WebIntegrationCreateRequest{Name: "Portal"}); err != nil {
		t.Fatal(err)
	}
	origins := []string{"https://a.example", "https://b.example"}
	if _, err := c.UpdateWebIntegration(ctx, "w1", WebIntegrationUpdateRequest{Name: ptr("Portal 2"), ValidOrigins: &origins}); err != nil {
		t.Fatal(err)
	}
	var none []string
	if _, err := c.UpdateWebIntegration(ctx, "w1", WebIntegrationUpdateRequest{ValidOrigins: &none}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateWebIntegration(ctx, "w1", WebIntegrationUpdateRequest{}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`POST {"name":"Portal","validOrigins":[]}`,
		`PATCH [{"op":"replace","path":"/name","value":"Portal 2"},{"op":"replace","path":"/validOrigins","value":["https://a.example","https://b.example"]}]`,
		`PATCH [{"op":"replace","path":"/validOrigins","value":[]}]`,
	}
	if strings.Join(*bodies, "\n") != strings.Join(want, "\n") {
		t.Errorf("bodies:\n%s\nwant:\n%s", strings.Join(*bodies, "\n"), strings.Join(want, "\n"))
	}
}
