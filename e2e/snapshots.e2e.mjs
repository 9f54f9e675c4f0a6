// Issue 14 (items 4 and 8): runtime restore points. A turn whose install
// ran leaves a snapshot of the sandbox tied to its version (a marker in the
// Versions panel, with the count); restoring that version makes the
// sandbox from the snapshot — the installed library and its data come back
// and the install does not run again (the fake E2B's counters prove it).
// When E2B has lost the snapshot, the restore rebuilds from the files and
// replays the install. Branching the current version copies the live
// sandbox through fork.
import fs from 'node:fs';
import path from 'node:path';
import { startApp, stopProcess, browser, closeBrowser, openPage, tid, assert, artifacts, startFakeE2B, startFakeLLM, admin, appEnv, configure, createProject, send, pyFragment as py } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');

// The "install" writes a library into the sandbox and counts its own runs.
const install = 'mkdir -p /home/user/lib && echo run >> /home/user/lib/runs && echo "VALUE = 1" > /home/user/lib/mylib.py';
const useLib = 'import sys\nsys.path.insert(0, "/home/user/lib")\nimport mylib\nprint("lib value:", mylib.VALUE)';
const withInstall = {
  ...py('a script with its library', useLib),
  additional_dependencies: ['mylib'], has_additional_dependencies: true, install_dependencies_command: install,
};
// The next turn changes the installed library in place (not a project file).
const change = py('a change to the library',
  'open("/home/user/lib/mylib.py", "w").write("VALUE = 2\\n")\nprint("changed the library")');
change.file_path = 'change.py';

const sandboxFile = (box, rel) => {
  try { return fs.readFileSync(path.join(box.Dir, 'home', 'user', rel), 'utf8'); } catch { return null; }
};

async function openVersions(page) {
  await page.click(tid('chat-versions'));
  await page.waitForSelector(tid('version-row'));
}

async function closeVersions(page) {
  await page.click(tid('versions-close'));
  await page.waitForSelector(tid('version-row'), { state: 'detached' });
}

// restore restores the row at index (0 = newest) and waits for the toast.
async function restore(page, index) {
  await openVersions(page);
  await (await page.$$(tid('version-row')))[index].click();
  await page.click(tid('version-restore'));
  await page.click(tid('confirm-restore'));
  await page.waitForSelector(tid('confirm-restore'), { state: 'detached', timeout: 60000 });
  await closeVersions(page);
}

export const tests = {
  async 'a version with a restore point restores without re-running the install; a lost one rebuilds; branch copies the sandbox'() {
    const home = path.join(work, 'snapshots-home');
    const e2b = await startFakeE2B('snapshots', work);
    const llm = await startFakeLLM('snapshots', work, [withInstall, change]);
    let app;
    let ctx;
    let page;
    try {
      app = await startApp({ home, env: appEnv(e2b), name: 'app-snapshots' });
      ctx = await browser();
      page = await openPage(ctx, app.url);
      await configure(page, llm.url);
      await createProject(page, 'Library app');
      const projectId = await page.evaluate(async () => (await window.go.api.ProjectService.List()).find(p => p.name === 'Library app').id);
      const current = async () => page.evaluate(async (id) => (await window.go.api.ProjectService.List()).find(p => p.id === id), projectId);

      // Turn 1 installs: afterwards a restore point is saved in the background.
      await send(page, 'Use my library');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('lib value: 1'), null, { timeout: 60000 });
      await openVersions(page);
      await page.waitForSelector(tid('version-restore-point'), { timeout: 30000 });
      await page.waitForFunction(() => document.querySelector('[data-testid="restore-points-count"]')?.textContent === '1 restore point');
      await page.screenshot({ path: path.join(artifacts, 'e2e-snapshots-versions.png') });
      await closeVersions(page);
      let counts = (await admin(e2b, 'counts')).counts;
      assert(counts.Snapshots === 1, `one snapshot after the install, got ${counts.Snapshots}`);

      // Turn 2 changes the installed library (outside the project files).
      await send(page, 'Change the library');
      await page.waitForFunction(() => document.querySelector('[data-testid="preview-stdout"]')?.textContent?.includes('changed the library'), null, { timeout: 60000 });
      const first = (await current()).sandboxId;
      const firstBox = (await admin(e2b, 'sandboxes')).find(b => b.ID === first);
      assert(sandboxFile(firstBox, 'lib/mylib.py') === 'VALUE = 2\n', 'turn 2 changed the library in the sandbox');
      await openVersions(page);
      const markers = await page.$$eval(tid('version-row'), els => els.map(e => !!e.querySelector('[data-testid="version-restore-point"]')));
      assert(JSON.stringify(markers) === '[false,true]', `only version 1 has a restore point: ${JSON.stringify(markers)}`);
      await closeVersions(page);

      // Restore version 1: the sandbox comes from its snapshot.
      const before = (await admin(e2b, 'counts')).counts;
      await restore(page, 1);
      const after = (await admin(e2b, 'counts')).counts;
      assert(after.SnapshotStarts - before.SnapshotStarts === 1, `created from the snapshot: ${JSON.stringify(after)}`);
      assert(after.ProcessStarts === before.ProcessStarts, `no install (no process at all) ran: ${before.ProcessStarts} -> ${after.ProcessStarts}`);
      const restored = (await current()).sandboxId;
      assert(restored && restored !== first, `a new sandbox ${restored} replaced ${first}`);
      const rbox = (await admin(e2b, 'sandboxes')).find(b => b.ID === restored);
      assert(sandboxFile(rbox, 'lib/mylib.py') === 'VALUE = 1\n', `the library as installed: ${sandboxFile(rbox, 'lib/mylib.py')}`);
      assert(sandboxFile(rbox, 'lib/runs') === 'run\n', `the install ran once, ever: ${JSON.stringify(sandboxFile(rbox, 'lib/runs'))}`);
      assert(sandboxFile(rbox, 'script.py')?.includes('import mylib'), 'version 1 files in the sandbox');
      assert(sandboxFile(rbox, 'change.py') === null, 'version 2 files left the sandbox');
      // The restore's own version shares the restore point: still one.
      await openVersions(page);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="version-row"]').length === 3);
      const marks = await page.$$eval(tid('version-row'), els => els.map(e => !!e.querySelector('[data-testid="version-restore-point"]')));
      assert(JSON.stringify(marks) === '[true,false,true]', `markers after restore ${JSON.stringify(marks)}`);
      assert(await page.textContent(tid('restore-points-count')) === '1 restore point', 'still one restore point');
      await closeVersions(page);

      // Branch the current version with its live sandbox: a fork.
      const forksBefore = (await admin(e2b, 'counts')).counts;
      await openVersions(page);
      await page.click(tid('version-branch'));
      await page.fill(tid('branch-name'), 'Library copy');
      assert(await page.isChecked(tid('branch-with-sandbox')), 'copying the sandbox is offered and on');
      await page.click(tid('branch-submit'));
      await page.waitForFunction(() => document.querySelector('[data-testid="current-project-name"]')?.textContent?.includes('Library copy'), null, { timeout: 30000 });
      const copy = await page.evaluate(async () => (await window.go.api.ProjectService.List()).find(p => p.name === 'Library copy'));
      const forksAfter = (await admin(e2b, 'counts')).counts;
      assert(forksAfter.Forks - forksBefore.Forks === 1 && forksAfter.ProcessStarts === forksBefore.ProcessStarts, `forked, nothing installed: ${JSON.stringify(forksAfter)}`);
      const cbox = (await admin(e2b, 'sandboxes')).find(b => b.ID === copy.sandboxId);
      assert(cbox && cbox.ID !== restored && sandboxFile(cbox, 'lib/mylib.py') === 'VALUE = 1\n', 'the copy has the installed library');
      await page.click(tid('project-selector'));
      await page.click(`${tid('project-item')}:has-text("Library app")`);
      await page.waitForFunction(() => document.querySelector('[data-testid="current-project-name"]')?.textContent?.includes('Library app'), null, { timeout: 20000 });

      // E2B lost the snapshot: restoring version 1 rebuilds from the files
      // and replays the install.
      for (const id of await admin(e2b, 'snapshots')) {
        await fetch(`http://${e2b.admin}/drop-snapshot?id=${encodeURIComponent(id)}`, { method: 'POST' });
      }
      // Make version 2's files current again, then restore version 1.
      await restore(page, 1); // version 2
      const lost = (await admin(e2b, 'counts')).counts;
      await restore(page, 3); // version 1
      const rebuilt = (await admin(e2b, 'counts')).counts;
      assert(rebuilt.SnapshotStarts === lost.SnapshotStarts && rebuilt.Creates - lost.Creates === 1, `rebuilt, not from a snapshot: ${JSON.stringify(rebuilt)}`);
      assert(rebuilt.ProcessStarts - lost.ProcessStarts >= 1, 'the recorded install ran again');
      const nowId = (await current()).sandboxId;
      const nbox = (await admin(e2b, 'sandboxes')).find(b => b.ID === nowId);
      assert(sandboxFile(nbox, 'lib/runs') === 'run\n' && sandboxFile(nbox, 'script.py')?.includes('import mylib'), 'the rebuilt sandbox has the files and the replayed install');
      await openVersions(page);
      await page.waitForFunction(() => !document.querySelector('[data-testid="version-restore-point"]'), null, { timeout: 10000 });
      await closeVersions(page);
      assert((await admin(e2b, 'counts')).contractErrors === 0, 'every request matched openapi.yml');
    } catch (e) {
      await page?.screenshot({ path: path.join(artifacts, 'e2e-snapshots-failure.png') }).catch(() => {});
      throw e;
    } finally {
      if (ctx) await closeBrowser(ctx);
      if (app) await stopProcess(app.proc);
      await stopProcess(llm.proc);
      await stopProcess(e2b.proc);
    }
  },
};
