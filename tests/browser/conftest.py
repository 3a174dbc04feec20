"""Fixtures for tests that drive Streamlit pages in a real Chromium.

``streamlit_server(script)`` starts ``streamlit run`` once per script and
returns its base URL; ``browser_page`` is a fresh Chromium page; ``open_app``
combines both and waits until the first script run is over;
``wait_for_app_idle(page)`` waits for a rerun to finish.  The plain functions
behind them live in ``harness.py``, which the browser benchmark shares.

Playwright cannot download its own browser here, so the system Chromium is
used (``CHROMIUM`` env var, default ``/usr/bin/chromium``).  Without it the
browser tests skip, unless ``CI`` is set: there a missing browser must not
turn a red build green.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser.harness import CHROMIUM, REPO_ROOT, ServerError, launch_chromium, start_server, stop_servers
from tests.browser.harness import wait_until_idle as _wait_until_idle

APP_TIMEOUT_MS = 20_000


def _missing_browser(reason: str) -> None:
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(f"{reason} (CI is set, so this is an error, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    """Factory ``start(script_path) -> base_url``.

    Relative paths are taken from the repository root.  One server per
    script for the whole test run, since start-up costs seconds.
    """
    servers: dict[Path, tuple[subprocess.Popen, str]] = {}
    log_dir = tmp_path_factory.mktemp("streamlit-logs")

    def start(script_path: str | os.PathLike) -> str:
        script = Path(script_path)
        script = (script if script.is_absolute() else REPO_ROOT / script).resolve()
        if script not in servers:
            try:
                servers[script] = start_server(script, log_dir / f"{script.stem}.log")
            except ServerError as exc:
                pytest.fail(str(exc))
        return servers[script][1]

    yield start

    stop_servers([proc for proc, _ in servers.values()])


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Chromium for the whole run (skips or fails if absent)."""
    if not CHROMIUM.exists():
        _missing_browser(
            f"browser test needs Chromium, none at {CHROMIUM}: "
            "apt-get install -y chromium, or point CHROMIUM at a binary"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser("the playwright package is not installed")
    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium_browser):
    """A fresh page in its own context, so no state leaks between tests."""
    context = chromium_browser.new_context(viewport={"width": 1000, "height": 900})
    context.set_default_timeout(APP_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def wait_for_app_idle() -> Callable[[object], None]:
    """``wait_for_app_idle(page)``: block until the script run is over.

    Call it once the effect of an interaction is visible (e.g. via Playwright's
    ``expect``): right after a click the page may not have started its rerun yet.
    """
    return _wait_until_idle


@pytest.fixture
def open_app(streamlit_server, browser_page) -> Callable[..., object]:
    """``open_app(script, query="")`` loads the page and returns it once idle."""

    def open_(script_path: str | os.PathLike, query: str = ""):
        url = streamlit_server(script_path)
        browser_page.goto(f"{url}/{'?' + query if query else ''}")
        _wait_until_idle(browser_page)
        return browser_page

    return open_
