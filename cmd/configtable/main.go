// Command configtable prints the vendor's configuration table of the OEM example from `terraform output -json`
// on stdin: one row per customer with what the portal needs (for a JWT login the web integration id, for OAuth
// impersonation the client id, whose secret is the sensitive portal_oauth_client_secrets output), then the iframe
// URLs of each customer.
//
//	terraform output -json | go run ./cmd/configtable
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
)

// customer is one entry of the example's `customers` output.
type customer struct {
	Name             string            `json:"name"`
	Cohort           string            `json:"cohort"`
	TemplateVersion  string            `json:"template_version"`
	TenantID         string            `json:"tenant_id"`
	Hostname         string            `json:"hostname"`
	Region           string            `json:"region"`
	AppID            string            `json:"app_id"`
	PublishedAppID   string            `json:"published_app_id"`
	WebIntegrationID string            `json:"web_integration_id"`
	OAuthClientID    string            `json:"oauth_client_id"`
	EmbedURLs        map[string]string `json:"embed_urls"`
}

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "configtable:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	var outputs map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.NewDecoder(in).Decode(&outputs); err != nil {
		return fmt.Errorf("read terraform output -json: %w", err)
	}
	raw, ok := outputs["customers"]
	if !ok {
		return errors.New("no `customers` output: is this the oem-multitenant example?")
	}
	var customers map[string]customer
	if err := json.Unmarshal(raw.Value, &customers); err != nil {
		return fmt.Errorf("customers output: %w", err)
	}
	keys := make([]string, 0, len(customers))
	for k := range customers {
		keys = append(keys, k)
	}
	slices.Sort(keys)

	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CUSTOMER\tCOHORT\tTEMPLATE\tREGION\tHOSTNAME\tTENANT ID\tPUBLISHED APP ID\tWEB INTEGRATION ID\tOAUTH CLIENT ID")
	for _, k := range keys {
		c := customers[k]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k, c.Cohort, c.TemplateVersion, c.Region, c.Hostname, c.TenantID, c.PublishedAppID, c.WebIntegrationID, c.OAuthClientID)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	for _, k := range keys {
		c := customers[k]
		fmt.Fprintf(out, "\n%s (%s): iframe URLs\n", k, c.Name)
		entries := make([]string, 0, len(c.EmbedURLs))
		for e := range c.EmbedURLs {
			entries = append(entries, e)
		}
		slices.Sort(entries)
		width := 0
		for _, e := range entries {
			width = max(width, len(e))
		}
		for _, e := range entries {
			fmt.Fprintf(out, "  %s%s  %s\n", e, strings.Repeat(" ", width-len(e)), c.EmbedURLs[e])
		}
	}
	return nil
}
