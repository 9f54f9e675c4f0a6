// Issue 17, items 4 and 5: the About dialog shows the build's version, and
// the update check against a local release feed shows a non-blocking
// notice in the real app (it never installs anything). Issue 23, item 5:
// the feed is the one the build carries (scripts/e2e.sh builds the dev
// binary with E2E_RELEASE_FEED, as TESSERA_RELEASE_FEED does for a release);
// a feed named in Settings replaces it.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, root } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');
const buildFeed = process.env.E2E_RELEASE_FEED || ''
const version = JSON.parse(fs.readFileSync(path.join(root, 'wails.json'), 'utf8')).info.productVersion;

export const tests = {
  async 'the build\'s release feed: About names it, the daily check finds a newer release'() {
    assert(buildFeed, 'E2E_RELEASE_FEED is not set: run through scripts/e2e.sh, which builds the dev binary with it');
    const home = path.join(work, 'update-build-home');
    const u = new URL(buildFeed);
    const asked = [];
    const feed = http.createServer((req, res) => {
      asked.push(req.url);
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify([{ tag_name: 'v96.0.0', html_url: 'https://example.com/r/v96.0.0', prerelease: false, draft: false }]));
    });
    await new Promise(r => feed.listen(Number(u.port), u.hostname, r));
    let app, ctx;
    try {
      // No TESSERA_UPDATE_FEED: the build's feed and the default settings.
      app = await startApp({ home, name: 'app-update-build', env: { TESSERA_UPDATE_FEED: '' } });
      ctx = await browser();
      const page = await openPage(ctx, app.url, 'AboutService');
      await page.waitForSelector(tid('update-notice'));
      const notice = await page.textContent(tid('update-notice'));
      assert(notice.includes('Tessera 96.0.0 is available.'), `notice: ${notice}`);
      assert(asked.length === 1 && asked[0] === u.pathname, `the build's feed was asked ${JSON.stringify(asked)}`);
      await page.click(tid('about-open'));
      const about = await page.textContent(tid('about-updates'));
      assert(about.includes(buildFeed), `About says: ${about}`);
      await page.click(tid('about-close'));
      await page.click(tid('settings-open'));
      assert(!(await page.$(tid('update-no-channel'))), 'Settings says there is no channel, yet the build has one');
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      feed.close();
    }
  },

  async 'About shows the version; a newer release on the feed shows the notice'() {
    const home = path.join(work, 'update-home');
    let hits = 0;
    const feed = http.createServer((req, res) => {
      hits++;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify([
        { tag_name: 'v99.0.0-rc.1', html_url: 'https://example.com/rc', prerelease: true, draft: false },
        { tag_name: 'v98.0.0', html_url: 'https://example.com/draft', prerelease: false, draft: true },
        { tag_name: 'v97.1.0', html_url: 'https://github.com/tessera-app/tessera/releases/tag/v97.1.0', published_at: '2026-12-01T09:00:00Z', prerelease: false, draft: false },
      ]));
    });
    await new Promise(r => feed.listen(0, '127.0.0.1', r));
    const feedURL = `http://127.0.0.1:${feed.address().port}/releases`;
    let app, ctx;
    try {
      app = await startApp({ home, name: 'app-update' }); // TESSERA_UPDATE_FEED=off: no automatic check
      ctx = await browser();
      const page = await openPage(ctx, app.url, 'AboutService');

      await page.click(tid('about-open'));
      const v = await page.textContent(tid('about-version'));
      assert(v.trim() === version, `About version ${v} (wails.json ${version})`);
      await page.click(tid('about-close'));

      // The automatic check itself (what the page calls at start), asked
      // directly: it answers without asking the feed.
      const st = await page.evaluate(() => window.go.api.UpdateService.Check());
      assert(!st.enabled, `TESSERA_UPDATE_FEED=off, yet the check is on: ${JSON.stringify(st)}`);
      assert(hits === 0, `the automatic check is off, yet the feed was asked ${hits} times`);
      assert(!(await page.$(tid('update-notice'))), 'no notice before any check');

      // The person points Settings at the feed and asks now.
      await page.click(tid('settings-open'));
      await page.fill(tid('update-feed-input'), feedURL);
      await page.click(tid('settings-save'));
      await page.waitForFunction(u => window.go.api.SettingsService.Get().then(s => s.updateFeedURL === u), feedURL);
      await page.click(tid('update-check-now'));
      await page.waitForSelector(tid('update-notice'));
      assert(hits === 1, `feed asked ${hits} times`);
      const result = await page.textContent(tid('update-check-result'));
      assert(result.includes('97.1.0 is available'), `settings says: ${result}`);
      await page.click(tid('settings-close'));
      await page.waitForSelector(tid('update-check-now'), { state: 'detached' });
      const notice = await page.textContent(tid('update-notice'));
      assert(notice.includes('Tessera 97.1.0 is available.'), `notice: ${notice}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-update-notice.png') });
      await page.click(tid('update-dismiss'));
      await page.waitForSelector(tid('update-notice'), { state: 'detached' });
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      feed.close();
    }
  },
};
