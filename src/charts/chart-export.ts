// A chart's <svg> as a file that looks the same on its own: computed styles (with the theme's CSS
// variables resolved) are inlined, an explicit background is drawn, and a header with the chart's
// title and legend is added (in the lab those live in HTML around the svg). PNG: the same SVG
// drawn onto a canvas at 2×.

export interface ExportLegendItem {
  label: string;
  colour: string;
  /** SVG stroke-dasharray ('' for solid). */
  dash?: string;
}

export interface ExportOptions {
  title: string;
  legend?: ExportLegendItem[];
  /** File name without extension; defaults to a slug of the title. */
  fileName?: string;
  /** Background colour; defaults to the first opaque background behind the svg, else white. */
  background?: string;
}

/** Presentation properties copied from the computed style of every element. */
const STYLE_PROPERTIES = [
  'display',
  'visibility',
  'opacity',
  'fill',
  'fill-opacity',
  'fill-rule',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-dashoffset',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-opacity',
  'shape-rendering',
  'vector-effect',
  'paint-order',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'font-variant-numeric',
  'font-feature-settings',
  'letter-spacing',
  'text-anchor',
  'dominant-baseline',
  'white-space',
];

const SVG_NS = 'http://www.w3.org/2000/svg';
const HEADER_FONT_PX = 12;
const LEGEND_FONT_PX = 11;

export function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .replace(/[\s_-]+/g, '-') || 'chart'
  );
}

function isTransparent(colour: string): boolean {
  return (
    colour === '' ||
    colour === 'transparent' ||
    /^rgba\(.*,\s*0\)$/.test(colour) ||
    /\/\s*0\)$/.test(colour)
  );
}

/** The colour the svg is seen against: the first opaque background up the tree, else white. */
export function backgroundBehind(el: Element): string {
  for (let e: Element | null = el; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    if (!isTransparent(bg)) return bg;
  }
  return '#ffffff';
}

function textWidth(text: string, fontPx: number, family: string): number {
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return text.length * fontPx * 0.6;
  ctx.font = `${fontPx}px ${family}`;
  return ctx.measureText(text).width;
}

function copyStyles(from: Element, to: Element): void {
  const cs = getComputedStyle(from);
  const parts: string[] = [];
  for (const p of STYLE_PROPERTIES) {
    const v = cs.getPropertyValue(p);
    if (v !== '') parts.push(`${p}:${v}`);
  }
  to.setAttribute('style', parts.join(';'));
}

/** A standalone SVG document for `svg`, with a title and legend header. */
export function standaloneSvg(
  svg: SVGSVGElement,
  options: ExportOptions,
): { text: string; width: number; height: number; background: string } {
  const box = svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(box.width || svg.width.baseVal.value || 300));
  const bodyHeight = Math.max(1, Math.round(box.height || svg.height.baseVal.value || 150));
  const background = options.background ?? backgroundBehind(svg);
  const rootStyle = getComputedStyle(svg);
  const textColour = rootStyle.color || '#000000';
  const family = rootStyle.fontFamily || 'sans-serif';

  // Clone, then copy computed styles element by element (same document order in both trees).
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const source = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const copies = [clone, ...Array.from(clone.querySelectorAll('*'))];
  const drop: Element[] = [];
  source.forEach((el, i) => {
    const copy = copies[i];
    if (!copy) return;
    if (el.hasAttribute('data-export-skip') || getComputedStyle(el).display === 'none') {
      drop.push(copy);
      return;
    }
    copyStyles(el, copy);
    copy.removeAttribute('class');
    copy.removeAttribute('tabindex');
  });
  for (const el of drop) el.remove();

  // Header: title on the first line, legend items after it, wrapping as needed.
  const pad = 8;
  const items = options.legend ?? [];
  const rows: Array<Array<{ item: ExportLegendItem; x: number }>> = [[]];
  let x = pad;
  for (const item of items) {
    const w = 22 + textWidth(item.label, LEGEND_FONT_PX, family) + 12;
    if (x + w > width - pad && rows[rows.length - 1].length > 0) {
      rows.push([]);
      x = pad;
    }
    rows[rows.length - 1].push({ item, x });
    x += w;
  }
  const titleLine = HEADER_FONT_PX + 8;
  const legendLine = LEGEND_FONT_PX + 6;
  const header = pad + titleLine + (items.length > 0 ? rows.length * legendLine : 0);
  const height = header + bodyHeight;

  const root = document.createElementNS(SVG_NS, 'svg');
  root.setAttribute('xmlns', SVG_NS);
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  root.setAttribute(
    'style',
    `font-family:${family};font-variant-numeric:tabular-nums;color:${textColour}`,
  );
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', background);
  root.appendChild(bg);

  const title = document.createElementNS(SVG_NS, 'text');
  title.setAttribute('x', String(pad));
  title.setAttribute('y', String(pad + HEADER_FONT_PX));
  title.setAttribute('fill', textColour);
  title.setAttribute('font-size', `${HEADER_FONT_PX}px`);
  title.setAttribute('font-weight', '600');
  title.textContent = options.title;
  root.appendChild(title);

  rows.forEach((row, r) => {
    const y = pad + titleLine + r * legendLine + LEGEND_FONT_PX / 2 + 2;
    for (const { item, x: lx } of row) {
      const line = document.createElementNS(SVG_NS, 'line');
      line.setAttribute('x1', String(lx));
      line.setAttribute('x2', String(lx + 18));
      line.setAttribute('y1', String(y));
      line.setAttribute('y2', String(y));
      line.setAttribute('stroke', item.colour);
      line.setAttribute('stroke-width', '2');
      if (item.dash) line.setAttribute('stroke-dasharray', item.dash);
      root.appendChild(line);
      const label = document.createElementNS(SVG_NS, 'text');
      label.setAttribute('x', String(lx + 22));
      label.setAttribute('y', String(y + LEGEND_FONT_PX / 2 - 1));
      label.setAttribute('fill', textColour);
      label.setAttribute('font-size', `${LEGEND_FONT_PX}px`);
      label.textContent = item.label;
      root.appendChild(label);
    }
  });

  const body = document.createElementNS(SVG_NS, 'svg');
  body.setAttribute('x', '0');
  body.setAttribute('y', String(header));
  body.setAttribute('width', String(width));
  body.setAttribute('height', String(bodyHeight));
  const vb = clone.getAttribute('viewBox');
  body.setAttribute('viewBox', vb ?? `0 0 ${width} ${bodyHeight}`);
  body.setAttribute('overflow', 'hidden');
  const label = svg.getAttribute('aria-label');
  if (label) {
    const desc = document.createElementNS(SVG_NS, 'desc');
    desc.textContent = label;
    root.insertBefore(desc, root.firstChild);
  }
  while (clone.firstChild) body.appendChild(clone.firstChild);
  root.appendChild(body);

  const text = new XMLSerializer().serializeToString(root);
  return { text, width, height, background };
}

/** Saves a blob under a file name (through a temporary link). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The standalone SVG file's text (with an XML declaration). */
export function svgFileText(svg: SVGSVGElement, options: ExportOptions): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${standaloneSvg(svg, options).text}`;
}

/** Downloads the chart as an SVG file; returns the file name. */
export function exportSvg(svg: SVGSVGElement, options: ExportOptions): string {
  const name = `${options.fileName ?? slug(options.title)}.svg`;
  const blob = new Blob([svgFileText(svg, options)], { type: 'image/svg+xml;charset=utf-8' });
  downloadBlob(blob, name);
  return name;
}

/** The chart rendered to PNG at `scale`× over an explicit background. */
export async function pngBlob(
  svg: SVGSVGElement,
  options: ExportOptions,
  scale = 2,
): Promise<Blob> {
  const { text, width, height, background } = standaloneSvg(svg, options);
  const img = new Image();
  img.width = width;
  img.height = height;
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas context');
  ctx.scale(scale, scale);
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(img, 0, 0, width, height);
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))),
      'image/png',
    );
  });
}

/** Downloads the chart as a PNG at 2×; resolves to the file name. */
export async function exportPng(svg: SVGSVGElement, options: ExportOptions): Promise<string> {
  const name = `${options.fileName ?? slug(options.title)}.png`;
  downloadBlob(await pngBlob(svg, options, 2), name);
  return name;
}
