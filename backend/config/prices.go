package config

import (
	"math"

	"tessera/backend/apperr"
)

// maxPrice bounds a per-second price (a typo guard: $1 a second is far
// above any E2B plan).
const maxPrice = 1.0

// validatePrices fills unset prices with E2B's and refuses impossible ones.
func (s *Settings) validatePrices() error {
	for _, f := range []struct {
		v     *float64
		def   float64
		field string
		what  string
	}{
		{&s.VCPUPricePerSecond, DefaultVCPUPrice, "vcpuPricePerSecond", "The price per vCPU-second"},
		{&s.GiBPricePerSecond, DefaultGiBPrice, "gibPricePerSecond", "The price per GiB-second"},
	} {
		if *f.v == 0 {
			*f.v = f.def
		}
		if math.IsNaN(*f.v) || *f.v < 0 || *f.v > maxPrice {
			return apperr.Newf(apperr.Invalid, "%s must be an amount in US dollars between 0 and %g (E2B's is %g).", f.what, maxPrice, f.def).InField(f.field)
		}
	}
	return nil
}
