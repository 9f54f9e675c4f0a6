//go:build !linux

package secrets

// noDefaultKeyring: only the Secret Service can be without a keyring; the
// macOS Keychain and Windows Credential Manager always have one.
func noDefaultKeyring() bool { return false }
