package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/llm"
	"tessera/backend/llm/llmtest"
	"tessera/backend/spend"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

// The harness runs the real pieces: the llm client against the scripted
// fake model (llmtest, real SSE), a real SQLite file, a real workspace
// under git, and commands in a real bash on this machine in their own
// process group (localSandbox), standing in for the sandbox's shell.

type harness struct {
	t       testing.TB
	srv     *llmtest.Server
	st      *store.Store
	ws      *workspace.Workspace
	sb      *localSandbox
	svc     *Service
	project store.Project
	rec     *recorder
	prices  Prices
	policy  Policy
	// spend, when set, records model calls and checks the model budget.
	spend *spend.Recorder
	// expectApprovals: the test answers approvals itself.
	expectApprovals bool
}

type recorder struct {
	mu     sync.Mutex
	events []Event
	hook   func(Event)
}

func (r *recorder) Emit(_ string, payload any) {
	e, ok := payload.(Event)
	if !ok {
		return
	}
	r.mu.Lock()
	r.events = append(r.events, e)
	hook := r.hook
	r.mu.Unlock()
	if hook != nil {
		hook(e)
	}
}

func (r *recorder) of(typ string) []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Event
	for _, e := range r.events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func newHarness(t testing.TB, opts ...func(*harness)) *harness {
	t.Helper()
	ctx := context.Background()
	h := &harness{t: t, srv: llmtest.New(t), rec: &recorder{}}
	var err error
	h.st, err = store.Open(ctx, filepath.Join(t.TempDir(), "tessera.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.st.Close() })
	h.project, err = h.st.CreateProject(ctx, store.NewProject{Name: "p", Template: "nextjs-developer"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if h.ws, err = workspace.Open(dir); err != nil {
		t.Fatal(err)
	}
	h.sb = &localSandbox{root: dir}
	// An approval no test waits for would block the turn forever: fail
	// and decline it instead.
	h.rec.hook = func(e Event) {
		if e.Type == EventApproval && !h.expectApprovals {
			t.Errorf("unexpected approval for %q (%v)", e.Approval.Command, e.Approval.Reasons)
			_ = h.svc.Answer(e.Approval.ID, Decline)
		}
	}
	for _, o := range opts {
		o(h)
	}
	open := func(context.Context, string) (*workspace.Workspace, error) { return h.ws, nil }
	ext := `{"providers":[
		{"id":"fake","name":"Fake","base_url":"` + h.srv.URL() + `","supports_tools":true,"stream_usage":true,"models":[{"id":"m"}]},
		{"id":"faketext","name":"Fake text","base_url":"` + h.srv.URL() + `","supports_tools":false,"models":[{"id":"m"}]}]}`
	cat, err := llm.NewCatalog([]byte(ext))
	if err != nil {
		t.Fatal(err)
	}
	client := llm.NewClient(cat, nil, h.srv.Client())
	prices := h.prices
	if prices == nil {
		prices = Prices{}
	}
	cfg := Config{Model: LLM{Client: client}, Files: &WorkspaceFiles{Open: open}, Sandbox: h.sb, Store: h.st,
		Versions: WorkspaceVersions{Open: open}, Emitter: h.rec, Prices: prices,
		Policy: func(context.Context) Policy { return h.policy }}
	if h.spend != nil {
		h.spend.Store, h.spend.Prices = h.st, prices
		cfg.Spend = h.spend
	}
	h.svc = New(cfg)
	return h
}

// seed commits files as the project's current version.
func (h *harness) seed(files map[string]string) {
	h.t.Helper()
	var fs []workspace.File
	for p, c := range files {
		fs = append(fs, workspace.File{Path: p, Content: []byte(c)})
	}
	if _, _, err := h.ws.RecordEdit(context.Background(), fs, "seed"); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) run(req TurnRequest) TurnResult {
	h.t.Helper()
	if req.RequestID == "" {
		req.RequestID = "r1"
	}
	if req.ProjectID == "" {
		req.ProjectID = h.project.ID
	}
	if req.ProviderID == "" {
		req.ProviderID, req.ModelID = "fake", "m"
	}
	if req.Text == "" {
		req.Text = "make the app work"
	}
	res, err := h.svc.Run(context.Background(), req)
	if err != nil {
		h.t.Fatalf("Run: %v", err)
	}
	return res
}

func (h *harness) steps(turnID string) []Step {
	h.t.Helper()
	s, err := h.svc.Steps(context.Background(), turnID)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

// toolResults are the tool results request i (0-based) carried.
func (h *harness) toolResults(i int) []string {
	reqs := h.srv.Requests()
	var chats []llmtest.Recorded
	for _, r := range reqs {
		if strings.HasSuffix(r.Path, "/chat/completions") {
			chats = append(chats, r)
		}
	}
	if i >= len(chats) {
		h.t.Fatalf("only %d requests", len(chats))
	}
	var out []string
	for _, m := range chats[i].Chat().Messages {
		if m.Role == "tool" || (m.Role == "user" && strings.HasPrefix(m.Content, "<tool_result")) {
			out = append(out, m.Content)
		}
	}
	return out
}

func (h *harness) file(p string) (string, bool) {
	b, err := h.ws.ReadFile(context.Background(), p)
	if err != nil {
		return "", false
	}
	return string(b), true
}

func args(v map[string]any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// localSandbox runs commands in bash on this machine, in the project
// folder, each in its own process group that a cancel kills whole.
type localSandbox struct {
	root string
	mu   sync.Mutex
	ran  []string
	bg   map[uint32]*exec.Cmd
}

func (l *localSandbox) Root() string { return l.root }

func (l *localSandbox) commands() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.ran...)
}

func (l *localSandbox) Exec(ctx context.Context, _ string, c Exec) (int, error) {
	l.mu.Lock()
	l.ran = append(l.ran, c.Line)
	l.mu.Unlock()
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	cmd := exec.Command("/bin/bash", "-c", c.Line)
	cmd.Dir = l.root
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		return -1, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if c.OnOutput != nil {
			c.OnOutput("stdout", stdout.Bytes())
			c.OnOutput("stderr", stderr.Bytes())
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), nil
		}
		return 0, err
	case <-ctx.Done():
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return -1, apperr.Wrap(ctx.Err(), apperr.Canceled, "The command was stopped.")
	}
}

func (l *localSandbox) Background(_ context.Context, _ string, c Exec) (uint32, error) {
	cmd := exec.Command("/bin/bash", "-c", c.Line)
	cmd.Dir = l.root
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	go func() { _ = cmd.Wait() }()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.bg == nil {
		l.bg = map[uint32]*exec.Cmd{}
	}
	l.ran = append(l.ran, c.Line)
	l.bg[uint32(cmd.Process.Pid)] = cmd
	return uint32(cmd.Process.Pid), nil
}

func (l *localSandbox) Kill(_ context.Context, _ string, pid uint32) error {
	return syscall.Kill(-int(pid), syscall.SIGKILL)
}

func (l *localSandbox) Install(ctx context.Context, p, command string, out func(string, []byte)) error {
	code, err := l.Exec(ctx, p, Exec{Line: command, OnOutput: out})
	if err == nil && code != 0 {
		err = apperr.Newf(apperr.Invalid, "exit %d", code)
	}
	return err
}

func (l *localSandbox) Console(context.Context, string) (string, error) { return "", nil }

func (l *localSandbox) Preview(context.Context, string, string) (Preview, error) {
	return Preview{}, apperr.New(apperr.Unavailable, "no preview in this test")
}

// waitFor waits for an event the app reports (never a clock).
func (h *harness) waitFor(typ string) <-chan Event {
	if typ == EventApproval {
		h.expectApprovals = true
	}
	ch := make(chan Event, 16)
	h.rec.mu.Lock()
	prev := h.rec.hook
	h.rec.hook = func(e Event) {
		if prev != nil {
			prev(e)
		}
		if e.Type == typ {
			select {
			case ch <- e:
			default:
			}
		}
	}
	h.rec.mu.Unlock()
	return ch
}

var _ = time.Second
