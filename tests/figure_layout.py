"""Read every rendered plotly figure on a JupyterLab page and list what makes it hard to read.

The checks, each on the figure as the browser drew it (bounding boxes in page pixels):

* the title fits inside the figure and does not run under the plotly toolbar (modebar);
* the legend covers no drawn mark (points, bars, text labels) of the plotting area;
* no two text labels drawn on points or bars overlap;
* a log axis shows no minor-tick digits ("2 3 … 10 2 3 …"): only labelled, meaningful ticks.

Used by ``test_browser.py`` on every notebook, and checked against deliberately bad figures in its
detector self-test, so a check that reads nothing cannot pass silently.
"""
from __future__ import annotations

# Overlaps smaller than this many square pixels are antialiasing, not a problem a reader sees.
MIN_OVERLAP_PX2 = 4

_CHECK_JS = r"""([gd, minOverlap]) => {
  const problems = [];
  const rect = el => el.getBoundingClientRect();
  const overlap = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
                            Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  const visible = el => { const r = rect(el); return r.width > 0 && r.height > 0; };
  const fig = rect(gd);
  const titleEl = gd.querySelector('.infolayer .gtitle');
  const title = titleEl ? titleEl.textContent.trim() : '';
  const name = title || '(untitled figure)';
  if (titleEl && title && visible(titleEl)) {
    const t = rect(titleEl);
    if (t.left < fig.left - 1 || t.right > fig.right + 1 || t.top < fig.top - 1)
      problems.push(`title runs outside the figure by ${Math.round(Math.max(fig.left - t.left, t.right - fig.right, fig.top - t.top))} px`);
    const bar = gd.querySelector('.modebar');
    if (bar && visible(bar) && overlap(t, rect(bar)) > minOverlap) problems.push('title runs under the toolbar');
  }
  const marks = Array.from(gd.querySelectorAll(
      '.cartesianlayer .point, .cartesianlayer .textpoint text, .cartesianlayer .bartext')).filter(visible);
  const legend = gd.querySelector('.infolayer .legend .bg');
  if (legend && visible(legend)) {
    const l = rect(legend);
    const covered = marks.filter(m => overlap(l, rect(m)) > minOverlap).length;
    if (covered) problems.push(`the legend covers ${covered} drawn mark(s)`);
  }
  const labels = Array.from(gd.querySelectorAll('.cartesianlayer .textpoint text, .cartesianlayer .bartext'))
      .filter(el => visible(el) && el.textContent.trim());
  const clashes = [];
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++)
      if (overlap(rect(labels[i]), rect(labels[j])) > minOverlap)
        clashes.push(`"${labels[i].textContent}" / "${labels[j].textContent}"`);
  if (clashes.length) problems.push(`${clashes.length} overlapping text label pair(s), e.g. ${clashes.slice(0, 3).join(', ')}`);
  const full = gd._fullLayout || {};
  for (const key of Object.keys(full).filter(k => /^[xy]axis\d*$/.test(k))) {
    const ax = full[key];
    if (!ax || ax.type !== 'log' || !ax._id) continue;
    const ticks = Array.from(gd.querySelectorAll(`g.${ax._id}tick text`)).map(t => t.textContent.trim()).filter(Boolean);
    // Labelled minor ticks read "2 3 … 9 10 2 3 …": the labels, left to right, stop increasing.
    const scale = {k: 1e3, M: 1e6, G: 1e9};
    const value = t => { const m = t.replace(/[−–]/g, '-').match(/^(-?[0-9.]+)\s*([kMG]?)/);
                         return m ? parseFloat(m[1]) * (scale[m[2]] || 1) : NaN; };
    const nums = ticks.map(value).filter(v => !isNaN(v));
    if (nums.some((v, i) => i > 0 && v <= nums[i - 1]))
      problems.push(`log ${key} shows minor-tick digits (${ticks.join(' ')})`);
  }
  return {name, problems};
}"""

_FIGURES = ".jp-NotebookPanel:not(.lm-mod-hidden) .js-plotly-plot"


def figure_problems(page) -> tuple[int, list[str]]:
    """(number of figures checked, one line per problem) for the notebook shown on ``page``."""
    figures = page.locator(_FIGURES)
    n = figures.count()
    problems = []
    for i in range(n):
        fig = figures.nth(i)
        fig.scroll_into_view_if_needed(timeout=10_000)
        page.wait_for_timeout(100)
        found = fig.evaluate(f"(gd) => ({_CHECK_JS})([gd, {MIN_OVERLAP_PX2}])")
        problems += [f"figure {i + 1} «{found['name'][:70]}»: {p}" for p in found["problems"]]
    return n, problems
