"""Driving Streamlit pages in a real Chromium: start a server, launch the browser, wait for idle.

Plain functions, shared by the browser tests (through their conftest fixtures) and by the browser
benchmark (``python -m bench browser``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]
# WebGL in software, as on a machine without a GPU (3-D surfaces render headless with it).
SOFTWARE_WEBGL_ARGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
SERVER_START_TIMEOUT_S = 60.0

# Streamlit's own end-to-end tests wait on these attributes.
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
APP_CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"


class ServerError(RuntimeError):
    """``streamlit run`` exited or did not answer its health check in time."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_server(script: str | os.PathLike, log_path: Path) -> tuple[subprocess.Popen, str]:
    """``streamlit run script`` headless on a free port; returns the process and its base URL once healthy.

    Relative paths are taken from the repository root. Raises :class:`ServerError` with the server's
    log if it does not come up.
    """
    script = Path(script)
    script = (script if script.is_absolute() else REPO_ROOT / script).resolve()
    port = free_port()
    url = f"http://localhost:{port}"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    with Path(log_path).open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.headless",
                "true",
                "--global.developmentMode",
                "false",
                "--server.port",
                str(port),
                "--server.fileWatcherType",
                "none",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not healthy(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_servers([proc])
            raise ServerError(f"streamlit did not come up for {script}:\n{Path(log_path).read_text()}")
        time.sleep(0.2)
    return proc, url


def stop_servers(procs) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def launch_chromium(playwright, software_webgl: bool = False):
    """The system Chromium, headless (Playwright cannot download its own browser here)."""
    args = CHROMIUM_ARGS + (SOFTWARE_WEBGL_ARGS if software_webgl else [])
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)


def wait_until_idle(page) -> None:
    """Block until the page is connected and its script run is over."""
    page.wait_for_selector(APP_CONNECTED)
    page.wait_for_selector(APP_IDLE)


# --- In the page: when is it idle, what did a rerun redraw ----------------------------------------
# ``install_probe(context)`` runs PROBE_JS in every page of a browser context before the page's own
# scripts. It records the script runs that ended (read from the websocket), script-state changes, long
# tasks, WebGL contexts created and websocket bytes received, in ``window.__probe``; the functions below
# read it.

PROBE_JS = r"""
(() => {
  if (window.__probe) return;
  const b = window.__probe = {runs: 0, changes: 0, lastDone: 0, gl: 0, wsBytes: 0, longTasks: [], seq: 0,
                              tracked: []};
  new MutationObserver(records => {
    for (const m of records) {
      b.changes++;
      const value = m.target.getAttribute(m.attributeName);
      if (m.attributeName === 'data-test-script-state' && value === 'notRunning') b.lastDone = performance.now();
    }
  }).observe(document, {subtree: true, attributes: true,
                        attributeFilter: ['data-test-script-state', 'data-test-connection-state']});
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) b.longTasks.push([e.startTime, e.duration]);
    }).observe({type: 'longtask', buffered: true});
  } catch (e) { b.noLongTasks = true; }
  const getContext = HTMLCanvasElement.prototype.getContext;
  const contexts = new WeakSet();
  HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
    const ctx = getContext.call(this, type, ...rest);
    if (ctx && /webgl/i.test(type) && !contexts.has(ctx)) { contexts.add(ctx); b.gl++; }
    return ctx;
  };
  // A run is counted by its end, the ForwardMsg with field 6 (script_finished), read from the wire: a
  // short run (a fragment) can start and end within one render, so the page's script-state attribute
  // need not change at all.
  const scriptFinished = a => {
    let i = 0;
    const varint = () => {
      let v = 0, scale = 1, c;
      do { c = a[i++]; v += (c & 0x7f) * scale; scale *= 128; } while (c & 0x80 && i < a.length);
      return v;
    };
    while (i < a.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag % 8;
      if (wire === 0) { varint(); if (field === 6) return true; }
      else if (wire === 2) { const length = varint(); i += length; }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else return false;
    }
    return false;
  };
  const Socket = window.WebSocket;
  window.WebSocket = class extends Socket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => {
        b.wsBytes += e.data.byteLength ?? e.data.size ?? e.data.length ?? 0;
        if (e.data instanceof ArrayBuffer && scriptFinished(new Uint8Array(e.data))) {
          b.runs++;
          b.lastDone = performance.now();
        }
      });
    }
  };
})();
"""

# Resolves with the page time at which the app became idle, or null after the timeout.
_IDLE_JS = r"""
async ([minRuns, timeoutMs, quietMs]) => {
  const b = window.__probe;
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const ready = () => {
    const app = document.querySelector("[data-testid='stApp']");
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
      && app.getAttribute('data-test-connection-state') === 'CONNECTED' && b.runs >= minRuns
      && !document.querySelector("[data-testid='stStatusWidget'], [data-testid='stSkeleton']")
      && [...document.querySelectorAll("[data-testid='stPlotlyChart']")]
        .every(c => { const g = c.querySelector('.js-plotly-plot'); return g && g._fullLayout; })
      && !document.querySelector("[data-live-chart='drawing']")
      && ![...document.querySelectorAll("[data-live-chart='waiting']")].some(near);
  };
  // A live chart keeps a new figure while it is far out of view and draws it within half a screen of the
  // page's scrolling container (explorer/live_chart.js); a hidden chart (no box) is not near.
  const near = el => {
    if (!el.getClientRects().length) return false;
    const main = el.closest("[data-testid='stMain']");
    const box = main ? main.getBoundingClientRect() : {top: 0, bottom: window.innerHeight};
    const r = el.getBoundingClientRect(), h = box.bottom - box.top;
    return r.bottom > box.top - 0.5 * h && r.top < box.bottom + 0.5 * h;
  };
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (!ready()) { await sleep(10); continue; }
    const mark = b.changes;
    await frame(); await frame();
    const t = performance.now();
    if (!ready() || b.changes !== mark) continue;
    await sleep(quietMs); await frame();
    if (ready() && b.changes === mark && !b.longTasks.some(([start]) => start >= t)) {
      return {t, done: b.lastDone};
    }
  }
  return null;
}
"""

_SNAPSHOT_JS = r"""
() => { const b = window.__probe; return {t: performance.now(), runs: b.runs, gl: b.gl, ws: b.wsBytes}; }
"""

_NAME_JS = r"""
const name = el => el.classList.contains('js-plotly-plot')
  ? ((el.layout && el.layout.title && el.layout.title.text) || 'untitled chart') : 'click pad';
"""

# Tags every chart; the pads live in closed shadow roots, so Playwright hands them over.
_TAG_JS = (
    "(pads) => {"
    + _NAME_JS
    + r"""
  const b = window.__probe;
  b.tracked = [];
  for (const el of [...document.querySelectorAll('.js-plotly-plot'), ...pads]) {
    if (!el.__probeId) {
      el.__probeId = ++b.seq;
      if (el.on) el.on('plotly_afterplot', () => { el.__probeDraws++; });
      else new MutationObserver(() => { el.__probeDraws++; }).observe(el, {childList: true, subtree: true});
    }
    el.__probeDraws = 0;
    b.tracked.push({el, name: name(el)});
  }
}
"""
)

_CENSUS_JS = (
    "(pads) => {"
    + _NAME_JS
    + r"""
  const b = window.__probe;
  const out = [];
  for (const {el, name: was} of b.tracked) {
    if (!el.isConnected) out.push([was, 'removed']);
    else if (el.dataset.liveChart === 'waiting') out.push([name(el), 'waiting']);
    else out.push([name(el), el.__probeDraws ? 'updated' : 'untouched']);
  }
  for (const el of [...document.querySelectorAll('.js-plotly-plot'), ...pads]) {
    if (!b.tracked.some(t => t.el === el)) out.push([name(el), 'created']);
  }
  return out;
}
"""
)


def install_probe(context) -> None:
    """Instrument every page of a Playwright browser context opened from now on."""
    context.add_init_script(PROBE_JS)


def wait_until_browser_idle(page, min_runs: int = 1, timeout_ms: int = 120_000, quiet_ms: int = 300):
    """Wait until the page is idle in the browser, not only on the server; needs :func:`install_probe`.

    Idle: at least ``min_runs`` script runs seen, the script state ``notRunning``, connected, no status
    widget and no placeholder of an element still loading its code, every Plotly chart drawn (Streamlit's
    own, and each live chart near the view done with its latest figure: explorer/live_chart.js), two
    animation frames run, and no long task (> 50 ms of main-thread work) starting in the next
    ``quiet_ms``. Returns ``{"t": page time of idle in ms, "done": page time the last script run
    ended}``, or None after ``timeout_ms``.
    """
    return page.evaluate(_IDLE_JS, [min_runs, timeout_ms, quiet_ms])


def probe_snapshot(page) -> dict:
    """Page time (ms), script runs seen, WebGL contexts created and websocket bytes received so far."""
    return page.evaluate(_SNAPSHOT_JS)


def long_tasks(page) -> list[tuple[float, float]]:
    """(start, duration) in ms of every long task so far."""
    return [tuple(t) for t in page.evaluate("() => window.__probe.longTasks")]


def _pads(page):
    return page.locator("svg.click-pad-plot").element_handles()


def tag_charts(page) -> None:
    """Mark every chart (Plotly graph, click pad) now on the page, for :func:`chart_census`."""
    page.evaluate(_TAG_JS, _pads(page))


def chart_census(page) -> list[tuple[str, str]]:
    """(chart name, status) of each chart since :func:`tag_charts`.

    status: 'untouched', 'updated' (same DOM node, redrawn in place), 'waiting' (a live chart out of view
    holding a new figure until it is scrolled to), 'removed' or 'created' (a new node: a re-created chart
    shows as removed and created). The name is the Plotly title, or 'click pad'.
    """
    return [tuple(c) for c in page.evaluate(_CENSUS_JS, _pads(page))]
