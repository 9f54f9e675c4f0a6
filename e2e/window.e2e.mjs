// Issue 9: a page in the preview cannot drive Tessera — proven in the REAL
// app window (production build, WebKitGTK, under Xvfb), not only in the test
// browser. Set-up goes through the dev build and Chromium (as the other
// tests do); then the production binary opens the same data, the person
// types a prompt into its window, the fake LLM answers with a fragment whose
// page tries every route (attack-page.mjs) and reports to a loopback
// collector. The database, the keychain, the settings and the window must
// be unchanged, nothing opened, and the app still running.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { root, artifacts, startApp, stopProcess, browser, closeBrowser, openPage, assert, startFakeE2B, startFakeLLM,
  appEnv, configure, createProject, freePort, waitFor } from './lib.mjs';
import { attackPage } from './attack-page.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');
const prodBin = path.join(root, 'build/bin/tessera');

// startCollector records every request the attack page (or anything it
// triggered: a popup, a top navigation, a redirected key) makes.
async function startCollector() {
  const hits = [];
  const reports = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => { body += c; });
    req.on('end', () => {
      hits.push({ method: req.method, url: req.url, auth: req.headers.authorization ? 'present' : '' });
      if (req.url === '/report') { try { reports.push(JSON.parse(body)); } catch { reports.push({ unreadable: body }); } }
      res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  });
  const port = await freePort();
  await new Promise(r => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, hits, reports, close: () => new Promise(r => server.close(r)) };
}

// snapshot reads what an attack would change: projects, settings, the
// keychain's entries (hashed: test keys, but still never printed).
function snapshot(home) {
  const py = `
import sqlite3, json, sys
db = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)
print(json.dumps({
  'projects': db.execute('select id, name from projects order by id').fetchall(),
  'settings': db.execute('select key, value from settings where key = \"preferences\"').fetchall(),
}))`;
  const db = JSON.parse(execFileSync('python3', ['-c', py, path.join(home, 'tessera.db')], { encoding: 'utf8' }));
  let keys = '';
  try {
    keys = execFileSync('secret-tool', ['search', '--all', '--unlock', 'service', 'tessera'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) { keys = String(e.stdout || ''); }
  const lines = keys.split('\n').filter(l => /^(secret|attribute\.username) = /.test(l)).sort();
  return { ...db, keys: lines.map(l => l.replace(/^secret = (.*)$/, (_, v) => `secret#${v.length}:${hash(v)}`)) };
}
const hash = s => { let h = 0; for (const c of s) h = (h * 31 + c.codePointAt(0)) | 0; return h; };

const x = (...args) => execFileSync('xdotool', args, { encoding: 'utf8' }).trim();
const windowId = () => { try { return x('search', '--onlyvisible', '--name', '^Tessera$').split('\n')[0]; } catch { return ''; } };

export const tests = {
  async 'real window: a page in the preview cannot drive Tessera'() {
    assert(fs.existsSync(prodBin), `${prodBin} is missing: run the production build first (wails build)`);
    assert(process.env.DISPLAY, 'needs an X display (scripts/e2e.sh runs under Xvfb)');
    const home = path.join(work, 'sec-home');
    const e2b = await startFakeE2B('sec', work);
    const collector = await startCollector();
    const llmPort = await freePort();
    const shims = path.join(work, 'sec-bin');
    const opened = path.join(work, 'sec-opened.txt');
    fs.mkdirSync(shims, { recursive: true });
    for (const b of ['xdg-open', 'x-www-browser', 'www-browser', 'sensible-browser']) {
      fs.writeFileSync(path.join(shims, b), `#!/bin/sh\necho "$0 $*" >> '${opened}'\n`, { mode: 0o755 });
    }
    let dev, ctx, prod, llm;
    try {
      // 1. Set-up through the dev build: keys, the fake LLM, two projects.
      dev = await startApp({ home, env: appEnv(e2b), name: 'sec-dev' });
      ctx = await browser();
      const page = await openPage(ctx, dev.url);
      await configure(page, `http://127.0.0.1:${llmPort}/v1`);
      await createProject(page, 'Victim');
      await createProject(page, 'Work');
      const projects = await page.evaluate(() => window.go.api.ProjectService.List());
      const victim = projects.find(p => p.name === 'Victim');
      assert(victim, `projects: ${JSON.stringify(projects)}`);
      await closeBrowser(ctx); ctx = null;
      await stopProcess(dev.proc); dev = null;

      llm = await startFakeLLM('sec', work, [{
        commentary: 'A page.', template: 'nextjs-developer', title: 'Friendly page', description: 'page',
        additional_dependencies: [], has_additional_dependencies: false, install_dependencies_command: '',
        port: 3000, file_path: 'public/index.html',
        code: attackPage({ collector: collector.url, victimId: victim.id, appOrigins: ['wails://wails', 'http://wails.localhost'] }),
      }], { port: llmPort, pace: '1ms', chunk: 64 });
      const before = snapshot(home);

      // 2. The production app, in its real window. WebKit reaches the
      // sandbox hosts through the fake E2B acting as an HTTP proxy (as DNS
      // would send them to E2B); loopback goes direct.
      const log = fs.openSync(path.join(artifacts, 'sec-prod.log'), 'a');
      prod = spawn(prodBin, [], {
        cwd: root, stdio: ['ignore', log, log],
        env: { ...process.env, ...appEnv(e2b), TESSERA_HOME: home, TESSERA_LOG_STDERR: '1',
          PATH: `${shims}:${process.env.PATH}`, http_proxy: `http://${e2b.addr}`, no_proxy: '127.0.0.1,localhost' },
      });
      prod.on('exit', c => { prod.exited = true; prod.code = c; });
      await waitFor(() => windowId() !== '', 'the Tessera window', 30000);
      const win = windowId();
      const geometry = x('getwindowgeometry', win);
      // The composer has the focus once the current project is open.
      await new Promise(r => setTimeout(r, 3000));
      x('windowfocus', '--sync', win);
      x('type', '--delay', '15', 'Build me a friendly page');
      x('key', 'Return');
      await waitFor(() => collector.reports.length > 0, 'the report of the page in the preview', 90000).catch(e => {
        try { execFileSync('import', ['-window', 'root', path.join(artifacts, 'window-security-failed.png')]); } catch { /* no screen */ }
        throw e;
      });
      // Give anything the page set off (quit, navigation, browser) time to land.
      await waitFor(() => collector.hits.some(h => h.url === '/done'), 'the page to finish', 20000).catch(() => {});
      await new Promise(r => setTimeout(r, 3000));
      execFileSync('import', ['-window', 'root', path.join(artifacts, 'window-security.png')]);

      const report = collector.reports[0];
      console.log('  preview page saw:', JSON.stringify(report.routes));
      assert(/AppleWebKit/.test(report.ua) && !/Chrome/.test(report.ua), `the page ran in WebKit: ${report.ua}`);
      const r = report.routes;
      assert(r['handler in the preview'] === 'no handler', `handler in the preview: ${r['handler in the preview']}`);
      assert(r['handler in a fresh child frame'] === 'no handler', `child frame: ${r['handler in a fresh child frame']}`);
      assert(r['window.go'] === 'undefined' && r.WailsInvoke === 'undefined', `globals: ${r['window.go']} ${r.WailsInvoke}`);
      for (const k of ['parent.document', 'top.go', 'parent.WailsInvoke', 'bridge event on the app document']) {
        assert(String(r[k]).startsWith('blocked'), `${k}: ${r[k]}`);
      }
      for (const [k, v] of Object.entries(r)) {
        if (k.startsWith('framed app') || k.startsWith('handler in framed app')) assert(!/scriptable|handler present/.test(v), `${k}: ${v}`);
      }
      assert(r['window.open'] !== 'opened', `window.open: ${r['window.open']}`);

      assert(!prod.exited, `the app quit (exit ${prod.code})`);
      assert(windowId() === win, 'the window is still there');
      assert(x('getwindowname', win) === 'Tessera', `window title: ${x('getwindowname', win)}`);
      assert(x('getwindowgeometry', win) === geometry, `window geometry changed: ${x('getwindowgeometry', win)}`);
      const stray = collector.hits.filter(h => !['/report', '/done'].includes(h.url));
      assert(stray.length === 0, `requests the page should not have caused: ${JSON.stringify(stray)}`);
      assert(!fs.existsSync(opened), `a browser was opened: ${fs.existsSync(opened) && fs.readFileSync(opened, 'utf8')}`);
      const appLog = fs.readFileSync(path.join(artifacts, 'sec-prod.log'), 'utf8');
      assert(appLog.includes('frame guard in place'), 'the app logged its frame guard');

      await stopProcess(prod); prod = null;
      const after = snapshot(home);
      assert(JSON.stringify(after.projects) === JSON.stringify(before.projects), `projects changed: ${JSON.stringify(before.projects)} -> ${JSON.stringify(after.projects)}`);
      assert(JSON.stringify(after.settings) === JSON.stringify(before.settings), 'settings changed');
      assert(JSON.stringify(after.keys) === JSON.stringify(before.keys), 'the keychain changed');
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (dev) await stopProcess(dev.proc);
      if (prod) await stopProcess(prod);
      if (llm) await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
      await collector.close();
    }
  },
};
