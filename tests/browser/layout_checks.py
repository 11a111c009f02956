"""What a person sees, measured in the browser: words broken in the middle and
controls that run together (issue #14, item 11). Used by the signed-in page crawl."""

from __future__ import annotations

# Words of at least two letters, in the texts people read as labels, that are laid
# out on more than one line ("Receive/d", "Statu/s"). Addresses, emails and long
# identifiers may break (that is what keeps them from overflowing); hidden and
# visually hidden text is skipped.
_BROKEN_WORDS = r"""
() => {
  const selector = 'th, td, .status, .badge, button, a.button, summary, label, legend, dt, h1, h2, h3, ' +
    '.workspace-nav a, .subnav a, .account-nav a, .onboarding-steps li';
  const broken = new Set();
  for (const element of document.querySelectorAll(selector)) {
    if (element.closest('.visually-hidden, [hidden], details:not([open]) > :not(summary)')) continue;
    const box = element.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden')) continue;
      const pattern = /\S+/g;
      for (let match = pattern.exec(node.textContent); match; match = pattern.exec(node.textContent)) {
        const word = match[0];
        if (word.length < 2 || word.length > 24 || /[-/@.:_\u2013\u2014]/.test(word)) continue;
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + word.length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.add(word);
      }
    }
  }
  return [...broken];
}
"""

# Buttons, button-styled links and onboarding steps on one line with less than
# 4 px between them read as one label ("Download codes Generate new codes").
_RUN_TOGETHER = r"""
() => {
  const visible = element => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && !element.closest('[hidden], .visually-hidden');
  };
  const groups = [
    [...document.querySelectorAll('main a.button, main button:not(.link-button)')],
    [...document.querySelectorAll('.onboarding-steps li')],
  ];
  const together = [];
  for (const group of groups) {
    const items = group.filter(visible);
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const a = items[i].getBoundingClientRect(), b = items[j].getBoundingClientRect();
        const overlap = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (overlap < Math.min(a.height, b.height) / 2) continue;  // not on the same line
        const gap = Math.max(b.left - a.right, a.left - b.right);
        if (gap < 4) together.push(`${items[i].innerText.trim()} | ${items[j].innerText.trim()}`);
      }
    }
  }
  return together;
}
"""


def broken_words(page) -> list[str]:
    return page.evaluate(_BROKEN_WORDS)


def run_together(page) -> list[str]:
    return page.evaluate(_RUN_TOGETHER)


# The deepest elements that reach past the right edge (what makes a page scroll sideways).
_OVERFLOWING = r"""
() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const inScroller = element => {
    for (let e = element.parentElement; e; e = e.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(e).overflowX)) return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll('*')].filter(
    e => e.getBoundingClientRect().right > width + 1 && !inScroller(e));
  const deepest = wide.filter(e => !wide.some(other => other !== e && e.contains(other)));
  return deepest.slice(0, 5).map(e =>
    `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} ${Math.round(e.getBoundingClientRect().right)}px ` +
    `"${(e.innerText || '').trim().slice(0, 40)}"`);
}
"""


def horizontal_overflow(page) -> list:
    """When the page scrolls sideways: [scrollWidth, clientWidth, the elements that
    reach past the edge...]; else []."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    return [*widths, *page.evaluate(_OVERFLOWING)] if widths[0] > widths[1] else []
