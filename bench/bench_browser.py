"""The page in a real browser: load-to-idle of each preset and view, end-to-end time of each interaction.

Headless Chromium with WebGL in software (as on a machine without a GPU), driven by Playwright. The
page server is started here and warmed (every measured link is run once on the server, then the page is
loaded once in the browser); then:

* every preset (``?p=<key>``) and every view (``?p=poster&view=<view>``) is opened in a new tab and timed
  from navigation to idle;
* each interaction (a frame step, a click on the contour, a λ change and a step-size change with the
  landscape in view, a scroll down to a chart that changed out of view, a point added on the click pad, a
  view switch) is repeated on a page opened at ``?p=poster`` and timed from the action to idle;
* the same is done for a floor page (``bench/floor_page.py``: one 121² contour and a number input that
  redraws it), in the same run, and every number is also given as a ratio to that floor.

Idle is :func:`tests.browser.harness.wait_until_browser_idle`: the script run is over, every element has
its code and every Plotly chart near the view is drawn (a chart far out of view keeps a new figure until
it is scrolled to: the scroll interaction times that), two animation frames have run and no long task
follows. Times are taken with the page's own clock. Before each interaction every chart (each Plotly graph
and the click pad) is tagged; afterwards the tags tell which charts were left alone, waited out of view,
were updated in place or re-created.

The machine may run other work at the same time, so absolute times are noisy: read them against the
floor page measured in the same run. ``BENCH_REPEATS`` sets the repetitions of each interaction.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlparse

from bench.timing import print_table
from explorer.presets import PRESETS
from explorer.views import VIEWS
from tests.browser.harness import (
    CHROMIUM,
    chart_census,
    install_probe,
    launch_chromium,
    long_tasks,
    probe_snapshot,
    start_server,
    stop_servers,
    tag_charts,
    wait_until_browser_idle,
)

APP = "app.py"
FLOOR = Path(__file__).with_name("floor_page.py")
VIEWPORT = {"width": 1366, "height": 768}  # a common laptop screen
REPEATS = int(os.environ.get("BENCH_REPEATS", "4"))
LOAD_TIMEOUT_MS = 120_000
INTERACTION_TIMEOUT_MS = 60_000

# Targets of issue 11 (headless Chromium, software WebGL, 2 cores).
LOAD_S, LOAD_FLOOR_RATIO = 5.0, 1.5
INTERACTION_MEDIAN_S, INTERACTION_MAX_S = 0.8, 2.0
VIEW_SWITCH_S = 3.0

# What the page holds once idle: Plotly charts, their traces and points, and the 3-D (WebGL) ones.
CONTENT_JS = r"""
() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const size = t => ['x', 'y', 'z'].map(k => t[k]).reduce((n, a) => Math.max(n, a && a.length
    ? (Array.isArray(a[0]) || ArrayBuffer.isView(a[0]) ? a.length * a[0].length : a.length) : 0), 0);
  let traces = 0, points = 0, webgl = 0;
  for (const g of plots) {
    const data = g._fullData || [];
    traces += data.length;
    for (const t of data) points += size(t);
    if (data.some(t => /3d|surface|mesh|gl|cone|volume/.test(t.type))) webgl++;
  }
  return {charts: plots.length, traces, points, webgl};
}
"""


@dataclass
class Sample:
    seconds: float | None  # None: the page did not become idle, or the interaction had no effect
    done: float | None = None  # when the browser handled the end of the script run
    busy: float = 0.0  # main-thread long tasks in the measured window
    kbytes: float = 0.0  # received over the websocket
    webgl: int = 0  # WebGL contexts created
    charts: list = field(default_factory=list)  # (name, status) after an interaction
    content: dict = field(default_factory=dict)
    side_effects: dict = field(default_factory=dict)  # other link parameters the interaction changed


@dataclass
class Interaction:
    name: str
    param: str  # the link parameter the interaction changes (checks it took effect; "": no check)
    prepare: Callable  # (page, i) -> action: everything up to the action itself is not timed
    repeats: int = REPEATS
    may_redraw: tuple | None = None  # title starts of the charts it may redraw; None: any
    view_switch: bool = False
    reruns: bool = True  # False: the action runs no script (a scroll)


# --- Measuring -----------------------------------------------------------------------------------


def warm_server(url: str, query: str) -> tuple[float, int]:
    """Run the page once for ``query`` over Streamlit's websocket, with no browser: seconds and bytes."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_script_hash = ""
    start, received = time.perf_counter(), 0
    with connect(url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"], max_size=None) as ws:
        ws.send(msg.SerializeToString())
        while True:
            raw = ws.recv(timeout=600)
            received += len(raw)
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            if forward.WhichOneof("type") == "script_finished":
                return time.perf_counter() - start, received


def busy_seconds(page, since: float, until: float) -> float:
    return sum(d for s, d in long_tasks(page) if since <= s < until) / 1e3


def load(context, url: str) -> Sample:
    """Open ``url`` in a new tab: navigation to idle."""
    page = context.new_page()
    try:
        page.goto(url, wait_until="domcontentloaded")
        idle = wait_until_browser_idle(page, 1, LOAD_TIMEOUT_MS)
        if idle is None:
            return Sample(None)
        snap = probe_snapshot(page)
        return Sample(
            idle["t"] / 1e3,
            idle["done"] / 1e3,
            busy_seconds(page, 0, idle["t"]),
            snap["ws"] / 1e3,
            snap["gl"],
            content=page.evaluate(CONTENT_JS),
        )
    finally:
        page.close()


def open_page(context, url: str):
    page = context.new_page()
    page.set_default_timeout(INTERACTION_TIMEOUT_MS)
    page.goto(url)
    wait_until_browser_idle(page, 1, LOAD_TIMEOUT_MS)
    return page


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query, keep_blank_values=True).items()}


def settle(page) -> None:
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def interact(page, what: Interaction, i: int) -> Sample:
    """Time one interaction from the action to idle; tags tell which charts were redrawn."""
    action = what.prepare(page, i)
    settle(page)
    before = query(page)
    tag_charts(page)
    snap = probe_snapshot(page)
    action()
    idle = wait_until_browser_idle(page, snap["runs"] + what.reruns, INTERACTION_TIMEOUT_MS)
    after = query(page)
    if idle is None or (what.param and after.get(what.param) == before.get(what.param)):
        return Sample(None)
    end = probe_snapshot(page)
    # A frame step, a new start or new data also reset the frame shown: that is no side effect.
    side = {
        k: (before.get(k), after.get(k))
        for k in set(before) | set(after)
        if before.get(k) != after.get(k) and k not in (what.param, "frame")
    }
    return Sample(
        (idle["t"] - snap["t"]) / 1e3,
        (idle["done"] - snap["t"]) / 1e3,
        busy_seconds(page, snap["t"], idle["t"]),
        (end["ws"] - snap["ws"]) / 1e3,
        end["gl"] - snap["gl"],
        chart_census(page),
        side_effects=side,
    )


# --- The interactions ----------------------------------------------------------------------------


def click_at(page, x: float, y: float) -> Callable[[], None]:
    return lambda: page.mouse.click(x, y)


def centre(locator) -> tuple[float, float]:
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def on_chart(page, title: str, expression: str):
    """The JavaScript ``expression`` of ``g``, the Plotly chart whose title starts with ``title``."""
    return page.evaluate(
        f"""t => {{ const g = [...document.querySelectorAll('.js-plotly-plot')]
            .find(g => ((g.layout.title || {{}}).text || '').startsWith(t)); return {expression}; }}""",
        title,
    )


def look_at(page, title: str) -> None:
    """Scroll the chart whose title starts with ``title`` to the middle of the screen."""
    on_chart(page, title, "g.scrollIntoView({block: 'center'})")


def number_input(label: str, values: list[float], watching: str = ""):
    """Type a value into a sidebar number input; Enter is the action. ``watching``: the chart the user looks at
    meanwhile (its title start), scrolled into view first: what is in view is what the rerun draws at once."""

    def prepare(page, i):
        if watching:
            look_at(page, watching)
        box = page.get_by_role("spinbutton", name=label)
        box.fill(f"{values[i % len(values)]:g}")
        return lambda: box.press("Enter")

    return prepare


CONTOUR_PIXEL_JS = r"""
([fx, fy]) => {
  const g = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => ((g.layout.title || {}).text || '').startsWith('Contour'));
  g.scrollIntoView({block: 'center'});
  const xa = g._fullLayout.xaxis, ya = g._fullLayout.yaxis;
  const box = g.querySelector('.nsewdrag').getBoundingClientRect();
  const at = (axis, f) => axis.range[0] + f * (axis.range[1] - axis.range[0]);
  return [box.left + xa.l2p(at(xa, fx)), box.top + ya.l2p(at(ya, fy))];
}
"""
CONTOUR_TARGETS = [(0.25, 0.75), (0.7, 0.3), (0.35, 0.35), (0.8, 0.8), (0.15, 0.5), (0.6, 0.65)]


def contour_click(page, i):
    x, y = page.evaluate(CONTOUR_PIXEL_JS, list(CONTOUR_TARGETS[i % len(CONTOUR_TARGETS)]))
    page.mouse.move(x, y)
    return click_at(page, x, y)


def frame_step(page, i):
    """The contour player's ◀ or ▶ (one frame back or forward)."""
    label = "◀" if i % 2 == 0 else "▶"
    button = page.locator(".updatemenu-button").filter(has_text=re.compile(f"^{label}$")).first
    return click_at(page, *centre(button))


PAD_X = [0.15, 0.35, 0.55, 0.75, 0.9, 0.25]


def pad_point(page, i):
    frame = page.locator("svg.click-pad-plot g.axes > rect.frame").first
    frame.scroll_into_view_if_needed()
    box = frame.bounding_box()
    # Near the foot of the pad, where the presets have no points; each click at another x.
    return click_at(page, box["x"] + PAD_X[i % len(PAD_X)] * box["width"], box["y"] + 0.9 * box["height"])


SWITCHES = ["general", "dynamics", "timing", "patterns", "explorer"]  # into every view once
VIEW_LABELS = {
    "explorer": "Two-neuron explorer",
    "general": "m neurons",
    "dynamics": "Initialisation",
    "timing": "Convex vs GD time",
    "patterns": "2-D patterns",
}


def scroll_to_outputs(page, i):
    """After a λ change with the landscape in view, the user scrolls down to the network outputs: the chart
    that kept its new figure while out of view draws it now."""
    change = number_input("λ (weight decay)", [0.015, 0.025, 0.035, 0.045, 0.055, 0.065], watching="Contour")(page, i)
    runs = probe_snapshot(page)["runs"]
    change()
    wait_until_browser_idle(page, runs + 1, INTERACTION_TIMEOUT_MS)
    if on_chart(page, "Data, GD endpoints", "g.dataset.liveChart") != "waiting":
        # the page's layout changed: this would time a scroll that draws nothing
        raise RuntimeError("the network-output chart does not wait out of view while the landscape is in view")
    return lambda: look_at(page, "Data, GD endpoints")


def view_switch(page, i):
    return click_at(page, *centre(page.get_by_role("radio", name=VIEW_LABELS[SWITCHES[i % len(SWITCHES)]])))


# In this order on one page; the view switches on a page of their own, so that the views' data stay the
# preset's (their server results are then warm).
INTERACTIONS = [
    Interaction("frame step (◀ / ▶)", "frame", frame_step, may_redraw=("Contour",)),
    Interaction("click on the contour", "start", contour_click),
    # The user watches the landscape while changing λ or γ: the contour and the loss chart are in view.
    Interaction(
        "λ change", "lam", number_input("λ (weight decay)", [0.01, 0.02, 0.03, 0.04, 0.05, 0.06], watching="Contour")
    ),
    Interaction(
        "step-size change",
        "step",
        number_input("Step size γ", [0.04, 0.045, 0.055, 0.06, 0.065, 0.07], watching="Contour"),
    ),
    Interaction("scroll to a chart changed out of view", "", scroll_to_outputs, reruns=False),
    Interaction("point added on the pad", "points", pad_point),
]
VIEW_SWITCH = Interaction("view switch", "view", view_switch, repeats=len(SWITCHES), view_switch=True)
FLOOR_INTERACTION = Interaction("floor: one-chart rerun", "", number_input("Scale", [1.5, 2.0, 2.5, 3.0, 3.5, 4.0]))


# --- Report --------------------------------------------------------------------------------------


def _s(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f} s"


def _ratio(v: float | None, floor: float) -> str:
    return "—" if v is None or not floor else f"{v / floor:.1f}×"


def _short(title: str) -> str:
    title = title.split(":")[0]
    return title if len(title) <= 18 else title[:17] + "…"


def redraws(what: Interaction, samples: list[Sample]) -> tuple[str, str, str, str]:
    """Worst status of each chart over the repetitions: re-created > updated > untouched."""
    if what.view_switch:  # the charts of one view go, those of the next come
        drawn = [sum(status == "created" for _, status in s.charts) for s in samples]
        return "—", "—", f"{min(drawn, default=0)}–{max(drawn, default=0)} charts per switch", "n/a"
    rank = {"untouched": 0, "waiting": 1, "updated": 2, "removed": 3, "created": 4}
    worst: dict[str, str] = {}
    for s in samples:
        for name, status in s.charts:
            if rank[status] > rank.get(worst.get(_short(name)), -1):
                worst[_short(name)] = status
    by = {k: sorted(n for n, st in worst.items() if st == k) for k in rank}
    moved = [
        n for n in by["updated"] if what.may_redraw is not None and not any(n.startswith(p) for p in what.may_redraw)
    ]
    misses = ([f"{len(by['created'])} re-created"] if by["created"] else []) + [f"{n} redrawn" for n in moved]
    return (
        ", ".join(by["untouched"] + [f"{n} (waits out of view)" for n in by["waiting"]]) or "—",
        ", ".join(by["updated"]) or "—",
        ", ".join(by["created"]) or "—",
        "MISS: " + ", ".join(misses) if misses else "ok",
    )


def report(floor_loads, floor_clicks, loads, interactions, server) -> None:
    floor_load = statistics.median(s.seconds for s in floor_loads if s.seconds is not None)
    floor_click = statistics.median(s.seconds for s in floor_clicks if s.seconds is not None)
    print(
        f"Floor page (one 121² contour): load {floor_load:.2f} s (median of "
        f"{', '.join(_s(s.seconds) for s in floor_loads)}), rerun {floor_click:.2f} s (median of "
        f"{len(floor_clicks)}, max {max(s.seconds or 0 for s in floor_clicks):.2f} s)."
    )
    limit = max(LOAD_S, LOAD_FLOOR_RATIO * floor_load)
    print(
        f"\nLoad to idle, new tab, server warm. Target: ≤ {LOAD_S:g} s or ≤ {LOAD_FLOOR_RATIO:g}× floor "
        f"= {limit:.2f} s here."
    )
    rows = []
    for label, s in loads:
        c = s.content
        seconds, wire = server.get(label, (None, 0))
        verdict = "no idle" if s.seconds is None else "ok" if s.seconds <= limit else "MISS"
        rows.append(
            (
                label,
                _s(seconds),
                f"{wire / 1e6:.2f}",
                _s(s.done),
                _s(s.seconds),
                _ratio(s.seconds, floor_load),
                _s(s.busy),
                f"{c.get('charts', 0)} ({c.get('webgl', 0)} 3-D)",
                c.get("traces", 0),
                f"{c.get('points', 0) / 1e3:.0f}k",
                s.webgl,
                verdict,
            )
        )
    print_table(
        rows,
        (
            "page",
            "server",
            "MB",
            "script done",
            "idle",
            "× floor",
            "busy",
            "charts",
            "traces",
            "points",
            "WebGL ctx",
            "target",
        ),
    )

    print(
        f"\nInteractions on ?p=poster, end to end (action to idle), {REPEATS} repetitions (view switch: "
        f"{len(SWITCHES)}, into every view). Target: median ≤ {INTERACTION_MEDIAN_S:g} s and max ≤ "
        f"{INTERACTION_MAX_S:g} s; a view switch ≤ {VIEW_SWITCH_S:g} s. Ratios against the floor rerun."
    )
    rows, charts, notes = [], [], []
    for what, samples in [(FLOOR_INTERACTION, floor_clicks), *interactions]:
        ok = [s for s in samples if s.seconds is not None]
        times = sorted(s.seconds for s in ok)
        med, top = (statistics.median(times), times[-1]) if times else (None, None)
        if what is FLOOR_INTERACTION:
            verdict = "(floor)"
        elif len(ok) < len(samples):
            verdict = f"MISS: {len(samples) - len(ok)} without effect or idle"
        elif what.view_switch:
            verdict = "ok" if top <= VIEW_SWITCH_S else "MISS"
        else:
            verdict = "ok" if med <= INTERACTION_MEDIAN_S and top <= INTERACTION_MAX_S else "MISS"
        rows.append(
            (
                what.name,
                f"{len(ok)}/{len(samples)}",
                _s(med),
                _s(top),
                _ratio(med, floor_click),
                _s(statistics.median(s.done for s in ok) if ok else None),
                _s(statistics.median(s.busy for s in ok) if ok else None),
                f"{statistics.median(s.kbytes for s in ok):.0f}" if ok else "—",
                max((s.webgl for s in ok), default=0),
                verdict,
            )
        )
        drawn = redraws(what, ok)
        charts.append((what.name, *drawn[:3], "(floor)" if what is FLOOR_INTERACTION else drawn[3]))
        for s in ok:
            for k, (was, now) in s.side_effects.items():
                notes.append(f"{what.name} also changed '{k}' in the link: {was} → {now}")
    print_table(
        rows, ("interaction", "ok", "median", "max", "× floor", "script done", "busy", "kB in", "WebGL ctx", "target")
    )
    print("Each repetition:")
    for what, samples in [(FLOOR_INTERACTION, floor_clicks), *interactions]:
        into = [f"→ {SWITCHES[i % len(SWITCHES)]} " if what.view_switch else "" for i in range(len(samples))]
        print(f"  {what.name}: " + ", ".join(f"{to}{_s(s.seconds)}" for to, s in zip(into, samples)))
    print(
        "\nWhat each interaction redrew (worst over its repetitions). Target: nothing the user did not change "
        "is redrawn; no chart is re-created."
    )
    print_table(charts, ("interaction", "untouched", "updated in place", "re-created", "target"))
    for note in notes:
        print("Note:", note)
    print(
        "\nserver: the same link run over the websocket with no browser, warm. script done: when the browser "
        "handled the end of the script run (late when its main thread is busy). busy: main-thread long tasks "
        "(> 50 ms) until idle. charts (3-D), traces, points: what the page holds once idle. WebGL ctx: WebGL "
        "contexts created. Other work on this machine slows every number: read them against the floor page "
        "measured in this run."
    )


# --- Run -----------------------------------------------------------------------------------------


def chromium_version() -> str:
    try:
        return subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def main() -> None:
    if not CHROMIUM.exists():
        print(f"No Chromium at {CHROMIUM} (apt-get install -y chromium, or set CHROMIUM): skipped.")
        return
    from playwright.sync_api import sync_playwright

    print(
        f"{chromium_version()}, headless, software WebGL (SwiftShader); {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at start; viewport {VIEWPORT['width']}x{VIEWPORT['height']}."
    )
    pages = (
        [(f"preset {k}", f"p={k}") for k in PRESETS]
        + [(f"view {v.key}", f"p=poster&view={v.key}") for v in VIEWS if v.key != "explorer"]
        # The WebGL charts are drawn on demand: what asking for both costs.
        + [("poster, both 3-D", "p=poster&surface=1&bowl3d=1")]
    )
    logs = Path(tempfile.mkdtemp(prefix="bench-browser-"))
    procs = []
    try:
        app_proc, app_url = start_server(APP, logs / "app.log")
        procs.append(app_proc)
        floor_proc, floor_url = start_server(FLOOR, logs / "floor.log")
        procs.append(floor_proc)
        server = {}
        for label, q in pages:
            warm_server(app_url, q)
            server[label] = warm_server(app_url, q)
        with sync_playwright() as p:
            browser = launch_chromium(p, software_webgl=True)
            context = browser.new_context(viewport=VIEWPORT)
            install_probe(context)
            load(context, f"{app_url}/?p=poster")  # warms the browser's cache and code cache
            load(context, f"{floor_url}/")
            floor_loads = [load(context, f"{floor_url}/")]
            loads = []
            for n, (label, q) in enumerate(pages):
                loads.append((label, load(context, f"{app_url}/?{q}")))
                if n == len(pages) // 2:
                    floor_loads.append(load(context, f"{floor_url}/"))
            floor_loads.append(load(context, f"{floor_url}/"))

            page = open_page(context, f"{floor_url}/")
            floor_clicks = [interact(page, FLOOR_INTERACTION, i) for i in range(REPEATS)]
            page.close()
            interactions = []
            for group in (INTERACTIONS, [VIEW_SWITCH]):
                page = open_page(context, f"{app_url}/?p=poster")
                interactions += [(what, [interact(page, what, i) for i in range(what.repeats)]) for what in group]
                page.close()
            browser.close()
    finally:
        stop_servers(procs)
    report(floor_loads, floor_clicks, loads, interactions, server)
    print(f"Load average {os.getloadavg()[0]:.1f} at the end.")


if __name__ == "__main__":
    main()
