// Runs in the isolated world "tessera-bridge", in the top frame only. It is
// the only script anywhere that can reach Wails' message handler; it passes
// on what the app's own page dispatches on its own document.
(function () {
  'use strict';
  var h = window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.external;
  if (!h || window.top !== window) return;
  var post = h.postMessage.bind(h);
  document.addEventListener('tessera:ipc', function (e) {
    if (typeof e.detail === 'string') post(e.detail);
  }, true);
})();
