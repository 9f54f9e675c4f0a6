// Issue 29, item 6: a screenshot walk of the main flows in the REAL window
// (the production build, WebKitGTK, under Xvfb), with the fake LLM and the
// fake E2B, so a person can look at every state after a change:
// build/artifacts/walk/NN-state.png and build/artifacts/walk/index.html.
//
// The keys and the fake LLM's address are set through the dev build (as
// window.e2e.mjs does); everything after that happens in the real window: a
// person's clicks and keys (xdotool), and what the window shows read from
// its accessibility tree (atspi.py, AT-SPI, as a screen reader reads it).
// Each shot is taken once the element that names its state is shown; a
// state that never appears fails the walk (with what was shown instead).
import fs from 'node:fs';
import path from 'node:path';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { root, artifacts, startApp, stopProcess, browser, closeBrowser, openPage, assert, startFakeE2B, startFakeLLM,
  appEnv, configure, freePort, waitFor, pyFragment, staticPage } from './lib.mjs';

const run = promisify(execFile);
const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');
const prodBin = path.join(root, 'build/bin/tessera');
const walkDir = path.join(artifacts, 'walk');
const atspi = path.join(root, 'e2e/atspi.py');

const x = (...args) => execFileSync('xdotool', args, { encoding: 'utf8' }).trim();
const windowId = () => { try { return x('search', '--onlyvisible', '--name', '^Tessera$').split('\n')[0]; } catch { return ''; } };

let appPid = 0; // the production app's: only its window is read

// shown waits until the window shows an element whose accessible name
// matches one of the patterns (opts.role: of that role; opts.text: an
// element's text counts too) and returns its screen box.
async function shown(what, patterns, { role, text = false, value, timeout = 30 } = {}) {
  const args = [atspi, 'find', '--pid', String(appPid), '--timeout', String(timeout), ...(role ? ['--role', role] : []), ...(text ? ['--text'] : []),
    ...(value ? ['--value', value] : []), ...patterns];
  try {
    const { stdout } = await run('/usr/bin/python3', args, { encoding: 'utf8', maxBuffer: 1 << 24 });
    return JSON.parse(stdout);
  } catch (e) {
    throw new Error(`the window never showed ${what}\n${String(e.stderr || e.message).slice(0, 6000)}`);
  }
}

// click is a person's click in the middle of an element's box.
function click(box) {
  x('mousemove', '--sync', String(Math.round(box.x + box.w / 2)), String(Math.round(box.y + box.h / 2)));
  x('click', '1');
}

export const tests = {
  async 'real window: a screenshot walk of the main flows (build/artifacts/walk)'() {
    assert(fs.existsSync(prodBin), `${prodBin} is missing: run the production build first (wails build)`);
    assert(process.env.DISPLAY, 'needs an X display (scripts/e2e.sh runs under Xvfb)');
    fs.rmSync(walkDir, { recursive: true, force: true });
    fs.mkdirSync(walkDir, { recursive: true });
    const home = path.join(work, 'walk-home');
    const e2b = await startFakeE2B('walk', work);
    const llmPort = await freePort();
    const shots = [];
    let dev, ctx, prod, llm;
    // shot saves the screen as NN-name.png once the state is shown.
    const shot = (name, title) => {
      const file = `${String(shots.length + 1).padStart(2, '0')}-${name}.png`;
      execFileSync('import', ['-window', windowId(), path.join(walkDir, file)]);
      shots.push({ file, title });
    };
    try {
      // 1. Keys and the fake LLM through the dev build; no project yet.
      dev = await startApp({ home, env: appEnv(e2b), name: 'walk-dev' });
      ctx = await browser();
      const page = await openPage(ctx, dev.url);
      await configure(page, `http://127.0.0.1:${llmPort}/v1`);
      await takesTools(page);
      await closeBrowser(ctx); ctx = null;
      await stopProcess(dev.proc); dev = null;
      llm = await startFakeLLM('walk', work, [
        pyFragment('a sum', 'print("walk total:", sum(range(10)))'),
        staticPage('<!doctype html><html><body><h1>Walk page</h1><p>Served by the sandbox.</p></body></html>', { title: 'Walk page' }),
      ], { port: llmPort, pace: '1ms', chunk: 64 });

      // 2. The production app in its real window. WebKit reaches the
      // sandbox hosts through the fake E2B acting as an HTTP proxy (as DNS
      // would send them to E2B); loopback goes direct.
      const log = fs.openSync(path.join(artifacts, 'walk-prod.log'), 'a');
      prod = spawn(prodBin, [], {
        cwd: root, stdio: ['ignore', log, log],
        env: { ...process.env, ...appEnv(e2b), TESSERA_HOME: home, TESSERA_LOG_STDERR: '1', TESSERA_UPDATE_FEED: 'off',
          http_proxy: `http://${e2b.addr}`, no_proxy: '127.0.0.1,localhost' },
      });
      prod.on('exit', c => { prod.exited = true; prod.code = c; });
      appPid = prod.pid;
      await waitFor(() => windowId() !== '', 'the Tessera window', 30000);
      x('windowfocus', '--sync', windowId());

      // Home, before the first project: its one call to action.
      const create = await shown('the home screen', ['^Create a project$'], { role: 'push button', timeout: 60 });
      shot('home', 'Home screen (no projects yet)');

      // A new project, through the New project dialog.
      click(create);
      await shown('the New project dialog', ['^New project$'], { role: 'heading' });
      x('type', '--delay', '10', 'Walk');
      await shown('the name typed', ['^Walk$'], { role: 'entry', text: true });
      shot('new-project-dialog', 'New project dialog');
      x('key', 'Return');
      // The composer is only in a project's view.
      const composer = await shown('the chat composer in the new project', ['^Message$'], { role: 'entry' });
      shot('new-project', 'A new project: empty chat');

      // Quick answers first: the model takes tools, so the chat starts in Agent.
      await chooseMode('Quick');

      // A Python answer and its result.
      click(composer);
      x('type', '--delay', '10', 'Sum the numbers below ten');
      x('key', 'Return');
      await shown('the Python result', ['walk total: 45'], { text: true, timeout: 60 });
      shot('python-result', 'A Python answer with its result');

      // A web page answer in the preview.
      click(await shown('the chat composer', ['^Message$']));
      x('type', '--delay', '10', 'A page');
      x('key', 'Return');
      await shown('the page in the preview', ['^Walk page$'], { role: 'heading', timeout: 90 });
      shot('web-preview', 'A web answer in the live preview');

      // The Files tab.
      click(await shown('the Files tab', ['^Files$'], { role: 'page tab' }));
      await shown('the project files', ['^script\\.py\\b'], { role: 'tree item' });
      await shown('the folder of the page', ['^public\\b'], { role: 'tree item' });
      shot('files', 'Files tab');

      // The Versions dialog.
      click(await shown('the Versions button', ['^Versions$'], { role: 'push button' }));
      await shown('the Versions dialog', ['^Versions$'], { role: 'heading' });
      shot('versions', 'Versions dialog');
      x('key', 'Escape');

      // Settings.
      click(await shown('the Settings button', ['^Settings$'], { role: 'push button' }));
      await shown('the Settings dialog', ['^Settings$'], { role: 'heading' });
      shot('settings', 'Settings dialog');
      x('key', 'Escape');

      // An agent turn and its step log: the fake model is now a script.
      await stopProcess(llm.proc);
      llm = await startFakeLLM('walk-agent', work, [pyFragment('unused', 'print(1)')], { port: llmPort, pace: '1ms', chunk: 64, args: ['-script', agentScript()] });
      await chooseMode('Agent');
      click(await shown('the chat composer', ['^Message$']));
      x('type', '--delay', '10', 'Make the page say hello');
      x('key', 'Return');
      await shown('the finished agent turn', ['The walk page says hello now'], { text: true, timeout: 60 });
      await shown('the step log', ['write_file.*public/hello\\.html.*Done'], { role: 'push button' });
      await shown('the step log', ['run_command.*ls public.*Done'], { role: 'push button' });
      await shown('the step log', ['finish.*Done'], { role: 'push button' });
      shot('agent-steps', "An agent turn's step log");

      // The dark theme, on the project.
      click(await shown('the theme switch', ['^Switch to dark theme$'], { role: 'push button' }));
      await shown('the dark theme', ['^Switch to light theme$'], { role: 'push button' });
      shot('dark', 'Dark theme');

      // Back home, in the dark: the project is listed.
      click(await shown('the home button', ['^All projects$']));
      await shown('the home screen with the project', ['^Projects \\(1\\)$'], { role: 'heading' });
      shot('home-dark', 'Home screen with the project (dark theme)');

      assert(!prod.exited, `the app quit (exit ${prod.code})`);
    } catch (e) {
      // What the window showed instead, beside the states that did appear.
      try { execFileSync('import', ['-window', 'root', path.join(walkDir, 'failed.png')]); shots.push({ file: 'failed.png', title: `FAILED: ${e.message.split('\n')[0]}` }); } catch { /* no screen */ }
      throw e;
    } finally {
      writeIndex(shots);
      if (ctx) await closeBrowser(ctx);
      if (dev) await stopProcess(dev.proc);
      if (prod) await stopProcess(prod);
      if (llm) await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
    console.log(`  walk: ${shots.length} shots in build/artifacts/walk (index.html)`);
  },
};

// chooseMode picks the chat's mode in the composer, as a person does.
async function chooseMode(label) {
  click(await shown('the Mode picker', ['^Mode$'], { role: 'combo box' }));
  click(await shown(`the ${label} mode in the list`, [`^${label}$`]));
  await shown(`the ${label} mode chosen`, ['^Mode$'], { role: 'combo box', value: `^${label}$` });
}

// agentScript writes the fake model's replies for one agent turn: write the
// page, run a command, look at the preview (a turn that changed files must
// check its result before it may finish), finish.
function agentScript() {
  const call = (name, args) => ({ toolCalls: [{ name, arguments: JSON.stringify(args) }], usage: { prompt_tokens: 900, completion_tokens: 60, total_tokens: 960 } });
  const file = path.join(work, 'walk-agent-script.json');
  fs.writeFileSync(file, JSON.stringify([
    call('write_file', { path: 'public/hello.html', content: '<!doctype html><html><body><h1>Hello from the agent</h1></body></html>' }),
    call('run_command', { command: 'ls public' }),
    call('view_preview', { path: '/hello.html' }),
    call('finish', { summary: 'The walk page says hello now.', checked: ['ls public lists hello.html', 'the preview shows it'] }),
  ]));
  return file;
}

// takesTools marks the fake model's provider as taking native tool calls
// (as agent.e2e.mjs does), so the chat offers Agent with real tools.
async function takesTools(page) {
  await page.evaluate(async () => {
    const s = await window.go.api.SettingsService.Get();
    const cp = typeof s.customProviders === 'string' ? JSON.parse(s.customProviders) : s.customProviders;
    cp.providers[0].supports_tools = true;
    s.customProviders = cp;
    const r = await window.go.api.SettingsService.Save(s);
    if (r.confirm) await window.go.api.SettingsService.ConfirmSave(r.confirm.token);
  });
}

// writeIndex lists the shots taken (all of them, or those before a failure).
function writeIndex(shots) {
  const esc = s => s.replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const rows = shots.map(s => `<figure><figcaption>${esc(s.file)}: ${esc(s.title)}</figcaption>` +
    `<a href="${esc(s.file)}"><img src="${esc(s.file)}" width="640" alt="${esc(s.title)}"></a></figure>`).join('\n');
  fs.writeFileSync(path.join(walkDir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>Tessera walk</title>
<style>body{font-family:sans-serif;margin:2rem}figure{margin:0 0 2rem}img{border:1px solid #ccc}</style>
<h1>Tessera: a walk through the real window</h1>
<p>${shots.length} states, ${esc(new Date().toISOString())}, production build (WebKitGTK), fake LLM and fake E2B.</p>
${rows}
`);
}
