package main

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `{
  "portal_jwt": {"sensitive": false, "type": ["object", {}], "value": {"issuer": "https://portal.example.com", "key_id": "portal-2026"}},
  "customers": {"sensitive": false, "type": "dynamic", "value": {
    "globex": {"name": "Globex", "cohort": "stable", "template_version": "2026.10.3", "tenant_id": "t-globex", "hostname": "127.0.0.1:4002",
      "region": "us", "app_id": "a-g", "published_app_id": "p-g", "web_integration_id": "w-g", "oauth_client_id": "o-g",
      "embed_urls": {"app": "https://127.0.0.1:4002/single/?appid=p-g", "overview": "https://127.0.0.1:4002/single/?appid=p-g&sheet=JpXmPa&opt=currsel"}},
    "acme": {"name": "Acme Corp", "cohort": "canary", "template_version": "2026.11.1", "tenant_id": "t-acme", "hostname": "127.0.0.1:4001",
      "region": "eu", "app_id": "a-a", "published_app_id": "p-a", "web_integration_id": "w-a", "oauth_client_id": "o-a",
      "embed_urls": {"app": "https://127.0.0.1:4001/single/?appid=p-a"}}
  }}
}`

func TestRunPrintsOneRowPerCustomer(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(strings.NewReader(sample), &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if !strings.HasPrefix(lines[0], "CUSTOMER  COHORT  TEMPLATE") {
		t.Errorf("header: %q", lines[0])
	}
	// Sorted by key, columns aligned, every id of the row present.
	if f := strings.Fields(lines[1]); strings.Join(f, " ") != "acme canary 2026.11.1 eu 127.0.0.1:4001 t-acme p-a w-a o-a" {
		t.Errorf("acme row: %q", lines[1])
	}
	if f := strings.Fields(lines[2]); strings.Join(f, " ") != "globex stable 2026.10.3 us 127.0.0.1:4002 t-globex p-g w-g o-g" {
		t.Errorf("globex row: %q", lines[2])
	}
	if strings.Index(lines[1], "t-acme") != strings.Index(lines[2], "t-globex") {
		t.Errorf("columns are not aligned:\n%s\n%s", lines[1], lines[2])
	}
	for _, want := range []string{
		"acme (Acme Corp): iframe URLs\n  app  https://127.0.0.1:4001/single/?appid=p-a\n",
		"globex (Globex): iframe URLs\n  app       https://127.0.0.1:4002/single/?appid=p-g\n  overview  https://127.0.0.1:4002/single/?appid=p-g&sheet=JpXmPa&opt=currsel\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunRejectsOtherOutputs(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`{"space_ids": {"value": {}}}`:       "no `customers` output",
		`not json`:                           "read terraform output -json",
		`{"customers": {"value": "a text"}}`: "customers output",
	} {
		err := run(strings.NewReader(in), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", in, err, want)
		}
	}
}
