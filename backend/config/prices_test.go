package config

import (
	"errors"
	"math"
	"testing"

	"tessera/backend/apperr"
)

func TestPricesValidate(t *testing.T) {
	for _, tc := range []struct {
		name      string
		cpu, gib  float64
		wantCPU   float64
		wantGiB   float64
		wantField string
	}{
		{"unset takes E2B's", 0, 0, DefaultVCPUPrice, DefaultGiBPrice, ""},
		{"own prices kept", 0.00002, 0.000005, 0.00002, 0.000005, ""},
		{"negative", -0.1, 0, 0, 0, "vcpuPricePerSecond"},
		{"absurd", 0, 5, 0, 0, "gibPricePerSecond"},
		{"not a number", math.NaN(), 0, 0, 0, "vcpuPricePerSecond"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := DefaultSettings()
			s.VCPUPricePerSecond, s.GiBPricePerSecond = tc.cpu, tc.gib
			err := s.Validate()
			if tc.wantField != "" {
				var ae *apperr.Error
				if !apperr.Is(err, apperr.Invalid) || !errors.As(err, &ae) || ae.Field != tc.wantField || apperr.MessageOf(err) == "" {
					t.Fatalf("err %v, want invalid %s", err, tc.wantField)
				}
				return
			}
			if err != nil || s.VCPUPricePerSecond != tc.wantCPU || s.GiBPricePerSecond != tc.wantGiB {
				t.Fatalf("%v %v %v", s.VCPUPricePerSecond, s.GiBPricePerSecond, err)
			}
		})
	}
}
