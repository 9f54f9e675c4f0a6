// E2B's official JS SDK (npm e2b 2.51.0, @e2b/code-interpreter 2.8.0), unpatched,
// drives Tessera's fake E2B (backend/e2b/e2btest/cmd/fakee2b). The SDK is
// pointed at the fake only through its own settings: E2B_API_URL for the
// control plane and E2B_SANDBOX_URL for every sandbox port, which makes it
// send E2b-Sandbox-Id / E2b-Sandbox-Port headers, as to E2B's shared host.
// Every request the fake receives is validated against its openapi.yml;
// the last test fails on any contract mismatch the fake counted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const KEY = 'e2b_5dk0000000000000000000000000000000000';
let fake, info, e2b, ci;

before(async () => {
  const bin = process.env.FAKEE2B || path.join(root, 'build/bin/fakee2b');
  assert.ok(fs.existsSync(bin), `no fake E2B binary at ${bin} (go build -o ${bin} ./backend/e2b/e2btest/cmd/fakee2b)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2b-sdk-'));
  const addrFile = path.join(dir, 'addr.json');
  const args = ['-key', KEY, '-addr-file', addrFile];
  // A python3 with matplotlib draws charts (the fake's chart results).
  for (const py of ['/usr/bin/python3']) {
    try { execFileSync(py, ['-c', 'import matplotlib'], { stdio: 'ignore' }); args.push('-python', py); break; } catch {}
  }
  fake = spawn(bin, args, { stdio: ['ignore', 'ignore', fs.openSync(path.join(dir, 'fake.log'), 'a')] });
  for (let i = 0; i < 1200 && !fs.existsSync(addrFile); i++) await new Promise(r => setTimeout(r, 50));
  info = JSON.parse(fs.readFileSync(addrFile, 'utf8'));
  Object.assign(process.env, {
    E2B_API_KEY: KEY, E2B_DOMAIN: info.domain,
    E2B_API_URL: `http://${info.addr}`, E2B_SANDBOX_URL: `http://${info.addr}`,
  });
  e2b = await import('e2b');
  ci = await import('@e2b/code-interpreter');
});

after(() => { fake?.kill('SIGTERM'); });

const odd = { 'project id': 'a&b=c+d%20e f', app: 'tessera/100%' };
const near = (d, ms, slack = 5000) => Math.abs(d.getTime() - (Date.now() + ms)) < slack;

test('create (v2), get, list with metadata filters, set timeout, kill', async () => {
  const sb = await e2b.Sandbox.create('base', { metadata: odd, timeoutMs: 60_000 });
  const other = await e2b.Sandbox.create('base', { metadata: { ...odd, 'project id': 'a&b=c+d e f' } });
  const got = await e2b.Sandbox.getInfo(sb.sandboxId);
  assert.equal(got.state, 'running');
  assert.deepEqual(got.metadata, odd);
  // The standalone fake runs on wall-clock time.
  assert.ok(near(got.startedAt, 0), `startedAt ${got.startedAt.toISOString()} is not now`);
  assert.ok(near(got.endAt, 60_000), `endAt ${got.endAt.toISOString()}`);
  const listed = await e2b.Sandbox.list({ query: { metadata: odd } }).nextItems();
  assert.deepEqual(listed.map(s => s.sandboxId), [sb.sandboxId]);
  await sb.setTimeout(120_000);
  assert.ok(near((await sb.getInfo()).endAt, 120_000));
  assert.equal(await sb.kill(), true);
  assert.equal(await e2b.Sandbox.kill(sb.sandboxId), false);
  await assert.rejects(e2b.Sandbox.getInfo(sb.sandboxId), e2b.NotFoundError);
  await other.kill();
});

test('create and connect through the deprecated v1 endpoints (the SDK\'s own API client)', async () => {
  const api = new e2b.ApiClient(new e2b.ConnectionConfig()).api;
  const res = await api.POST('/sandboxes', { body: { templateID: 'base', timeout: 60, secure: true } });
  assert.equal(res.response.status, 201);
  const id = res.data.sandboxID;
  assert.ok(res.data.envdAccessToken);
  const con = await api.POST('/sandboxes/{sandboxID}/connect', { params: { path: { sandboxID: id } }, body: { timeout: 90 } });
  assert.equal(con.response.status, 200);
  // The SDK's v2 connect reaches the same sandbox and its envd.
  const sb = await e2b.Sandbox.connect(id);
  assert.equal((await sb.commands.run('echo v1')).stdout, 'v1\n');
  await sb.kill();
  const bad = await new e2b.ApiClient(new e2b.ConnectionConfig({ apiKey: 'e2b_0bad' })).api.GET('/sandboxes/{sandboxID}', { params: { path: { sandboxID: id } } });
  assert.equal(bad.response.status, 401);
});

test('pause, then connect (v2) resumes with files and state', async () => {
  const sb = await e2b.Sandbox.create('base', { timeoutMs: 60_000 });
  await sb.files.write('/home/user/kept.txt', 'before pause');
  assert.equal(await sb.pause(), true);
  assert.equal((await e2b.Sandbox.getInfo(sb.sandboxId)).state, 'paused');
  const again = await e2b.Sandbox.connect(sb.sandboxId, { timeoutMs: 60_000 });
  assert.equal((await again.getInfo()).state, 'running');
  assert.equal(await again.files.read('/home/user/kept.txt'), 'before pause');
  await again.kill();
});

test('files', async () => {
  const sb = await e2b.Sandbox.create('base');
  try {
    await sb.files.write('/home/user/a/b/c.txt', 'nested ü');
    assert.equal(await sb.files.read('/home/user/a/b/c.txt'), 'nested ü');
    const bin = new Uint8Array(256).map((_, i) => i);
    await sb.files.write('/home/user/bin.dat', bin.buffer);
    assert.deepEqual(new Uint8Array(await sb.files.read('/home/user/bin.dat', { format: 'bytes' })), bin);
    await sb.files.write([{ path: '/home/user/m/1.txt', data: '1' }, { path: '/home/user/m/2.txt', data: '2' }]);
    assert.deepEqual((await sb.files.list('/home/user/m')).map(e => e.name).sort(), ['1.txt', '2.txt']);
    assert.equal(await sb.files.makeDir('/home/user/d'), true);
    assert.equal(await sb.files.makeDir('/home/user/d'), false);
    assert.equal((await sb.files.getInfo('/home/user/d')).type, e2b.FileType.DIR);
    assert.equal(await sb.files.exists('/home/user/a/b/c.txt'), true);
    await sb.files.remove('/home/user/a');
    assert.equal(await sb.files.exists('/home/user/a/b/c.txt'), false);
    await assert.rejects(sb.files.read('/home/user/missing'), e2b.FileNotFoundError);
    await sb.commands.run('ln -s /home/user/m/1.txt /home/user/link; ln -s nowhere /home/user/broken');
    const entries = Object.fromEntries((await sb.files.list('/home/user')).map(e => [e.name, e]));
    assert.equal(entries.link.type, e2b.FileType.FILE);
    assert.equal(entries.link.symlinkTarget, '/home/user/m/1.txt');
    // envd gives a broken link no type; the SDK's list leaves such entries out.
    assert.equal(entries.broken, undefined);
    assert.equal((await sb.files.getInfo('/home/user/broken')).type, undefined);
  } finally { await sb.kill(); }
});

// Issue 23: what the SDK calls that the fake lacked. Each was measured
// against E2B's own envd (backend/e2b/conformance_sdk_test.go runs the same
// requests against both).
const until = async (what, pred) => {
  for (let i = 0; i < 200 && !pred(); i++) await new Promise(r => setTimeout(r, 50));
  assert.ok(pred(), what);
};

test('files: octet-stream uploads (a stream, gzip, useOctetStream), as envd >= 0.5.7 takes them', async () => {
  const sb = await e2b.Sandbox.create('base');
  try {
    const { Readable } = await import('node:stream');
    await sb.files.write('/home/user/o/stream.txt', Readable.toWeb(Readable.from([Buffer.from('from '), Buffer.from('a stream ü')])));
    assert.equal(await sb.files.read('/home/user/o/stream.txt'), 'from a stream ü');
    await sb.files.write('/home/user/o/z.txt', 'zipped', { gzip: true });
    assert.equal(await sb.files.read('/home/user/o/z.txt'), 'zipped');
    const bin = new Uint8Array(256).map((_, i) => 255 - i);
    const info = await sb.files.write('/home/user/o/raw.bin', bin.buffer, { useOctetStream: true });
    assert.equal(info.path, '/home/user/o/raw.bin');
    assert.deepEqual(new Uint8Array(await sb.files.read('/home/user/o/raw.bin', { format: 'bytes' })), bin);
    await sb.files.makeDir('/home/user/o/dir');
    await assert.rejects(sb.files.write('/home/user/o/dir', 'x', { useOctetStream: true }), /path is a directory/);
  } finally { await sb.kill(); }
});

test('commands: sendStdin and closeStdin', async () => {
  const sb = await e2b.Sandbox.create('base');
  try {
    let out = '';
    const h = await sb.commands.run('cat; echo done', { background: true, stdin: true, onStdout: d => { out += d; } });
    await sb.commands.sendStdin(h.pid, 'hello\n');
    await until(`cat echoes stdin: ${JSON.stringify(out)}`, () => out.includes('hello'));
    await sb.commands.closeStdin(h.pid);
    const r = await h.wait();
    assert.equal(r.stdout, 'hello\ndone\n');
    const quiet = await sb.commands.run('sleep 30', { background: true });
    await assert.rejects(sb.commands.sendStdin(quiet.pid, 'x'), /stdin not enabled or closed/);
    await quiet.kill();
  } finally { await sb.kill(); }
});

test('commands run as the sandbox account "user" by default', async () => {
  const sb = await e2b.Sandbox.create('base');
  try {
    const r = await sb.commands.run('whoami; echo "$HOME"; pwd');
    assert.equal(r.stdout, 'user\n/home/user\n/home/user\n');
    assert.equal((await sb.commands.run('whoami', { user: 'root' })).stdout, 'root\n');
  } finally { await sb.kill(); }
});

test('files.watchDir: events for changes, recursive, refused for a missing folder', async () => {
  const sb = await e2b.Sandbox.create('base');
  try {
    await sb.files.makeDir('/home/user/w/sub');
    const events = [];
    const h = await sb.files.watchDir('/home/user/w', e => events.push(e), { recursive: true });
    await sb.files.write('/home/user/w/new.txt', 'x');
    await sb.files.write('/home/user/w/sub/deep.txt', 'y');
    await sb.files.remove('/home/user/w/new.txt');
    const seen = (name, type) => events.some(e => e.name === name && e.type === type);
    await until(`events: ${JSON.stringify(events)}`, () => seen('new.txt', e2b.FilesystemEventType.CREATE)
      && seen('sub/deep.txt', e2b.FilesystemEventType.CREATE) && seen('new.txt', e2b.FilesystemEventType.REMOVE));
    await h.stop();
    await assert.rejects(sb.files.watchDir('/home/user/nowhere', () => {}), /not found/);
  } finally { await sb.kill(); }
});

test('commands: output, exit codes, env, background + kill, timeout', async () => {
  const sb = await e2b.Sandbox.create('base');
  try {
    const r = await sb.commands.run('echo out; echo err >&2', { envs: { X: 'y' } });
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
    assert.equal(r.exitCode, 0);
    assert.equal((await sb.commands.run('printf %s "$X"', { envs: { X: 'a b' } })).stdout, 'a b');
    await assert.rejects(sb.commands.run('exit 3'), e => e instanceof e2b.CommandExitError && e.exitCode === 3);
    await assert.rejects(sb.commands.run('id', { user: 'nosuchuser' }), /invalid username/);
    const h = await sb.commands.run('sleep 3600', { background: true });
    assert.ok((await sb.commands.list()).some(p => p.pid === h.pid));
    assert.equal(await h.kill(), true);
    await assert.rejects(h.wait(), e2b.CommandExitError);
    assert.ok(!(await sb.commands.list()).some(p => p.pid === h.pid));
    const t0 = Date.now();
    await assert.rejects(sb.commands.run('sleep 30', { timeoutMs: 1000 }), e2b.TimeoutError);
    assert.ok(Date.now() - t0 < 10_000);
  } finally { await sb.kill(); }
});

test('pty: create, input, resize, connect again by pid, kill (sandbox.pty)', async () => {
  const sb = await e2b.Sandbox.create('base');
  const dec = new TextDecoder(), enc = new TextEncoder();
  const until = async (what, pred) => {
    for (let i = 0; i < 200 && !pred(); i++) await new Promise(r => setTimeout(r, 50));
    assert.ok(pred(), what);
  };
  try {
    let out = '';
    const h = await sb.pty.create({ cols: 80, rows: 24, timeoutMs: 0, onData: d => { out += dec.decode(d); } });
    assert.ok(h.pid > 0);
    await sb.pty.sendInput(h.pid, enc.encode('echo hi-$((40+2)); stty size; echo $TERM\n'));
    await until(`echo, size and TERM through the pty: ${JSON.stringify(out)}`, () => out.includes('hi-42') && out.includes('24 80') && out.includes('xterm-256color'));
    await sb.pty.resize(h.pid, { cols: 120, rows: 40 });
    await sb.pty.sendInput(h.pid, enc.encode('stty size\n'));
    await until(`the new size: ${JSON.stringify(out)}`, () => out.includes('40 120'));
    await h.disconnect();
    let again = '';
    const h2 = await sb.pty.connect(h.pid, { timeoutMs: 0, onData: d => { again += dec.decode(d); } });
    await sb.pty.sendInput(h.pid, enc.encode('echo back-$((3+4))\n'));
    await until(`output after connect: ${JSON.stringify(again)}`, () => again.includes('back-7'));
    assert.ok(!again.includes('hi-42'), 'connect does not replay');
    assert.equal(await sb.pty.kill(h.pid), true);
    await assert.rejects(h2.wait(), e2b.CommandExitError);
    assert.equal(await sb.pty.kill(h.pid), false);
  } finally { await sb.kill(); }
});

test('runCode: text, chart, error, contexts', async () => {
  const sb = await ci.Sandbox.create();
  try {
    const x = await sb.runCode('x = 41\nprint("hi")\nx + 1');
    assert.equal(x.text, '42');
    assert.deepEqual(x.logs.stdout, ['hi\n']);
    const d = await sb.runCode('{"a": 1, "b": [1, 2]}');
    assert.deepEqual(d.results[0].json, { a: 1, b: [1, 2] });
    const err = await sb.runCode('1/0');
    assert.equal(err.error.name, 'ZeroDivisionError');
    const hasMpl = (await sb.runCode('import matplotlib')).error === undefined;
    if (hasMpl) {
      const ch = await sb.runCode("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [4, 5, 6], label='s')\nplt.title('T')\nplt.show()");
      const r = ch.results.find(r => r.chart);
      assert.ok(r && r.png, 'a chart result with a png');
      assert.equal(r.chart.type, 'line');
      assert.equal(r.chart.title, 'T');
      assert.deepEqual(r.chart.elements[0].points, [[1, 4], [2, 5], [3, 6]]);
    } else {
      console.log('# chart check skipped: the fake\'s python3 has no matplotlib');
    }
    const ctx = await sb.createCodeContext({ cwd: '/home/user' });
    await sb.runCode('only_here = 5', { context: ctx });
    assert.equal((await sb.runCode('only_here * 2', { context: ctx })).text, '10');
    assert.equal((await sb.runCode('only_here')).error.name, 'NameError');
    assert.ok((await sb.listCodeContexts()).some(c => c.id === ctx.id));
    await sb.restartCodeContext(ctx);
    assert.equal((await sb.runCode('only_here', { context: ctx })).error.name, 'NameError');
    await sb.removeCodeContext(ctx);
    assert.ok(!(await sb.listCodeContexts()).some(c => c.id === ctx.id));
    // A kernel the server does not have: refused as E2B's server refuses
    // one its Jupyter lacks (500, Jupyter's sentence), never a status E2B
    // does not send.
    // (the SDK keeps only the status of a 500); the sentence is checked
    // against the recording in backend/e2b/recordings_fake_test.go.
    await assert.rejects(sb.createCodeContext({ language: 'js' }), e => e instanceof e2b.SandboxError && /^500 /.test(e.message));
    await assert.rejects(sb.runCode('1 + 1', { language: 'typescript' }), e => e instanceof e2b.SandboxError && /^500 /.test(e.message));
  } finally { await sb.kill(); }
});

test('snapshots: create, a sandbox from one, list (per sandbox, paged), delete; fork', async () => {
  const sb = await e2b.Sandbox.create('base', { metadata: { app: 'tessera' }, timeoutMs: 60_000 });
  const made = [];
  try {
    await sb.files.write('/home/user/lib/pkg.txt', 'v1');
    const snap = await sb.createSnapshot();
    assert.match(snap.snapshotId, /:default$/);
    assert.ok(snap.names.length > 0);
    await sb.files.write('/home/user/lib/pkg.txt', 'v2');
    const from = await e2b.Sandbox.create(snap.snapshotId, { timeoutMs: 60_000 });
    made.push(from);
    assert.equal(await from.files.read('/home/user/lib/pkg.txt'), 'v1');
    const mine = await sb.listSnapshots().nextItems();
    assert.deepEqual(mine.map(s => s.snapshotId), [snap.snapshotId]);
    assert.deepEqual(await from.listSnapshots().nextItems(), []);
    // Pages of two with the SDK's paginator.
    for (let i = 0; i < 2; i++) await sb.createSnapshot();
    const pages = e2b.Sandbox.listSnapshots({ sandboxId: sb.sandboxId, limit: 2 });
    const ids = [];
    while (pages.hasNext) ids.push(...(await pages.nextItems()).map(s => s.snapshotId));
    assert.equal(ids.length, 3);
    for (const id of ids) assert.equal(await e2b.Sandbox.deleteSnapshot(id), true);
    assert.equal(await e2b.Sandbox.deleteSnapshot(snap.snapshotId), false);
    await assert.rejects(e2b.Sandbox.create(snap.snapshotId), /404/);

    // Fork: two copies from one checkpoint, each with the files.
    const forks = await sb.fork({ count: 2, timeoutMs: 60_000 });
    assert.equal(forks.length, 2);
    for (const f of forks) {
      assert.ok(f instanceof e2b.Sandbox, `a fork failed: ${f}`);
      made.push(f);
      assert.notEqual(f.sandboxId, sb.sandboxId);
      assert.equal(await f.files.read('/home/user/lib/pkg.txt'), 'v2');
      assert.deepEqual((await f.getInfo()).metadata, { app: 'tessera' });
    }
    assert.equal((await sb.getInfo()).state, 'running');
    await assert.rejects(e2b.Sandbox.fork('inotthere000000000000'), e2b.SandboxNotFoundError);
  } finally {
    for (const s of made) await s.kill();
    await sb.kill();
  }
});

test('the fake saw no request or answer outside its openapi.yml', async () => {
  const res = await fetch(`http://${info.admin}/counts`);
  const { contractErrors } = await res.json();
  assert.equal(contractErrors, 0, 'contract mismatches: see the fake\'s log');
});
