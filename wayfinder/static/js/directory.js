/* Directory pages: progressive enhancements only. Every page works without this file. */
(function () {
  "use strict";

  // "Use my location": fills the hidden lat/lon fields and submits the search form.
  document.querySelectorAll("[data-geo-form]").forEach(function (form) {
    var button = form.querySelector("[data-geo-button]");
    var status = form.querySelector("[data-geo-status]");
    if (!button || !("geolocation" in navigator)) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.getAttribute("data-locating") || "…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[data-geo-lat]").value = pos.coords.latitude.toFixed(5);
        form.querySelector("[data-geo-lon]").value = pos.coords.longitude.toFixed(5);
        var where = form.querySelector("[name=where]");
        if (where) where.value = "";
        form.submit();
      }, function () {
        status.textContent = form.getAttribute("data-geo-error") || "Location unavailable. Enter a ZIP code instead.";
      }, { timeout: 10000, maximumAge: 600000 });
    });
    // Typing a place replaces a browser position.
    var where = form.querySelector("[name=where]");
    if (where) where.addEventListener("input", function () {
      form.querySelector("[data-geo-lat]").value = "";
      form.querySelector("[data-geo-lon]").value = "";
    });
  });

  // Copy a share link.
  document.querySelectorAll("[data-copy-button]").forEach(function (button) {
    var source = document.querySelector("[data-copy-source]");
    var status = document.querySelector("[data-copy-status]");
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(function () {
        if (status) status.textContent = "✓";
      });
    });
  });

  // Map of a service's locations (only when the deployment configured a tile server).
  var map = document.getElementById("service-map");
  var data = document.getElementById("map-points");
  if (map && data && window.L) {
    var points = JSON.parse(data.textContent);
    var leaflet = window.L.map(map, { scrollWheelZoom: false });
    window.L.tileLayer(map.getAttribute("data-tiles"), { maxZoom: 18, attribution: "© OpenStreetMap" }).addTo(leaflet);
    var bounds = [];
    points.forEach(function (p) {
      window.L.marker([p.lat, p.lon], { alt: p.name }).addTo(leaflet).bindPopup(document.createTextNode(p.name));
      bounds.push([p.lat, p.lon]);
    });
    if (bounds.length === 1) leaflet.setView(bounds[0], 14); else leaflet.fitBounds(bounds, { padding: [24, 24] });
  }
})();
