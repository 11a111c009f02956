/* Partner location form: pick the location's point on a map (only where the deployment
   has map tiles). Fills the form's hidden latitude/longitude; without this script the
   location is placed from its address. */
(function () {
  "use strict";
  var box = document.getElementById("location-picker");
  if (!box || !window.L) return;
  var form = box.closest("form");
  var lat = form.querySelector("[name=latitude]");
  var lon = form.querySelector("[name=longitude]");
  var status = form.querySelector("[data-point-status]");
  var start = lat.value && lon.value ? [parseFloat(lat.value), parseFloat(lon.value)] : null;
  var map = window.L.map(box, { scrollWheelZoom: false }).setView(start || [37.84, -85.3], start ? 15 : 7);
  window.L.tileLayer(box.getAttribute("data-tiles"), { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
  var marker = start ? window.L.marker(start).addTo(map) : null;
  map.on("click", function (event) {
    var point = event.latlng;
    lat.value = point.lat.toFixed(6);
    lon.value = point.lng.toFixed(6);
    if (marker) marker.setLatLng(point); else marker = window.L.marker(point).addTo(map);
    if (status) status.textContent = box.getAttribute("data-picked") + ": " + lat.value + ", " + lon.value;
  });
})();
