// Draws the extension's icon (images/icon.png, 256×256, transparent corners) from the SVG below,
// rendered by Chromium through playwright-core, so the PNG can be remade after an edit:
//   node scripts/draw-icon.mjs            (Chromium: FROM_LENS_CHROMIUM, else /usr/bin/chromium)
// The picture: a magnifying lens over the word FROM on a rounded blue tile — "what is this base
// image, really?" — with three stacked layers seen through the lens.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const REPO = resolve(fileURLToPath(new URL("..", import.meta.url)));
const OUT = join(REPO, "images", "icon.png");
const SIZE = 256;

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 256 256">
  <defs>
    <linearGradient id="tile" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#1d63ed"/>
      <stop offset="1" stop-color="#0b2f7a"/>
    </linearGradient>
    <clipPath id="glass"><circle cx="114" cy="92" r="52"/></clipPath>
  </defs>
  <rect x="8" y="8" width="240" height="240" rx="44" fill="url(#tile)"/>
  <text x="128" y="226" text-anchor="middle" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-weight="700"
        font-size="54" letter-spacing="2" fill="#ffffff">FROM</text>
  <g clip-path="url(#glass)">
    <circle cx="114" cy="92" r="52" fill="#e8f0ff"/>
    <rect x="78" y="56" width="72" height="18" rx="5" fill="#1d63ed"/>
    <rect x="78" y="82" width="72" height="18" rx="5" fill="#3f80f5"/>
    <rect x="78" y="108" width="72" height="18" rx="5" fill="#7aa7f8"/>
  </g>
  <circle cx="114" cy="92" r="52" fill="none" stroke="#ffffff" stroke-width="12"/>
  <line x1="152" y1="130" x2="186" y2="164" stroke="#ffffff" stroke-width="18" stroke-linecap="round"/>
</svg>`;

const browser = await chromium.launch({
  executablePath: process.env.FROM_LENS_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${SVG}</body></html>`);
  const png = await page.screenshot({
    omitBackground: true,
    clip: { x: 0, y: 0, width: SIZE, height: SIZE },
  });
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, png);
  console.log(`draw-icon: wrote ${OUT} (${png.length} bytes)`);
} finally {
  await browser.close();
}
