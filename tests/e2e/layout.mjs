// Layout checks the legibility tests share: boxes that must not overlap or overflow, read
// from the page, and screenshots (to /tmp, only when SHOT is set) at the widths checked.

/** The two widths every view is checked at: a phone and a laptop. */
export const WIDTHS = [390, 1440];

/**
 * When SHOT is set, saves /tmp/<name>-<width>.png: the full page, and with `element` (a
 * locator) also /tmp/<name>-<width>-element.png, that element alone at full resolution.
 */
export async function shot(page, name, element) {
  if (!process.env.SHOT) return;
  const { width } = page.viewportSize();
  await page.screenshot({ path: `/tmp/${name}-${width}.png`, fullPage: true });
  if (element) await element.screenshot({ path: `/tmp/${name}-${width}-element.png` });
}

/** Elements of the page wider than the viewport (outside scroll containers), as short descriptions. */
export const overflowing = (page) =>
  page.evaluate(() => {
    const limit = document.documentElement.clientWidth + 1;
    const scrolls = (el) => {
      for (let p = el.parentElement; p; p = p.parentElement) if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX) && p.clientWidth < p.scrollWidth) return true;
      return false;
    };
    return [...document.body.querySelectorAll('*')]
      .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > limit && !scrolls(el))
      .map((el) => `${el.tagName.toLowerCase()}.${el.className?.baseVal ?? el.className} right=${Math.round(el.getBoundingClientRect().right)}`);
  });

/**
 * In-bar labels of the atoms bars under `selector` that do not fit their segment, and
 * labels that overlap another text of the chart (row labels, other segment labels).
 */
export const barLabelProblems = (page, selector) =>
  page.evaluate((sel) => {
    const problems = [];
    const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    for (const svg of document.querySelectorAll(`${sel} figure.atoms-bar svg[data-role=plot]`)) {
      const rects = [...svg.querySelectorAll('g[aria-label=bar] rect')].map((r) => r.getBoundingClientRect());
      const labels = [...svg.querySelectorAll('g.segment-label text')].filter((t) => t.textContent);
      const rows = [...svg.querySelectorAll('g.row-label text')];
      for (const label of labels) {
        const box = label.getBoundingClientRect();
        const cx = (box.left + box.right) / 2;
        const cy = (box.top + box.bottom) / 2;
        const segment = rects.find((r) => r.left <= cx && cx <= r.right && r.top <= cy && cy <= r.bottom);
        if (!segment) problems.push(`"${label.textContent}" is not inside a segment`);
        else if (box.width > segment.width || box.left < segment.left - 0.5 || box.right > segment.right + 0.5) problems.push(`"${label.textContent}" (${box.width.toFixed(1)} px) overflows its ${segment.width.toFixed(1)} px segment`);
        for (const row of rows) if (overlap(box, row.getBoundingClientRect())) problems.push(`"${label.textContent}" overlaps the row label "${row.textContent}"`);
      }
      for (const row of rows) for (const r of rects) if (overlap(row.getBoundingClientRect(), r)) problems.push(`row label "${row.textContent}" overlaps a bar`);
    }
    return problems;
  }, selector);

/** Tick labels of each axis of the plots under `selector` whose boxes overlap, and the smallest rendered tick font (px). */
export const tickProblems = (page, selector) =>
  page.evaluate((sel) => {
    const problems = [];
    let smallest = Infinity;
    for (const svg of document.querySelectorAll(`${sel} svg[data-role=plot]`)) {
      for (const axis of svg.querySelectorAll('g[aria-label$="tick label"]')) {
        const boxes = [...axis.querySelectorAll('text')].map((t) => ({ text: t.textContent, box: t.getBoundingClientRect() }));
        for (const { box } of boxes) smallest = Math.min(smallest, box.height);
        for (let i = 0; i < boxes.length; i += 1) {
          for (let j = i + 1; j < boxes.length; j += 1) {
            const [a, b] = [boxes[i].box, boxes[j].box];
            if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) problems.push(`${axis.getAttribute('aria-label')}: "${boxes[i].text}" overlaps "${boxes[j].text}"`);
          }
        }
      }
    }
    return { problems, smallest };
  }, selector);
