"""The page for teaching in a real Chromium: the whole guided tour with Next and Back, presentation mode,
one figure alone, CSV uploads (good and bad), and every download: points, networks and the whole view."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

import landscape as L
from explorer.exchange import parse_points_csv, read_networks
from explorer.state import State
from explorer.tour import TOUR

APP = "app.py"


def params(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def wait_for_param(page, name: str, value: str | None) -> None:
    page.wait_for_function(
        "([n, v]) => new URL(location.href).searchParams.get(n) === v", arg=[name, value], timeout=60_000
    )


def no_exception(page) -> None:
    assert page.get_by_test_id("stException").count() == 0


def chart_heights(page) -> list[float]:
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => g._fullLayout.height)"
    )


def test_walk_the_whole_tour_with_next_and_back(open_app, wait_for_app_idle):
    from playwright.sync_api import expect

    page = open_app(APP, "tour=1")
    started = time.perf_counter()
    for k in range(1, len(TOUR) + 1):
        step = TOUR[k - 1]
        expect(page.get_by_text(f"step {k} of {len(TOUR)}: {step.title}")).to_be_visible(timeout=60_000)
        wait_for_app_idle(page)
        assert params(page)["p"] == step.preset
        # The figures the step points at are on the page, outlined.
        for key in step.figures:
            expect(page.locator(f".st-key-figure-{key} .js-plotly-plot")).to_be_attached(timeout=60_000)
        no_exception(page)
        if k < len(TOUR):
            page.get_by_role("button", name="Next ▶").click()
            wait_for_param(page, "tour", str(k + 1))
    expect(page.get_by_role("button", name="Next ▶")).to_be_disabled()
    for k in range(len(TOUR) - 1, 0, -1):
        page.get_by_role("button", name="◀ Back").click()
        wait_for_param(page, "tour", str(k))
        expect(page.get_by_text(f"step {k} of {len(TOUR)}: {TOUR[k - 1].title}")).to_be_visible(timeout=60_000)
        wait_for_app_idle(page)
        assert params(page)["p"] == TOUR[k - 1].preset
        no_exception(page)
    expect(page.get_by_role("button", name="◀ Back")).to_be_disabled()
    # Leaving keeps the view, and its settings stay editable.
    page.get_by_role("button", name="✕ Leave the tour").click()
    wait_for_param(page, "tour", None)
    wait_for_app_idle(page)
    lam = page.get_by_role("spinbutton", name="λ (weight decay)")
    lam.fill("0.5")
    lam.press("Enter")
    wait_for_param(page, "lam", "0.5")
    no_exception(page)
    print(f"tour walked forward and back in {time.perf_counter() - started:.1f} s")


def test_presentation_mode(open_app, wait_for_app_idle):
    from playwright.sync_api import expect

    page = open_app(APP, "tour=2&present=1")
    expect(page.get_by_text("step 2 of")).to_be_visible()
    # The window size reaches the server and the figures are redrawn to fit it (78 % of 900 px).
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].some(g => g._fullLayout.height === 702)",
        timeout=60_000,
    )
    # (a deep bottom margin, the contour's controls and legend, comes on top of that)
    wait_for_app_idle(page)
    assert page.get_by_test_id("stSidebar").count() == 0
    assert page.get_by_test_id("stDownloadButton").count() == 0
    assert page.locator(".modebar").count() == 0
    assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "20px"
    sizes = "g => [g._fullLayout.height, g._fullLayout.margin.b]"
    for height, bottom in page.evaluate(f"() => [...document.querySelectorAll('.js-plotly-plot')].map({sizes})"):
        assert height == 702 + max(0, bottom - 80)
    expect(page.get_by_role("button", name="Next ▶")).to_be_visible()
    page.get_by_role("button", name="Next ▶").click()
    wait_for_param(page, "tour", "3")
    assert params(page)["present"] == "1"
    no_exception(page)


def test_one_figure_alone_embeds(open_app):
    page = open_app(APP, "p=poster&figure=loss&embed=true")
    page.wait_for_function(
        "() => { const g = document.querySelector('.js-plotly-plot'); return g && g._fullLayout.height === 774; }",
        timeout=60_000,
    )
    assert page.locator(".js-plotly-plot").count() == 1
    assert page.locator("h1").count() == 0 and page.get_by_role("button").count() == 0
    caption = page.get_by_test_id("stCaptionContainer").first.inner_text()
    assert "Loss (1) against gradient-descent step" in caption and re.search(r"\d", caption)
    aria = page.get_by_test_id("stPlotlyChart").first.evaluate(
        "el => el.getAttribute('aria-label') || el.querySelector('[aria-label]')?.getAttribute('aria-label') || ''"
    )
    assert aria.startswith("Loss (1) against gradient-descent step")
    assert params(page)["figure"] == "loss"
    no_exception(page)


def upload(page, name: str, text: str) -> None:
    files = [{"name": name, "mimeType": "text/csv", "buffer": text.encode()}]
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(files=files)


def download(page, label: str) -> Path:
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name=label).click()
    return Path(info.value.path())


def test_upload_good_and_bad_csv_and_download_points_networks_and_the_view(open_app, wait_for_app_idle, tmp_path):
    from playwright.sync_api import expect

    page = open_app(APP, "p=poster")
    upload(page, "three.csv", "x,y\n-1,1\n0.5,0.25\n1,2\n")
    page.wait_for_function(
        "() => new URL(location.href).searchParams.get('points') === '-1,1;0.5,0.25;1,2'", timeout=60_000
    )
    expect(page.get_by_text("Loaded 3 points from three.csv.")).to_be_visible()
    wait_for_app_idle(page)
    no_exception(page)

    upload(page, "bad.csv", "x,y\n-1,1\n0.3,abc\n")
    expect(page.get_by_text("bad.csv: Line 3, column 2 (y): 'abc' is not a number.")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("The current points are kept.")).to_be_visible()
    wait_for_app_idle(page)
    assert params(page)["points"] == "-1,1;0.5,0.25;1,2"
    no_exception(page)

    points = parse_points_csv(download(page, "⬇ Points (CSV)").read_text())
    assert points == ((-1.0, 1.0), (0.5, 0.25), (1.0, 2.0))

    runs = read_networks(download(page, "⬇ GD networks (JSON)").read_text())
    state, _ = State.from_query(params(page))
    assert len(runs.networks) == 1 + state.starts and runs.lam == state.lam
    for net in runs.networks:
        assert net.W.shape == (2, 1) and net.alpha.tolist() == [1.0, 1.0]
        assert L.objective(net.W, net.alpha, runs.X, runs.y, runs.lam) == net.objective
        assert net.certified_gap is not None and net.certified_gap >= -1e-12
    best = read_networks(download(page, "⬇ Optimal network (JSON)").read_text())
    optimum = best.network("optimum of (2)")
    assert L.objective(optimum.W, optimum.alpha, best.X, best.y, best.lam) == optimum.objective
    assert optimum.certified_gap < 1e-6

    path = download(page, re.compile("The whole view as one HTML file"))
    html = path.read_text()
    assert html.count('class="figure"') == 5 and "@media print" in html and "<math" in html
    view_file = tmp_path / "view.html"
    view_file.write_text(html)
    check_offline_handout(page.context.browser, view_file)


def check_offline_handout(browser, path: Path) -> None:
    """The exported file draws every figure with the network cut off, and prints to PDF."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    fetched = []
    context.route(re.compile(r"^https?://"), lambda route: (fetched.append(route.request.url), route.abort()))
    page = context.new_page()
    try:
        page.goto(path.as_uri())
        page.wait_for_function("() => document.body.dataset.printReady === '1'", timeout=120_000)
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('.js-plotly-plot')].filter(g => g._fullLayout).length"
        )
        assert drawn == 5
        # The landscape itself is drawn (its regions and contour lines), not only the paths on it.
        assert page.locator("#figure-contour .hm image").count() >= 1
        assert page.locator("#figure-contour .contourlevel path").count() > 10
        assert page.locator("img.still").count() == 5
        assert fetched == []
        page.emulate_media(media="print")
        assert page.locator("img.still").first.is_visible() and not page.locator(".live").first.is_visible()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    finally:
        context.close()


def test_m_neuron_view_takes_a_2d_csv(open_app, wait_for_app_idle):
    from playwright.sync_api import expect

    page = open_app(APP, "p=ten_neurons&steps=300")
    rows = "x1,x2,y\n0,0,1\n1,0,-1\n0,1,-1\n1,1,1\n0.5,0.5,0\n"
    upload(page, "plane.csv", rows)
    wait_for_param(page, "dims", "2")
    expect(page.get_by_text("Loaded 5 points from plane.csv.")).to_be_visible()
    wait_for_app_idle(page)
    state, messages = State.from_query(params(page))
    assert not messages and state.points2d == (
        (0.0, 0.0, 1.0),
        (1.0, 0.0, -1.0),
        (0.0, 1.0, -1.0),
        (1.0, 1.0, 1.0),
        (0.5, 0.5, 0.0),
    )
    upload(page, "wide.csv", "1,2,3,4\n")
    expect(page.get_by_text("wide.csv: Line 1 has 4 value(s)")).to_be_visible(timeout=60_000)
    assert State.from_query(params(page))[0].points2d == state.points2d
    no_exception(page)


@pytest.mark.parametrize("query", ["p=poster", "p=ten_neurons"])
def test_controls_are_large_enough_and_reachable_by_keyboard(open_app, wait_for_app_idle, query):
    page = open_app(APP, query)
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=60_000)
    wait_for_app_idle(page)
    small = page.evaluate(SMALL_TARGETS_JS)
    assert small == [], small
    # Tab reaches the tour, the presentation toggle and the view picker, each with a visible focus ring.
    reached = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        name = page.evaluate(FOCUSED_JS)
        reached.add(name)
        if {"tour", "present", "view"} <= reached:
            break
    assert {"tour", "present", "view"} <= reached, reached


# Every visible control (buttons, links, inputs, Plotly's buttons) at least 24 x 24 px, as WCAG 2.2 asks.
SMALL_TARGETS_JS = r"""
() => {
  const sel = 'button, a[href], input:not([type=hidden]), select, [role=button], [role=tab], [role=switch], '
    + '[role=checkbox], [role=slider], .modebar-btn, [tabindex]:not([tabindex="-1"])';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
    if (el.closest('[data-testid=stDataFrame], [data-testid=stDataFrameResizable], .glideDataEditor')) continue;
    if (el.matches('[data-testid=stSkipToContent]')) continue;  // off screen until focused
    if (el.matches('input[type=checkbox], input[type=file]') && el.closest('label')) continue;
    if (el.matches('a') && el.closest('p, li, [data-testid=stCaptionContainer]')) continue;  // links in text
    if (r.width < 24 || r.height < 24) {
      out.push([el.tagName, el.getAttribute('data-testid') || el.className.baseVal || el.className || '',
                el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30), Math.round(r.width),
                Math.round(r.height)]);
    }
  }
  return out;
}
"""

FOCUSED_JS = r"""
() => {
  const el = document.activeElement;
  if (!el) return '';
  if (el.closest('.st-key-tour_start, .st-key-tour_next')) return 'tour';
  const label = el.closest('label')?.textContent || el.getAttribute('aria-label') || '';
  if (el.closest('[data-testid=stCheckbox], [role=switch]') && /Presentation/.test(label)) return 'present';
  if (el.closest('[data-testid=stButtonGroup]')) return 'view';
  return el.tagName;
}
"""
