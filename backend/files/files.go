// Package files holds the one File type every layer that moves a project's
// files shares: the fragment that names them, the chat that saves and runs
// them, the store's local copy, the sandbox manager and the E2B client that
// writes them. It imports nothing, so the lowest of those layers (e2b,
// store) can use it; each keeps its old name as an alias (fragment.File,
// chat.File, store.File, sandbox.SandboxFile, e2b.File).
package files

// File is one file: its path (relative to the project root, or absolute
// inside a sandbox, as the holder says) and its content. The json names
// are the fragment's (what the model writes) and the page's.
type File struct {
	Path    string `json:"path"`
	Content string `json:"content"`
}
