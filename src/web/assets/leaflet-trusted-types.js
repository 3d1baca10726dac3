// Pages require Trusted Types (decision 0032), and Leaflet 1.9 checks for inline SVG as it loads by
// setting innerHTML to '<svg/>': refused, that throws and no map appears. This default policy lets
// that one constant through and nothing else, so any other string set as HTML, or any script, is
// still refused. It runs before leaflet.js; map.js gives Leaflet no other HTML.
(function () {
  if (!window.trustedTypes) return;
  var LEAFLET_SVG_CHECK = '<svg/>';
  window.trustedTypes.createPolicy('default', {
    createHTML: function (html) { return html === LEAFLET_SVG_CHECK ? html : null; },
  });
})();
