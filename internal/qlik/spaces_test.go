package qlik

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestSpaces_CRUD(t *testing.T) {
	fs := newFakeSpaces(t)
	c := fastClient(t, fs)
	ctx := t.Context()

	created, err := c.CreateSpace(ctx, SpaceCreateRequest{Name: "Sales", Type: "managed", Description: "EMEA"})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.Type != "managed" || created.Description != "EMEA" || created.TenantID != "t1" {
		t.Errorf("created = %+v", created)
	}

	got, err := c.GetSpace(ctx, created.ID)
	if err != nil || *got != *created {
		t.Errorf("GetSpace = %+v, %v", got, err)
	}

	upd, err := c.UpdateSpace(ctx, created.ID, SpaceUpdateRequest{Name: ptr("Sales EMEA")})
	if err != nil || upd.Name != "Sales EMEA" || upd.Description != "EMEA" {
		t.Errorf("UpdateSpace(name) = %+v, %v", upd, err)
	}
	upd, err = c.UpdateSpace(ctx, created.ID, SpaceUpdateRequest{Name: ptr("Sales"), Description: ptr("")})
	if err != nil || upd.Name != "Sales" || upd.Description != "" {
		t.Errorf("UpdateSpace(both) = %+v, %v", upd, err)
	}
	gets := fs.gets.Load()
	if upd, err := c.UpdateSpace(ctx, created.ID, SpaceUpdateRequest{}); err != nil || upd.Name != "Sales" || fs.gets.Load() != gets+1 {
		t.Errorf("empty update should read the space: %+v, %v", upd, err)
	}

	if err := c.DeleteSpace(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetSpace(ctx, created.ID); !IsNotFound(err) {
		t.Errorf("GetSpace after delete = %v, want not found", err)
	}
	var apiErr *APIError
	if err := c.DeleteSpace(ctx, created.ID); !errors.As(err, &apiErr) || apiErr.Code != "SpaceNotFound" {
		t.Errorf("second delete = %v", err)
	}
}

func TestSpaces_EmptyIDRejectedBeforeSending(t *testing.T) {
	var calls atomic.Int32
	c := fastClient(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) }))
	ctx := t.Context()
	checks := map[string]error{}
	_, checks["get"] = c.GetSpace(ctx, "")
	_, checks["update"] = c.UpdateSpace(ctx, " ", SpaceUpdateRequest{Name: ptr("x")})
	checks["delete"] = c.DeleteSpace(ctx, "")
	for name, err := range checks {
		if !errors.Is(err, ErrInvalidID) {
			t.Errorf("%s: err = %v, want ErrInvalidID", name, err)
		}
	}
	if _, err := c.FindSpaceByName(ctx, "", ""); err == nil {
		t.Error("FindSpaceByName with no name must fail")
	}
	if calls.Load() != 0 {
		t.Errorf("%d requests sent", calls.Load())
	}
}

func TestSpaces_ListAndFind(t *testing.T) {
	fs := newFakeSpaces(t)
	for i := range 23 {
		fs.add(fmt.Sprintf("Team %02d", i), "shared")
	}
	fs.add("Sales", "shared")
	fs.add("Sales", "data") // if names were unique per type only
	fs.add("Sales EMEA", "managed")
	fs.add("presales", "shared")
	c := fastClient(t, fs)
	ctx := t.Context()

	all, err := c.ListSpaces(ctx, ListSpacesOptions{Limit: 5})
	if err != nil || len(all) != 27 {
		t.Fatalf("ListSpaces = %d spaces, %v", len(all), err)
	}
	if fs.lists.Load() != 6 {
		t.Errorf("list requests = %d, want 6 pages of 5", fs.lists.Load())
	}
	shared, err := c.ListSpaces(ctx, ListSpacesOptions{Name: "sales", Types: []string{"shared", "managed"}})
	if err != nil || len(shared) != 3 {
		t.Errorf("filtered list = %+v, %v", shared, err)
	}

	s, err := c.FindSpaceByName(ctx, "Sales", "shared")
	if err != nil || s.Name != "Sales" || s.Type != "shared" {
		t.Errorf("FindSpaceByName(Sales, shared) = %+v, %v", s, err)
	}
	if s, err := c.FindSpaceByName(ctx, "Sales EMEA", ""); err != nil || s.Type != "managed" {
		t.Errorf("FindSpaceByName(Sales EMEA) = %+v, %v", s, err)
	}
	if _, err := c.FindSpaceByName(ctx, "Sales", ""); err == nil || !strings.Contains(err.Error(), "2 spaces") {
		t.Errorf("ambiguous name: %v", err)
	}
	_, err = c.FindSpaceByName(ctx, "sales", "shared") // exact, case-sensitive
	if !IsNotFound(err) || !errors.Is(err, ErrNotFound) {
		t.Errorf("FindSpaceByName(sales) = %v, want ErrNotFound", err)
	}
}
