// Enhances the petition's location with a Leaflet map; without JavaScript the text fallback stays.
(function () {
  var el = document.getElementById('map');
  if (!el || typeof L === 'undefined') return;
  var lat = Number(el.dataset.lat), lon = Number(el.dataset.lon);
  if (!isFinite(lat) || !isFinite(lon)) return;
  el.hidden = false;
  var map = L.map(el, { scrollWheelZoom: false }).setView([lat, lon], 11);
  L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors' }).addTo(map);
  L.circleMarker([lat, lon], { radius: 9, color: '#0b5cad', weight: 3, fillOpacity: 0.4 }).addTo(map).bindTooltip(el.dataset.label || '');
})();
