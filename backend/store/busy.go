package store

import (
	"errors"
	"strings"
)

// SQLite's primary result codes that say "not now" rather than "never".
const (
	sqliteBusy       = 5
	sqliteLocked     = 6
	sqliteConstraint = 19
)

func sqliteCode(err error) int {
	var se interface{ Code() int }
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// IsBusy reports whether err is SQLite saying another connection holds the
// database (SQLITE_BUSY or SQLITE_LOCKED, any extended code): the same
// write can succeed a moment later.
func IsBusy(err error) bool {
	if err == nil {
		return false
	}
	switch sqliteCode(err) {
	case sqliteBusy, sqliteLocked:
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// IsConstraint reports whether err is a constraint SQLite refused (a row
// of a project deleted meanwhile): repeating the write cannot help.
func IsConstraint(err error) bool {
	return err != nil && (sqliteCode(err) == sqliteConstraint || strings.Contains(err.Error(), "constraint failed"))
}
