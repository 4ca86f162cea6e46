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
	remove              func(c *qlik.Client, ctx context.Context, id string) error
}

// decoyKind makes the decoy of one resource of Kinds in the tenant of customer key (named name), exactly as the
// configuration declares that resource, and removes it again.
type decoyKind struct {
	// kind is the decoy's inventory kind (qliksim.InventoryObject.Kind).
	kind  string
	plant func(ctx context.Context, c *qlik.Client, key, name string) (id, invKey string, err error)
	// remove deletes the decoy as its owner would (a method expression such as (*qlik.Client).DeleteSpace).
	remove func(c *qlik.Client, ctx context.Context, id string) error
}

// decoyOf is the decoyKind whose decoy the create method (a method expression such as
// (*qlik.Client).CreateSpace) makes from the request for a customer; keyed reads the id and the inventory key of
// what it made.
func decoyOf[R, T any](kind string, create func(*qlik.Client, context.Context, R) (*T, error), request func(key, name string) R,
	keyed func(*T) (id, invKey string), remove func(*qlik.Client, context.Context, string) error,
) decoyKind {
	return decoyKind{
		kind: kind,
		plant: func(ctx context.Context, c *qlik.Client, key, name string) (string, string, error) {
			v, err := create(c, ctx, request(key, name))
			if err != nil {
				return "", "", err
			}
			id, invKey := keyed(v)
			return id, invKey, nil
		},
		remove: remove,
	}
}

// portalOrigin is the origin of a customer's embedding portal (see the web integration and CSP origin of Kinds).
func portalOrigin(key string) string { return key + ".portal.example.com" }

// decoyKinds are the resources of Kinds whose natural key Qlik keeps unique and whose create recovers by that key:
// both spaces, the web integration, the CSP origin, the JWT identity provider, the custom role and the
// administrator user (users carry no creator either: the proof is the creation time). Groups are left
// out on purpose: qlik_role_mapping is documented to manage an existing group of its name (giving back only the
// roles it granted).
var decoyKinds = []decoyKind{
	decoyOf("space", (*qlik.Client).CreateSpace,
		func(_, name string) qlik.SpaceCreateRequest {
			return qlik.SpaceCreateRequest{Name: name + " work", Type: "shared"}
		},
		func(s *qlik.Space) (string, string) { return s.ID, s.Type + "/" + s.Name }, (*qlik.Client).DeleteSpace),
	decoyOf("space", (*qlik.Client).CreateSpace,
		func(_, name string) qlik.SpaceCreateRequest {
			return qlik.SpaceCreateRequest{Name: name + " analytics", Type: "managed", Description: "Published apps for " + name + "."}
		},
		func(s *qlik.Space) (string, string) { return s.ID, s.Type + "/" + s.Name }, (*qlik.Client).DeleteSpace),
	decoyOf("web_integration", (*qlik.Client).CreateWebIntegration,
		func(key, name string) qlik.WebIntegrationCreateRequest {
			return qlik.WebIntegrationCreateRequest{Name: name + " portal", ValidOrigins: []string{"https://" + portalOrigin(key)}}
		},
		func(w *qlik.WebIntegration) (string, string) { return w.ID, w.Name }, (*qlik.Client).DeleteWebIntegration),
	decoyOf("csp_origin", (*qlik.Client).CreateCSPOrigin,
		func(key, name string) qlik.CSPOriginRequest {
			return qlik.CSPOriginRequest{Name: name + " portal", Origin: portalOrigin(key), CSPDirectiveFlags: qlik.CSPDirectiveFlags{FrameAncestors: true}}
		},
		func(e *qlik.CSPOrigin) (string, string) { return e.ID, e.Origin }, (*qlik.Client).DeleteCSPOrigin),
	decoyOf("identity_provider_jwtAuth", (*qlik.Client).CreateJWTIdentityProvider,
		func(key, name string) qlik.JWTIdentityProviderCreateRequest {
			return qlik.JWTIdentityProviderCreateRequest{
				Issuer: "https://" + portalOrigin(key), KeyID: key + "-2026", PublicKey: jwtPublicKeyPEM, Description: "Portal single sign-on for " + name,
			}
		},
		func(p *qlik.IdentityProvider) (string, string) { return p.ID, p.Options.Issuer + "/" + p.KeyID() },
		(*qlik.Client).DeleteIdentityProvider),
	decoyOf("custom_role", (*qlik.Client).CreateCustomRole,
		func(_, _ string) qlik.CustomRoleRequest {
			return qlik.CustomRoleRequest{Name: "Portal viewer", Description: "Reads the portal's apps.", AssignedScopes: []string{"apps:read"}}
		},
		func(r *qlik.CustomRole) (string, string) { return r.ID, r.Name }, (*qlik.Client).DeleteCustomRole),
	decoyOf("user", (*qlik.Client).CreateUser,
		func(key, name string) qlik.UserCreateRequest {
			return qlik.UserCreateRequest{
				Subject: "portal|admin-" + key, Name: name + " administrator", Email: "admin@" + key + ".example.com", Roles: []string{"TenantAdmin"},
			}
		},
		func(u *qlik.User) (string, string) { return u.ID, u.Subject }, (*qlik.Client).DeleteUser),
}

// plantDecoys makes, in every customer tenant, the decoy of each of decoyKinds.
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
		h := hostnames[key]
		tc, err := c.ForTenant(h)
		if err != nil {
			return nil, err
		}
		for _, dk := range decoyKinds {
			id, invKey, err := dk.plant(ctx, tc, key, "Customer "+key)
			if err != nil {
				return nil, fmt.Errorf("decoy %s: %w", dk.kind, err)
			}
			out = append(out, decoy{h, dk.kind, invKey, id, dk.remove})
		}
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
		if err := d.remove(tc, ctx, d.id); err != nil && !errors.Is(err, qlik.ErrNotFound) {
			return fmt.Errorf("removing pre-existing %s %q: %w", d.kind, d.key, err)
		}
	}
	return nil
}
