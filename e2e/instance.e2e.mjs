// Issue 23, item 3: one Tessera per data folder. Two real app processes on
// one TESSERA_HOME: the second asks the first to show its window and ends
// without touching the folder; a second on another folder starts; when the
// first is stopped (hung), the second names the process that holds it.
import fs from 'node:fs';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { root, artifacts, startApp, stopProcess, assert, waitFor } from './lib.mjs';

const work = process.env.E2E_WORK || fs.mkdtempSync('/tmp/tessera-e2e-');
const bin = path.join(root, 'build/bin/tessera-dev');

// launch runs a second app and resolves with its exit code and stderr.
function launch(home, name) {
  return new Promise((resolve, reject) => {
    const log = path.join(artifacts, `${name}.log`);
    const p = spawn(bin, [], {
      cwd: root, env: { ...process.env, TESSERA_HOME: home, TESSERA_UPDATE_FEED: 'off' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', d => { err += d; });
    p.on('error', reject);
    p.on('exit', code => { fs.writeFileSync(log, err); resolve({ code, stderr: err, pid: p.pid }); });
  });
}

const tree = dir => fs.readdirSync(dir, { recursive: true }).sort()
  .map(f => { const s = fs.statSync(path.join(dir, f)); return `${f} ${s.isFile() ? s.size : 'dir'} ${s.mtimeMs}`; });

export const tests = {
  async 'a second launch on the same data folder shows the first window and ends'() {
    const home = path.join(work, 'instance-home');
    let first;
    try {
      first = await startApp({ home, name: 'instance-first' });
      const logFile = path.join(home, 'logs', 'tessera.log');
      // Until the first has its window (the lock is answered from then on,
      // and requests before it are kept): its log says start-up is done.
      await waitFor(() => fs.readFileSync(logFile, 'utf8').includes('starting'), 'the first app started');
      const before = tree(home).filter(l => !l.startsWith('logs') && !l.startsWith('tessera.db'));

      const second = await launch(home, 'instance-second');
      assert(second.code === 0, `second launch exited ${second.code}: ${second.stderr}`);
      assert(second.stderr.includes('already open') && second.stderr.includes('brought to the front'),
        `second launch said: ${second.stderr}`);
      await waitFor(() => fs.readFileSync(logFile, 'utf8').includes('showing the window'), 'the first app showed its window');
      const after = tree(home).filter(l => !l.startsWith('logs') && !l.startsWith('tessera.db'));
      assert(JSON.stringify(after) === JSON.stringify(before), `the second launch changed the folder:\n${before}\n->\n${after}`);
      assert(!first.proc.exited, 'the first app ended');
      const lines = fs.readFileSync(logFile, 'utf8').split('\n').filter(l => l.includes(`"msg":"starting"`));
      assert(lines.length === 1, `the log has ${lines.length} start-ups, want 1 (the second wrote to it)`);

      // Stopped (as hung as a process can be): the next launch names it.
      first.proc.kill('SIGSTOP');
      // kill(2) returns before every thread has stopped: until ps says so.
      await waitFor(() => execFileSync('ps', ['-o', 'state=', '-p', String(first.proc.pid)], { encoding: 'utf8' }).trim().startsWith('T'),
        'the first app to be stopped', 30000);
      const third = await launch(home, 'instance-third');
      first.proc.kill('SIGCONT');
      assert(third.code === 1, `launch beside a hung app exited ${third.code}`);
      assert(third.stderr.includes(`process ${first.proc.pid}`) && third.stderr.includes('does not answer'),
        `launch beside a hung app said: ${third.stderr}`);
    } finally {
      if (first) first.proc.kill('SIGCONT');
      await stopProcess(first?.proc);
    }
    // Once the first has ended, the folder is free again.
    let again;
    try {
      again = await startApp({ home, name: 'instance-again' });
      assert(!again.proc.exited, 'the app did not start after the first ended');
    } finally {
      await stopProcess(again?.proc);
    }
  },
};
