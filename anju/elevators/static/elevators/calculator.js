// The calculator's chart of each floor's share per method; redrawn when htmx swaps new results in.
(function () {
  "use strict";
  var chart = null;
  function draw() {
    var data = anjuCharts.data("chart-data");
    var el = document.getElementById("chart");
    if (!data || !el || typeof echarts === "undefined") return;
    chart = chart || echarts.init(el);
    chart.setOption({
      textStyle: {fontFamily: anjuCharts.font()}, tooltip: anjuCharts.tooltip, legend: {type: "scroll", top: 0},
      grid: {left: 60, right: 16, top: 40, bottom: 30},
      xAxis: {type: "category", data: data.floors.map(function (f) { return f + "F"; })},
      yAxis: {type: "value", name: el.getAttribute("data-y-name") || ""},
      series: data.series.map(function (s) { return {name: s.name, type: "line", data: s.data.map(Number)}; })
    }, true);
  }
  function start() { draw(); anjuCharts.fontsReady().then(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
  document.body.addEventListener("htmx:afterSwap", draw);
  window.addEventListener("resize", function () { if (chart) chart.resize(); });
})();
