package e2btest

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// sandboxSpec is what a new sandbox is made of (create or fork).
type sandboxSpec struct {
	templateID, alias string
	metadata, envVars map[string]string
	autoPause, secure bool
	timeout           int    // seconds
	from              string // host folder whose files it starts with ("" = none)
}

// startSandbox makes and registers a running sandbox, or says why not
// (status and message of E2B's error answer).
func (f *Fake) startSandbox(spec sandboxSpec) (*fsb, int, string) {
	f.mu.Lock()
	f.sweepLocked()
	if f.maxRunning > 0 {
		running := 0
		for _, sb := range f.sandboxes {
			if sb.state == stateRunning {
				running++
			}
		}
		if running >= f.maxRunning {
			f.mu.Unlock()
			return nil, http.StatusTooManyRequests, fmt.Sprintf("you have reached the maximum number of concurrent E2B sandboxes (%d). If you need more, please contact us at 'https://e2b.dev/docs/getting-help'", f.maxRunning)
		}
	}
	f.seq++
	seq := f.seq
	f.mu.Unlock()
	sb := &fsb{
		id:         randomID("i", 20),
		templateID: spec.templateID,
		alias:      spec.alias,
		metadata:   cloneMap(spec.metadata),
		envVars:    cloneMap(spec.envVars),
		state:      stateRunning,
		autoPause:  spec.autoPause,
		secure:     spec.secure,
		seq:        seq,
		cpus:       f.cpus,
		memMB:      f.memMB,
		procs:      map[uint32]*fproc{},
		contexts:   map[string]*pyctx{},
		defaults:   map[string]string{},
	}
	if sb.secure {
		sb.token = randomID("tok_", 32)
	}
	sb.root = filepath.Join(f.baseDir, sb.id)
	if spec.from != "" {
		if err := copyTree(spec.from, sb.root); err != nil {
			return nil, http.StatusInternalServerError, err.Error()
		}
	}
	if err := os.MkdirAll(sb.home(), 0o755); err != nil {
		return nil, http.StatusInternalServerError, err.Error()
	}
	f.mu.Lock()
	now := f.clock.Now()
	sb.startedAt, sb.runSince = now, now
	sb.endAt = now.Add(time.Duration(spec.timeout) * time.Second)
	f.sandboxes[sb.id] = sb
	f.mu.Unlock()
	return sb, 0, ""
}
