package qliksim

import (
	"slices"
	"strconv"
	"testing"
)

func TestPaginateKeyset(t *testing.T) {
	t.Parallel()
	key := func(s string) []string { return []string{s} }
	items := func(from, to int) []string {
		var out []string
		for i := from; i <= to; i++ {
			out = append(out, strconv.Itoa(100+i))
		}
		return out
	}
	all := items(0, 9) // 100..109

	p := paginate(all, key, false, "name", nil, 4)
	if !slices.Equal(p.items, items(0, 3)) || p.prev != nil || p.next == nil {
		t.Fatalf("first page %+v", p)
	}
	p = paginate(all, key, false, "name", p.next, 4)
	if !slices.Equal(p.items, items(4, 7)) || p.prev == nil || p.next == nil {
		t.Fatalf("second page %+v", p)
	}
	last := paginate(all, key, false, "name", p.next, 4)
	if !slices.Equal(last.items, items(8, 9)) || last.next != nil {
		t.Fatalf("last page %+v", last)
	}
	back := paginate(all, key, false, "name", last.prev, 4)
	if !slices.Equal(back.items, items(4, 7)) {
		t.Fatalf("prev of last %+v", back)
	}

	// The anchor item of a cursor is deleted: the next page still starts right after where it was.
	without := slices.Delete(slices.Clone(all), 7, 8) // drop 107, the last item of the second page
	p2 := paginate(without, key, false, "name", p.next, 4)
	if !slices.Equal(p2.items, items(8, 9)) {
		t.Fatalf("after deleting the anchor %+v", p2)
	}

	// Everything after the cursor is deleted: an empty page that still leads back.
	short := items(0, 5)
	empty := paginate(short, key, false, "name", p.next, 4)
	if len(empty.items) != 0 || empty.next != nil || empty.prev == nil {
		t.Fatalf("empty page %+v", empty)
	}
	back = paginate(short, key, false, "name", empty.prev, 4)
	if !slices.Equal(back.items, items(2, 5)) {
		t.Fatalf("back from empty page %+v, want 102..105", back.items)
	}
	// Everything before a prev cursor is deleted: an empty page that leads forward to the anchor.
	tail := items(4, 9)
	empty = paginate(tail, key, false, "name", &cursor{Prev: true, Sort: "name", Key: key("104")}, 4)
	if len(empty.items) != 0 || empty.prev != nil || empty.next == nil {
		t.Fatalf("empty prev page %+v", empty)
	}
	fwd := paginate(tail, key, false, "name", empty.next, 4)
	if !slices.Equal(fwd.items, items(4, 7)) {
		t.Fatalf("forward from empty prev page %+v", fwd.items)
	}

	// Descending order.
	desc := slices.Clone(all)
	slices.Reverse(desc)
	d := paginate(desc, key, true, "-name", nil, 3)
	d = paginate(desc, key, true, "-name", d.next, 3)
	if !slices.Equal(d.items, []string{"106", "105", "104"}) {
		t.Fatalf("descending second page %v", d.items)
	}
}

func TestCursorIsSigned(t *testing.T) {
	t.Parallel()
	a := &Server{cursorKey: []byte("key-a")}
	b := &Server{cursorKey: []byte("key-b")}
	c := cursor{Sort: "name", Key: []string{"x", "id"}}
	enc := a.encodeCursor(c)
	got, err := a.decodeCursor(enc)
	if err != nil || got.Sort != "name" || !slices.Equal(got.Key, c.Key) {
		t.Fatalf("round trip %+v %v", got, err)
	}
	if _, err := b.decodeCursor(enc); err == nil {
		t.Error("a cursor from another server was accepted")
	}
	for _, bad := range []string{"", "abc", "abc.def", enc + "x", "e30." + enc[len(enc)-22:]} {
		if _, err := a.decodeCursor(bad); err == nil {
			t.Errorf("cursor %q accepted", bad)
		}
	}
}
