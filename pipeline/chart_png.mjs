// PNG images of the chart SVGs, drawn by resvg (no browser), for the downloads
// (pipeline/chart_exports.py).
//
// Reads a JSON object {scale, fonts: [path], family, items: [{id, svg}]} on
// stdin and writes {id: base64 PNG} on stdout. Only the font files given are
// used (Noto Sans SC from the npm package @expo-google-fonts/noto-sans-sc),
// never the machine's own, so every machine draws the same pixels.
import { Resvg } from "@resvg/resvg-js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const request = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const out = {};
for (const item of request.items) {
  const resvg = new Resvg(item.svg, {
    fitTo: { mode: "zoom", value: request.scale },
    background: "#ffffff",
    font: {
      fontFiles: request.fonts,
      loadSystemFonts: false,
      defaultFontFamily: request.family,
      sansSerifFamily: request.family,
    },
  });
  out[item.id] = Buffer.from(resvg.render().asPng()).toString("base64");
}
process.stdout.write(JSON.stringify(out));
