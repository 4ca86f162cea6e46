// Package portal is a small vendor portal for the OEM example: the configuration table that
// `terraform output -json` prints as a menu of customers and their sheets, a sign-in as one of the customers'
// users (the portal signs the login JWT with its private key, as a vendor's backend does), and the chosen sheet
// of the customer's tenant in an iframe. The browser does what it does with a real portal: it posts the token to
// the tenant's /login/jwt-session with the web integration id, and the tenant's CSP decides whether the frame
// may show.
package portal

import (
	"crypto"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// Customer is one entry of the OEM example's `customers` output, as far as the portal needs it.
type Customer struct {
	Name             string            `json:"name"`
	Hostname         string            `json:"hostname"`
	WebIntegrationID string            `json:"web_integration_id"`
	EmbedURLs        map[string]string `json:"embed_urls"`
	Groups           []string          `json:"groups"`
}

// Table is the configuration the portal reads from `terraform output -json` of the OEM example.
type Table struct {
	Customers map[string]Customer
	Issuer    string // the portal_jwt output: what the tokens carry as iss and kid
	KeyID     string
}

// ParseOutputs reads `terraform output -json`: the customers output and the portal_jwt output.
func ParseOutputs(data []byte) (Table, error) {
	var outs struct {
		Customers struct {
			Value map[string]Customer `json:"value"`
		} `json:"customers"`
		PortalJWT struct {
			Value struct {
				Issuer string `json:"issuer"`
				KeyID  string `json:"key_id"`
			} `json:"value"`
		} `json:"portal_jwt"`
	}
	if err := json.Unmarshal(data, &outs); err != nil {
		return Table{}, fmt.Errorf("terraform output -json: %w", err)
	}
	if len(outs.Customers.Value) == 0 || outs.PortalJWT.Value.KeyID == "" {
		return Table{}, errors.New("terraform output -json has no customers or no portal_jwt: apply the OEM example first")
	}
	return Table{Customers: outs.Customers.Value, Issuer: outs.PortalJWT.Value.Issuer, KeyID: outs.PortalJWT.Value.KeyID}, nil
}

// Portal serves the portal page and signs login tokens.
type Portal struct {
	// Outputs is the file holding `terraform output -json`; it is read on every request, so the portal can start
	// before the apply that needs its origin.
	Outputs string
	Key     crypto.Signer
	Alg     string
}

// New reads the portal's private key (PEM) and returns a portal for the outputs file.
func New(outputsFile string, keyPEM []byte) (*Portal, error) {
	key, alg, err := qliksim.ParseSigningKey(keyPEM)
	if err != nil {
		return nil, err
	}
	return &Portal{Outputs: outputsFile, Key: key, Alg: alg}, nil
}

func (p *Portal) table() (Table, error) {
	data, err := os.ReadFile(p.Outputs)
	if err != nil {
		return Table{}, fmt.Errorf("no configuration table yet (%w): apply the OEM example and write terraform output -json there", err)
	}
	return ParseOutputs(data)
}

// user is one sign-in choice: a user of a customer's identity-provider group.
type user struct {
	Group, Customer, Name string
}

func (t Table) users() []user {
	var out []user
	for _, key := range t.keys() {
		c := t.Customers[key]
		for _, g := range c.Groups {
			out = append(out, user{Group: g, Customer: key, Name: c.Name + " user (" + g + ")"})
		}
	}
	return out
}

func (t Table) keys() []string {
	keys := make([]string, 0, len(t.Customers))
	for k := range t.Customers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (t Table) user(group string) (user, bool) {
	for _, u := range t.users() {
		if u.Group == group {
			return u, true
		}
	}
	return user{}, false
}

//go:embed portal.html
var pageHTML string

var page = template.Must(template.New("portal").Funcs(template.FuncMap{"sortedKeys": sortedKeys}).Parse(pageHTML))

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ServeHTTP serves GET / (the page) and POST /token (a signed login JWT for one user).
func (p *Portal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/" && r.Method == http.MethodGet:
		p.servePage(w, r)
	case r.URL.Path == "/token" && r.Method == http.MethodPost:
		p.serveToken(w, r)
	default:
		http.NotFound(w, r)
	}
}

type selection struct {
	Customer, Sheet, As string
	URL, Tenant, WI     string
}

func (p *Portal) servePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	t, err := p.table()
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_ = page.Execute(w, map[string]any{"Error": err.Error()})
		return
	}
	q := r.URL.Query()
	sel := selection{Customer: q.Get("customer"), Sheet: q.Get("sheet"), As: q.Get("as")}
	if c, ok := t.Customers[sel.Customer]; ok {
		sel.URL, sel.WI = c.EmbedURLs[sel.Sheet], c.WebIntegrationID
		if sel.As == "" && len(c.Groups) > 0 {
			sel.As = c.Groups[0]
		}
		if i := strings.Index(sel.URL, "/single/"); i > 0 {
			sel.Tenant = sel.URL[:i]
		}
	}
	_ = page.Execute(w, map[string]any{"Table": t, "Keys": t.keys(), "Users": t.users(), "Sel": sel})
}

func (p *Portal) serveToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		As string `json:"as"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&req); err != nil {
		http.Error(w, "expected {\"as\": \"<group>\"}", http.StatusBadRequest)
		return
	}
	t, err := p.table()
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	u, ok := t.user(req.As)
	if !ok {
		http.Error(w, "no user of group "+req.As+" in the portal", http.StatusNotFound)
		return
	}
	claims := qliksim.LoginClaims(t.Issuer, "portal|"+u.Group, u.Name, u.Group+"@users.portal.example", u.Group)
	token, err := qliksim.SignJWT(p.Alg, p.Key, t.KeyID, claims)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]string{"token": token, "name": u.Name})
}
