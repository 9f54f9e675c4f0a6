// Issue 15, Deliver 3: a terminal into the project's sandbox in the real
// app — the Terminal tab of the preview panel runs a shell on a pty over
// envd (the fake E2B starts it on a real host pty): type `echo hi`, read
// `hi` back from xterm's buffer; the sandbox paused under it says so, and a
// key resumes it with the same shell.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM,
  appEnv, configure, createProject, send, pyFragment, admin } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

// The text of the terminal's buffer (XtermView exposes its last lines).
const bufferLines = page => page.$eval(`${tid('xterm')}[data-ready="true"]`, el => (el.dataset.text ?? '').split('\n'));

// Polls the terminal's buffer (what the page shows) until a line matches;
// the ceiling only ends a hung run, generous for a busy machine.
async function waitForLine(page, pred, what, timeout = 90000) {
  const t0 = Date.now();
  for (;;) {
    const lines = await bufferLines(page).catch(() => []);
    if (lines.some(pred)) return lines;
    if (Date.now() - t0 > timeout) throw new Error(`no ${what} in the terminal: ${JSON.stringify(lines.slice(-15))}`);
    await page.waitForTimeout(50);
  }
}

export const tests = {
  async 'the Terminal tab runs echo hi in the sandbox; a paused sandbox resumes on a key'() {
    const home = path.join(work, 'terminal-home');
    const e2b = await startFakeE2B('terminal', work);
    const llm = await startFakeLLM('terminal', work, [pyFragment('a sum', 'print(1 + 1)')]);
    let app, ctx;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-terminal' });
      ctx = await browser();
      const page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await createProject(page, 'Shell');
      await send(page, 'Add one and one');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('2'), null, { timeout: 60000 });

      await page.click(tid('tab-terminal'));
      await page.waitForSelector(`${tid('xterm')}[data-ready="true"]`, { timeout: 20000 });
      await page.waitForSelector(`${tid('terminal-tab')}[data-state-name="running"]`, { timeout: 20000 });
      await page.click(tid('xterm'));
      await page.keyboard.type('echo hi');
      await page.keyboard.press('Enter');
      await waitForLine(page, l => l.trim() === 'hi', '"hi" line');
      // The shell runs in the project's folder of the sandbox.
      await page.keyboard.type('pwd');
      await page.keyboard.press('Enter');
      await waitForLine(page, l => l.trim() === '/home/user', 'working folder');
      await page.screenshot({ path: path.join(artifacts, 'e2e-terminal.png') });

      // Pause the sandbox from the badge: the terminal says so; a key
      // resumes it, and the same shell (its variable) is still there.
      await page.keyboard.type('X=still-$((6*7))');
      await page.keyboard.press('Enter');
      await page.click(tid('sandbox-pause'));
      await page.waitForSelector(`${tid('sandbox-badge')}[data-state="paused"]`, { timeout: 20000 });
      const msg = await page.waitForSelector(tid('terminal-message'), { timeout: 20000 });
      assert(((await msg.textContent()) ?? '').includes('Press any key'), 'the terminal says the sandbox is paused');
      await page.click(tid('xterm'));
      await page.keyboard.press('Enter');
      await page.waitForSelector(`${tid('sandbox-badge')}[data-state="running"]`, { timeout: 30000 });
      await page.waitForSelector(`${tid('terminal-tab')}[data-state-name="running"]`, { timeout: 20000 });
      await page.keyboard.type('echo $X');
      await page.keyboard.press('Enter');
      await waitForLine(page, l => l.trim() === 'still-42', 'the shell variable after the resume');
      const boxes = await admin(e2b, 'sandboxes');
      assert(boxes.length === 1 && boxes[0].State === 'running', `one sandbox, running: ${JSON.stringify(boxes.map(b => b.State))}`);
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
