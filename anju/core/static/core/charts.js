// ECharts helpers shared by the dashboard and the cost-share calculator.
// Tooltips are drawn on the canvas (renderMode "richText"): the HTML tooltip writes style=""
// attributes, which the Content-Security-Policy (no inline style) refuses.
window.anjuCharts = (function () {
  "use strict";
  // Canvas text needs the page's own font: machines without a CJK system font would draw boxes.
  function font() { return getComputedStyle(document.body).fontFamily; }
  function fontsReady() { return document.fonts ? document.fonts.ready : Promise.resolve(); }
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var tooltip = {trigger: "axis", renderMode: "richText"};
  return {font: font, fontsReady: fontsReady, data: data, tooltip: tooltip};
})();
