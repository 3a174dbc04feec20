"""How the page is shown: the page's style (keyboard focus, click targets), presentation mode and one figure alone.

Presentation mode (``?present=1`` or the toggle at the top) draws no sidebar and no download or export
buttons, sets larger type and sizes every figure to the screen; the tour's navigation stays. ``?figure=NAME``
draws one figure of :data:`explorer.gallery.FIGURES` and its caption, nothing else (for an iframe; add
Streamlit's ``&embed=true`` to drop its toolbar too).
"""

from __future__ import annotations

import streamlit as st

from .. import gallery, palette, session
from ..figures.presenting import for_screen
from ..state import State

# Applies to every mode. WCAG 2.2 asks for click targets of at least 24 x 24 px and a visible focus.
STYLE = f"""
<style>
:focus-visible {{ outline: 3px solid {palette.BLUE} !important; outline-offset: 2px; }}
.modebar-btn {{ min-width: 24px; min-height: 24px; padding: 4px !important; box-sizing: border-box; }}
.modebar-group {{ padding-left: 4px !important; }}
[data-testid="stTooltipHoverTarget"] button {{ min-width: 24px !important; min-height: 24px !important;
  display: inline-flex; align-items: center; justify-content: center; }}
[data-testid="stBaseButton-headerNoPadding"], [data-testid="stExpandSidebarButton"] {{ min-width: 28px;
  min-height: 28px; }}
[data-testid="stHeaderActionElements"] a {{ min-width: 24px; min-height: 24px; display: inline-flex;
  align-items: center; justify-content: center; }}
</style>
"""

PRESENT_STYLE = """
<style>
html { font-size: 20px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stDownloadButton"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1.5rem 2.5rem 3rem !important; }
[data-testid="stCaptionContainer"] { font-size: 0.95rem; }
</style>
"""

SOLO_STYLE = """
<style>
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0.5rem 1rem !important; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none !important; }
</style>
"""

LOOK_HERE = """
<style>
{selectors} {{ outline: 4px solid {colour}; outline-offset: 8px; border-radius: 6px; }}
</style>
"""

SCREEN_KEY = "screen"
SCREEN_JS = """
export default function ({ setStateValue }) {
  const send = () => {
    const size = { width: window.innerWidth, height: window.innerHeight };
    const last = window.__screenSent;
    if (last && Math.abs(last.width - size.width) < 40 && Math.abs(last.height - size.height) < 40) return;
    window.__screenSent = size;
    setStateValue("size", size);
  };
  send();
  let timer = null;
  const later = () => { clearTimeout(timer); timer = setTimeout(send, 300); };
  window.addEventListener("resize", later);
  return () => window.removeEventListener("resize", later);
}
"""
_screen = st.components.v2.component("screen_size", html="<span></span>", js=SCREEN_JS)


def style(state: State) -> None:
    """The page's style sheet for the current mode (call once per run, before anything is drawn)."""
    st.html(STYLE + (PRESENT_STYLE if state.present else "") + (SOLO_STYLE if state.figure else ""))


def _noop() -> None:
    """Registering a change callback is what makes ``size`` a state key."""


def screen_height(default: int = 900) -> int:
    """The browser window's height in pixels, as its last report said (``default`` until the first)."""
    _screen(key=SCREEN_KEY, data={}, default={"size": None}, height=0, on_size_change=_noop)
    size = (st.session_state.get(SCREEN_KEY) or {}).get("size") or {}
    try:
        return int(size.get("height", default))
    except (TypeError, ValueError):
        return default


def figure_height(state: State, share: float = 0.78) -> int | None:
    """Height of a figure sized to the screen (presentation and single-figure modes), else None."""
    if not (state.present or state.figure):
        return None
    return max(360, int(share * st.session_state.get("_screen_height", 900)))


def measure_screen(state: State) -> None:
    """Read the window size where figures are sized to it."""
    if state.present or state.figure:
        st.session_state["_screen_height"] = screen_height()


def presentation_toggle() -> None:
    st.toggle(
        "Presentation mode",
        key=session.WIDGETS["present"],
        help="No sidebar and no download buttons, larger type, figures sized to the screen: for a lecture hall. "
        "The link gets ?present=1.",
    )


def look_here(keys) -> None:
    """Outline the figures the tour points at."""
    if keys:
        selectors = ", ".join(f".st-key-figure-{k}" for k in keys)
        st.html(LOOK_HERE.format(selectors=selectors, colour=palette.ORANGE))


def single_figure(state: State) -> None:
    """``?figure=NAME``: that figure and its caption alone."""
    entry = gallery.figure_of(state.figure)
    shown = entry.make(state)
    if shown is None:
        st.info(
            f"The figure '{entry.key}' ({entry.label}) is not drawn for these settings: open the "
            f"{entry.view} view with data that it applies to."
        )
        return
    fig, caption = shown
    fig = for_screen(fig, figure_height(state, share=0.86), larger=state.present)
    st.plotly_chart(fig, theme=None, config={"displaylogo": False, "displayModeBar": False}, alt=caption)
    st.caption(caption)
