// Runs in the page's main world, in the top frame only, before any of the
// page's scripts. The Wails runtime calls window.WailsInvoke(message); this
// hands the message to the isolated world through an event on this document.
(function () {
  'use strict';
  if (window.top !== window) return;
  var d = document;
  var invoke = function (message) {
    d.dispatchEvent(new CustomEvent('tessera:ipc', { detail: String(message) }));
  };
  Object.defineProperty(window, 'WailsInvoke', { value: invoke, writable: false, configurable: false });
})();
