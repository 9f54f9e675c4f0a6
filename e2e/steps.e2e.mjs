// Issue 13, Deliver 1: a run whose sandbox step fails is an error turn in the
// real app — the answer's row says the step's sentence and offers Retry —
// and the panel shows the step's detail on Preview — for the sandbox
// (create), write and run steps (E2B answering 503 there), the install step
// (a command that really fails) and the preview step (an app that never
// opens its port).
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM,
  appEnv, configure, createProject, send, pyFragment } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');


// The panel is on Preview, showing the failed step's sentence.
async function expectDetail(page, step) {
  await page.waitForSelector(`${tid('tab-preview')}[data-state="active"]`, { timeout: 10000 });
  const detail = await page.waitForSelector(`${tid('preview-step-error')}[data-step="${step}"]`, { timeout: 10000 });
  const text = (await detail.textContent()) ?? '';
  assert(text.length > 20, `${step}: the panel says what happened: "${text}"`);
  return text;
}

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
        await expectDetail(page, step === 'sandbox' ? 'sandbox' : step);
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

  async 'a failed install and an app that never opens its port are error turns with their detail on Preview'() {
    const home = path.join(work, 'steps2-home');
    const e2b = await startFakeE2B('steps2', work);
    const install = { ...pyFragment('an install', 'import nothing_such'), additional_dependencies: ['nothing-such'],
      has_additional_dependencies: true,
      install_dependencies_command: 'echo "ERROR: No matching distribution found for nothing-such" >&2; exit 1' };
    const web = { commentary: 'A page.', template: 'nextjs-developer', title: 'A page', description: 'A page',
      additional_dependencies: [], has_additional_dependencies: false, install_dependencies_command: '', port: 3000,
      file_path: 'pages/index.tsx', code: 'export default function Home() { return <h1>Hi</h1> }' };
    const llm = await startFakeLLM('steps2', work, [install, web]);
    let app, ctx;
    try {
      app = await startApp({ home, env: { ...appEnv(e2b), TESSERA_PREVIEW_WAIT: '3s' }, name: 'app-steps2' });
      ctx = await browser();
      const page = await openPage(ctx, app.url);
      await configure(page, llm.url);

      await createProject(page, 'Fails at install');
      await send(page, 'Install something that does not exist');
      let row = await page.waitForSelector(`${tid('chat-message')}[data-role="assistant"][data-status="error"]`, { timeout: 60000 });
      assert(await row.$(tid('chat-retry')), 'install: Retry is offered');
      await expectDetail(page, 'install');
      const log = await page.textContent(tid('preview-install-log'));
      assert(log.includes('No matching distribution found for nothing-such'), `install: what it printed is shown: "${log}"`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-step-install.png') });

      await createProject(page, 'Fails at port');
      const r = await fetch(`http://${e2b.admin}/fail?endpoint=preview&count=1000&kind=port-closed`, { method: 'POST' });
      assert(r.status === 204, `fault set: ${r.status}`);
      await send(page, 'A page whose server never starts');
      row = await page.waitForSelector(`${tid('chat-message')}[data-role="assistant"][data-status="error"]`, { timeout: 60000 });
      assert(await row.$(tid('chat-retry')), 'port: Retry is offered');
      const text = await expectDetail(page, 'preview');
      assert(text.includes('did not start answering'), `port: the sentence says the app did not answer: "${text}"`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-step-port.png') });
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
