package qlik_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/qlik-terraform/terraform-provider-qlik/internal/qlik"
)

// writeBrandFile writes a file whose first bytes are head, padded to size, and returns its path.
func writeBrandFile(t *testing.T, name string, head []byte, size int) string {
	t.Helper()
	b := make([]byte, size)
	copy(b, head)
	for i := len(head); i < size; i++ {
		b[i] = byte(i)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

var (
	pngHead = []byte("\x89PNG\r\n\x1a\n")
	icoHead = []byte{0, 0, 1, 0, 1, 0}
)

// TestSim_Brands creates a brand with a logo and a favicon, renames it, replaces and removes files, activates it and
// another brand (one active per tenant), and deletes it.
func TestSim_Brands(t *testing.T) {
	sim, c, home := startSim(t)
	ctx := t.Context()
	logo := writeBrandFile(t, "logo.png", pngHead, 4096)
	icon := writeBrandFile(t, "favicon.ico", icoHead, 1024)

	b, err := c.CreateBrand(ctx, qlik.BrandCreateRequest{Name: "Acme", Description: "Acme colours", Files: map[string]string{qlik.BrandLogo: logo, qlik.BrandFavIcon: icon}})
	if err != nil {
		t.Fatal(err)
	}
	if b.Name != "Acme" || b.File(qlik.BrandLogo) == nil || b.File(qlik.BrandFavIcon) == nil || b.Active {
		t.Fatalf("created %+v", b)
	}
	want, _ := os.ReadFile(logo)
	if got, err := sim.BrandFileContent(home, b.ID, "logo"); err != nil || string(got) != string(want) {
		t.Errorf("the stored logo differs from the file (%v)", err)
	}

	name := "Acme Corp"
	if b, err = c.UpdateBrand(ctx, b.ID, qlik.BrandUpdateRequest{Name: &name}); err != nil || b.Name != name || b.Description != "Acme colours" {
		t.Fatalf("updated %+v, %v", b, err)
	}
	etag := b.File(qlik.BrandLogo).ETag
	logo2 := writeBrandFile(t, "logo2.png", pngHead, 2048)
	f, err := c.SetBrandFile(ctx, b.ID, qlik.BrandLogo, logo2, true)
	if err != nil || f.ETag == etag {
		t.Fatalf("replaced logo %+v, %v", f, err)
	}
	if err := c.DeleteBrandFile(ctx, b.ID, qlik.BrandFavIcon); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetBrandFile(ctx, b.ID, qlik.BrandFavIcon, icon, false); err != nil {
		t.Fatal(err)
	}

	other, err := c.CreateBrand(ctx, qlik.BrandCreateRequest{Name: "Globex"})
	if err != nil {
		t.Fatal(err)
	}
	if b, err = c.SetBrandActive(ctx, b.ID, true); err != nil || !b.Active {
		t.Fatalf("activate: %+v, %v", b, err)
	}
	if _, err = c.SetBrandActive(ctx, other.ID, true); err != nil {
		t.Fatal(err)
	}
	if b, _ = c.GetBrand(ctx, b.ID); b.Active {
		t.Error("activating another brand left the first active")
	}
	deleteThenGone(t, b.ID, c.DeleteBrand, c.GetBrand)
	if _, err := c.FindBrand(ctx, "Acme Corp"); !qlik.IsNotFound(err) {
		t.Errorf("FindBrand of a deleted brand: %v, want not found", err)
	}

	// A file beyond Qlik's limits is refused before anything is sent.
	big := writeBrandFile(t, "big.png", pngHead, qlik.BrandLogoMaxBytes+1)
	sim.ResetAudit()
	if _, err := c.CreateBrand(ctx, qlik.BrandCreateRequest{Name: "Big", Files: map[string]string{qlik.BrandLogo: big}}); err == nil {
		t.Error("a logo beyond 300 KB was accepted")
	}
	if n := sim.AuditCount(http.MethodPost, "/api/v1/brands", home); n != 0 {
		t.Errorf("a refused brand made %d POSTs", n)
	}
}

// TestSim_BrandCreateFaults: a create whose answer is lost after Qlik committed it is adopted by name; one refused
// with 503 before it ran is repeated; either way the tenant holds exactly one brand.
func TestSim_BrandCreateFaults(t *testing.T) {
	for _, tc := range createFaults {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim, c, home := startSim(t)
			logo := writeBrandFile(t, "logo.png", pngHead, 2048)
			sim.FailRoute(home, http.MethodPost, "/api/v1/brands", 1, tc.fault)
			b, err := c.CreateBrand(t.Context(), qlik.BrandCreateRequest{Name: "Acme", Files: map[string]string{qlik.BrandLogo: logo}})
			if err != nil {
				t.Fatal(err)
			}
			if n := sim.AuditCount(http.MethodPost, "/api/v1/brands", home); n != tc.posts {
				t.Errorf("%d POSTs, want %d", n, tc.posts)
			}
			if all := sim.Brands(home); len(all) != 1 || all[0].ID != b.ID {
				t.Errorf("tenant holds %+v, want exactly %s", all, b.ID)
			}
		})
	}
}

// TestCheckBrandFile pins Qlik's limits as the provider checks them at plan.
func TestCheckBrandFile(t *testing.T) {
	for _, tc := range []struct {
		file string
		size int64
		head []byte
		ct   string
	}{
		{qlik.BrandLogo, 10, pngHead, "image/png"},
		{qlik.BrandLogo, 10, []byte{0xFF, 0xD8, 0xFF, 0xE0}, "image/jpeg"},
		{qlik.BrandLogo, qlik.BrandLogoMaxBytes, pngHead, "image/png"},
		{qlik.BrandLogo, qlik.BrandLogoMaxBytes + 1, pngHead, ""},
		{qlik.BrandLogo, 10, []byte("GIF89a"), ""},
		{qlik.BrandLogo, 0, nil, ""},
		{qlik.BrandFavIcon, 10, icoHead, "image/x-icon"},
		{qlik.BrandFavIcon, qlik.BrandFavIconMaxBytes + 1, icoHead, ""},
		{qlik.BrandFavIcon, 10, pngHead, ""},
	} {
		ct, err := qlik.CheckBrandFile(tc.file, tc.size, tc.head)
		if ct != tc.ct || (err == nil) != (tc.ct != "") {
			t.Errorf("CheckBrandFile(%s, %d, % x) = %q, %v; want %q", tc.file, tc.size, tc.head, ct, err, tc.ct)
		}
	}
	if _, err := qlik.CheckBrandFile("styles", 1, nil); err == nil || errors.Is(err, qlik.ErrNotFound) {
		t.Errorf("an unmanaged brand file was accepted: %v", err)
	}
}
