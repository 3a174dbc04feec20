"""Fixtures for tests that drive Streamlit pages in a real Chromium.

``streamlit_server(script)`` starts ``streamlit run`` once per script and
returns its base URL; ``browser_page`` is a fresh Chromium page; ``open_app``
combines both and waits until the first script run is over;
``wait_for_app_idle(page)`` waits for a rerun to finish.

Playwright cannot download its own browser here, so the system Chromium is
used (``CHROMIUM`` env var, default ``/usr/bin/chromium``).  Without it the
browser tests skip, unless ``CI`` is set: there a missing browser must not
turn a red build green.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]
SERVER_START_TIMEOUT_S = 60.0
APP_TIMEOUT_MS = 20_000

# Streamlit's own end-to-end tests wait on these attributes.
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
APP_CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def _missing_browser(reason: str) -> None:
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(f"{reason} (CI is set, so this is an error, not a skip)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


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
        if script in servers:
            return servers[script][1]
        port = _free_port()
        url = f"http://localhost:{port}"
        log_path = log_dir / f"{script.stem}-{port}.log"
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        with log_path.open("wb") as log:
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
        servers[script] = (proc, url)
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _healthy(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not come up for {script}:\n{log_path.read_text()}")
            time.sleep(0.2)
        return url

    yield start

    for proc, _ in servers.values():
        proc.terminate()
    for proc, _ in servers.values():
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
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


def _wait_until_idle(page) -> None:
    page.wait_for_selector(APP_CONNECTED)
    page.wait_for_selector(APP_IDLE)


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
