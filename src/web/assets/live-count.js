// Keeps the count current without a reload by polling the cacheable count endpoint.
// The count sits in an aria-live="polite" region, so screen readers hear changes without interruption.
(function () {
  var el = document.querySelector('[data-live-count]');
  if (!el || !window.fetch) return;
  var slug = el.getAttribute('data-live-count');
  function refresh() {
    if (document.hidden) return;
    fetch('/api/v1/petitions/' + encodeURIComponent(slug) + '/count', { headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) return;
        var text = Number(body.signatureCount).toLocaleString('en-GB');
        if (el.textContent !== text) el.textContent = text;
      })
      .catch(function () {});
  }
  setInterval(refresh, 10000);
})();
