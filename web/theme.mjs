// The site's ECharts theme, one for each page palette (web/palette.json).
//
// Shared by the drawing at build time (pipeline/chart_svg.mjs, in Node) and
// the live charts in the browser (web/charts.js), so a chart looks the same
// before and after it comes alive.

export const FONT =
  '-apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", ' +
  '"Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif';

// `font`: the font-family written into the chart. The SVG drawn at build time is inlined in
// the page and takes the page's own font ("inherit").
export function theme(p, font = FONT) {
  const axis = {
    axisLine: { lineStyle: { color: p.axis } },
    axisTick: { lineStyle: { color: p.axis } },
    axisLabel: { color: p.text },
    splitLine: { lineStyle: { color: p.grid } },
    nameTextStyle: { color: p.muted },
  };
  const label = { color: p.text, textBorderColor: p.background };
  return {
    color: p.series,
    backgroundColor: "transparent",
    textStyle: { color: p.text, fontFamily: font },
    title: { textStyle: { color: p.text }, subtextStyle: { color: p.muted } },
    legend: { textStyle: { color: p.text }, inactiveColor: p.grid },
    categoryAxis: axis,
    valueAxis: axis,
    bar: { label },
    line: { label },
    label,
    tooltip: {
      backgroundColor: p.background,
      borderColor: p.axis,
      textStyle: { color: p.text },
    },
    aria: { decal: { decals: { color: p.decal } } },
  };
}
