// Issue 26, items 1 and 2 in the real app: a one-shot turn's model call
// reaches the cost popover beside the sandbox's cost; a model missing from
// the price table (the custom provider's) is said to be at a price
// unknown, never $0; the monthly model budget is saved and shown.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, appEnv, configure, createProject, send, pyFragment as py } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

export const tests = {
  async 'model spend: a turn is counted beside the sandbox cost, unpriced said, the model budget kept'() {
    const home = path.join(work, 'spend-home');
    const e2b = await startFakeE2B('spend', work);
    const llm = await startFakeLLM('spend', work, [py('a step', 'print("spent")')]);
    let app, ctx;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-spend' });
      ctx = await browser();
      const page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await createProject(page, 'Spend');
      await send(page, 'One step');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('spent'), null, { timeout: 60000 });

      await page.click(tid('sandbox-badge'));
      await page.waitForSelector(tid('model-spend-month'));
      const month = await page.textContent(tid('model-spend-month'));
      assert(month.includes('price unknown') && month.includes('1 call'), `the custom model's call is at a price unknown: ${month}`);
      assert(!month.startsWith('$0.00'), `an unpriced call is not $0: ${month}`);
      assert(await page.isVisible(tid('sandbox-cost-month')), 'beside the sandbox cost');

      await page.fill(tid('model-budget-input'), 'lots');
      await page.click(tid('model-budget-save'));
      await page.waitForSelector(tid('model-budget-error'));
      await page.fill(tid('model-budget-input'), '5');
      await page.click(tid('model-budget-save'));
      await page.waitForFunction(() => document.querySelector('[data-testid="model-spend-month"]')?.textContent?.includes('budget $5.00'));
      const saved = await page.evaluate(async () => (await window.go.api.SandboxService.ModelSpend((await window.go.api.ProjectService.List())[0].id)).budgetUSD);
      assert(saved === 5, `the budget is stored: ${saved}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-spend-popover.png') });
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
