// The dashboard's charts; each bar links to the rows behind it (the JSON carries the links).
(function () {
  "use strict";
  var colors = ["#5470c6", "#91cc75", "#ee6666", "#fac858", "#73c0de"];
  anjuCharts.fontsReady().then(function () {
    var data = anjuCharts.data("dashboard-charts");
    if (!data || typeof echarts === "undefined") return;
    Object.keys(data).forEach(function (key) {
      var chart = data[key];
      var el = document.getElementById("chart-" + key);
      if (!el) return;
      var c = echarts.init(el);
      c.setOption({
        color: key === "overdue" ? ["#ee6666"] : colors, textStyle: {fontFamily: anjuCharts.font()},
        tooltip: anjuCharts.tooltip, legend: {top: 0},
        grid: {left: 40, right: 10, bottom: 40, top: 30, containLabel: true},
        xAxis: {type: "category", data: chart.labels, axisLabel: {interval: 0, rotate: chart.labels.length > 6 ? 30 : 0}},
        yAxis: {type: "value", minInterval: 1},
        series: chart.series.map(function (s) {
          return {name: s.name, type: "bar", data: s.data, label: {show: true, position: "top"}};
        })
      });
      c.on("click", function (p) {
        var link = chart.series[p.seriesIndex].links[p.dataIndex];
        if (link) window.location = link;
      });
      window.addEventListener("resize", function () { c.resize(); });
    });
  });
})();
