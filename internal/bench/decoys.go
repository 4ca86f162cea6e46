package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// decoy is an object made in a customer tenant before the apply, with the natural key and fields of one the
// configuration declares: the provider must refuse to create over it and must never adopt, change or delete it.
type decoy struct {
	host, kind, key, id string
}

// plantDecoys makes, in every customer tenant, a space of each declared name, the web integration, the CSP origin
// and the JWT identity provider, exactly as the configuration declares them: the kinds whose natural key Qlik
// keeps unique and whose create recovers by that key. Groups are left out on purpose: qlik_role_mapping is
// documented to manage an existing group of its name (giving back only the roles it granted).
func (e *Estate) plantDecoys(ctx context.Context) ([]decoy, error) {
	inv, err := e.Sim.Inventory(ctx)
	if err != nil {
		return nil, err
	}
	hostnames := map[string]string{}
	for _, t := range inv {
		if !t.Home {
			hostnames[strings.TrimPrefix(t.Name, "Customer ")] = t.Hostname
		}
	}
	c, err := decoyClient(e.Sim.Settings)
	if err != nil {
		return nil, err
	}
	var out []decoy
	for i := range e.N {
		key := CustomerKey(i)
		name := "Customer " + key
		tc, err := c.ForTenant(hostnames[key])
		if err != nil {
			return nil, err
		}
		work, err := tc.CreateSpace(ctx, qlik.SpaceCreateRequest{Name: name + " work", Type: "shared"})
		if err != nil {
			return nil, fmt.Errorf("decoy space: %w", err)
		}
		published, err := tc.CreateSpace(ctx, qlik.SpaceCreateRequest{Name: name + " analytics", Type: "managed", Description: "Published apps for " + name + "."})
		if err != nil {
			return nil, fmt.Errorf("decoy space: %w", err)
		}
		origin := "https://" + key + ".portal.example.com"
		wi, err := tc.CreateWebIntegration(ctx, qlik.WebIntegrationCreateRequest{Name: name + " portal", ValidOrigins: []string{origin}})
		if err != nil {
			return nil, fmt.Errorf("decoy web integration: %w", err)
		}
		csp, err := tc.CreateCSPOrigin(ctx, qlik.CSPOriginRequest{Name: name + " portal", Origin: key + ".portal.example.com", CSPDirectiveFlags: qlik.CSPDirectiveFlags{FrameAncestors: true}})
		if err != nil {
			return nil, fmt.Errorf("decoy CSP origin: %w", err)
		}
		idp, err := tc.CreateJWTIdentityProvider(ctx, qlik.JWTIdentityProviderCreateRequest{
			Issuer: origin, KeyID: key + "-2026", PublicKey: jwtPublicKeyPEM, Description: "Portal single sign-on for " + name,
		})
		if err != nil {
			return nil, fmt.Errorf("decoy identity provider: %w", err)
		}
		h := hostnames[key]
		out = append(out,
			decoy{h, "space", "shared/" + work.Name, work.ID},
			decoy{h, "space", "managed/" + published.Name, published.ID},
			decoy{h, "web_integration", wi.Name, wi.ID},
			decoy{h, "csp_origin", csp.Origin, csp.ID},
			decoy{h, "identity_provider_jwtAuth", idp.Options.Issuer + "/" + idp.KeyID(), idp.ID},
		)
	}
	// The provider proves a recovered object new by its creation time, read with up to a second's margin for the
	// server clock; identity providers and CSP origins carry no creator, so the decoys must be older than that.
	time.Sleep(1100 * time.Millisecond)
	return out, nil
}

// decoyClient is a client with the simulator's OAuth client, which made the decoys "by hand"; the simulator's
// hosts are trusted as QLIK_TRUSTED_HOSTS ("host=region,...") says.
func decoyClient(s Settings) (*qlik.Client, error) {
	trusted := map[string]string{}
	for _, pair := range strings.Split(s.TrustedHosts, ",") {
		if host, region, ok := strings.Cut(strings.TrimSpace(pair), "="); ok {
			trusted[host] = region
		}
	}
	return qlik.New(qlik.Config{
		TenantURL: s.TenantURL, ClientID: s.ClientID, ClientSecret: s.ClientSecret, RegistrationURL: s.RegistrationURL,
		TrustedHosts: trusted, UserAgent: "qlikbench-decoys",
	})
}

// checkDecoys requires that every decoy still exists under its id and key, that no request other than a read
// touched it since the audit entry since, and that the state does not hold it.
func (e *Estate) checkDecoys(ctx context.Context, decoys []decoy, since int) []string {
	var problems []string
	inv, err := e.Sim.Inventory(ctx)
	if err != nil {
		return []string{"inventory: " + err.Error()}
	}
	have := map[string]qliksim.InventoryObject{}
	for _, t := range inv {
		for _, o := range t.Objects {
			have[t.Hostname+" "+o.ID] = o
		}
	}
	audit, err := e.Sim.Audit(ctx, since)
	if err != nil {
		return []string{"audit: " + err.Error()}
	}
	state, _ := os.ReadFile(e.StateFile())
	for _, d := range decoys {
		o, ok := have[d.host+" "+d.id]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("pre-existing %s %q (%s) in %s was deleted", d.kind, d.key, d.id, d.host))
		case o.Kind != d.kind || o.Key != d.key:
			problems = append(problems, fmt.Sprintf("pre-existing %s %q (%s) in %s became %s %q", d.kind, d.key, d.id, d.host, o.Kind, o.Key))
		}
		for _, a := range audit {
			if a.Host == d.host && a.Method != http.MethodGet && strings.Contains(a.Path, d.id) {
				problems = append(problems, fmt.Sprintf("pre-existing %s %q in %s was written to: %s %s", d.kind, d.key, d.host, a.Method, a.Path))
			}
		}
		if strings.Contains(string(state), d.id) {
			problems = append(problems, fmt.Sprintf("pre-existing %s %q (%s) in %s was adopted into the state", d.kind, d.key, d.id, d.host))
		}
	}
	return problems
}

// removeDecoys deletes the decoys, as their owner would after reading the provider's conflict errors.
func (e *Estate) removeDecoys(ctx context.Context, decoys []decoy) error {
	c, err := decoyClient(e.Sim.Settings)
	if err != nil {
		return err
	}
	for _, d := range decoys {
		tc, err := c.ForTenant(d.host)
		if err != nil {
			return err
		}
		switch d.kind {
		case "space":
			err = tc.DeleteSpace(ctx, d.id)
		case "web_integration":
			err = tc.DeleteWebIntegration(ctx, d.id)
		case "csp_origin":
			err = tc.DeleteCSPOrigin(ctx, d.id)
		case "identity_provider_jwtAuth":
			err = tc.DeleteIdentityProvider(ctx, d.id)
		}
		if err != nil && !errors.Is(err, qlik.ErrNotFound) {
			return fmt.Errorf("removing pre-existing %s %q: %w", d.kind, d.key, err)
		}
	}
	return nil
}
