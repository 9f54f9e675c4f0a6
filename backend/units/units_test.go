package units

import "testing"

func TestBytes(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"}, {1, "1 byte"}, {1023, "1023 bytes"}, {1024, "1 KB"}, {1536, "1.5 KB"},
		{4 << 20, "4 MB"}, {4<<20 + 1, "4.0 MB"}, {4<<20 - 1, "3.9 MB"}, {5 << 20, "5 MB"},
		{16<<20 + 700<<10, "16.6 MB"}, {2 << 30, "2 GB"}, {-5, "0 bytes"},
	} {
		if got := Bytes(tc.n); got != tc.want {
			t.Errorf("Bytes(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestOver(t *testing.T) {
	for _, tc := range []struct {
		n, limit int64
		want     string
	}{
		{4<<20 + 1, 4 << 20, "4 MB and 1 byte, over the 4 MB limit"},
		{4<<20 + 2000, 4 << 20, "4 MB and 1.9 KB, over the 4 MB limit"},
		{5 << 20, 4 << 20, "5 MB, over the 4 MB limit"},
		{50 << 20, 4 << 20, "50 MB, over the 4 MB limit"},
		{4<<20 + 300<<10, 4 << 20, "4.2 MB, over the 4 MB limit"},
	} {
		if got := Over(tc.n, tc.limit); got != tc.want {
			t.Errorf("Over(%d, %d) = %q, want %q", tc.n, tc.limit, got, tc.want)
		}
	}
}
