// Issue 25: agent mode in the real app. A scripted fake model (fakellm
// -script) drives an 8-step agent turn that writes a web page, sees its
// script fail, reads and fixes it, runs it again, looks at the preview and
// finishes — each step a card on screen, the failed one marked failed. Then
// a `git push` asks for approval and is denied (it never runs), and Stop
// ends a turn whose command is still running. The commands run for real in
// the fake E2B's sandbox folder.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, appEnv, configure, createProject, send, pyFragment, waitFor } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

const call = (name, args) => ({ toolCalls: [{ name, arguments: JSON.stringify(args) }], usage: { prompt_tokens: 1200, completion_tokens: 80, total_tokens: 1280 } });

const indexHTML = '<!doctype html><html><body><h1>Greeting</h1><p id="out">…</p><script src="app.js"></script></body></html>';
const buggy = "const msg = greet('world');\nif (typeof document !== 'undefined') document.getElementById('out').textContent = msg;\nelse console.log(msg);\n";

// One reply per model request, in order, across the three turns.
const script = [
  // Turn 1: eight steps.
  call('write_file', { path: 'public/index.html', content: indexHTML }),
  call('write_file', { path: 'public/app.js', content: buggy }),
  call('run_command', { command: 'node public/app.js' }),
  call('read_file', { path: 'public/app.js' }),
  call('edit_file', { path: 'public/app.js', edits: [{ search: "const msg = greet('world');", replace: "function greet(name) { return 'Hello, ' + name + '!'; }\nconst msg = greet('world');" }] }),
  call('run_command', { command: 'node public/app.js' }),
  call('view_preview', { path: '/' }),
  call('finish', { summary: 'The greeting page is written; greet() was missing and is defined now.', checked: ['node public/app.js prints Hello, world!', 'the preview answers'] }),
  // Turn 2: a push asks first; denied, the model gives up.
  call('run_command', { command: 'git push origin main' }),
  { text: 'I did not push: you declined it.', usage: { prompt_tokens: 900, completion_tokens: 12, total_tokens: 912 } },
  // Turn 3: a long command, stopped.
  call('run_command', { command: 'sleep 120' }),
];

const cards = (page) => page.$$eval('[data-testid="agent-turn"]:last-of-type [data-testid="agent-step"]', els => els.map(e => ({
  index: e.dataset.index, tool: e.dataset.tool, status: e.dataset.status,
  args: e.querySelector('[data-testid="agent-step-args"]')?.textContent ?? '',
})));

/** The newest agent turn's state, as the page shows it. */
const lastTurn = (page) => page.evaluate(() => {
  const all = document.querySelectorAll('[data-testid="agent-turn"]');
  const t = all[all.length - 1];
  return t ? { status: t.dataset.status, outcome: t.dataset.outcome, count: all.length, reason: t.querySelector('[data-testid="agent-stop-reason"]')?.textContent ?? '' } : null;
});

/** Marks the fake model's provider as taking native tool calls (as the catalog says of OpenAI and the others). */
async function takesTools(page) {
  await page.evaluate(async () => {
    const s = await window.go.api.SettingsService.Get();
    const cp = typeof s.customProviders === 'string' ? JSON.parse(s.customProviders) : s.customProviders;
    cp.providers[0].supports_tools = true;
    s.customProviders = cp;
    const r = await window.go.api.SettingsService.Save(s);
    if (r.confirm) await window.go.api.SettingsService.ConfirmSave(r.confirm.token);
  });
  await page.reload();
  await page.waitForFunction(() => window.go && window.go.api);
}

const sleep = ms => new Promise(r => setTimeout(r, ms));

async function kill9(app) {
  app.proc.kill('SIGKILL');
  for (let i = 0; i < 100 && !app.proc.exited; i++) await sleep(50);
  assert(app.proc.exited, 'the app did not die');
}

export const tests = {
  async 'agent: an 8-step turn writes a web page, sees it fail, fixes it and finishes; git push is denied; Stop stops'() {
    const home = path.join(work, 'agent-home');
    const e2b = await startFakeE2B('agent', work);
    const scriptFile = path.join(work, 'agent-script.json');
    fs.writeFileSync(scriptFile, JSON.stringify(script));
    const llm = await startFakeLLM('agent', work, [pyFragment('unused', 'print(1)')], { args: ['-script', scriptFile] });
    let app;
    let ctx;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-agent' });
      ctx = await browser([`--host-resolver-rules=MAP *.${e2b.domain} ${e2b.addr}`]);
      const page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await takesTools(page);
      await createProject(page, 'Greeting');
      await page.evaluate(async () => {
        const id = await window.go.api.ProjectService.Current();
        await window.go.api.ProjectService.Update({ id, template: 'nextjs-developer' });
      });

      // Agent is the chat's mode by default for a model that takes tools.
      await page.waitForFunction(() => document.querySelector('[data-testid="mode-select"]')?.textContent?.includes('Agent'), null, { timeout: 20000 });

      // Turn 1: eight cards stream in; the failed run is marked failed; the turn is Done.
      await send(page, 'Build a greeting page');
      await page.waitForSelector(tid('agent-step'), { timeout: 60000 });
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="agent-step"]').length >= 3, null, { timeout: 60000 });
      await page.waitForFunction(() => {
        const t = document.querySelectorAll('[data-testid="agent-turn"]');
        return t.length === 1 && t[0].dataset.status !== 'running';
      }, null, { timeout: 120000 });
      let turn = await lastTurn(page);
      const steps = await cards(page);
      await page.screenshot({ path: path.join(artifacts, 'e2e-agent-turn.png') });
      assert(steps.length === 8, `8 step cards: ${JSON.stringify(steps)}`);
      assert(steps.map(s => s.tool).join() === 'write_file,write_file,run_command,read_file,edit_file,run_command,view_preview,finish', `the tools in order: ${JSON.stringify(steps)}`);
      assert(steps[2].status === 'failed', `the first run of the script failed and shows so: ${JSON.stringify(steps[2])}`);
      assert(steps[5].status === 'ok', `the second run passed: ${JSON.stringify(steps[5])}`);
      assert(steps[0].args.includes('public/index.html'), `a card names its arguments: ${steps[0].args}`);
      assert(turn.status === 'done' && turn.outcome === 'done', `the turn finished: ${JSON.stringify(turn)}`);
      // The failed step's output is the error the model saw.
      await page.click('[data-testid="agent-step"][data-index="3"] button');
      await page.waitForFunction(() => /greet is not defined/.test(document.querySelector('[data-testid="agent-step"][data-index="3"] [data-testid="agent-step-output"]')?.textContent ?? ''), null, { timeout: 5000 });
      // The fixed file is in the project (the sandbox ran it).
      const files = await page.evaluate(async () => window.go.api.ChatService.Files(await window.go.api.ProjectService.Current()));
      const app1 = (files || []).find(f => f.path === 'public/app.js');
      assert(app1 && app1.content.includes('function greet'), `the fix is in the project's files: ${JSON.stringify(files?.map(f => f.path))}`);

      // Turn 2: git push asks, with the exact command; Deny, and it never runs.
      await send(page, 'Push it to GitHub');
      const card = await page.waitForSelector(`${tid('approval-card')}[data-state="pending"]`, { timeout: 60000 });
      const command = await card.$eval(tid('approval-command'), el => el.textContent);
      assert(command === 'git push origin main', `the card shows the exact command: ${command}`);
      await page.click(tid('approval-deny'));
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="agent-turn"]').length === 2 &&
        [...document.querySelectorAll('[data-testid="agent-turn"]')].pop().dataset.status === 'done', null, { timeout: 60000 });
      const denied = await cards(page);
      assert(denied.length === 1 && denied[0].status === 'denied', `the push step is denied: ${JSON.stringify(denied)}`);
      const state = await page.$eval(`[data-testid="agent-turn"]:last-of-type ${tid('approval-card')}`, el => el.dataset.state);
      assert(state === 'denied', `the card says denied: ${state}`);
      turn = await lastTurn(page);
      assert(turn.outcome === 'failed', `a turn whose last step was denied is not shown as success: ${JSON.stringify(turn)}`);

      // Turn 3: Stop while the command runs; the turn says it was stopped.
      await send(page, 'Run the long job');
      await page.waitForSelector('[data-testid="agent-step"][data-status="running"][data-tool="run_command"]', { timeout: 60000 });
      const t0 = Date.now();
      await page.click(tid('chat-stop'));
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="agent-turn"]').length === 3 &&
        [...document.querySelectorAll('[data-testid="agent-turn"]')].pop().dataset.status === 'stopped', null, { timeout: 20000 });
      const stoppedIn = Date.now() - t0;
      turn = await lastTurn(page);
      assert(/stopped/i.test(turn.reason), `the stop reason is shown: ${JSON.stringify(turn)}`);
      const last = await cards(page);
      assert(last.length === 1 && last[0].status === 'canceled', `the running step was canceled: ${JSON.stringify(last)}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-agent-stopped.png') });
      console.log(`agent e2e: stop took ${stoppedIn} ms from click to a stopped turn on screen`);

      // The mode is remembered per chat: choose Plan, reload, still Plan.
      await page.click(tid('mode-select'));
      await page.click('[role="option"]:has-text("Plan")');
      await page.waitForFunction(() => document.querySelector('[data-testid="mode-select"]')?.textContent?.includes('Plan'));
      await waitFor(async () => (await page.evaluate(async () => window.go.api.AgentService.Mode({ projectId: await window.go.api.ProjectService.Current(), providerId: 'custom', modelId: 'fake-model' }))) === 'plan', 'the mode saved', 10000);
      await page.reload();
      await page.waitForFunction(() => document.querySelector('[data-testid="mode-select"]')?.textContent?.includes('Plan'), null, { timeout: 20000 });
      // After the reload the saved turns show their logs again (from the store).
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="agent-turn"]').length === 3, null, { timeout: 20000 });
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
  async 'agent: kill -9 mid-turn keeps the finished steps; the turn shows interrupted and Continue finishes it'() {
    const home = path.join(work, 'agent-crash-home');
    const e2b = await startFakeE2B('agent-crash', work);
    const scriptFile = path.join(work, 'agent-crash-script.json');
    fs.writeFileSync(scriptFile, JSON.stringify([
      call('write_file', { path: 'notes/a.txt', content: 'one' }),
      call('write_file', { path: 'notes/b.txt', content: 'two' }),
      call('run_command', { command: 'sleep 120' }),
      // After Continue: one more note, a clean run checks the result (done means checked), then finish.
      call('write_file', { path: 'notes/c.txt', content: 'three' }),
      call('run_command', { command: 'python3 -c "print(open(\'notes/a.txt\').read() + open(\'notes/c.txt\').read())"' }),
      call('finish', { summary: 'Both notes are written.' }),
    ]));
    const llm = await startFakeLLM('agent-crash', work, [pyFragment('unused', 'print(1)')], { args: ['-script', scriptFile] });
    let app;
    let ctx;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-agent-crash' });
      ctx = await browser();
      let page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await takesTools(page);
      await createProject(page, 'Notes');
      await send(page, 'Write two notes, then wait');
      await page.waitForSelector('[data-testid="agent-step"][data-index="3"][data-status="running"]', { timeout: 60000 });
      await kill9(app);

      app = await startApp({ home, env: appEnv(e2b), name: 'app-agent-crash' });
      page = await openPage(ctx, app.url);
      await page.waitForSelector(`${tid('agent-turn')}[data-status="interrupted"]`, { timeout: 30000 });
      const steps = await cards(page);
      assert(steps.length === 3 && steps[0].status === 'ok' && steps[1].status === 'ok', `the finished steps are kept: ${JSON.stringify(steps)}`);
      assert(steps[2].status === 'canceled', `the step the crash cut is not shown as running or done: ${JSON.stringify(steps[2])}`);
      const reason = await page.textContent(tid('agent-stop-reason'));
      assert(/closed while the turn ran/.test(reason), `the stop reason says what happened: ${reason}`);
      assert(!(await page.$(tid('chat-retry'))), 'no one-shot Retry beside the agent turn: Continue is the way on');
      await page.screenshot({ path: path.join(artifacts, 'e2e-agent-interrupted.png') });

      await page.click(tid('agent-continue'));
      await page.waitForFunction(() => {
        const t = [...document.querySelectorAll('[data-testid="agent-turn"]')].pop();
        return t && t.dataset.status === 'done';
      }, null, { timeout: 60000 });
      const after = await cards(page);
      assert(after.length === 6 && after[3].status === 'ok' && after[4].status === 'ok' && after[5].tool === 'finish' && after[5].status === 'ok', `Continue goes on in the same log: ${JSON.stringify(after)}`);
      const turns = await page.$$eval(tid('agent-turn'), els => els.length);
      assert(turns === 1, `one turn, one log: ${turns}`);
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
  async 'agent: Plan reads and writes a plan; the person edits it and "Build this plan" runs an Agent turn with it'() {
    const home = path.join(work, 'agent-plan-home');
    const e2b = await startFakeE2B('agent-plan', work);
    const scriptFile = path.join(work, 'agent-plan-script.json');
    const plan = '1. Write hello.py that prints a greeting.\n2. Run it.';
    fs.writeFileSync(scriptFile, JSON.stringify([
      // Plan turn: read-only, then the plan as its text.
      call('list_files', {}),
      { text: plan, usage: { prompt_tokens: 800, completion_tokens: 30, total_tokens: 830 } },
      // The Agent turn that builds it.
      call('write_file', { path: 'hello.py', content: 'print("Hello from the plan")\n' }),
      call('run_command', { command: 'python3 hello.py' }),
      call('finish', { summary: 'hello.py is written and runs.' }),
    ]));
    const llm = await startFakeLLM('agent-plan', work, [pyFragment('unused', 'print(1)')], { args: ['-script', scriptFile] });
    let app;
    let ctx;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-agent-plan' });
      ctx = await browser();
      const page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await takesTools(page);
      await createProject(page, 'Planned');
      await page.waitForFunction(() => document.querySelector('[data-testid="mode-select"]')?.textContent?.includes('Agent'), null, { timeout: 20000 });
      await page.click(tid('mode-select'));
      await page.click('[role="option"]:has-text("Plan")');
      await page.waitForFunction(() => document.querySelector('[data-testid="mode-select"]')?.textContent?.includes('Plan'));
      await send(page, 'A greeting script');
      const editor = await page.waitForSelector(tid('agent-plan-text'), { timeout: 60000 });
      assert((await editor.inputValue()) === plan, `the plan is in its editor: ${await editor.inputValue()}`);
      const planSteps = await cards(page);
      assert(planSteps.length === 1 && planSteps[0].tool === 'list_files', `Plan only read: ${JSON.stringify(planSteps)}`);
      await editor.fill(plan + '\n3. Say what it printed.');
      await page.click(tid('agent-build-plan'));
      await page.waitForFunction(() => {
        const t = [...document.querySelectorAll('[data-testid="agent-turn"]')];
        return t.length === 2 && t[1].dataset.status === 'done' && t[1].dataset.mode === 'agent';
      }, null, { timeout: 60000 });
      const built = await cards(page);
      assert(built.map(s => `${s.tool}:${s.status}`).join() === 'write_file:ok,run_command:ok,finish:ok', `the plan was built: ${JSON.stringify(built)}`);
      // The model was given the edited plan.
      const reqs = await (await fetch(llm.debug)).json();
      const sent = JSON.stringify(reqs);
      assert(sent.includes('Say what it printed.'), 'the edited plan reached the model');

      // Undo of the agent turn (issue 25, item 7): only the files it changed go back, and it asks
      // first when the person edited one of them since; a file it never touched stays.
      const pid = await page.evaluate(() => window.go.api.ProjectService.Current());
      await page.evaluate(async (id) => {
        await window.go.api.FilesService.Save({ projectId: id, path: 'hello.py', content: 'print("Hello, edited by me")\n' });
        await window.go.api.FilesService.Create({ projectId: id, path: 'mine.txt' });
        await window.go.api.FilesService.Save({ projectId: id, path: 'mine.txt', content: 'mine\n' });
      }, pid);
      await page.click(tid('chat-undo'));
      await page.click(tid('confirm-undo'));
      await page.waitForSelector(tid('confirm-undo-anyway'), { timeout: 20000 });
      const asked = await page.evaluate(() => document.body.textContent);
      assert(/hello\.py changed after the agent's step/.test(asked), 'the dialog names the file the person edited');
      const kept = await page.evaluate(async (id) => window.go.api.ChatService.Files(id), pid);
      assert(kept.find(f => f.path === 'hello.py')?.content.includes('edited by me'), 'nothing was undone before the person chose');
      await page.click(tid('confirm-undo-anyway'));
      await waitFor(async () => !(await page.evaluate(async (id) => window.go.api.ChatService.Files(id), pid)).some(f => f.path === 'hello.py'), 'hello.py, written by the turn, is gone', 20000);
      const after = await page.evaluate(async (id) => window.go.api.ChatService.Files(id), pid);
      assert(after.find(f => f.path === 'mine.txt')?.content === 'mine\n', `a file the turn never touched stays: ${JSON.stringify(after.map(f => f.path))}`);
      await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="file-story"]')].some(e =>
        /Undid the agent's turn: Build this plan\. The files that turn changed \(hello\.py\) are back/.test(e.textContent)), null, { timeout: 20000 });
      await page.screenshot({ path: path.join(artifacts, 'e2e-agent-undo.png') });
      // Redo brings the turn back with the files as they were when Undo was pressed (the person's edit too).
      await page.click(tid('chat-redo'));
      await waitFor(async () => (await page.evaluate(async (id) => window.go.api.ChatService.Files(id), pid)).find(f => f.path === 'hello.py')?.content.includes('edited by me'), 'Redo brought hello.py back as it was', 20000);
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
