"""A whole view as one HTML file: every figure, its caption and the formulas, readable offline and printable.

Plain Python (no Streamlit): :func:`view_html` takes the figures already built and returns one
self-contained document -- plotly.js inlined once, formulas as MathML (rendered by the browser itself, no
script or font to fetch), and a print layout (``@media print``) in which every figure is a still image
sized to the page, so that "Print → Save as PDF" gives a clean handout.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timezone

import plotly.io as pio
import plotly.offline
from latex2mathml.converter import convert

from .panels import text


@dataclass(frozen=True)
class Section:
    """One figure of the view with its words."""

    key: str
    label: str
    figure: object  # a Plotly figure
    caption: str
    formulas: tuple[str, ...] = ()


STYLE = """
body { font-family: Inter, "Helvetica Neue", Arial, sans-serif; color: #222; line-height: 1.5;
       max-width: 1120px; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
.meta { color: #555; font-size: 0.92rem; }
.meta a { color: #0072B2; word-break: break-all; }
math[display="block"] { margin: 0.7rem 0; overflow-x: auto; font-size: 1.08rem; }
figure { margin: 0.8rem 0 0; }
figcaption { color: #333; font-size: 0.95rem; margin-top: 0.4rem; }
.still { display: none; }
footer { margin-top: 3rem; color: #777; font-size: 0.85rem; }
@media print {
  @page { size: A4; margin: 14mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; margin-top: 1.2rem; }
  section.figure { break-inside: avoid; }
  .live { display: none !important; }
  .still { display: block; width: 100%; height: auto; }
  .meta a { color: inherit; }
}
"""

# After the figures are drawn, each gets a still image for print (WebGL and wide SVG do not print well);
# <body data-print-ready="1"> says they are all there.
STILLS = """
(async () => {
  const plots = [...document.querySelectorAll('figure .js-plotly-plot')];
  for (const gd of plots) {
    try {
      const url = await Plotly.toImage(gd, {format: 'png', scale: 2,
        width: gd._fullLayout.width, height: gd._fullLayout.height});
      const img = document.createElement('img');
      img.className = 'still';
      img.alt = gd.closest('figure').querySelector('figcaption').textContent;
      img.src = url;
      gd.closest('figure').insertBefore(img, gd.closest('.live'));
    } catch (e) { console.warn('no still image for a figure', e); }
  }
  document.body.dataset.printReady = '1';
})();
"""


# Browsers draw MathML Core, which ignores mathvariant: script and double-struck letters are written as the
# Unicode letters themselves.
_SCRIPT_EXCEPTIONS = {"B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ"}
_DOUBLE_STRUCK = {"1": "𝟙", "R": "ℝ", "N": "ℕ", "Z": "ℤ"}


def _script(match: re.Match) -> str:
    tag, variant, letter = match.group(1), match.group(2), match.group(3)
    if variant == "script":
        letter = _SCRIPT_EXCEPTIONS.get(letter) or chr(0x1D49C + ord(letter) - ord("A"))
    else:
        letter = _DOUBLE_STRUCK.get(letter, letter)
    return f"<{tag}>{letter}</{tag}>"


def formula(latex: str) -> str:
    """A LaTeX formula as display MathML."""
    out = convert(latex, display="block")
    out = out.replace(">\\|<", ">&#x02016;<")  # a sized \| (as in \Big\|) comes out as the two characters
    return re.sub(r'<(mi|mn) mathvariant="(script|double-struck)">([A-Z0-9])</\1>', _script, out)


def inline_markdown(source: str) -> str:
    """Escaped text with Markdown's **bold** and *italics* (all the page's short texts use)."""
    out = html.escape(source.strip())
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", out)
    return out


def _paragraphs(source: str) -> str:
    return "".join(f"<p>{inline_markdown(p)}</p>" for p in source.strip().split("\n\n") if p.strip())


def _figure(section: Section) -> str:
    body = pio.to_html(
        section.figure,
        include_plotlyjs=False,
        full_html=False,
        auto_play=False,  # the figure opens as the page shows it; its own buttons animate it
        div_id=f"figure-{section.key}",
        config={"displaylogo": False, "responsive": True},
    )
    maths = "".join(formula(f) for f in section.formulas)
    return (
        f'<section class="figure" id="{html.escape(section.key)}"><h2>{html.escape(section.label)}</h2>{maths}'
        f'<figure><div class="live">{body}</div><figcaption>{html.escape(section.caption)}</figcaption></figure>'
        "</section>"
    )


def view_html(title: str, view_label: str, sections: list[Section], *, intro: str = "", link: str = "") -> str:
    """The whole view as one self-contained HTML document (about 5 MB: plotly.js is inlined once)."""
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    link_html = f' · <a href="{html.escape(link)}">{html.escape(link)}</a>' if link else ""
    problems = "".join(formula(f) for f in (text.OBJECTIVE_1, text.OBJECTIVE_2, text.CONES, text.MAPPING))
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)} · {html.escape(view_label)}</title>",
        f"<style>{STYLE}</style>",
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>',
        "</head><body>",
        f"<header><h1>{html.escape(title)}</h1>",
        f'<p class="meta">{html.escape(view_label)} · exported {when}{link_html}</p>',
        _paragraphs(text.TLDR),
        _paragraphs(intro) if intro else "",
        "</header>",
        f'<section class="problems"><h2>The two problems</h2>{problems}{_paragraphs(text.LAMBDA_NOTE)}</section>',
        *(_figure(s) for s in sections),
        "<footer>Hidden Convex Landscape Explorer. Figures are interactive (zoom, hover, play); printing "
        "shows each as a still image.</footer>",
        f"<script>{STILLS}</script>",
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p)
