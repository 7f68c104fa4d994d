// The self-contained HTML page around the charts: inline CSS, no network, charts as inline
// SVG (they render without JavaScript); a few lines of script add "SVG", "PNG" and "Copy"
// buttons so a chart can go straight into a design document.

import { escapeXml } from './svg-chart';

export const escapeHtml = escapeXml;

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#222;margin:24px auto;max-width:1360px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
p.meta{color:#555;margin:2px 0}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:16px}
figure{margin:0;border:1px solid #ddd;border-radius:6px;padding:8px;background:#fff}
figure svg{display:block;width:100%;max-width:640px;height:auto}
figcaption{font-size:12px;color:#555;padding-top:4px}
figcaption button{font:inherit;margin-right:6px;cursor:pointer}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:8px 0}
th,td{border-bottom:1px solid #e3e3e3;padding:4px 10px;text-align:right;white-space:nowrap}
th{background:#f6f6f6;white-space:normal;vertical-align:bottom}td:first-child,th:first-child{text-align:left}
.table{overflow-x:auto}
.notes li{color:#444}
.failed{color:#a40000}
`;

/** Downloads (SVG, 2× PNG) and a clipboard copy (PNG), wired to every figure's buttons. */
const SCRIPT = `
function save(blob,name){const a=document.createElement('a');a.href=URL.createObjectURL(blob);a.download=name;document.body.append(a);a.click();a.remove();setTimeout(()=>URL.revokeObjectURL(a.href),2000)}
function xml(svg){return new XMLSerializer().serializeToString(svg)}
function png(svg){return new Promise((ok,fail)=>{const img=new Image(),s=2;img.onload=()=>{const c=document.createElement('canvas');c.width=svg.width.baseVal.value*s;c.height=svg.height.baseVal.value*s;const g=c.getContext('2d');g.scale(s,s);g.drawImage(img,0,0);c.toBlob(b=>b?ok(b):fail(new Error('no PNG')),'image/png')};img.onerror=fail;img.src='data:image/svg+xml;charset=utf-8,'+encodeURIComponent(xml(svg))})}
for(const fig of document.querySelectorAll('figure[data-name]')){const svg=fig.querySelector('svg'),name=fig.dataset.name,cap=fig.querySelector('figcaption');
const b=(label,fn)=>{const e=document.createElement('button');e.type='button';e.textContent=label;e.onclick=()=>fn().catch(err=>alert(label+' failed: '+err.message));cap.prepend(e)};
if(navigator.clipboard&&window.ClipboardItem)b('Copy',async()=>navigator.clipboard.write([new ClipboardItem({'image/png':png(svg)})]));
b('PNG',async()=>save(await png(svg),name+'.png'));b('SVG',async()=>save(new Blob([xml(svg)],{type:'image/svg+xml'}),name+'.svg'))}
`;

/** A chart in a figure with a file name for its downloads. */
export function figure(name: string, svg: string, caption = ''): string {
  return `<figure data-name="${escapeHtml(name)}">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

/** An HTML table; the first row is the header. Cells are escaped; numbers align right by default. */
export function htmlTable(rows: string[][], align: ReadonlyArray<'left' | 'right'> = []): string {
  const [head, ...body] = rows;
  const style = (i: number) => (align[i] === 'left' ? ' style="text-align:left"' : '');
  const tr = (cells: string[], tag: 'th' | 'td') =>
    `<tr>${cells.map((c, i) => `<${tag}${style(i)}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  return `<div class="table"><table><thead>${tr(head, 'th')}</thead><tbody>${body.map((r) => tr(r, 'td')).join('')}</tbody></table></div>`;
}

export function htmlPage(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    // An inline icon: no request for /favicon.ico when the file is served.
    '<link rel="icon" href="data:,">',
    `<style>${STYLE}</style></head><body>`,
    body,
    `<script>${SCRIPT}</script>`,
    '</body></html>\n',
  ].join('\n');
}

/** File-name-safe slug for downloads: `p99-latency-vs-consumers.workers.prefetch`. */
export function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-|-$/g, '');
}
