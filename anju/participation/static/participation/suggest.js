// The suggestion form: choosing the compound reloads the page, so its buildings are offered.
(function () {
  "use strict";
  var form = document.querySelector("form[data-compound-url]");
  var select = document.getElementById("id_compound");
  if (!form || !select) return;
  select.addEventListener("change", function () {
    window.location = form.getAttribute("data-compound-url") + encodeURIComponent(select.value);
  });
})();
