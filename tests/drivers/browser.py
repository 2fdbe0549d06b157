"""A real ``ydsearch serve`` process and a real headless Chromium, for the browser
test and the README screenshot (``python -m tests.drivers.screenshot``).

Chromium and its driver come from the system's packages (Debian: ``chromium``
and ``chromium-driver``); nothing is downloaded.  Selenium is given the
driver's path, so its own driver manager never runs.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Optional, Tuple

REPO = Path(__file__).resolve().parents[2]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DRIVERS = ("chromedriver",)
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--lang=zh-CN",
                  "--disable-dev-shm-usage", "--hide-scrollbars")


def find_chromium() -> Tuple[Optional[str], Optional[str]]:
    """(browser, driver) paths, each None when not installed."""
    browser = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    driver = shutil.which("chromedriver")
    if driver is None and Path("/usr/lib/chromium/chromedriver").is_file():
        driver = "/usr/lib/chromium/chromedriver"
    return browser, driver


class Server:
    """``ydsearch --index PATH serve --port 0`` in a child process; ``url`` is its address."""

    def __init__(self, index_path, *extra, before=(), timeout: float = 60.0):
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ydsearch", "--index", str(index_path), *map(str, before),
             "serve", "--port", "0", "--quiet", *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True, encoding="utf-8", env=env, cwd=str(REPO),
            # as in a terminal: Ctrl+C (SIGINT) reaches it even when this process was
            # started in the background, where the shell ignores SIGINT for its children
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.lines = []
        found = threading.Event()
        self.url = None

        def read():
            for line in self.proc.stderr:
                self.lines.append(line.rstrip("\n"))
                m = re.search(r"serving (http://\S+)", line)
                if m and not found.is_set():
                    self.url = m.group(1).rstrip("/")
                    found.set()

        self.reader = threading.Thread(target=read, daemon=True)
        self.reader.start()
        if not found.wait(timeout):
            self.stop()
            raise RuntimeError("ydsearch serve did not print its URL:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        """Stop it with SIGINT, as Ctrl+C would; return its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.reader.join(timeout=5)
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def chromium(width: int = 1280, height: int = 900, javascript: bool = True,
             phone: bool = False):
    """A headless Chromium driven by Selenium, with a fresh profile folder
    (removed by ``quit_chromium``).  ``phone``: a touch screen of ``width`` x
    ``height`` CSS pixels at twice the density (headless windows are at least 500
    pixels wide, so a phone is emulated)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver = find_chromium()
    if browser is None or driver is None:
        raise RuntimeError("Chromium or chromedriver is not installed")
    profile = tempfile.mkdtemp(prefix="ydsearch-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    if not javascript:
        options.add_experimental_option("prefs",
                                        {"profile.managed_default_content_settings.javascript": 2})
    drv = webdriver.Chrome(service=Service(executable_path=driver), options=options)
    drv.ydsearch_profile = profile
    if phone:
        drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 2,
                             "mobile": True})
    drv.set_page_load_timeout(60)
    return drv


def quit_chromium(drv) -> None:
    try:
        drv.quit()
    finally:
        shutil.rmtree(getattr(drv, "ydsearch_profile", ""), ignore_errors=True)


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.1):
    """Poll ``predicate`` until it returns something true; its value, or TimeoutError."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - a page mid-load raises stale-element errors
            last_error = e
        time.sleep(interval)
    raise TimeoutError(f"condition not met in {timeout} s" + (f" (last error: {last_error})"
                                                               if last_error else ""))
