package qlik_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
	"github.com/qlik-terraform/terraform-provider-qlik/internal/qliksim"
)

// adoptionCase is one kind whose create recovers by natural key: create makes an object with that key first as
// someone else (the API key's admin user), then asks for the same object as the provider does (OAuth client).
type adoptionCase struct {
	name  string
	route string
	// create returns the id of what it made or adopted.
	create func(ctx context.Context, c *qlik.Client) (string, error)
}

// adoption is the case of a kind whose create method (a method expression such as (*qlik.Client).CreateSpace)
// sends req; id reads the id of what it returns.
func adoption[R, T any](name, route string, create func(*qlik.Client, context.Context, R) (*T, error), req R, id func(*T) string) adoptionCase {
	return adoptionCase{name: name, route: route, create: func(ctx context.Context, c *qlik.Client) (string, error) {
		v, err := create(c, ctx, req)
		if err != nil {
			return "", err
		}
		return id(v), nil
	}}
}

func adoptionCases(t *testing.T, spaceID string) []adoptionCase {
	pemText := rsaPublicKeyPEM(t)
	return []adoptionCase{
		adoption("space", "/api/v1/spaces", (*qlik.Client).CreateSpace,
			qlik.SpaceCreateRequest{Name: "Sales", Type: "shared", Description: "by hand"},
			func(s *qlik.Space) string { return s.ID }),
		adoption("web integration", "/api/v1/web-integrations", (*qlik.Client).CreateWebIntegration,
			qlik.WebIntegrationCreateRequest{Name: "portal", ValidOrigins: []string{"https://portal.example"}},
			func(w *qlik.WebIntegration) string { return w.ID }),
		adoption("JWT identity provider", "/api/v1/identity-providers", (*qlik.Client).CreateJWTIdentityProvider,
			qlik.JWTIdentityProviderCreateRequest{Issuer: "https://vendor.example", KeyID: "k1", PublicKey: pemText},
			func(p *qlik.IdentityProvider) string { return p.ID }),
		adoption("CSP origin", "/api/v1/csp-origins", (*qlik.Client).CreateCSPOrigin,
			qlik.CSPOriginRequest{Name: "portal", Origin: "portal.example", CSPDirectiveFlags: qlik.CSPDirectiveFlags{FrameAncestors: true}},
			func(e *qlik.CSPOrigin) string { return e.ID }),
		adoption("group", "/api/v1/groups", (*qlik.Client).CreateGroup,
			qlik.GroupCreateRequest{Name: "analysts", ProviderType: "idp"},
			func(g *qlik.Group) string { return g.ID }),
		adoption("data connection", "/api/v1/data-connections", (*qlik.Client).CreateDataConnection,
			qlik.DataConnectionCreateRequest{Name: "orders", Type: "QvOdbcConnectorPackage.exe", DatasourceID: "postgres", ConnectStatement: "CUSTOM CONNECT TO \"host=db\"", SpaceID: spaceID},
			func(d *qlik.DataConnection) string { return d.ID }),
		adoption("custom role", "/api/v1/roles", (*qlik.Client).CreateCustomRole,
			qlik.CustomRoleRequest{Name: "Portal viewer", Description: "by hand", AssignedScopes: []string{"apps:read"}},
			func(r *qlik.CustomRole) string { return r.ID }),
		adoption("user", "/api/v1/users", (*qlik.Client).CreateUser,
			qlik.UserCreateRequest{Subject: "portal|admin", Name: "Admin", Email: "admin@example.com"},
			func(u *qlik.User) string { return u.ID }),
	}
}

// simWithTwoUsers starts a simulator and returns it with two clients of its home tenant: byHand is the admin
// user behind the API key, who makes objects by hand, and provider is the OAuth client's bot user.
func simWithTwoUsers(t *testing.T) (sim *qliksim.Server, byHand, provider *qlik.Client) {
	t.Helper()
	sim = qliksim.StartT(t, qliksim.Options{})
	return sim, simClient(t, sim, false), simClient(t, sim, true)
}

// wantNoWritesTo fails t when the simulator audited a request other than a GET whose path names id; the format
// and its args name the object in the failure.
func wantNoWritesTo(t *testing.T, sim *qliksim.Server, id, format string, args ...any) {
	t.Helper()
	var w []string
	for _, e := range sim.Audit() {
		if e.Method != http.MethodGet && strings.Contains(e.Path, id) {
			w = append(w, e.Method+" "+e.Path)
		}
	}
	if len(w) > 0 {
		t.Errorf("%s was written to: %v", fmt.Sprintf(format, args...), w)
	}
}

// ambiguousFaults are the failures of a create whose outcome is unknown: a 503 before Qlik handles the request,
// and a connection reset after Qlik answered.
var ambiguousFaults = []struct {
	name string
	f    qliksim.RouteFault
}{
	{"503", qliksim.RouteFault{Status: http.StatusServiceUnavailable}},
	{"reset", qliksim.RouteFault{}},
}

// eachAmbiguousFault runs test in parallel once for each of ambiguousFaults, on a simulator of its own with two
// users (simWithTwoUsers).
func eachAmbiguousFault(t *testing.T, test func(t *testing.T, fault qliksim.RouteFault, sim *qliksim.Server, byHand, provider *qlik.Client)) {
	for _, fault := range ambiguousFaults {
		t.Run(fault.name, func(t *testing.T) {
			t.Parallel()
			sim, byHand, provider := simWithTwoUsers(t)
			test(t, fault.f, sim, byHand, provider)
		})
	}
}

// TestSim_AmbiguousCreateNeverAdoptsForeignObject: an object with the natural key of a create, made before it
// by another user, is neither adopted nor changed when the create fails ambiguously (503 before handling, or a
// connection reset after Qlik answered 409); the create fails with an error that names the object and how to
// import it.
func TestSim_AmbiguousCreateNeverAdoptsForeignObject(t *testing.T) {
	eachAmbiguousFault(t, func(t *testing.T, fault qliksim.RouteFault, sim *qliksim.Server, byHand, provider *qlik.Client) {
		ctx := t.Context()
		home := sim.Home().Hostname
		shared := newSpace(t, byHand, "Connections", "shared")
		cases := adoptionCases(t, shared.ID)
		decoys := map[string]string{}
		for _, tc := range cases {
			id, err := tc.create(ctx, byHand)
			if err != nil {
				t.Fatalf("%s made by hand: %v", tc.name, err)
			}
			decoys[tc.name] = id
		}
		// Identity providers and CSP origins have no creator in Qlik's API: their proof is the creation time,
		// which the provider reads with a second's margin for the server clock.
		time.Sleep(1100 * time.Millisecond)
		for _, tc := range cases {
			sim.FailRoute(home, http.MethodPost, tc.route, 1, fault)
			id, err := tc.create(ctx, provider)
			var existing *qlik.ExistingObjectError
			switch {
			case err == nil:
				t.Errorf("%s: create adopted %s (the object made by hand is %s)", tc.name, id, decoys[tc.name])
			case !errors.As(err, &existing) || !errors.Is(err, qlik.ErrNotCreatedByUs):
				t.Errorf("%s: create failed with %v, want an ExistingObjectError", tc.name, err)
			case existing.ID != decoys[tc.name] || existing.Host != home:
				t.Errorf("%s: error names %s/%s, want %s/%s", tc.name, existing.Host, existing.ID, home, decoys[tc.name])
			case !strings.Contains(err.Error(), "import it (import id \""+home+"/"+decoys[tc.name]+"\")"):
				t.Errorf("%s: error does not say how to import: %v", tc.name, err)
			}
			wantNoWritesTo(t, sim, decoys[tc.name], "%s: the object made by hand", tc.name)
		}
	})
}

// TestSim_AmbiguousCreateByAnotherUserMomentsAgo: the creator tells apart an object another user made within the
// server clock's margin.
func TestSim_AmbiguousCreateByAnotherUserMomentsAgo(t *testing.T) {
	t.Parallel()
	sim, byHand, provider := simWithTwoUsers(t)
	ctx := t.Context()
	req := qlik.SpaceCreateRequest{Name: "Race", Type: "managed"}
	if _, err := provider.ListSpaces(ctx, qlik.ListSpacesOptions{}); err != nil { // learn the server clock first
		t.Fatal(err)
	}
	decoy, err := byHand.CreateSpace(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	sim.FailRoute(sim.Home().Hostname, http.MethodPost, "/api/v1/spaces", 1, qliksim.RouteFault{Status: http.StatusServiceUnavailable})
	_, err = provider.CreateSpace(ctx, req)
	if !errors.Is(err, qlik.ErrNotCreatedByUs) || !strings.Contains(err.Error(), "created by user") {
		t.Fatalf("create = %v, want a refusal naming the other creator", err)
	}
	wantNoWritesTo(t, sim, decoy.ID, "the other user's space")
}

// TestSim_AmbiguousPublishIgnoresEarlierPublishedCopy: Qlik allows several copies of one app published into one
// space, so a copy published earlier is not taken for the one a failed publish made: the publish is repeated.
func TestSim_AmbiguousPublishIgnoresEarlierPublishedCopy(t *testing.T) {
	t.Parallel()
	sim, byHand, provider := simWithTwoUsers(t)
	ctx := t.Context()
	home := sim.Home().Hostname
	managed, src := spaceToPublishInto(t, sim, byHand)
	earlier, err := byHand.PublishApp(ctx, src, qlik.PublishAppRequest{SpaceID: managed.ID})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond)
	sim.FailRoute(home, http.MethodPost, "/api/v1/apps/{appId}/publish", 1, qliksim.RouteFault{Status: http.StatusServiceUnavailable})
	pub, err := provider.PublishApp(ctx, src, qlik.PublishAppRequest{SpaceID: managed.ID})
	if err != nil {
		t.Fatal(err)
	}
	if pub.Attributes.ID == earlier.Attributes.ID {
		t.Fatalf("the publish adopted the copy published earlier by hand (%s)", earlier.Attributes.ID)
	}
	wantNoWritesTo(t, sim, earlier.Attributes.ID, "the earlier published copy")
}

// TestSim_AmbiguousCreateBesideForeignNamesake: for kinds whose names Qlik does not keep unique (brands,
// webhooks), an object of the same name made by hand before the create neither blocks it nor is adopted when the
// create fails ambiguously: the provider ends with exactly one object of its own beside the one made by hand,
// which is not written to.
func TestSim_AmbiguousCreateBesideForeignNamesake(t *testing.T) {
	eachAmbiguousFault(t, func(t *testing.T, fault qliksim.RouteFault, sim *qliksim.Server, byHand, provider *qlik.Client) {
		ctx := t.Context()
		home := sim.Home().Hostname
		brandReq := qlik.BrandCreateRequest{Name: "Vendor", Files: map[string]string{qlik.BrandLogo: writeBrandFile(t, "logo.png", pngHead, 2048)}}
		hookReq := qlik.WebhookCreateRequest{Name: "alerts", URL: "https://alerts.example.com/qlik", EventTypes: []string{"com.qlik.v1.app.reload.finished"}, Enabled: true}
		cases := []struct {
			adoptionCase
			plural, named string
			held          func() int
		}{
			{
				adoption("brand", "/api/v1/brands", (*qlik.Client).CreateBrand, brandReq, func(b *qlik.Brand) string { return b.ID }),
				"brands", brandReq.Name, func() int { return len(sim.Brands(home)) },
			},
			{
				adoption("webhook", "/api/v1/webhooks", (*qlik.Client).CreateWebhook, hookReq, func(w *qlik.Webhook) string { return w.ID }),
				"webhooks", hookReq.Name, func() int { return len(sim.Webhooks(home)) },
			},
		}
		byHandIDs := map[string]string{}
		for _, tc := range cases {
			id, err := tc.create(ctx, byHand)
			if err != nil {
				t.Fatal(err)
			}
			byHandIDs[tc.name] = id
		}
		time.Sleep(1100 * time.Millisecond) // past the server clock's margin

		for _, tc := range cases {
			sim.FailRoute(home, http.MethodPost, tc.route, 1, fault)
			id, err := tc.create(ctx, provider)
			switch {
			case err != nil:
				t.Errorf("%s: create failed beside a namesake made by hand: %v", tc.name, err)
			case id == byHandIDs[tc.name]:
				t.Errorf("%s: create adopted the %s made by hand (%s)", tc.name, tc.name, id)
			}
			if n := tc.held(); n != 2 {
				t.Errorf("%s: the tenant holds %d %s named %q, want 2 (one made by hand, one by the provider)", tc.name, n, tc.plural, tc.named)
			}
			wantNoWritesTo(t, sim, byHandIDs[tc.name], "%s: the %s made by hand", tc.name, tc.name)
		}
	})
}

// TestSim_LostCreateAnswerOfLateListedNamesake: brands and OAuth clients, whose names Qlik keeps unique nowhere (a
// retry meets no 409), are listed only a moment after their create. A create whose answer is lost after Qlik
// committed it looks again until the object shows, instead of making a second one.
func TestSim_LostCreateAnswerOfLateListedNamesake(t *testing.T) {
	t.Parallel()
	sim, c, home := startSimWith(t, qliksim.Options{VisibilityDelay: 300 * time.Millisecond}, true)
	brandReq := qlik.BrandCreateRequest{Name: "Vendor", Files: map[string]string{qlik.BrandLogo: writeBrandFile(t, "logo.png", pngHead, 2048)}}
	clientReq := qlik.OAuthClientSettings{AppType: "web", ClientName: "portal", AllowedGrantTypes: []string{qlik.OAuthGrantClientCreds}}
	for _, tc := range []struct {
		adoptionCase
		held func() int
	}{
		{
			adoption("brand", "/api/v1/brands", (*qlik.Client).CreateBrand, brandReq, func(b *qlik.Brand) string { return b.ID }),
			func() int { return len(sim.Brands(home)) },
		},
		{
			adoption("OAuth client", "/api/v1/oauth-clients", (*qlik.Client).CreateOAuthClient, clientReq, func(o *qlik.OAuthClient) string { return o.ClientID }),
			func() int { return len(sim.OAuthClients(home)) },
		},
	} {
		sim.FailRoute(home, http.MethodPost, tc.route, 1, qliksim.RouteFault{}) // the answer is lost after the commit
		if _, err := tc.create(t.Context(), c); err != nil {
			t.Errorf("%s: create failed: %v", tc.name, err)
		}
		if n := tc.held(); n != 1 {
			t.Errorf("%s: the tenant holds %d, want 1", tc.name, n)
		}
	}
}
