// Enhances a location (data-lat/data-lon) or a set of places (data-markers, JSON) with a Leaflet map;
// without JavaScript the text fallback stays.
// Labels are typed by people (places, targets, titles), and pages require Trusted Types: nothing here
// hands Leaflet a string it would set as HTML. Tooltips, zoom glyphs and the credit are text and elements.
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

  function textElement(tag, text) {
    var node = document.createElement(tag);
    node.textContent = text;
    return node;
  }

  function hiddenFromScreenReaders(node) {
    node.setAttribute('aria-hidden', 'true');
    return node;
  }

  // Leaflet's zoom control with its glyphs set as text (its own button sets them as innerHTML);
  // the rest (disabled at the zoom limits, refocusing the map) stays Leaflet's.
  var TextZoom = L.Control.Zoom.extend({
    _createButton: function (glyph, title, className, container, fn) {
      var link = L.DomUtil.create('a', className, container);
      link.appendChild(hiddenFromScreenReaders(textElement('span', glyph)));
      link.href = '#';
      link.title = title;
      link.setAttribute('role', 'button');
      link.setAttribute('aria-label', title);
      L.DomEvent.disableClickPropagation(link);
      L.DomEvent.on(link, 'click', L.DomEvent.stop);
      L.DomEvent.on(link, 'click', fn, this);
      L.DomEvent.on(link, 'click', this._refocusOnMap, this);
      return link;
    },
  });

  // The tiles' credit (OpenStreetMap's licence asks for it) as elements: Leaflet's attribution
  // control joins its parts into one string of HTML.
  var credit = L.control({ position: 'bottomright' });
  credit.onAdd = function () {
    var box = L.DomUtil.create('div', 'leaflet-control-attribution');
    var leaflet = textElement('a', 'Leaflet');
    leaflet.href = 'https://leafletjs.com';
    var osm = textElement('a', 'OpenStreetMap');
    osm.href = 'https://www.openstreetmap.org/copyright';
    box.append(leaflet, ' ', hiddenFromScreenReaders(textElement('span', '|')), ' \u00a9 ', osm, ' contributors');
    L.DomEvent.disableClickPropagation(box);
    return box;
  };

  el.hidden = false;
  var map = L.map(el, { scrollWheelZoom: false, zoomControl: false, attributionControl: false });
  new TextZoom({ zoomInText: '+', zoomOutText: '\u2212' }).addTo(map);
  credit.addTo(map);
  L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map);
  markers.forEach(function (m) {
    var marker = L.circleMarker([m.lat, m.lon], { radius: 9, color: '#0b5cad', weight: 3, fillOpacity: 0.4 }).addTo(map);
    // A string tooltip Leaflet sets as innerHTML; an element it appends as it is.
    if (m.label) marker.bindTooltip(textElement('span', String(m.label)));
    if (m.href) marker.on('click', function () { window.location.href = m.href; });
  });
  if (markers.length === 1) map.setView([markers[0].lat, markers[0].lon], 11);
  else map.fitBounds(markers.map(function (m) { return [m.lat, m.lon]; }), { padding: [30, 30], maxZoom: 11 });
})();
