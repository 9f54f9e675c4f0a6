// Package units states amounts of bytes in sentences exactly: a size is
// never rounded onto or across a limit it is compared with, so a file of
// 4 MB and one byte is "over the 4 MB limit", never "5 MB" (rounded up) or
// "4 MB" (rounded down, and then why refuse it?). MB means 2^20 bytes, as
// everywhere else in Tessera's sentences.
package units

import "fmt"

const (
	kb = 1 << 10
	mb = 1 << 20
	gb = 1 << 30
)

// Bytes states n: whole units when n is a whole number of them ("4 MB",
// "512 KB", "1 byte"), else one decimal rounded down ("4.3 MB"), which can
// read as the unit below but never above.
func Bytes(n int64) string {
	switch {
	case n < 0:
		return "0 bytes"
	case n == 1:
		return "1 byte"
	case n < kb:
		return fmt.Sprintf("%d bytes", n)
	}
	for _, u := range []struct {
		size int64
		name string
	}{{gb, "GB"}, {mb, "MB"}, {kb, "KB"}} {
		if n < u.size {
			continue
		}
		if n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
		tenths := n * 10 / u.size // rounded down
		return fmt.Sprintf("%d.%d %s", tenths/10, tenths%10, u.name)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Over is the phrase for n against a limit it passed: "over the 4 MB
// limit", with how far over when the amount would otherwise read as the
// limit itself ("4 MB and 1 byte").
func Over(n, limit int64) string {
	s := Bytes(n)
	if s == Bytes(limit) || shown(n) == shown(limit) {
		s = Bytes(limit) + " and " + Bytes(n-limit)
	}
	return fmt.Sprintf("%s, over the %s limit", s, Bytes(limit))
}

// shown is what Bytes rounds n to, in the unit it picks, so that Over can
// tell "4.0 MB" from "4 MB" as a person would (they read the same).
func shown(n int64) string {
	s := Bytes(n)
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '.' && s[i+1] == '0' {
			return s[:i] + s[i+2:]
		}
	}
	return s
}
