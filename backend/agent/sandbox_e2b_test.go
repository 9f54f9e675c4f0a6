package agent

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
	"tessera/backend/sandbox"
	"tessera/backend/store"
)

// E2BSandbox against the faithful fake E2B (real envd protocol, processes
// on this machine): a command's output and exit code, a background
// process killed with its children.
func TestE2BSandboxAgainstFakeE2B(t *testing.T) {
	ctx := context.Background()
	fake := e2btest.New(t)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, _ := st.CreateProject(ctx, store.NewProject{Name: "p"})
	m := sandbox.NewManager(sandbox.Config{Client: sandbox.LazyClient(func(context.Context) (e2b.Config, error) { return fake.Config("k"), nil }),
		Store: st, ManualTick: true})
	defer m.Close()
	sb := &E2BSandbox{Sandboxes: m}

	var out strings.Builder
	code, err := sb.Exec(ctx, p.ID, Exec{Line: "echo hello; echo oops >&2; exit 3", OnOutput: func(stream string, b []byte) { out.WriteString(stream + ":" + string(b)) }})
	if err != nil || code != 3 || !strings.Contains(out.String(), "stdout:hello") || !strings.Contains(out.String(), "stderr:oops") {
		t.Fatalf("exec: %d %v %q", code, err, out.String())
	}

	m2 := marker()
	pid, err := sb.Background(ctx, p.ID, Exec{Line: "sleep " + m2 + " & sleep " + m2 + "; wait"})
	if err != nil || pid == 0 {
		t.Fatalf("background: %d %v", pid, err)
	}
	count := func() int {
		var ps strings.Builder
		_, _ = sb.Exec(ctx, p.ID, Exec{Line: "ps -eo args=", OnOutput: func(_ string, b []byte) { ps.Write(b) }})
		return strings.Count(ps.String(), "sleep "+m2+"\n")
	}
	for i := 0; count() != 2; i++ { // both sleeps started (the state, not a clock)
		if i > 40 {
			t.Fatalf("the background command did not start its two sleeps")
		}
	}
	if err := sb.Kill(ctx, p.ID, pid); err != nil {
		t.Fatal(err)
	}
	defer func() {
		// The sandbox expires under the agent: the next command runs in
		// a fresh one, rebuilt from the project's files.
		h, _ := m.Ensure(ctx, p.ID, "")
		fake.Expire(h.SandboxID)
		code, err := sb.Exec(ctx, p.ID, Exec{Line: "exit 7"})
		if err != nil || code != 7 {
			t.Fatalf("after expiry: %d %v", code, err)
		}
		if h2, _ := m.Ensure(ctx, p.ID, ""); h2.SandboxID == h.SandboxID {
			t.Fatal("still the expired sandbox")
		}
	}()
	for i := 0; count() > 0; i++ { // the kill takes effect at once; reaping may lag
		if i > 40 {
			t.Fatalf("sleep %s still running after Kill", m2)
		}
	}
}

func marker() string { return strconv.Itoa(100000 + rand.IntN(800000)) }
