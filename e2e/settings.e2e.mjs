// Issue 9, item 2: settings that would send a key elsewhere (the E2B domain,
// a provider's base URL) change only through a confirmed action in
// Tessera's own settings UI. A bound call alone holds the change.
// Issue 13, items 7 and 8: one Save, refusals beside their field, the toast
// out of Save's way and after the dialog for Escape, a custom server whose
// models take images.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeLLM, pyFragment, createProject } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

export const tests = {
  async 'a key goes to a new server only after the person confirms it'() {
    const home = path.join(work, 'settings-home');
    let app, ctx;
    try {
      app = await startApp({ home, name: 'app-settings' });
      ctx = await browser();
      const page = await openPage(ctx, app.url);

      // A bare bound call (what a hostile caller could at most do) is held.
      const held = await page.evaluate(async () => {
        const s = await window.go.api.SettingsService.Get();
        s.customProviders = { providers: [{ id: 'openai', base_url: 'https://evil.example/v1' }] };
        const r = await window.go.api.SettingsService.Save(s);
        const after = await window.go.api.SettingsService.Get();
        return { confirm: r.confirm, stored: after.customProviders ?? null };
      });
      assert(held.confirm && held.confirm.destinations[0].account === 'llm:openai', `held: ${JSON.stringify(held)}`);
      assert(held.stored === null, `nothing saved: ${JSON.stringify(held.stored)}`);

      // The settings UI asks; Cancel keeps the old domain.
      await page.click(tid('settings-open'));
      await page.fill(tid('e2b-domain-input'), 'e2b.example.com');
      await page.click(tid('settings-save'));
      await page.waitForSelector(tid('redirect-destinations'));
      const text = await page.textContent(tid('redirect-destinations'));
      assert(text.includes('Your E2B key') && text.includes('https://api.e2b.example.com'), `dialog: ${text}`);
      await page.click(tid('redirect-cancel'));
      await page.waitForSelector(tid('redirect-destinations'), { state: 'detached' });
      let s = await page.evaluate(() => window.go.api.SettingsService.Get());
      assert(s.e2bDomain === 'e2b.app', `cancel kept the domain: ${s.e2bDomain}`);

      // Confirm saves it (and the page reloads under the new policy).
      await page.fill(tid('e2b-domain-input'), 'e2b.example.com');
      await page.click(tid('settings-save'));
      // The page reloads: its Content-Security-Policy names the E2B domain.
      await Promise.all([page.waitForNavigation(), page.click(tid('redirect-confirm'))]);
      await page.waitForFunction(() => window.go && window.go.api && !document.querySelector('[data-testid="redirect-destinations"]'));
      s = await page.evaluate(() => window.go.api.SettingsService.Get());
      assert(s.e2bDomain === 'e2b.example.com', `confirmed domain: ${s.e2bDomain}`);
      const csp = (await page.evaluate(async () => (await fetch('/')).headers.get('content-security-policy'))) || '';
      assert(csp.includes('frame-src https://*.e2b.example.com') && csp.includes("script-src 'self'"), `policy: ${csp}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-settings-confirm.png') });
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
    }
  },

  async 'one Save for everything: a refusal beside its field, a custom server that takes images'() {
    const home = path.join(work, 'settings-one-save');
    const llm = await startFakeLLM('settings-one-save', work, [pyFragment('x', 'print(1)')]);
    let app, ctx;
    try {
      app = await startApp({ home, name: 'app-settings-one-save' });
      ctx = await browser();
      const page = await openPage(ctx, app.url);
      await page.click(tid('settings-open'));
      // The keyring serves the whole e2e run, so a key of an earlier test
      // may count as configured: open the other providers if they are closed
      // (that a new person finds them open is a unit test).
      await page.waitForSelector(tid('more-providers')); // the dialog's code loads on first open
      if (!(await page.$eval(tid('more-providers'), (d) => d.open))) await page.click(`${tid('more-providers')} > summary`);
      await page.fill(tid('custom-base-url-input'), llm.url);
      await page.fill(tid('custom-models-input'), 'fake-model');
      await page.check(tid('custom-images-input'));
      await page.fill(tid('sandbox-timeout-input'), '2');
      await page.click(tid('settings-save'));
      await page.waitForSelector(tid('field-error-sandbox-timeout'));
      const alerts = await page.$$eval('[role="alert"]', (els) => els.map((e) => e.textContent));
      assert(alerts.filter((t) => t.includes('sandbox timeout')).length === 1, `the refusal shows once: ${JSON.stringify(alerts)}`);
      let s = await page.evaluate(() => window.go.api.SettingsService.Get());
      assert(!s.customProviders, `a refused Save changes nothing: ${JSON.stringify(s.customProviders)}`);

      await page.fill(tid('sandbox-timeout-input'), '60');
      await page.click(tid('settings-save'));
      // A key for llm:custom may be in the run's shared keychain from an
      // earlier test: then the new address is asked about first.
      const first = await page.waitForSelector(`${tid('toast')}[data-kind="success"], ${tid('redirect-confirm')}`);
      if ((await first.getAttribute('data-testid')) === 'redirect-confirm') await first.click();
      const toast = await page.waitForSelector(`${tid('toast')}[data-kind="success"]`);
      const [t, b] = [await toast.boundingBox(), await (await page.$(tid('settings-save'))).boundingBox()];
      const overlap = t.x < b.x + b.width && b.x < t.x + t.width && t.y < b.y + b.height && b.y < t.y + t.height;
      assert(!overlap, `the toast does not cover Save: ${JSON.stringify({ t, b })}`);
      s = await page.evaluate(() => window.go.api.SettingsService.Get());
      const custom = s.customProviders.providers.find((p) => p.id === 'custom');
      assert(custom.models[0].multimodal === true, `the server's models take images: ${JSON.stringify(custom)}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-settings-one-save.png') });
      // Escape closes the dialog first; the toast stays.
      await page.keyboard.press('Escape');
      await page.waitForSelector('[role="dialog"]', { state: 'detached' });
      assert(await page.$(tid('toast')), 'the toast outlives the dialog on the first Escape');

      // The configured server now comes first.
      await page.click(tid('settings-open'));
      await page.waitForSelector(`${tid('configured-providers')} ${tid('custom-base-url-input')}`, { timeout: 10000 }); // the server is among the configured providers
      await page.click(tid('settings-close'));
      // In the chat, its model takes images.
      await createProject(page, 'Images');
      await page.waitForSelector(tid('chat-attach'));
      await page.waitForFunction(() => document.querySelector('[data-testid="chat-attach"]')?.getAttribute('aria-disabled') === null,
        null, { timeout: 15000 });
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
    }
  },
};
