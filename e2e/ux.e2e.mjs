// Issue 13, page side: a web project reopens on its preview; Restart asks
// and the preview follows the new sandbox (no stale 502 frame); a paused
// sandbox covers the preview with "Paused — Resume"; Undo asks and brings
// the files back to the version before, Redo forward again; with the chat
// cleared the Code tab still shows the kept files; Tab reaches
// the input past one fragment card.
import fs from 'node:fs';
import path from 'node:path';
import { waitFor, startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, admin, appEnv, configure, createProject, send, staticPage, webScenario } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

const html = n => `<!doctype html><html><body><h1 id="hello">Hello ${n}</h1></body></html>`;
const webFragment = n => staticPage(html(n), { commentary: `Page ${n}.`, title: `Page ${n}` });

export const tests = {
  async 'web project: reopens on Preview, Restart asks and the preview follows, Paused — Resume, Undo asks and restores the version before, Redo, Clear keeps the files'() {
    const home = path.join(work, 'ux-home');
    const s = await webScenario({ name: 'ux', work, home, fragments: [webFragment(1), webFragment(2)], project: 'Web UX',
      firstRun: async page => {
        // One "Create a project" on the first-run page.
        await page.waitForSelector(tid('welcome-panel'));
        const creates = await page.$$eval('button', bs => bs.filter(b => b.textContent.trim() === 'Create a project').length);
        assert(creates === 1, `one "Create a project" button on Welcome, got ${creates}`);
      } });
    const { e2b, page } = s;
    try {
      await send(page, 'Another page');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="fragment-card"]').length === 2, null, { timeout: 60000 });
      await page.waitForSelector(`${tid('sandbox-badge')}[data-state="running"]`, { timeout: 60000 });
      const firstSrc = await (await page.waitForSelector(tid('preview-iframe'))).getAttribute('src');

      // Reopening the project shows the preview, not the code.
      await page.reload();
      await page.waitForSelector(tid('tab-preview'), { timeout: 20000 });
      await page.waitForFunction(() => document.querySelector('[data-testid="tab-preview"]')?.getAttribute('data-state') === 'active', null, { timeout: 10000 });

      // Tab from the top reaches the chat input past one fragment card, not every card.
      await page.focus(tid('chat-undo'));
      let stops = 0;
      for (; stops < 12; stops++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'chat-input')) break;
      }
      const cardsOnTheWay = await page.evaluate(() => [...document.querySelectorAll('[data-testid="fragment-card"]')].filter(c => c.tabIndex === 0).length);
      assert(stops < 12 && cardsOnTheWay === 1, `the input is reached with one card tab stop (${stops} tabs, ${cardsOnTheWay} card stops)`);

      // Restart asks first; Cancel keeps the sandbox.
      await page.waitForSelector(`${tid('sandbox-badge')}[data-state="running"]`, { timeout: 30000 });
      await page.click(tid('sandbox-restart'));
      await page.click('text=Cancel');
      const before = (await admin(e2b, 'counts')).counts.Creates;
      await page.click(tid('sandbox-restart'));
      await page.click(tid('confirm-restart'));
      await waitFor(async () => (await admin(e2b, 'counts')).counts.Creates === before + 1, 'Restart makes a new sandbox', 60000);
      await page.waitForFunction(() => document.querySelector('[data-testid="sandbox-badge"]')?.getAttribute('data-state') === 'running' &&
        !document.querySelector('[data-testid="preview-cover"]'), null, { timeout: 60000 });
      const frameEl = await page.waitForSelector(tid('preview-iframe'));
      const src = await frameEl.getAttribute('src');
      assert(src !== firstSrc && src.startsWith('http://3000-'), `the preview follows the new sandbox: ${firstSrc} → ${src}`);
      const frame = await frameEl.contentFrame();
      await frame.waitForSelector('#hello', { timeout: 30000 });

      // Paused: the preview is covered, and Resume there brings it back.
      await page.click(tid('sandbox-pause'));
      await page.waitForSelector(`${tid('preview-cover')}[data-kind="paused"]`, { timeout: 20000 });
      const pausedSrc = await page.$eval(tid('preview-iframe'), el => el.getAttribute('src'));
      assert(pausedSrc === src, `paused, the frame stays on the current sandbox: ${pausedSrc}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-ux-paused.png') });
      await page.click(tid('preview-resume'));
      await page.waitForSelector(`${tid('sandbox-badge')}[data-state="running"]`, { timeout: 30000 });
      await page.waitForSelector(tid('preview-cover'), { state: 'detached', timeout: 10000 });

      // Undo asks; confirmed, the last exchange goes and the files are back
      // at the version before it (issue 14); Redo brings both back.
      await page.click(tid('chat-undo'));
      await page.click('text=Cancel');
      assert(await page.$$eval(tid('chat-message'), e => e.length) === 4, 'Cancel keeps the messages');
      const onDisk = () => fs.readFileSync(path.join(home, 'workspaces', 'Web UX', 'public', 'index.html'), 'utf8');
      await page.click(tid('chat-undo'));
      await page.click(tid('confirm-undo'));
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-message"]').length === 2, null, { timeout: 10000 });
      await waitFor(() => onDisk().includes('Hello 1'), 'the files of the version before the undone answer');
      await page.click(tid('chat-redo'));
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-message"]').length === 4, null, { timeout: 10000 });
      await waitFor(() => onDisk().includes('Hello 2'), 'redo brings the answer\'s files back');
      // Clear empties the chat; the Code tab still shows the kept files.
      await page.click(tid('chat-clear')); // no notice covers it (issue 29)
      await page.click(tid('confirm-clear'));
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-message"]').length === 0, null, { timeout: 10000 });
      await page.waitForSelector(tid('kept-files'), { timeout: 10000 });
      await page.click(`${tid('kept-files')} ${tid('code-file-tab')}:has-text("index.html")`);
      const kept = await page.$eval(tid('code-text'), el => el.textContent);
      assert(kept.includes('Hello 2'), `the kept files are shown after the chat is emptied: ${kept.slice(0, 80)}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-ux-kept-files.png') });
    } catch (e) {
      await page?.screenshot({ path: path.join(artifacts, 'e2e-ux-failure.png') }).catch(() => {});
      throw e;
    } finally {
      await s.stop();
    }
  },

  async 'python: after streaming a long last line the code view is not left scrolled sideways'() {
    const home = path.join(work, 'ux-py-home');
    const e2b = await startFakeE2B('ux-py', work);
    const code = ['xs = list(range(5))', 'print(sum(xs))', '# ' + 'a long comment line that runs far past the right edge. '.repeat(20)].join('\n');
    const llm = await startFakeLLM('ux-py', work, [{
      commentary: 'Sums.', template: 'code-interpreter-v1', title: 'Sum', description: 'sum',
      additional_dependencies: [], has_additional_dependencies: false, install_dependencies_command: '',
      port: null, file_path: 'script.py', code,
    }]);
    let app;
    let ctx;
    let page;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-ux-py' });
      ctx = await browser();
      page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await createProject(page, 'Sums');
      await send(page, 'Sum 0..4');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('10'), null, { timeout: 60000 });
      // The template shows by its name on the card, as in the picker.
      const card = await page.$eval('[data-testid="fragment-card-template"]', el => el.textContent);
      assert(card === 'Python data analyst', `card names the template: ${card}`);
      await page.click(tid('tab-code'));
      await page.waitForSelector('.cm-scroller');
      const left = await page.$eval('.cm-scroller', el => ({ left: el.scrollLeft, wide: el.scrollWidth > el.clientWidth }));
      assert(left.wide && left.left === 0, `the code view shows the start of the lines: ${JSON.stringify(left)}`);
    } catch (e) {
      await page?.screenshot({ path: path.join(artifacts, 'e2e-ux-py-failure.png') }).catch(() => {});
      throw e;
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
