// Every chart on every page, drawn by Apache ECharts from the element's data attributes (the
// Content-Security-Policy runs no inline script, so a template only marks the element):
//   data-chart="bar" | "line"     the kind of chart
//   data-chart-data="id"          the id of a json_script element holding {labels, series: [{name, data, links}]}
//   data-chart-key="years"        optional: the entry of that JSON to draw, when it holds several charts
//   data-chart-labels="floors"    optional: the JSON key of the x-axis labels (default "labels")
//   data-chart-label-suffix="F"   optional: written after each label
//   data-chart-y-name="元/户"     optional: the y-axis name
//   data-chart-colors="#ee6666"   optional: series colours, comma-separated
// A series' `links` make its bars clickable: each opens the rows behind the figure.
// Charts redraw when htmx swaps new data in (the cost-share calculator) and resize with the window.
// Tooltips are drawn on the canvas (renderMode "richText"): the HTML tooltip writes style=""
// attributes, which the Content-Security-Policy (no inline style) refuses.
(function () {
  "use strict";
  var COLORS = ["#5470c6", "#91cc75", "#ee6666", "#fac858", "#73c0de"];
  var TOOLTIP = {trigger: "axis", renderMode: "richText"};

  // Canvas text needs the page's own font: machines without a CJK system font would draw boxes.
  function font() { return getComputedStyle(document.body).fontFamily; }

  function read(el) {
    var node = document.getElementById(el.getAttribute("data-chart-data"));
    if (!node) return null;
    var data = JSON.parse(node.textContent);
    var key = el.getAttribute("data-chart-key");
    return key ? data[key] : data;
  }

  function labels(el, data) {
    var suffix = el.getAttribute("data-chart-label-suffix") || "";
    return (data[el.getAttribute("data-chart-labels") || "labels"] || []).map(function (l) { return l + suffix; });
  }

  function option(el, data) {
    var x = labels(el, data);
    var colors = el.getAttribute("data-chart-colors");
    var common = {color: colors ? colors.split(",") : COLORS, textStyle: {fontFamily: font()}, tooltip: TOOLTIP};
    if (el.getAttribute("data-chart") === "line") {
      return Object.assign(common, {
        legend: {type: "scroll", top: 0}, grid: {left: 60, right: 16, top: 40, bottom: 30},
        xAxis: {type: "category", data: x}, yAxis: {type: "value", name: el.getAttribute("data-chart-y-name") || ""},
        series: data.series.map(function (s) { return {name: s.name, type: "line", data: s.data.map(Number)}; })
      });
    }
    return Object.assign(common, {
      legend: {top: 0}, grid: {left: 40, right: 10, bottom: 40, top: 30, containLabel: true},
      xAxis: {type: "category", data: x, axisLabel: {interval: 0, rotate: x.length > 6 ? 30 : 0}},
      yAxis: {type: "value", minInterval: 1, name: el.getAttribute("data-chart-y-name") || ""},
      series: data.series.map(function (s) { return {name: s.name, type: "bar", data: s.data, label: {show: true, position: "top"}}; })
    });
  }

  function draw(el) {
    var data = read(el);
    if (!data || typeof echarts === "undefined") return;
    el.anjuChartData = data;
    var chart = echarts.getInstanceByDom(el);
    if (!chart) {
      chart = echarts.init(el);
      chart.on("click", function (p) {
        var series = el.anjuChartData.series[p.seriesIndex];
        var link = series && series.links && series.links[p.dataIndex];
        if (link) window.location = link;
      });
    }
    chart.setOption(option(el, data), true);
  }

  function drawAll() { document.querySelectorAll("[data-chart]").forEach(draw); }

  function start() {
    drawAll();
    if (document.fonts) document.fonts.ready.then(drawAll);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
  document.addEventListener("htmx:afterSwap", drawAll);
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var chart = typeof echarts === "undefined" ? null : echarts.getInstanceByDom(el);
      if (chart) chart.resize();
    });
  });
})();
