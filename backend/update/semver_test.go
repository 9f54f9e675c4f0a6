package update

import "testing"

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"1.2.3", "1.2.3", true},
		{"v0.10.0", "0.10.0", true},
		{" v1.0.0-rc.1 ", "1.0.0-rc.1", true},
		{"1.0.0+build.7", "1.0.0", true},
		{"1.0.0-beta+exp", "1.0.0-beta", true},
		{"1.0", "", false},
		{"1.0.0.0", "", false},
		{"01.0.0", "", false},
		{"1.x.0", "", false},
		{"1.0.0-", "", false},
		{"1.0.0-a..b", "", false},
		{"nightly", "", false},
		{"", "", false},
	} {
		v, ok := ParseVersion(tc.in)
		if ok != tc.ok || (ok && v.String() != tc.want) {
			t.Errorf("ParseVersion(%q) = %v, %v; want %q, %v", tc.in, v, ok, tc.want, tc.ok)
		}
	}
}

func TestCompare(t *testing.T) {
	// semver.org §11's example order, plus the numeric-not-lexical cases.
	order := []string{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
		"1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "1.10.0", "2.0.0", "10.0.0"}
	for i := range order {
		for j := range order {
			a, _ := ParseVersion(order[i])
			b, _ := ParseVersion(order[j])
			want := cmpInt(i, j)
			if got := a.Compare(b); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
}
