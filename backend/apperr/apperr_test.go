package apperr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
)

func TestCodeMessageAndText(t *testing.T) {
	cause := errors.New("dial tcp: refused")
	inner := Wrap(cause, Unavailable, "E2B cannot be reached.")
	cases := []struct {
		name    string
		err     error
		code    Code
		message string
		text    string // err.Error(), for the log
	}{
		{"nil", nil, "", "", ""},
		{"new", New(Invalid, "Give a name."), Invalid, "Give a name.", "Give a name."},
		{"newf", Newf(NotFound, "%s is gone.", "a.py"), NotFound, "a.py is gone.", "a.py is gone."},
		{"wrapped cause", inner, Unavailable, "E2B cannot be reached.", "E2B cannot be reached.: dial tcp: refused"},
		// The outermost coded error speaks; fmt wrapping keeps it.
		{"outermost wins", Wrap(inner, Conflict, "Kept the old file."), Conflict, "Kept the old file.", "Kept the old file.: E2B cannot be reached.: dial tcp: refused"},
		{"through fmt", fmt.Errorf("saving: %w", inner), Unavailable, "E2B cannot be reached.", "saving: E2B cannot be reached.: dial tcp: refused"},
		{"no message, inner cause", &Error{Code: Internal, Err: io.EOF}, Internal,
			"Something went wrong inside Tessera. Try again; if it keeps happening, the log file has the details.", "EOF"},
		{"canceled", context.Canceled, Canceled, "The operation was stopped.", "context canceled"},
		{"deadline", fmt.Errorf("read: %w", context.DeadlineExceeded), Unavailable,
			"The operation took too long. Check your connection and try again.", "read: context deadline exceeded"},
		{"uncoded", io.ErrUnexpectedEOF, Internal,
			"Something went wrong inside Tessera. Try again; if it keeps happening, the log file has the details.", "unexpected EOF"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := CodeOf(c.err); got != c.code {
				t.Errorf("CodeOf = %q, want %q", got, c.code)
			}
			if got := MessageOf(c.err); got != c.message {
				t.Errorf("MessageOf = %q, want %q", got, c.message)
			}
			if c.err != nil && c.err.Error() != c.text {
				t.Errorf("Error() = %q, want %q", c.err.Error(), c.text)
			}
			if c.code != "" && !Is(c.err, c.code) {
				t.Errorf("Is(%q) = false", c.code)
			}
			if Is(c.err, "other") {
				t.Error("Is matched another code")
			}
		})
	}
}

func TestWrapNilAndUnwrap(t *testing.T) {
	if Wrap(nil, Internal, "x") != nil {
		t.Fatal("Wrap(nil) is not nil")
	}
	err := Wrap(io.EOF, Internal, "Reading failed.")
	if !errors.Is(err, io.EOF) {
		t.Fatal("the cause is not reachable with errors.Is")
	}
	if Is(nil, Internal) {
		t.Fatal("nil carries a code")
	}
}

func TestFieldOf(t *testing.T) {
	base := New(Invalid, "The domain is not valid.")
	named := base.InField("e2bDomain")
	if base.Field != "" {
		t.Fatal("InField changed the original")
	}
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"unnamed", base, ""},
		{"named", named, "e2bDomain"},
		{"inner named", Wrap(named, Invalid, "Settings not saved."), "e2bDomain"},
		{"outer named wins", Wrap(named, Invalid, "x").(*Error).InField("outer"), "outer"},
		{"through fmt", fmt.Errorf("save: %w", named), "e2bDomain"},
		{"uncoded", io.EOF, ""},
	}
	for _, c := range cases {
		if got := FieldOf(c.err); got != c.want {
			t.Errorf("%s: FieldOf = %q, want %q", c.name, got, c.want)
		}
	}
}
