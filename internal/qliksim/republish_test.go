package qliksim

import (
	"errors"
	"net/http"
	"testing"
)

// TestContractRepublish drives the published-app rules through the validating transport: a republish keeps the
// published app's id and its users' private content, checkOriginAppId refuses another source unless it is false,
// an orphaned published app cannot be republished, and deleting the published app deletes its users' content.
func TestContractRepublish(t *testing.T) {
	t.Parallel()
	sim, home, c, calls := startContract(t, Options{}, "apps.json", "spaces.json")
	call := calls.call
	apps := home.URL + "/api/v1/apps"
	var shared, managed Space
	call(http.MethodPost, home.URL+"/api/v1/spaces", http.StatusCreated, map[string]string{"name": "Work", "type": "shared"}).decode(t, &shared)
	call(http.MethodPost, home.URL+"/api/v1/spaces", http.StatusCreated, map[string]string{"name": "Published", "type": "managed"}).decode(t, &managed)

	// Release 1 and release 2 of the customer's copy, with different content.
	var rel1, rel2, pub App
	call(http.MethodPost, apps, http.StatusOK, map[string]any{"attributes": map[string]string{"name": "Sales", "spaceId": shared.ID}}).decode(t, &rel1)
	call(http.MethodPost, apps, http.StatusOK, map[string]any{"attributes": map[string]string{"name": "Sales", "spaceId": shared.ID}}).decode(t, &rel2)
	if err := sim.ReplaceAppContent(home.Hostname, rel2.Attributes.ID, 8192); err != nil {
		t.Fatal(err)
	}
	call(http.MethodPost, apps+"/"+rel1.Attributes.ID+"/publish", http.StatusOK, map[string]string{"spaceId": managed.ID}).decode(t, &pub)
	pubID := pub.Attributes.ID
	if pub.Attributes.OriginAppID != rel1.Attributes.ID || mustChecksum(t, sim, home.Hostname, pubID) != mustChecksum(t, sim, home.Hostname, rel1.Attributes.ID) {
		t.Fatalf("published %+v does not mirror release 1", pub.Attributes)
	}
	var seeded []PrivateObject
	for _, o := range []PrivateObject{
		{Type: "sheet", OwnerID: "user-ann", Title: "Ann's margins"},
		{Type: "bookmark", OwnerID: "user-ann", Title: "Q3 Nordics"},
		{Type: "story", OwnerID: "user-bob", Title: "Board pack"},
	} {
		got, err := sim.SeedPrivateObject(home.Hostname, pubID, o)
		if err != nil {
			t.Fatal(err)
		}
		seeded = append(seeded, got)
	}
	keptPrivate := func(step string) {
		t.Helper()
		got, err := sim.PrivateObjects(home.Hostname, pubID)
		if err != nil || len(got) != len(seeded) {
			t.Fatalf("%s: private objects %+v (%v), want the %d seeded ones", step, got, err, len(seeded))
		}
		for i := range got {
			if got[i] != seeded[i] {
				t.Errorf("%s: private object %+v, want %+v", step, got[i], seeded[i])
			}
		}
	}
	mirrors := func(step string, src App) {
		t.Helper()
		a, ok := sim.App(home.Hostname, pubID)
		if !ok || a.Attributes.OriginAppID != src.Attributes.ID || a.Attributes.SpaceID != managed.ID ||
			mustChecksum(t, sim, home.Hostname, pubID) != mustChecksum(t, sim, home.Hostname, src.Attributes.ID) {
			t.Errorf("%s: published app %+v (found=%v) does not mirror %s", step, a.Attributes, ok, src.Attributes.ID)
		}
	}

	// The same source republishes with Qlik's default check: same id, content and private objects kept.
	var again App
	call(http.MethodPut, apps+"/"+rel1.Attributes.ID+"/publish", http.StatusOK, map[string]any{"targetId": pubID}).decode(t, &again)
	if again.Attributes.ID != pubID || again.Attributes.PublishTime < pub.Attributes.PublishTime {
		t.Errorf("republish answered %+v, want the published app %s with a new publish time", again.Attributes, pubID)
	}
	keptPrivate("republish from the origin")

	// Another source is refused while checkOriginAppId is true (explicit or by default), and changes nothing.
	call(http.MethodPut, apps+"/"+rel2.Attributes.ID+"/publish", http.StatusConflict, map[string]any{"targetId": pubID})
	call(http.MethodPut, apps+"/"+rel2.Attributes.ID+"/publish", http.StatusConflict, map[string]any{"targetId": pubID, "checkOriginAppId": true})
	mirrors("refused republish", rel1)

	// With checkOriginAppId false the new release replaces the content in place and becomes the origin.
	var rolled App
	call(http.MethodPut, apps+"/"+rel2.Attributes.ID+"/publish", http.StatusOK,
		map[string]any{"targetId": pubID, "checkOriginAppId": false}).decode(t, &rolled)
	if rolled.Attributes.ID != pubID || rolled.Attributes.OriginAppID != rel2.Attributes.ID {
		t.Errorf("republish of release 2 answered %+v", rolled.Attributes)
	}
	mirrors("republish of release 2", rel2)
	keptPrivate("republish of release 2")
	// The previous release is no longer the origin, so the default check now refuses it.
	call(http.MethodPut, apps+"/"+rel1.Attributes.ID+"/publish", http.StatusConflict, map[string]any{"targetId": pubID})

	// Bad targets.
	call(http.MethodPut, apps+"/"+rel2.Attributes.ID+"/publish", http.StatusBadRequest, map[string]any{"targetId": rel1.Attributes.ID, "checkOriginAppId": false})
	call(http.MethodPut, apps+"/"+rel2.Attributes.ID+"/publish", http.StatusBadRequest, map[string]any{"targetId": rel2.Attributes.ID, "checkOriginAppId": false})
	call(http.MethodPut, apps+"/"+rel2.Attributes.ID+"/publish", http.StatusBadRequest, map[string]any{"checkOriginAppId": false})
	call(http.MethodPut, apps+"/"+rel2.Attributes.ID+"/publish", http.StatusNotFound, map[string]any{"targetId": "00000000-0000-0000-0000-000000000000"})

	// Deleting the release 1 copy now orphans nothing: the published app's parent is release 2.
	call(http.MethodDelete, apps+"/"+rel1.Attributes.ID, http.StatusOK, nil)
	call(http.MethodPut, apps+"/"+rel2.Attributes.ID+"/publish", http.StatusOK, map[string]any{"targetId": pubID})

	// Deleting the parent orphans the published app: no source can be republished onto it any more, and it still
	// serves its last content to its users.
	var rel3 App
	call(http.MethodPost, apps, http.StatusOK, map[string]any{"attributes": map[string]string{"name": "Sales", "spaceId": shared.ID}}).decode(t, &rel3)
	before := mustChecksum(t, sim, home.Hostname, pubID)
	call(http.MethodDelete, apps+"/"+rel2.Attributes.ID, http.StatusOK, nil)
	call(http.MethodPut, apps+"/"+rel3.Attributes.ID+"/publish", http.StatusConflict, map[string]any{"targetId": pubID, "checkOriginAppId": false})
	if after := mustChecksum(t, sim, home.Hostname, pubID); after != before {
		t.Error("a refused republish onto an orphan changed its content")
	}
	keptPrivate("orphaned")

	// Deleting the published app deletes its users' content with it.
	call(http.MethodDelete, apps+"/"+pubID, http.StatusOK, nil)
	if got, err := sim.PrivateObjects(home.Hostname, pubID); !errors.Is(err, ErrNotFound) {
		t.Errorf("after deleting the published app its private objects are %+v (%v), want ErrNotFound", got, err)
	}
	call(http.MethodGet, apps+"/"+pubID, http.StatusNotFound, nil)

	calls.allValidated(c)
}

// TestPrivateObjectsNotCarried checks that private content stays in its app: a copy, an export and a publish of
// an app carry none of it, and the hook refuses unknown types and objects without an owner.
func TestPrivateObjectsNotCarried(t *testing.T) {
	t.Parallel()
	sim := StartT(t, Options{})
	home := sim.Home().Hostname
	id, err := sim.SeedApp(home, "Sales", "", 4096)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sim.SeedPrivateObject(home, id, PrivateObject{Type: "sheet", OwnerID: "user-ann", Title: "Mine"}); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.SeedPrivateObject(home, id, PrivateObject{Type: "dashboard", OwnerID: "user-ann"}); err == nil {
		t.Error("an unknown private object type was accepted")
	}
	if _, err := sim.SeedPrivateObject(home, id, PrivateObject{Type: "sheet"}); err == nil {
		t.Error("a private object without an owner was accepted")
	}
	if _, err := sim.SeedPrivateObject(home, "00000000-0000-0000-0000-000000000000", PrivateObject{Type: "sheet", OwnerID: "u"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("seeding into a missing app: %v, want ErrNotFound", err)
	}
	cc := &contractClient{t: t, hc: http.DefaultClient}
	token := sim.Credentials().APIKey
	var cp App
	cc.json(http.MethodPost, sim.Home().URL+"/api/v1/apps/"+id+"/copy", token, http.StatusOK, map[string]any{"attributes": map[string]string{"name": "Copy"}}).decode(t, &cp)
	if got, err := sim.PrivateObjects(home, cp.Attributes.ID); err != nil || len(got) != 0 {
		t.Errorf("the copy holds private objects %+v (%v)", got, err)
	}
	if a, _ := sim.App(home, id); len(a.PrivateObjects) != 1 {
		t.Errorf("the source holds %+v", a.PrivateObjects)
	}
}
