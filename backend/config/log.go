package config

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
)

// RotatingFile is an io.Writer over a log file that keeps at most MaxBytes in
// the current file and one previous file (".1"). It is safe for concurrent use.
type RotatingFile struct {
	mu       sync.Mutex
	path     string
	maxBytes int64
	f        *os.File
	size     int64
}

// DefaultLogMaxBytes caps the log at 5 MB (plus one rotated file).
const DefaultLogMaxBytes = 5 << 20

// OpenLog opens (or creates, 0600) the log file with a size cap.
func OpenLog(path string, maxBytes int64) (*RotatingFile, error) {
	r := &RotatingFile{path: path, maxBytes: maxBytes}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *RotatingFile) open() error {
	f, err := os.OpenFile(r.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, fileMode)
	if err != nil {
		return fmt.Errorf("open log %s: %w", r.path, err)
	}
	if err := f.Chmod(fileMode); err != nil {
		f.Close()
		return fmt.Errorf("chmod log: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("stat log: %w", err)
	}
	r.f, r.size = f, st.Size()
	return nil
}

// Write implements io.Writer, rotating before a write would pass the cap.
func (r *RotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return 0, os.ErrClosed
	}
	if r.size+int64(len(p)) > r.maxBytes && r.size > 0 {
		r.f.Close()
		if err := os.Rename(r.path, r.path+".1"); err != nil && !os.IsNotExist(err) {
			return 0, fmt.Errorf("rotate log: %w", err)
		}
		if err := r.open(); err != nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

// Close closes the file.
func (r *RotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

// NewLogger returns a JSON slog logger writing to w (and stderr when
// alsoStderr). Secrets never reach it: nothing in Tessera logs a key, and
// the redacting handler below drops any attribute whose name suggests one.
func NewLogger(w io.Writer, alsoStderr bool, level slog.Level) *slog.Logger {
	if alsoStderr {
		w = io.MultiWriter(w, os.Stderr)
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if isSecretKey(a.Key) {
				return slog.String(a.Key, "[redacted]")
			}
			return a
		},
	}))
}

func isSecretKey(k string) bool {
	switch k {
	case "key", "apiKey", "api_key", "secret", "token", "password", "authorization", "accessToken":
		return true
	}
	return false
}
