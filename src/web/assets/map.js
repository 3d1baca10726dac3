// Enhances a location (data-lat/data-lon) or a set of places (data-markers, JSON) with a Leaflet map;
// without JavaScript the text fallback stays.
(function () {
  var el = document.getElementById('map');
  if (!el || typeof L === 'undefined') return;
  var markers = [];
  if (el.dataset.markers) {
    try { markers = JSON.parse(el.dataset.markers); } catch (e) { return; }
  } else {
    markers = [{ lat: Number(el.dataset.lat), lon: Number(el.dataset.lon), label: el.dataset.label || '' }];
  }
  markers = markers.filter(function (m) { return isFinite(m.lat) && isFinite(m.lon); });
  if (markers.length === 0) return;
  el.hidden = false;
  var map = L.map(el, { scrollWheelZoom: false });
  L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors' }).addTo(map);
  markers.forEach(function (m) {
    var marker = L.circleMarker([m.lat, m.lon], { radius: 9, color: '#0b5cad', weight: 3, fillOpacity: 0.4 }).addTo(map).bindTooltip(m.label || '');
    if (m.href) marker.on('click', function () { window.location.href = m.href; });
  });
  if (markers.length === 1) map.setView([markers[0].lat, markers[0].lon], 11);
  else map.fitBounds(markers.map(function (m) { return [m.lat, m.lon]; }), { padding: [30, 30], maxZoom: 11 });
})();
