// Issue 9, item 2: settings that would send a key elsewhere (the E2B domain,
// a provider's base URL) change only through a confirmed action in
// Tessera's own settings UI. A bound call alone holds the change.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts } from './lib.mjs';

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
      await page.click(tid('redirect-confirm'));
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
};
