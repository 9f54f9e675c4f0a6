// Issue 13, item 4: a turn survives a crash. The app is killed (SIGKILL, no
// shutdown of any kind) while the answer streams, and again while its
// fragment runs; after each restart the answer is there, marked
// interrupted, with what had arrived, and Retry works.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM,
  appEnv, configure, createProject, send, pyFragment as py, waitFor } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');


async function kill9(app) {
  app.proc.kill('SIGKILL');
  await waitFor(() => app.proc.exited, 'the app to die of SIGKILL', 30000);
}

async function history(page) {
  return page.evaluate(async () => {
    const id = await window.go.api.ProjectService.Current();
    const h = await window.go.api.ChatService.History({ projectId: id, beforeSeq: 0, limit: 50 });
    return h.messages.map(m => ({ role: m.role, status: m.status, content: m.content, code: m.fragment ? JSON.stringify(m.fragment) : '' }));
  });
}

export const tests = {
  async 'kill -9 mid-stream and mid-run: the answer is kept and marked interrupted'() {
    const home = path.join(work, 'crash-home');
    const e2b = await startFakeE2B('crash', work);
    const long = ['print("a long program")', ...Array.from({ length: 200 }, (_, i) => `x${i} = ${i} * 2  # step ${i}`)].join('\n');
    const llm = await startFakeLLM('crash', work, [
      py('a long program', long),
      py('a slow cell', 'import time\nprint("started", flush=True)\ntime.sleep(120)\nprint("finished")'),
    ], { pace: '15ms', chunk: 6 });
    let app, ctx;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-crash' });
      ctx = await browser();
      let page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await createProject(page, 'Crash');

      // 1. Killed while the answer streams.
      await send(page, 'Write a long program');
      await page.waitForFunction(() => (document.querySelector('[data-testid="code-view"]')?.textContent ?? '').length > 800, null, { timeout: 30000 });
      const onScreen = (await page.textContent(tid('code-view'))).length;
      // Until the database holds what the screen showed (the answer is
      // saved as it streams): a state the app reports, not a clock.
      await waitFor(async () => {
        const h = await history(page);
        return h.length === 2 && h[1].code.length > onScreen / 2;
      }, 'the streamed answer to be saved', 60000);
      await kill9(app);
      app = await startApp({ home, env: appEnv(e2b), name: 'app-crash' });
      page = await openPage(ctx, app.url);
      await page.waitForSelector(`${tid('chat-message')}[data-status="interrupted"]`, { timeout: 20000 });
      let h = await history(page);
      assert(h.length === 2 && h[0].role === 'user' && h[0].content === 'Write a long program', `the prompt is kept: ${JSON.stringify(h.map(m => m.role))}`);
      assert(h[1].status === 'interrupted' && h[1].code.length > onScreen / 2, `what arrived is kept: ${h[1].status}, ${h[1].code.length} chars (${onScreen} on screen)`);
      const note = await page.textContent(`${tid('chat-message')}[data-status="interrupted"]`);
      assert(note.includes('Interrupted'), `the row says what happened: ${note}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-crash-stream.png') });

      // 2. Retry, then killed while the fragment runs in the sandbox.
      await page.click(tid('chat-retry'));
      await page.waitForSelector(`${tid('stage-indicator')}[data-stage="running"]`, { timeout: 60000 });
      await page.click(tid('tab-preview'));
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('started'), null, { timeout: 30000 });
      await kill9(app);
      app = await startApp({ home, env: appEnv(e2b), name: 'app-crash' });
      page = await openPage(ctx, app.url);
      await page.waitForSelector(`${tid('chat-message')}[data-status="interrupted"]`, { timeout: 20000 });
      h = await history(page);
      assert(h.length === 2 && h[1].status === 'interrupted' && h[1].code.includes('time.sleep(120)'), `the run's answer is kept, not done: ${JSON.stringify(h.map(m => m.status))}`);
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
