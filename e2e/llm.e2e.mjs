// Issue 11 in the real app: keys are checked when saved (E2B by listing
// sandboxes, an LLM provider by listing models) and the field shows
// "Works" or the provider's reason; a model that refuses json_schema
// still produces a running fragment (the answer falls back to JSON mode),
// with an output limit sent every time.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, appEnv, createProject, send, waitFor } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

const fragment = {
  commentary: 'Here is the greeting.', template: 'code-interpreter-v1', title: 'Greeting', description: 'Prints a greeting',
  additional_dependencies: [], has_additional_dependencies: false, install_dependencies_command: '',
  port: null, file_path: 'script.py', code: 'print("hello from the fallback", 6 * 7)',
};

const checkText = (page, id) => page.$eval(tid(`key-check-${id}`), el => ({ state: el.dataset.state, text: el.textContent }));

async function waitCheck(page, id, state) {
  try {
    await page.waitForFunction(([id, state]) => document.querySelector(`[data-testid="key-check-${id}"]`)?.dataset.state === state,
      [id, state], { timeout: 60000 });
  } catch (e) {
    // Say what the field showed instead, so that a failure can be read.
    const shown = await checkText(page, id).catch(() => 'no check shown');
    throw new Error(`the ${id} key check never became "${state}": ${JSON.stringify(shown)} (${e.message})`);
  }
  return checkText(page, id);
}

export const tests = {
  async 'keys are checked on save; a model refusing json_schema still runs its fragment'() {
    const home = path.join(work, 'llm-home');
    const e2b = await startFakeE2B('llm', work);
    const llm = await startFakeLLM('llm', work, [fragment], { args: ['-refuse-formats', 'json_schema', '-keys', 'sk-right'] });
    let app;
    let ctx;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-llm' });
      ctx = await browser();
      const page = await openPage(ctx, app.url);
      // A custom server that claims json_schema support (and then refuses it).
      await page.evaluate(async (url) => {
        const s = await window.go.api.SettingsService.Get();
        s.customProviders = { providers: [{ id: 'custom', base_url: url, supports_json_schema: true, supports_json_mode: true,
          models: [{ id: 'fake-model', name: 'Fake model' }] }] };
        s.defaultProvider = 'custom';
        s.defaultModel = 'fake-model';
        s.onboarded = true;
        await window.go.api.SettingsService.Save(s);
      }, llm.url);
      await page.reload();
      await page.waitForFunction(() => window.go && window.go.api);

      await page.click(tid('settings-open'));
      // E2B: a wrong key is refused before anything is spent, the right one works.
      await page.fill(tid('key-input-e2b'), 'e2b_wrong_key');
      await page.click(tid('settings-save'));
      let r = await waitCheck(page, 'e2b', 'failed');
      assert(/E2B/.test(r.text) && /key/i.test(r.text), `E2B refusal named: ${r.text}`);
      await page.fill(tid('key-input-e2b'), 'e2b_test_key');
      await page.click(tid('settings-save'));
      r = await waitCheck(page, 'e2b', 'ok');
      assert(r.text.startsWith('Works: E2B answered'), `E2B works: ${r.text}`);

      // The LLM key: the provider's own reason, then "Works".
      await page.fill(tid('key-input-custom'), 'sk-wrong');
      await page.click(tid('settings-save'));
      r = await waitCheck(page, 'custom', 'failed');
      assert(r.text.includes('did not accept the API key (Incorrect API key provided)'), `LLM refusal: ${r.text}`);
      await page.fill(tid('key-input-custom'), 'sk-right');
      await page.click(tid('settings-save'));
      r = await waitCheck(page, 'custom', 'ok');
      assert(/^Works: .* lists 1 model\.$/.test(r.text), `LLM works: ${r.text}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-llm-keycheck.png') });
      await page.click(tid('settings-close'));

      await createProject(page, 'Fallback');
      await send(page, 'Say hello');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('hello from the fallback 42'),
        null, { timeout: 60000 });
      const reqs = await (await fetch(llm.debug)).json();
      assert(reqs.length === 2, `two chat requests (refused, then JSON mode): ${JSON.stringify(reqs)}`);
      assert(reqs[0].response_format === 'json_schema' && reqs[1].response_format === 'json_object', `fallback chain: ${JSON.stringify(reqs)}`);
      assert(reqs.every(q => q.stream && q.max_tokens > 0), `every request streams with an output limit: ${JSON.stringify(reqs)}`);

      // The mode is remembered: the next answer goes straight to JSON mode.
      await page.waitForSelector(`${tid('chat-send')}:not([disabled])`, { state: 'attached' }).catch(() => {});
      await send(page, 'Again');
      // Until the fake LLM has the request (what it reports), however
      // busy the machine; the ceiling only ends a hung run.
      let now = [];
      await waitFor(async () => (now = await (await fetch(llm.debug)).json()).length >= 3, 'the second answer to reach the fake LLM', 90000);
      assert(now.length === 3 && now[2].response_format === 'json_object', `remembered mode: ${JSON.stringify(now)}`);
      await page.screenshot({ path: path.join(artifacts, 'e2e-llm-fallback.png') });
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
