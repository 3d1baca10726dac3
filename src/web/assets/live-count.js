// Keeps the count (and the progress bar) current without a reload: Server-Sent Events from
// /petitions/:slug/live, falling back to polling the cacheable count endpoint every 10 seconds.
// The count sits in an aria-live="polite" region, so screen readers hear changes without interruption;
// the server sends at most one change a second.
(function () {
  var el = document.querySelector('[data-live-count]');
  if (!el || !window.fetch) return;
  var slug = el.getAttribute('data-live-count');
  var bar = document.querySelector('.count-box progress');
  var format = window.Intl ? new Intl.NumberFormat('en-GB') : null;
  var polling = null;

  function show(count) {
    if (!isFinite(count)) return;
    var text = format ? format.format(count) : String(count);
    if (el.textContent !== text) el.textContent = text;
    if (bar) bar.value = Math.min(count, Number(bar.max));
  }

  function poll() {
    if (polling) return;
    polling = setInterval(function () {
      if (document.hidden) return;
      fetch('/api/v1/petitions/' + encodeURIComponent(slug) + '/count', { headers: { accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) { if (body) show(Number(body.signatureCount)); })
        .catch(function () {});
    }, 10000);
  }

  if (!window.EventSource) return poll();
  var failures = 0;
  function connect() {
    var source = new EventSource('/petitions/' + encodeURIComponent(slug) + '/live');
    source.addEventListener('count', function (e) {
      failures = 0;
      try { show(Number(JSON.parse(e.data).signatureCount)); } catch (err) {}
    });
    // The server is stopping (a deploy, a restart): a new stream, a random moment later so that every
    // page does not come back at once, reaches a process that is still serving. Not a failure.
    source.addEventListener('reconnect', function () {
      source.close();
      failures = 0;
      setTimeout(connect, 1000 + Math.random() * 4000);
    });
    source.onerror = function () {
      // A refused stream (503 when the server is full, a proxy's error page) is CLOSED for good: poll at
      // once. A dropped one reconnects by itself; after repeated drops (a buffering proxy) poll instead.
      if (source.readyState === EventSource.CLOSED || ++failures >= 3) {
        source.close();
        poll();
      }
    };
  }
  connect();
})();
