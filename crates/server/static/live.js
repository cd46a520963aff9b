// Dauys's one script, loaded only where it helps; every page works fully without it.
// 1. A petition's count stays live while the page is open: the cached count endpoint is
//    asked every 5 to 6 seconds (conditionally, so an unchanged count costs a 304), never
//    while the tab is hidden.
// 2. The share box's "Copy" button, hidden until this script shows it.
(function () {
  'use strict';
  var section = document.querySelector('[data-live-src]');
  var count = section && section.querySelector('[data-live="count"]');
  if (count && window.fetch) {
    var src = section.getAttribute('data-live-src');
    var bar = section.querySelector('progress');
    var format = new Intl.NumberFormat(document.documentElement.lang || 'kk');
    var schedule = function () { window.setTimeout(tick, 5000 + Math.random() * 1000); };
    var tick = function () {
      if (document.hidden) { schedule(); return; }
      fetch(src, { cache: 'no-cache', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (d && typeof d.signatures === 'number') {
            count.textContent = format.format(d.signatures);
            if (bar) { bar.value = Math.min(d.signatures, Number(bar.max)); }
          }
        })
        .catch(function () {})
        .then(schedule);
    };
    schedule();
  }
  var copy = document.querySelector('button[data-copy]');
  var field = copy && document.getElementById(copy.getAttribute('data-copy'));
  if (copy && field && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener('click', function () {
      navigator.clipboard.writeText(field.value).then(function () {
        copy.textContent = copy.getAttribute('data-copied');
      });
    });
  }
})();
