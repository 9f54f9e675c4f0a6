// Issue 6: the whole loop in the real app, with a fake LLM server and the
// fake E2B on loopback: prompt → code streams into the Code tab → Python
// output and a PNG chart → a second prompt in the same sandbox → quit
// pauses the sandbox → relaunch shows history and the last preview, and the
// next send resumes the sandbox. A web project shows its preview iframe,
// and the page inside it cannot reach the app's bound methods.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, admin, appEnv, configure, createProject, send, pyFragment as py, staticPage, webScenario } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

const chart = [
  'import matplotlib.pyplot as plt',
  'xs = list(range(12))',
  'squares = [x * x for x in xs]',
  'print("sum of squares:", sum(squares))',
  'plt.plot(xs, squares, marker="o")',
  'plt.title("Squares")',
  'plt.show()',
  '# ' + 'padding so the code streams for a while. '.repeat(30),
].join('\n');


const count = (page, sel) => page.$$eval(sel, els => els.length);

export const tests = {
  async 'python: stream, run, chart, same sandbox, quit pauses, relaunch resumes'() {
    const home = path.join(work, 'chat-home');
    const e2b = await startFakeE2B('chat', work);
    const llm = await startFakeLLM('chat', work, [
      py('a chart of squares', chart),
      py('the next step', 'print("squares again:", squares[-1])'),
      py('a third step', 'print("still here:", len(xs))'),
    ]);
    let app;
    let ctx;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-chat' });
      ctx = await browser();
      let page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await createProject(page, 'Charts');

      await send(page, 'Plot the squares of 0..11');
      // The code appears in the Code tab while the answer streams.
      await page.waitForFunction(() => {
        const code = document.querySelector('[data-testid="code-view"]')?.textContent ?? '';
        const stage = document.querySelector('[data-testid="stage-indicator"]')?.getAttribute('data-stage');
        return code.includes('import matplotlib') && stage === 'generating';
      }, null, { timeout: 30000 });
      // Python output with text and a PNG chart.
      await page.waitForSelector(`${tid('preview-result')}[data-kind="png"]`, { timeout: 60000 });
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('sum of squares: 506'));
      const png = await page.$eval(`${tid('preview-result')}[data-kind="png"] img, img${tid('preview-result')}[data-kind="png"]`, el => ({ w: el.naturalWidth, src: el.src.slice(0, 22) }));
      assert(png.w > 100 && png.src.startsWith('data:image/png;base64'), `a real PNG chart: ${JSON.stringify(png)}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-chat-python.png') });

      // A second prompt edits the same sandbox (variables kept).
      await page.waitForSelector(`${tid('chat-send')}:not([disabled])`, { state: 'attached' }).catch(() => {});
      await send(page, 'Print the last square');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('squares again: 121'), null, { timeout: 60000 });
      let counts = (await admin(e2b, 'counts')).counts;
      assert(counts.Creates === 1, `one sandbox for the project, got ${counts.Creates} creates`);

      // The badge's buttons pause and resume the sandbox at E2B.
      await page.waitForSelector(`${tid('sandbox-badge')}[data-state="running"]`);
      await page.click(tid('sandbox-pause'));
      await page.waitForSelector(`${tid('sandbox-badge')}[data-state="paused"]`, { timeout: 20000 });
      let boxes = await admin(e2b, 'sandboxes');
      assert(boxes[0].State === 'paused', `paused at E2B: ${boxes[0].State}`);
      await page.click(tid('sandbox-resume'));
      await page.waitForSelector(`${tid('sandbox-badge')}[data-state="running"]`, { timeout: 20000 });
      boxes = await admin(e2b, 'sandboxes');
      assert(boxes[0].State === 'running', `running again at E2B: ${boxes[0].State}`);
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc); // quitting pauses the sandbox
    }
    const boxes = await admin(e2b, 'sandboxes');
    assert(boxes.length === 1 && boxes[0].State === 'paused', `quit pauses the sandbox: ${JSON.stringify(boxes.map(b => b.State))}`);

    let page;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-chat-2' });
      ctx = await browser();
      page = await openPage(ctx, app.url);
      // History and the last preview are there, from SQLite.
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-message"]').length === 4, null, { timeout: 20000 });
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('squares again: 121'), null, { timeout: 20000 });
      // The next send resumes the same sandbox.
      await send(page, 'One more step');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('still here: 12'), null, { timeout: 60000 });
      const { counts } = await admin(e2b, 'counts');
      assert(counts.Creates === 1 && counts.Resumes >= 1, `resumed, not recreated: ${JSON.stringify(counts)}`);
      assert((await admin(e2b, 'counts')).contractErrors === 0, 'every request matched openapi.yml');
      assert(await count(page, tid('chat-message')) === 6, 'six messages after the third exchange');

      // Offline: with the LLM and E2B unreachable, everything still opens
      // from SQLite (the chart included), and a send says so and keeps the draft.
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
      await page.reload();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-message"]').length === 6, null, { timeout: 20000 });
      const cards = await page.$$(tid('fragment-card'));
      assert(cards.length === 3, `three fragment cards, got ${cards.length}`);
      await cards[0].click(); // reopen the first fragment and its stored result
      await page.click(tid('tab-preview'));
      await page.waitForSelector(`${tid('preview-result')}[data-kind="png"]`, { timeout: 10000 });
      await send(page, 'Are you there?');
      await page.waitForFunction(() => /could not reach/i.test(document.body.innerText), null, { timeout: 20000 });
      const draft = await page.$eval(tid('chat-input'), el => el.value);
      assert(draft === 'Are you there?', `the draft is kept, got ${JSON.stringify(draft)}`);
      assert(await count(page, tid('chat-message')) === 6, 'nothing was added to the chat');
      await page.screenshot({ path: path.join(artifacts, 'e2e-chat-offline.png') });
    } catch (e) {
      await page?.screenshot({ path: path.join(artifacts, 'e2e-chat-failure.png') }).catch(() => {});
      throw e;
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },

  async 'web: preview iframe served from the sandbox, isolated from the app'() {
    const page1 = '<!doctype html><html><body><h1 id="hello">Hello from the sandbox</h1>' +
      '<script>document.title = typeof window.go; try { window.parent.go; document.body.dataset.parent = "reachable" } catch (e) { document.body.dataset.parent = "blocked" }</script></body></html>';
    const s = await webScenario({ name: 'web', work, home: path.join(work, 'web-home'), fragments: [staticPage(page1)] });
    try {
      const { page, frameEl, e2b } = s;
      const src = await frameEl.getAttribute('src');
      assert(src.startsWith(`http://3000-`) && src.includes(e2b.domain), `preview URL ${src}`);
      const frame = await frameEl.contentFrame();
      await frame.waitForSelector('#hello', { timeout: 20000 });
      const inside = await frame.evaluate(() => ({ go: typeof window.go, parent: document.body.dataset.parent, title: document.title }));
      assert(inside.go === 'undefined' && inside.title === 'undefined', `no bindings in the iframe: ${JSON.stringify(inside)}`);
      assert(inside.parent === 'blocked', `the iframe cannot reach the app window: ${JSON.stringify(inside)}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-chat-web.png') });
    } finally {
      await s.stop();
    }
  },
};
