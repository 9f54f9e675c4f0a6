// Issue 16, items 4, 5 and 7 in the real app with the fake E2B: a published
// preview keeps its sandbox running at the fake past the idle pause (and
// the app says why), Unpublish lets the idle pause happen; a per-project
// monthly budget pauses the sandbox and refuses the next run, saying so.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, admin, appEnv, configure, createProject, send, pyFragment as py, waitFor, staticPage, webScenario } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');
const IDLE = 12; // seconds: TESSERA_IDLE_PAUSE for these tests

const sandboxes = async (e2b) => (await admin(e2b, 'sandboxes')).filter(s => s.State !== 'killed');

const setHidden = (page, hidden) => page.evaluate((h) => {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
  document.dispatchEvent(new Event('visibilitychange'));
}, hidden);

export const tests = {
  async 'a hidden window pauses the sandbox; showing it or typing resumes it'() {
    const home = path.join(work, 'away-home');
    const e2b = await startFakeE2B('away', work);
    const llm = await startFakeLLM('away', work, [py('a step', 'print("here")')]);
    let app, ctx;
    try {
      app = await startApp({ home, env: { ...appEnv(e2b), TESSERA_AWAY_PAUSE: '5s' }, name: 'app-away' });
      ctx = await browser();
      const page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await createProject(page, 'Away');
      await send(page, 'One step');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('here'), null, { timeout: 60000 });
      const state = async () => (await sandboxes(e2b))[0].State;
      assert(await state() === 'running', 'running after the run');

      // Hidden: paused by the away pause (the idle pause is 10 minutes).
      await setHidden(page, true);
      await waitFor(async () => await state() === 'paused', 'the pause of a hidden window', 45000);
      await page.waitForSelector(`${tid('sandbox-badge')}[data-state="paused"]`);
      // Shown again: resumed without a message being sent.
      await setHidden(page, false);
      await waitFor(async () => await state() === 'running', 'the resume when the window is shown', 30000);
      // Hidden again, then the person types: resumed.
      await setHidden(page, true);
      await waitFor(async () => await state() === 'paused', 'the second pause', 45000);
      await page.type(tid('chat-input'), 'next');
      await waitFor(async () => await state() === 'running', 'the resume on typing', 30000);
      const counts = await admin(e2b, 'counts');
      assert(counts.counts.Resumes >= 2 && counts.contractErrors === 0, `resumes ${counts.counts.Resumes}, contract errors ${counts.contractErrors}`);
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },

  async 'publish keeps the sandbox running at the fake past the idle pause; unpublish lets it pause'() {
    const s = await webScenario({ name: 'publish', work, home: path.join(work, 'publish-home'),
      fragments: [staticPage('<!doctype html><h1 id="hi">Shared</h1>', { title: 'Shared page', description: 'page' })],
      env: { TESSERA_IDLE_PAUSE: `${IDLE}s` }, project: 'Shared', prompt: 'A page to share' });
    try {
      const { page, e2b } = s;
      await page.waitForSelector(`${tid('publish-bar')}[data-published="false"]`);

      await page.selectOption(tid('publish-hours'), '2');
      const asked = Date.now();
      await page.click(tid('publish-button'));
      await page.waitForSelector(`${tid('publish-bar')}[data-published="true"]`, { timeout: 30000 });
      const link = await page.textContent(tid('publish-url'));
      assert(link.includes('3000-') && link.includes(e2b.domain), `published link ${link}`);
      assert(/^(1 h 59 min|2 h 00 min) left$/.test(await page.textContent(tid('publish-countdown'))), 'a two-hour countdown');
      let [sb] = await sandboxes(e2b);
      const end = Date.parse(sb.EndAt);
      assert(sb.State === 'running' && end >= asked + 2 * 3600e3 - 5000 && end <= Date.now() + 2 * 3600e3 + 5000,
        `E2B keeps it for the link's two hours: ${JSON.stringify({ state: sb.State, end: sb.EndAt })}`);

      // Nobody works in it for three idle pauses: still running at the fake,
      // and the popover says why.
      await new Promise(r => setTimeout(r, 3 * IDLE * 1000));
      [sb] = await sandboxes(e2b);
      assert(sb.State === 'running', `a published sandbox was paused: ${sb.State}`);
      await page.click(tid('sandbox-badge'));
      await page.waitForSelector(tid('sandbox-kept-running'));
      assert((await page.textContent(tid('sandbox-kept-running'))).includes('published'), 'the popover says the link keeps it running');
      assert((await page.textContent(tid('sandbox-idle-pause'))).includes('off while published'), 'idle pause off');
      await page.screenshot({ path: path.join(artifacts, 'e2e-cost-published.png') });
      await page.keyboard.press('Escape');

      // Unpublish: the usual timeout comes back and the idle pause happens.
      await page.click(tid('publish-stop'));
      await page.waitForSelector(`${tid('publish-bar')}[data-published="false"]`);
      await waitFor(async () => (await sandboxes(e2b))[0].State === 'paused', 'the idle pause after unpublishing', 60000);
      const counts = await admin(e2b, 'counts');
      assert(counts.contractErrors === 0, `contract errors at the fake: ${counts.contractErrors}`);
    } finally {
      await s.stop();
    }
  },

  async 'budget pause: the monthly budget pauses the sandbox and refuses the next run'() {
    const home = path.join(work, 'budget-home');
    const e2b = await startFakeE2B('budget', work);
    const llm = await startFakeLLM('budget', work, [py('a first step', 'print("step one")'), py('a second step', 'print("step two")')]);
    let app, ctx;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-budget' });
      ctx = await browser();
      const page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      // Expensive prices (Settings) so that a small budget is reached in seconds:
      // 2 vCPU × $0.01 + 0.5 GiB × $0.02 = $0.03 a second.
      await page.click(tid('settings-open'));
      await page.fill(tid('vcpu-price-input'), '0.01');
      await page.fill(tid('gib-price-input'), '0.02');
      await page.click(tid('settings-save'));
      await page.waitForFunction(async () => (await window.go.api.SettingsService.Get()).vcpuPricePerSecond === 0.01);
      await page.keyboard.press('Escape');
      await createProject(page, 'Budget');

      // A budget of $0.45: 15 s of running.
      await page.click(tid('sandbox-badge'));
      await page.fill(tid('sandbox-budget-input'), '0.45');
      await page.click(tid('sandbox-budget-save'));
      await page.waitForFunction(() => document.querySelector('[data-testid="sandbox-cost-month"]')?.textContent?.includes('of $0.45'));
      await page.keyboard.press('Escape');

      await send(page, 'Step one');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('step one'), null, { timeout: 60000 });
      await page.waitForSelector(`${tid('sandbox-badge')}[data-state="paused"]`, { timeout: 60000 });
      const [sb] = await sandboxes(e2b);
      assert(sb.State === 'paused', `paused at the fake: ${sb.State}`);
      assert(sb.RunningSeconds >= 14 && sb.RunningSeconds <= 30, `ran about the budget's 15 s: ${sb.RunningSeconds}`);
      await page.click(tid('sandbox-badge'));
      await page.waitForSelector(tid('sandbox-budget-note'));
      const note = await page.textContent(tid('sandbox-budget-note'));
      assert(note.includes('budget of $0.45 is reached'), `the popover says so: ${note}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-cost-budget.png') });
      await page.keyboard.press('Escape');

      // The next run is refused with the same sentence; nothing resumes.
      const before = (await admin(e2b, 'counts')).counts.Resumes;
      await send(page, 'Step two');
      const step = `${tid('preview-step-error')}[data-step="sandbox"]`;
      await page.waitForSelector(step, { timeout: 30000 });
      assert((await page.textContent(step)).includes('budget of $0.45 is reached'), 'the run says the budget stopped it');
      const after = await admin(e2b, 'counts');
      assert(after.counts.Resumes === before && (await sandboxes(e2b))[0].State === 'paused', 'nothing was resumed');
      assert(after.contractErrors === 0, `contract errors at the fake: ${after.contractErrors}`);
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
