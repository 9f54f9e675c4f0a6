package chat

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"tessera/backend/apperr"
	"tessera/backend/e2b"
	"tessera/backend/e2b/e2btest"
	"tessera/backend/events"
	"tessera/backend/fragment"
	"tessera/backend/llm"
	"tessera/backend/llm/llmtest"
	"tessera/backend/projectfiles"
	"tessera/backend/sandbox"
	"tessera/backend/store"
	"tessera/backend/workspace"
)

type keys map[string]string

func (k keys) Get(_ context.Context, account string) (string, error) {
	if v, ok := k[account]; ok {
		return v, nil
	}
	return "", apperr.New(apperr.NotFound, "no key")
}

// rig is the whole loop with real parts: SQLite, the sandbox manager, the
// LLM client; fakes only for the services: an OpenAI-compatible server
// and the fake E2B (which really runs Python).
type rig struct {
	t     testing.TB
	lc    *llm.Client
	store *store.Store
	fake  *e2btest.Fake
	llm   *llmtest.Server
	rec   *events.Recorder
	mgr   *sandbox.Manager
	files *projectfiles.Owner
	chat  *Service
	proj  store.Project
	seq   int
}

func newRig(t testing.TB) *rig {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fake := e2btest.New(t)
	client, err := e2b.New(fake.Config("e2b-key"))
	if err != nil {
		t.Fatal(err)
	}
	rec := events.NewRecorder()
	mgr := sandbox.NewManager(sandbox.Config{
		Client:     func(context.Context) (sandbox.Control, error) { return sandbox.E2B{Client: client}, nil },
		Store:      st,
		Emitter:    rec,
		ManualTick: true,
	})
	t.Cleanup(mgr.Close)
	srv := llmtest.New(t)
	ext := fmt.Sprintf(`{"providers":[{"id":"custom","base_url":%q,"models":[{"id":"m1","name":"M1"},{"id":"eyes","multimodal":true}]}]}`, srv.URL())
	cat, err := llm.NewCatalog([]byte(ext))
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, store: st, fake: fake, llm: srv, rec: rec, mgr: mgr}
	r.lc = llm.NewClient(cat, keys{}, srv.Client())
	// The files owner, as the app wires it: a turn's files are a version
	// of the project's folder and reach the index (project_files) there.
	r.files = projectfiles.New(projectfiles.Config{Workspaces: workspace.NewManager(t.TempDir()), Store: st,
		Replica: projectfiles.SandboxReplica{Manager: mgr}})
	r.chat = New(Config{
		Store:       st,
		Files:       r.files,
		Generator:   LLMGenerator{Client: func() *llm.Client { return r.lc }},
		Sandboxes:   mgr,
		Emitter:     rec,
		Templates:   func(context.Context) []fragment.Template { return fragment.Templates() },
		PreviewWait: 20 * time.Second,
	})
	if r.proj, err = st.CreateProject(ctx, store.NewProject{Name: "P"}); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *rig) useBaseURL(u string) {
	cat, err := llm.NewCatalog([]byte(fmt.Sprintf(`{"providers":[{"id":"custom","base_url":%q,"models":[{"id":"m1"}]}]}`, u)))
	if err != nil {
		r.t.Fatal(err)
	}
	r.lc = llm.NewClient(cat, keys{}, nil)
}

func (r *rig) send(text string) (Result, error, string) {
	r.seq++
	id := fmt.Sprintf("req%d", r.seq)
	res, err := r.chat.Send(context.Background(), SendRequest{RequestID: id, ProjectID: r.proj.ID, Text: text, ProviderID: "custom", ModelID: "m1"})
	return res, err, id
}

func (r *rig) events(requestID string) []Event {
	var out []Event
	for _, p := range r.rec.Topic(events.ChatDelta(requestID)) {
		out = append(out, p.([]Event)...)
	}
	return out
}

func runResult(t testing.TB, m *store.Message) RunResult {
	t.Helper()
	var rr RunResult
	if m == nil || len(m.Result) == 0 {
		t.Fatalf("no result on %+v", m)
	}
	if err := json.Unmarshal(m.Result, &rr); err != nil {
		t.Fatal(err)
	}
	return rr
}

func pyFragment(code string) fragment.Fragment {
	return fragment.Fragment{Commentary: "Here is the code.", Template: fragment.CodeInterpreter, Title: "Calc",
		Description: "d", FilePath: "script.py", Code: code}
}

func TestPythonFragmentRunsAndSecondSendReusesTheSandbox(t *testing.T) {
	r := newRig(t)
	code := "x = 21\nprint('hello from the sandbox')\nx * 2"
	resp := llmtest.FragmentResponse(pyFragment(code), 7)
	resp.Pace = 5 * time.Millisecond // slow enough for several 30 ms batches
	r.llm.Push(resp)
	res, err, id := r.send("compute something")
	if err != nil {
		t.Fatal(err)
	}
	if res.User == nil || res.Assistant == nil || res.Assistant.Status != store.MessageDone {
		t.Fatalf("%+v", res)
	}
	rr := runResult(t, res.Assistant)
	if rr.Kind != "python" || rr.StepError != nil || strings.Join(rr.Stdout, "") != "hello from the sandbox\n" {
		t.Fatalf("%+v", rr)
	}
	if len(rr.Results) != 1 || rr.Results[0].Text != "42" || !rr.Results[0].IsMainResult {
		t.Fatalf("results %+v", rr.Results)
	}
	if rr.Usage == nil || rr.Usage.TotalTokens != 150 {
		t.Fatalf("usage not recorded: %+v", rr.Usage)
	}
	// The code appeared while streaming: some partial held part of it.
	var grew, sawStdout, done bool
	stages := map[string]bool{}
	for _, e := range r.events(id) {
		switch e.Type {
		case EventPartial:
			if len(e.Partial.Files) == 1 && len(e.Partial.Files[0].Content) > 0 && len(e.Partial.Files[0].Content) < len(code) {
				grew = true
			}
		case EventStdout:
			sawStdout = true
		case EventStage:
			stages[e.Stage] = true
		case EventDone:
			done = true
		}
	}
	if !grew || !sawStdout || !done || !stages[StageGenerating] || !stages[StageSandbox] || !stages[StageRunning] {
		t.Fatalf("grew=%v stdout=%v done=%v stages=%v", grew, sawStdout, done, stages)
	}
	// The local copy has the file; the model saw the project's files next time.
	files, _ := r.chat.Files(context.Background(), r.proj.ID)
	if len(files) != 1 || files[0].Path != "script.py" || files[0].Content != code {
		t.Fatalf("%+v", files)
	}
	// Second prompt: same sandbox, variables kept between cells.
	r.llm.Push(llmtest.FragmentResponse(pyFragment("print(x + 1)"), 50))
	res, err, _ = r.send("add one")
	if err != nil {
		t.Fatal(err)
	}
	rr2 := runResult(t, res.Assistant)
	if strings.Join(rr2.Stdout, "") != "22\n" || rr2.SandboxID != rr.SandboxID {
		t.Fatalf("%+v vs %s", rr2, rr.SandboxID)
	}
	if c := r.fake.Counts(); c.Creates != 1 {
		t.Fatalf("creates = %d, want 1", c.Creates)
	}
	reqs := r.llm.Requests()
	last := reqs[len(reqs)-1].Chat()
	if !strings.Contains(last.Messages[0].Content, "script.py") || len(last.Messages) != 4 {
		t.Fatalf("the prompt must carry the project's files and the history: %d messages", len(last.Messages))
	}
	msgs, _ := r.store.ListMessages(context.Background(), r.proj.ID)
	if len(msgs) != 4 {
		t.Fatalf("%d messages", len(msgs))
	}
	page, more, err := r.chat.History(context.Background(), r.proj.ID, 0, 3)
	if err != nil || !more || len(page) != 3 || page[2].ID != msgs[3].ID {
		t.Fatalf("history page: %d more=%v %v", len(page), more, err)
	}
	if _, _, err := r.chat.History(context.Background(), r.proj.ID, 0, MaxPage+1); !apperr.Is(err, apperr.Invalid) {
		t.Fatal(err)
	}
}

func TestSandboxGoneMidwayIsRebuilt(t *testing.T) {
	r := newRig(t)
	r.llm.Push(llmtest.FragmentResponse(pyFragment("print('first')"), 40))
	res, err, _ := r.send("one")
	if err != nil {
		t.Fatal(err)
	}
	first := runResult(t, res.Assistant).SandboxID
	// E2B ends the sandbox behind Tessera's back (the manager still thinks
	// it runs).
	r.fake.Expire(first)
	r.llm.Push(llmtest.FragmentResponse(pyFragment("print(open('script.py').read().strip())"), 40))
	res, err, _ = r.send("two")
	if err != nil {
		t.Fatal(err)
	}
	rr := runResult(t, res.Assistant)
	if rr.StepError != nil || rr.SandboxID == first || strings.Join(rr.Stdout, "") != "print(open('script.py').read().strip())\n" {
		t.Fatalf("%+v", rr)
	}
	if c := r.fake.Counts(); c.Creates != 2 {
		t.Fatalf("creates = %d, want 2 (the lost one and its replacement)", c.Creates)
	}
}

func TestPythonErrorKeepsTraceback(t *testing.T) {
	r := newRig(t)
	r.llm.Push(llmtest.FragmentResponse(pyFragment("def f():\n    return 1/0\nf()"), 40))
	res, err, _ := r.send("divide")
	if err != nil {
		t.Fatal(err)
	}
	rr := runResult(t, res.Assistant)
	if rr.Error == nil || rr.Error.Name != "ZeroDivisionError" || !strings.Contains(rr.Error.Traceback, "1/0") {
		t.Fatalf("%+v", rr.Error)
	}
}

func TestWebFragmentGivesPreviewURL(t *testing.T) {
	r := newRig(t)
	port := 3000
	f := fragment.Fragment{Commentary: "A page.", Template: "nextjs-developer", Title: "Page", Port: &port,
		Files: []fragment.File{{Path: "pages/index.tsx", Content: "export default function P(){return <h1>Hi</h1>}"}}}
	r.llm.Push(llmtest.FragmentResponse(f, 30))
	res, err, _ := r.send("a page")
	if err != nil {
		t.Fatal(err)
	}
	rr := runResult(t, res.Assistant)
	if rr.Kind != "web" || rr.StepError != nil || !strings.HasPrefix(rr.URL, "http://3000-") || !strings.HasSuffix(rr.URL, "."+r.fake.Domain()) {
		t.Fatalf("%+v", rr)
	}
}

func TestFailuresBecomeSentencesAndKeepWhatWasSaved(t *testing.T) {
	cases := []struct {
		name   string
		resp   llmtest.Response
		step   string
		code   string
		phrase string
	}{
		{"invalid key", llmtest.ErrorResponse(401, "bad key"), "generate", "unauthorized", "key"},
		{"rate limited", llmtest.Response{Status: 429, ErrorMessage: "slow down", Header: map[string]string{"Retry-After": "20"}}, "generate", "rate_limited", ""},
		{"provider down", llmtest.ErrorResponse(503, "overloaded"), "generate", "unavailable", ""},
		{"not a fragment", llmtest.Response{Text: "I cannot help with that."}, "generate", "", ""},
		{"path traversal", llmtest.FragmentResponse(fragment.Fragment{Commentary: "x", Template: fragment.CodeInterpreter,
			Title: "t", FilePath: "../../etc/passwd", Code: "print(1)"}, 20), "generate", "invalid", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t)
			r.llm.Push(c.resp)
			res, err, id := r.send("hello")
			if err != nil {
				t.Fatalf("a failed step is kept in the chat, not returned: %v", err)
			}
			if res.Assistant == nil || res.Assistant.Status != store.MessageError {
				t.Fatalf("%+v", res.Assistant)
			}
			rr := runResult(t, res.Assistant)
			if rr.StepError == nil || rr.StepError.Step != c.step || rr.StepError.Message == "" {
				t.Fatalf("%+v", rr.StepError)
			}
			if c.code != "" && rr.StepError.Code != c.code {
				t.Fatalf("code %s, want %s (%s)", rr.StepError.Code, c.code, rr.StepError.Message)
			}
			if c.phrase != "" && !strings.Contains(strings.ToLower(rr.StepError.Message), c.phrase) {
				t.Fatalf("%q", rr.StepError.Message)
			}
			var sawErr bool
			for _, e := range r.events(id) {
				sawErr = sawErr || e.Type == EventError
			}
			if !sawErr {
				t.Fatal("no error event")
			}
			// The sandbox may have been started while the answer streamed
			// (warmup); nothing was written to it or run in it.
			if n := r.fake.Calls(e2btest.EndpointFiles) + r.fake.Calls(e2btest.EndpointExecute); n != 0 {
				t.Fatalf("nothing to run, yet %d writes or runs reached the sandbox", n)
			}
			// Retry answers again from the same user message.
			r.llm.Push(llmtest.FragmentResponse(pyFragment("print('ok')"), 30))
			rres, err := r.chat.Retry(context.Background(), RetryRequest{RequestID: "retry1", ProjectID: r.proj.ID, ProviderID: "custom", ModelID: "m1"})
			if err != nil || rres.Assistant.Status != store.MessageDone {
				t.Fatal(err, rres.Assistant)
			}
			msgs, _ := r.store.ListMessages(context.Background(), r.proj.ID)
			if len(msgs) != 2 || msgs[0].ID != res.User.ID {
				t.Fatalf("retry must replace the answer: %d messages", len(msgs))
			}
		})
	}
}

func TestUnreachableModelKeepsNothing(t *testing.T) {
	r := newRig(t)
	r.useBaseURL("http://127.0.0.1:1/v1") // nothing listens there
	res, err, _ := r.send("hello")
	if !apperr.Is(err, apperr.Unavailable) || res.UserSaved || res.User != nil {
		t.Fatalf("want unavailable and nothing saved, got %+v %v", res, err)
	}
	if msgs, _ := r.store.ListMessages(context.Background(), r.proj.ID); len(msgs) != 0 {
		t.Fatalf("the draft stays on the page; nothing is saved: %d", len(msgs))
	}
}

func TestStopKeepsThePartialAnswer(t *testing.T) {
	r := newRig(t)
	code := strings.Repeat("print('line')\n", 400)
	resp := llmtest.FragmentResponse(pyFragment(code), 10)
	resp.Pace = 2 * time.Millisecond
	r.llm.Push(resp)
	var wg sync.WaitGroup
	wg.Add(1)
	var res Result
	var err error
	go func() {
		defer wg.Done()
		res, err = r.chat.Send(context.Background(), SendRequest{RequestID: "stopme", ProjectID: r.proj.ID, Text: "long", ProviderID: "custom", ModelID: "m1"})
	}()
	// Stop once some code streamed.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if evs := r.events("stopme"); len(evs) > 0 {
			var some bool
			for _, e := range evs {
				some = some || (e.Type == EventPartial && len(e.Partial.Files) > 0 && len(e.Partial.Files[0].Content) > 20)
			}
			if some {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.chat.Stop("stopme")
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if res.Assistant == nil || res.Assistant.Status != store.MessageStopped || len(res.Assistant.Fragment) == 0 {
		t.Fatalf("%+v", res.Assistant)
	}
	var f fragment.Fragment
	json.Unmarshal(res.Assistant.Fragment, &f)
	if f.Code == "" || len(f.Code) >= len(code) {
		t.Fatalf("partial code length %d of %d", len(f.Code), len(code))
	}
	if n := r.fake.Calls(e2btest.EndpointFiles) + r.fake.Calls(e2btest.EndpointExecute); n != 0 {
		t.Fatalf("a stopped answer is not run, yet %d writes or runs reached the sandbox", n)
	}
}

func TestStopBeforeSendRegisters(t *testing.T) {
	r := newRig(t)
	r.llm.Push(llmtest.FragmentResponse(pyFragment("print(1)"), 10))
	r.chat.Stop("early")
	_, err := r.chat.Send(context.Background(), SendRequest{RequestID: "early", ProjectID: r.proj.ID, Text: "x", ProviderID: "custom", ModelID: "m1"})
	if !apperr.Is(err, apperr.Canceled) {
		t.Fatalf("want canceled, got %v", err)
	}
	if msgs, _ := r.store.ListMessages(context.Background(), r.proj.ID); len(msgs) != 0 || r.llm.RequestCount() != 0 {
		t.Fatal("a request stopped before it started must not run")
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	r := newRig(t)
	png := base64.StdEncoding.EncodeToString([]byte("\x89PNG"))
	cases := []SendRequest{
		{RequestID: "a", ProjectID: r.proj.ID, Text: "   ", ProviderID: "custom", ModelID: "m1"},
		{RequestID: "b", ProjectID: r.proj.ID, Text: strings.Repeat("x", MaxTextLen+1), ProviderID: "custom", ModelID: "m1"},
		{RequestID: "c", ProjectID: r.proj.ID, Text: "x", Images: []Image{{MIME: "text/html", Data: png}}, ProviderID: "custom", ModelID: "m1"},
		{RequestID: "d", ProjectID: r.proj.ID, Text: "x", Images: []Image{{MIME: "image/png", Data: "!!"}}, ProviderID: "custom", ModelID: "m1"},
		{RequestID: "e", ProjectID: r.proj.ID, Text: "x"},
		{RequestID: "../f", ProjectID: r.proj.ID, Text: "x", ProviderID: "custom", ModelID: "m1"},
		{RequestID: "g", ProjectID: "missing", Text: "x", ProviderID: "custom", ModelID: "m1"},
		{RequestID: "h", ProjectID: r.proj.ID, Text: "x", Images: []Image{{MIME: "image/png", Data: png}}, ProviderID: "custom", ModelID: "m1"},
	}
	for i, c := range cases {
		if _, err := r.chat.Send(context.Background(), c); err == nil {
			t.Errorf("case %d accepted", i)
		} else if apperr.MessageOf(err) == "" {
			t.Errorf("case %d: no sentence", i)
		}
	}
	if msgs, _ := r.store.ListMessages(context.Background(), r.proj.ID); len(msgs) != 0 {
		t.Fatalf("%d messages saved", len(msgs))
	}
	if r.llm.RequestCount() != 0 {
		t.Fatal("the model was called")
	}
}

func TestImagesReachMultimodalModels(t *testing.T) {
	r := newRig(t)
	img := base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\nfake"))
	r.llm.Push(llmtest.FragmentResponse(pyFragment("print(1)"), 50))
	res, err := r.chat.Send(context.Background(), SendRequest{RequestID: "img", ProjectID: r.proj.ID, Text: "what is this?",
		Images: []Image{{MIME: "image/png", Data: img}}, ProviderID: "custom", ModelID: "eyes"})
	if err != nil || res.Assistant == nil {
		t.Fatal(err)
	}
	req := r.llm.Requests()[0].Chat()
	last := req.Messages[len(req.Messages)-1]
	if len(last.MultiContent) != 2 || last.MultiContent[1].ImageURL == nil || !strings.HasPrefix(last.MultiContent[1].ImageURL.URL, "data:image/png;base64,") {
		t.Fatalf("the image did not reach the model: %+v", last)
	}
	// The attachment is kept with the user message (its own table, not
	// the run result's column), for the page and for history.
	if len(res.User.Attachments) != 1 || res.User.Attachments[0].Data != img || len(res.User.Result) != 0 || !res.UserSaved {
		t.Fatalf("attachment not stored: %+v", res.User)
	}
	saved, err := r.store.GetMessage(context.Background(), res.User.ID)
	if err != nil || len(saved.Attachments) != 1 || saved.Attachments[0].MIME != "image/png" {
		t.Fatalf("stored %+v, %v", saved, err)
	}
}

func TestUndoAndClear(t *testing.T) {
	r := newRig(t)
	for i := 0; i < 2; i++ {
		r.llm.Push(llmtest.FragmentResponse(pyFragment(fmt.Sprintf("print(%d)", i)), 50))
		if _, err, _ := r.send("go"); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	if _, err := r.chat.Undo(ctx, r.proj.ID); err != nil {
		t.Fatal(err)
	}
	msgs, _ := r.store.ListMessages(ctx, r.proj.ID)
	if len(msgs) != 2 {
		t.Fatalf("undo left %d", len(msgs))
	}
	if err := r.chat.Clear(ctx, r.proj.ID); err != nil {
		t.Fatal(err)
	}
	msgs, _ = r.store.ListMessages(ctx, r.proj.ID)
	files, _ := r.chat.Files(ctx, r.proj.ID)
	if len(msgs) != 0 || len(files) != 1 {
		t.Fatalf("clear: %d messages, %d files", len(msgs), len(files))
	}
}

func TestBatcherCoalescesPartials(t *testing.T) {
	rec := events.NewRecorder()
	b := newBatcher(rec, "t")
	for i := 0; i < 1000; i++ {
		b.addPartial(fragment.Partial{Commentary: fmt.Sprint(i)})
	}
	b.add(Event{Type: EventStdout, Text: "x"})
	b.close()
	var n int
	var last string
	for _, p := range rec.Topic("t") {
		for _, e := range p.([]Event) {
			if e.Type == EventPartial {
				n++
				last = e.Partial.Commentary
			}
		}
	}
	if last != "999" || n > 1000 || n == 0 {
		t.Fatalf("n=%d last=%s", n, last)
	}
	if len(rec.Topic("t")) > 50 {
		t.Fatalf("%d emissions for one burst", len(rec.Topic("t")))
	}
}

// An answer cut at the output limit says so, and Retry asks for twice the
// limit; an answer that was not cut leaves the next Retry alone.
func TestRetryAfterLengthFinishRaisesTheLimit(t *testing.T) {
	r := newRig(t)
	text := llmtest.FragmentText(pyFragment("print('a long app')"))
	r.llm.Push(llmtest.Response{Text: text[:30], FinishReason: "length"})
	res, err, _ := r.send("a big app")
	if err != nil {
		t.Fatal(err)
	}
	rr := runResult(t, res.Assistant)
	if rr.StepError == nil || !strings.Contains(rr.StepError.Message, "cut off at the output limit of 8192 tokens") || !strings.Contains(rr.StepError.Message, "Retry") {
		t.Fatalf("%+v", rr.StepError)
	}
	maxSent := func() int {
		reqs := r.llm.Requests()
		return reqs[len(reqs)-1].Chat().MaxTokens
	}
	if got := maxSent(); got != 8192 {
		t.Fatalf("first answer sent max_tokens %d", got)
	}
	for i, want := range []int{16384, 8192} {
		r.llm.Push(llmtest.FragmentResponse(pyFragment("print('ok')"), 30))
		if _, err := r.chat.Retry(context.Background(), RetryRequest{RequestID: fmt.Sprint("retry", i), ProjectID: r.proj.ID, ProviderID: "custom", ModelID: "m1"}); err != nil {
			t.Fatal(err)
		}
		if got := maxSent(); got != want {
			t.Fatalf("retry %d sent max_tokens %d, want %d", i, got, want)
		}
	}
}

// A model that answers 404 is marked gone and the sentence names the
// provider's current default among what it lists.
func TestGoneModelOffersTheProvidersDefault(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	if err := r.store.SaveModelList(ctx, store.ModelList{ProviderID: "custom", FetchedAt: time.Now(), Models: []string{"m1", "qwen3-coder-30b", "llama-3"}}); err != nil {
		t.Fatal(err)
	}
	gen := LLMGenerator{Client: func() *llm.Client { return r.lc }, Models: r.store}
	r.llm.Push(llmtest.Response{Status: 404, ErrorMessage: "The model `m1` does not exist", ErrorCode: "model_not_found"})
	_, _, err := gen.Generate(ctx, GenerateRequest{ProviderID: "custom", ModelID: "m1", System: "s", Turns: []Turn{{Role: "user", Content: "hi"}}}, nil, nil)
	if apperr.CodeOf(err) != apperr.NotFound || !errors.Is(err, llm.ErrModelGone) {
		t.Fatalf("err = %v", err)
	}
	if msg := apperr.MessageOf(err); !strings.Contains(msg, "does not offer the model \"m1\"") || !strings.Contains(msg, "Tessera now offers qwen3-coder-30b") {
		t.Fatalf("%q", msg)
	}
	if g, _ := r.store.GoneModels(ctx, "custom"); !g["m1"] {
		t.Fatalf("gone = %v", g)
	}
}

// Issue 14: every turn that changed files is a version of the project's
// folder: the prompt as its message, the answer and the model as trailers;
// a turn that changed nothing adds none.
func TestTurnsThatChangeFilesAreVersions(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	wm := workspace.NewManager(t.TempDir())
	r.chat.cfg.Files = projectfiles.New(projectfiles.Config{Workspaces: wm, Store: r.store})
	for _, c := range []struct{ prompt, code string }{{"first", "print(1)"}, {"same again", "print(1)"}, {"second", "print(2)"}} {
		r.llm.Push(llmtest.FragmentResponse(pyFragment(c.code), 64))
		if res, err, _ := r.send(c.prompt); err != nil || res.Assistant.Status != store.MessageDone {
			t.Fatalf("%s: %+v %v", c.prompt, res.Assistant, err)
		}
	}
	p, err := r.store.GetProject(ctx, r.proj.ID)
	if err != nil {
		t.Fatal(err)
	}
	w, err := wm.For(ctx, r.store, p)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := w.History(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, v := range hist {
		msgs = append(msgs, v.Message)
	}
	if len(hist) != 2 || hist[0].Message != "second" || hist[1].Message != "first" {
		t.Fatalf("versions %q", msgs)
	}
	if hist[0].Trailers["Tessera-Model"] != "custom/m1" || hist[0].Trailers["Tessera-Message"] == "" {
		t.Fatalf("trailers %v", hist[0].Trailers)
	}
}
