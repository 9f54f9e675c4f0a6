package main

import (
	"testing"

	"github.com/wailsapp/wails/v2/pkg/options/linux"
)

func TestGPUPolicy(t *testing.T) {
	for _, c := range []struct {
		env  string
		want linux.WebviewGpuPolicy
	}{
		{"", linux.WebviewGpuPolicyNever},
		{"on-demand", linux.WebviewGpuPolicyOnDemand},
		{"always", linux.WebviewGpuPolicyAlways},
		{"never", linux.WebviewGpuPolicyNever},
		{"yes please", linux.WebviewGpuPolicyNever},
	} {
		if got := gpuPolicy(c.env); got != c.want {
			t.Errorf("TESSERA_GPU=%q: %v, want %v", c.env, got, c.want)
		}
	}
}
