//go:build !bindings

package main

// bindingsOnly is true only in the build `wails generate` runs to collect
// the bound methods; that build must not touch the person's data.
const bindingsOnly = false
