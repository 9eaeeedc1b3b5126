"""Fixtures for driving the built Steward app through tauri-driver and WebKitWebDriver.

Each test gets a fresh data directory (so a fresh workspace) passed to the app as
`--data-dir DIR`, a fresh identity directory (so no signing key yet) as `--identity-dir DIR`,
and one WebDriver session. run.sh starts tauri-driver under Xvfb. `sample_app` is the same app
opened on a data directory the `steward` CLI filled with the sample portfolio before the app
started, as a returning user finds it; `steward` runs the CLI on the app's data directory.
`team_db` is a fresh database on the tests' own PostgreSQL 15 (crates/testpg's `testpg-serve`),
with a login role for each of two people.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.file_detector import UselessFileDetector
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 15


class App:
    """The app under test, addressed by the UI's data-testid attributes."""

    def __init__(self, driver: webdriver.Remote, data_dir: Path, shots: Path, test_name: str):
        self.driver = driver
        self.data_dir = data_dir
        self.shots = shots
        self.test_name = test_name

    def css(self, testid: str) -> str:
        return f'[data-testid="{testid}"]'

    def find(self, testid: str, within: WebElement | None = None) -> WebElement:
        """Waits until the element is in the page and visible, and returns it."""
        root = within or self.driver

        def visible(_):
            found = root.find_elements(By.CSS_SELECTOR, self.css(testid))
            return next((e for e in found if e.is_displayed()), False)

        return WebDriverWait(self.driver, TIMEOUT).until(visible, f"no visible {testid!r}")

    def all(self, testid: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, self.css(testid))

    def present(self, testid: str) -> bool:
        return len(self.all(testid)) > 0

    def click(self, testid: str) -> None:
        self.find(testid).click()

    def type(self, testid: str, text: str) -> None:
        e = self.find(testid)
        e.clear()
        e.send_keys(text)

    def select(self, testid: str, value: str) -> None:
        e = self.find(testid)
        e.find_element(By.CSS_SELECTOR, f'option[value="{value}"]').click()

    def wait(self, condition, message: str):
        """Waits for `condition()` to be truthy (retrying over re-rendered elements)."""

        def check(_):
            try:
                return condition()
            except StaleElementReferenceException:
                return False

        return WebDriverWait(self.driver, TIMEOUT).until(check, message)

    def rows(self) -> list[str]:
        """The names in the register table, in order."""
        return [e.text for e in self.all("row-name")]

    def count_text(self) -> str:
        return self.find("register-count").text

    def shown_count(self) -> int:
        """How many systems the count above the table says it shows, once it has loaded."""
        found = self.wait(lambda: re.match(r"(\d+)", self.count_text()), "the register count shows a number")
        return int(found.group(1))

    def screenshot(self, name: str) -> Path:
        """Saves a screenshot once the last change has been painted (two animation frames).

        The app paints without accelerated compositing (src-tauri/src/webview.rs), and then
        WebKitGTK answers WebDriver's screenshot only after the page's next paint, which a page
        that has stopped changing never makes. So while the screenshot is taken, one invisible pixel
        in the corner is repainted every 50 ms (`REPAINT`), and removed afterwards.
        """
        self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => done()));"
        )
        path = self.shots / f"{self.test_name}-{name}.png"
        self.driver.execute_script(REPAINT, True)
        try:
            self.driver.save_screenshot(str(path))
        finally:
            self.driver.execute_script(REPAINT, False)
        return path


# Starts (true) or stops (false) repainting an invisible pixel every 50 ms; see App.screenshot.
REPAINT = """
const on = arguments[0];
let mark = document.getElementById("e2e-repaint");
if (mark) { clearInterval(Number(mark.dataset.timer)); mark.remove(); }
if (on) {
  mark = document.createElement("div");
  mark.id = "e2e-repaint";
  mark.setAttribute("aria-hidden", "true");
  // Two colours that are both fully transparent: the pixel never shows, but each change is a
  // style change WebKit repaints.
  const [a, b] = ["rgba(0, 0, 0, 0)", "rgba(255, 255, 255, 0)"];
  mark.style.cssText = `position: fixed; left: 0; top: 0; width: 1px; height: 1px; pointer-events: none; background: ${a}`;
  document.body.appendChild(mark);
  mark.dataset.timer = String(setInterval(() => {
    mark.style.backgroundColor = mark.style.backgroundColor === a ? b : a;
  }, 50));
}
"""


def steward_bin() -> str:
    """The `steward` CLI built beside the app (STEWARD_BIN, else next to STEWARD_APP_BIN)."""
    named = os.environ.get("STEWARD_BIN")
    if named:
        return named
    app_bin = os.environ.get("STEWARD_APP_BIN")
    if not app_bin:
        pytest.fail("STEWARD_APP_BIN must name the built steward-app binary (run tests/e2e/run.sh)")
    beside = Path(app_bin).with_name("steward")
    if not beside.is_file():
        pytest.fail(f"no steward CLI at {beside}: build it (cargo build -p steward-cli) or set STEWARD_BIN")
    return str(beside)


def run_steward(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [steward_bin(), "--data-dir", str(data_dir), *args],
        check=True, capture_output=True, text=True, env={**os.environ, "STEWARD_ACTOR": "e2e"},
    )


def launch(tmp_path: Path, request: pytest.FixtureRequest, extra_args: tuple[str, ...] = ()):
    binary = os.environ.get("STEWARD_APP_BIN")
    if not binary:
        pytest.fail("STEWARD_APP_BIN must name the built steward-app binary (run tests/e2e/run.sh)")
    port = os.environ.get("STEWARD_WEBDRIVER_PORT", "4444")
    shots = Path(os.environ.get("STEWARD_E2E_SHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    data_dir = tmp_path / "data"
    identity_dir = tmp_path / "identity"

    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability("tauri:options", {
        "application": binary,
        "args": ["--data-dir", str(data_dir), "--identity-dir", str(identity_dir), *extra_args],
    })
    connection = RemoteConnection(client_config=ClientConfig(remote_server_addr=f"http://127.0.0.1:{port}"))
    driver = webdriver.Remote(command_executor=connection, options=options)
    # Paths typed into the import field are text for the app, not files to upload to the driver.
    driver.file_detector = UselessFileDetector()
    a = App(driver, data_dir, shots, request.node.name)
    try:
        yield a
        a.screenshot("end")
    finally:
        driver.quit()


@pytest.fixture
def app(tmp_path: Path, request: pytest.FixtureRequest):
    yield from launch(tmp_path, request)


@pytest.fixture
def sample_app(tmp_path: Path, request: pytest.FixtureRequest):
    run_steward(tmp_path / "data", "demo")
    yield from launch(tmp_path, request)


@pytest.fixture
def steward():
    """Runs `steward ARGS --json` on a data directory and returns the parsed output."""

    def call(data_dir: Path, *args: str):
        return json.loads(run_steward(data_dir, *args, "--json").stdout)

    return call


@pytest.fixture
def files(tmp_path: Path):
    """Writes fixture files into the test's temporary directory."""

    def write(name: str, text: str) -> Path:
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        return p

    return write


@pytest.fixture
def team_db():
    """A fresh database on the tests' PostgreSQL (started by `testpg-serve`, STEWARD_TESTPG_BIN,
    which run.sh builds), with the roles `ann` and `bob`: the JSON it prints (host, port,
    database, password, url, people: {name: url}). The server is stopped and removed when the
    test ends (closing its stdin), or by its watchdog if this process dies first."""
    binary = os.environ.get("STEWARD_TESTPG_BIN")
    if not binary:
        pytest.fail("STEWARD_TESTPG_BIN must name crates/testpg's testpg-serve (run tests/e2e/run.sh)")
    server = subprocess.Popen([binary, "--person", "ann", "--person", "bob"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        if not line:
            pytest.fail(f"testpg-serve did not start PostgreSQL: {server.stderr.read()}")
        yield json.loads(line)
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()


def run_steward_db(url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """The `steward` CLI on the team workspace `url` (`--db`)."""
    return subprocess.run([steward_bin(), "--db", url, *args], check=check, capture_output=True, text=True)
