package qlik_test

import (
	"errors"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

func TestSim_CopyAppOnce(t *testing.T) {
	sim, src, dst, target := twoTenants(t)
	ctx := t.Context()
	home := sim.Home().Hostname
	tplID, err := sim.SeedApp(home, "Template", "", 4096)
	if err != nil {
		t.Fatal(err)
	}
	space := newSpace(t, dst, "Apps", qlik.SpaceTypeShared)
	req := qlik.AppCopyRequest{Source: src, SourceAppID: tplID, SourceVersion: "v1", Name: "Sales", SpaceID: space.ID}
	marker := qlik.AppCopyMarker(home, tplID, "v1", target.Hostname, space.ID, "Sales")

	// Across tenants: the copy arrives under its marker name, by one import.
	first, err := dst.CopyAppOnce(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if first.Attributes.Name != marker || first.Attributes.SpaceID != space.ID {
		t.Errorf("copy = %+v, want %q in %s", first.Attributes, marker, space.ID)
	}
	// Run again (an apply interrupted before it saved the copy): the marked copy is adopted, nothing is copied.
	imports := sim.AuditCount("POST", "/api/v1/apps/import", target.Hostname)
	again, err := dst.CopyAppOnce(ctx, req)
	if err != nil || again.Attributes.ID != first.Attributes.ID {
		t.Fatalf("second run = %+v, %v; want the copy %s adopted", again, err, first.Attributes.ID)
	}
	if n := sim.AuditCount("POST", "/api/v1/apps/import", target.Hostname); n != imports {
		t.Errorf("second run imported %d more apps", n-imports)
	}
	// A surplus marked copy (a retry before Qlik listed the first) is deleted; the first listed is kept.
	surplus, err := sim.SeedApp(target.Hostname, marker, space.ID, 4096)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := dst.CopyAppOnce(ctx, req)
	if err != nil || kept.Attributes.ID != first.Attributes.ID {
		t.Fatalf("with a surplus copy = %+v, %v; want %s", kept, err, first.Attributes.ID)
	}
	if _, ok := sim.App(target.Hostname, surplus); ok {
		t.Errorf("the surplus unfinished copy %s was kept", surplus)
	}
	// Another version is another copy.
	v2 := req
	v2.SourceVersion = "v2"
	other, err := dst.CopyAppOnce(ctx, v2)
	if err != nil || other.Attributes.ID == first.Attributes.ID || other.Attributes.Name == marker {
		t.Errorf("new version = %+v, %v; want a new copy under another marker", other, err)
	}

	// Within one tenant Qlik copies the app itself.
	homeSpace := newSpace(t, src, "Work", qlik.SpaceTypeShared)
	local, err := src.CopyAppOnce(ctx, qlik.AppCopyRequest{Source: src, SourceAppID: tplID, Name: "Local", Description: "d", SpaceID: homeSpace.ID})
	if err != nil || local.Attributes.Name != qlik.AppCopyMarker(home, tplID, "", home, homeSpace.ID, "Local") || local.Attributes.Description != "d" {
		t.Errorf("local copy = %+v, %v", local, err)
	}
	if n := sim.AuditCount("POST", "/api/v1/apps/{appId}/copy", home); n != 1 {
		t.Errorf("%d copy requests on the home tenant, want 1", n)
	}

	// A target space that does not exist fails before anything is exported.
	exports := sim.AuditCount("POST", "/api/v1/apps/{appId}/export", home)
	missing := req
	missing.SpaceID = "0123456789abcdef01234567"
	if _, err := dst.CopyAppOnce(ctx, missing); !errors.Is(err, qlik.ErrNoTargetSpace) || !qlik.IsNotFound(err) {
		t.Errorf("missing space = %v, want ErrNoTargetSpace", err)
	}
	if n := sim.AuditCount("POST", "/api/v1/apps/{appId}/export", home); n != exports {
		t.Errorf("a copy into a missing space exported %d times", n-exports)
	}
}
