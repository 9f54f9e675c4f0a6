package projectfiles

import (
	"strings"
	"testing"

	"tessera/backend/apperr"
)

func TestRmLineQuotesAndRefuses(t *testing.T) {
	resolve := func(p string) (string, error) {
		if strings.HasPrefix(p, "..") {
			return "", apperr.New(apperr.Invalid, "outside")
		}
		return "/home/user/" + p, nil
	}
	for _, tc := range []struct {
		paths []string
		want  string
		ok    bool
	}{
		{[]string{"a.py", "dir/b c.txt"}, `rm -f -- '/home/user/a.py' '/home/user/dir/b c.txt'`, true},
		{[]string{"it's $(x).py"}, `rm -f -- '/home/user/it'\''s $(x).py'`, true},
		{[]string{"ok", "../etc/passwd"}, "", false},
	} {
		got, err := rmLine(resolve, tc.paths)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("rmLine(%q) = %q, %v; want %q", tc.paths, got, err, tc.want)
		}
	}
}
