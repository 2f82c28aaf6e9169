// Behaviour every page shares. The Content-Security-Policy runs no inline script or handler
// (script-src 'self'), so templates mark elements with data- attributes and this file acts on
// them. Listeners sit on the document, so content htmx swaps in later works the same way.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing a value submits its form (filters, status pickers).
  document.addEventListener("change", function (event) {
    var select = event.target.closest ? event.target.closest("select[data-autosubmit]") : null;
    if (select && select.form) {
      if (select.form.requestSubmit) select.form.requestSubmit(); else select.form.submit();
    }
  });

  // <select data-navigate="/path/?compound=">: choosing a value opens that URL with the value appended.
  document.addEventListener("change", function (event) {
    var select = event.target.closest ? event.target.closest("select[data-navigate]") : null;
    if (select) window.location = select.getAttribute("data-navigate") + encodeURIComponent(select.value);
  });

  // <form data-confirm="question"> or <button data-confirm="question">: asks before an irreversible
  // step, naming what will happen. The button's question wins (a form may have several buttons).
  // Without script the form simply submits: the server's rules still hold.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute && button.getAttribute("data-confirm")) ||
                   (form.getAttribute && form.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) event.preventDefault();
  });

  // <a data-back href="/fallback/">: back to the previous page when there is one.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-back]") : null;
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
