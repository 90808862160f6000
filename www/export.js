// Exports: charts as SVG and PNG, results as JSON and CSV. Everything is made in the
// browser and handed to the user as a download; nothing is sent anywhere.

const XMLNS = 'http://www.w3.org/2000/svg';

const esc = (text) => String(text).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

/**
 * A chart as one standalone SVG document: its title, its legend (redrawn from the
 * figure's legend items, or the colour ramp Plot drew) and the plot itself.
 * @param {import('./charts/figure.js').Chart} figure
 */
export function svgText(figure) {
  const main = figure.querySelector('svg[data-role=plot]') ?? figure.querySelector('svg');
  const box = (svg) => ({
    width: Number.parseFloat(svg.getAttribute('width')) || svg.getBoundingClientRect().width,
    height: Number.parseFloat(svg.getAttribute('height')) || svg.getBoundingClientRect().height,
  });
  const parts = [];
  let y = 0;
  const title = figure.querySelector('h2, h3')?.textContent;
  const { width } = box(main);
  if (title) {
    parts.push(`<text x="0" y="20" font-size="16" font-weight="bold">${esc(title)}</text>`);
    y += 32;
  }
  if (figure.legendItems?.length) {
    let x = 0;
    for (const { label, color } of figure.legendItems) {
      parts.push(`<rect x="${x}" y="${y}" width="12" height="12" fill="${esc(color)}"/><text x="${x + 16}" y="${y + 10}" font-size="11">${esc(label)}</text>`);
      x += 24 + 6.5 * label.length;
    }
    y += 22;
  }
  for (const legend of figure.querySelectorAll(':scope > svg:not([data-role=plot])')) {
    const size = box(legend);
    parts.push(`<g transform="translate(0,${y})">${new XMLSerializer().serializeToString(legend)}</g>`);
    y += size.height + 6;
  }
  const size = box(main);
  const plot = /** @type {Element} */ (main.cloneNode(true));
  plot.setAttribute('y', String(y));
  parts.push(new XMLSerializer().serializeToString(plot));
  y += size.height;
  const font = getComputedStyle(main).fontFamily || 'sans-serif';
  return `<svg xmlns="${XMLNS}" width="${Math.ceil(width)}" height="${Math.ceil(y)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(y)}" font-family="${esc(font)}" style="background:white">${parts.join('')}</svg>`;
}

/**
 * Starts a download of `content` named `filename`.
 * @param {string} filename
 * @param {string | Blob} content
 * @param {string} [type] the MIME type of a string
 */
export function download(filename, content, type = 'text/plain') {
  const blob = content instanceof Blob ? content : new Blob([content], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Renders a chart's SVG onto a canvas at `scale` and resolves to a PNG Blob.
 * @param {import('./charts/figure.js').Chart} figure
 * @returns {Promise<Blob>}
 */
export async function pngBlob(figure, scale = 2) {
  const text = svgText(figure);
  const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
  const width = Number.parseFloat(svg.getAttribute('width'));
  const height = Number.parseFloat(svg.getAttribute('height'));
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const context = canvas.getContext('2d');
    context.fillStyle = 'white';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise((ok, fail) => canvas.toBlob((blob) => (blob ? ok(blob) : fail(new Error('PNG export failed'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A CSV cell: quoted when it holds a delimiter, quote or line break. */
export function csvCell(value) {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows of cells to CSV text (header first), CRLF-free. */
export function toCsv(rows) {
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

/** A file name made safe from any label. */
export function safeName(text) {
  return String(text).replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'pidscope';
}
