// Issue 13, Deliver 1: a run whose sandbox step fails is an error turn in the
// real app — the answer's row says the step's sentence and offers Retry —
// for the sandbox (create), write and run steps (E2B answering 503 there;
// the install step has its own test with a command that really fails).
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM,
  appEnv, configure, createProject, send, pyFragment } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');


export const tests = {
  async 'a failed sandbox step is an error turn with its sentence and Retry (create, write, run)'() {
    const home = path.join(work, 'steps-home');
    const e2b = await startFakeE2B('steps', work);
    const llm = await startFakeLLM('steps', work, [pyFragment('a step', 'print(1)')]);
    let app, ctx;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-steps' });
      ctx = await browser();
      const page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      for (const [step, endpoint] of [['sandbox', 'create'], ['write', 'files'], ['run', 'execute']]) {
        await createProject(page, `Fails at ${step}`);
        const r = await fetch(`http://${e2b.admin}/fail?endpoint=${endpoint}&count=200`, { method: 'POST' });
        assert(r.status === 204, `fault set: ${r.status}`);
        await send(page, `Fail at ${step}`);
        const row = await page.waitForSelector(`${tid('chat-message')}[data-role="assistant"][data-status="error"]`, { timeout: 60000 });
        const alert = await row.$('[role="alert"]');
        const text = (await alert?.textContent()) ?? '';
        assert(text.length > 20 && !text.includes('This answer failed.'), `${step}: the row says what happened: "${text}"`);
        assert(await row.$(tid('chat-retry')), `${step}: Retry is offered`);
        await page.screenshot({ path: path.join(artifacts, `e2e-step-${step}.png`) });
        // The fake answers again for the next project.
        assert((await fetch(`http://${e2b.admin}/fail?endpoint=${endpoint}&count=0`, { method: 'POST' })).status === 204, 'faults cleared');
      }
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
