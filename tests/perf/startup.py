"""Times cold starts of the desktop app on the sample workspace and measures its idle memory.

Each run opens a fresh copy of the sample workspace (made once by the `steward` CLI) in a new
app process, so new WebKit web and network processes, started through tauri-driver and
WebKitWebDriver. Before each start the kernel's page cache is dropped (as root; otherwise the
run says the file cache was warm), so libraries, the binary and the workspace come from disk.
Each run measures:

- first paint: from the app process's start (its start time in /proc, 10 ms resolution) to the
  page's first contentful paint (Paint Timing: performance.timeOrigin + the entry's startTime);
- navigation start and DOMContentLoaded: from the same start to the page's time origin (when the web
  process starts loading it) and to the end of its DOMContentLoaded event;
- home ready: from the same start to the `steward:home-ready` mark the UI sets once the
  portfolio overview is in the page;
- idle memory: after `--idle` seconds, RSS and PSS (/proc/PID/smaps_rollup) of the app process,
  of its WebKitWebProcess and of its WebKitNetworkProcess, and how each PSS splits between
  anonymous memory (heaps) and mapped files (mostly shared libraries).

Prints each run and the medians, the page's events (paints, marks, DOMContentLoaded, and any
requests WebKit reports) in the run with the median first paint, then where the web process's PSS goes, by mapping, in the run
with the median web PSS. A benchmark, not a test: nothing is asserted about the figures. Run it
through startup.sh, which provides Xvfb, tauri-driver and selenium.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.support.ui import WebDriverWait

TICKS = os.sysconf("SC_CLK_TCK")
HOME_READY = "steward:home-ready"
ROLLUP_KEYS = ("Rss", "Pss", "Pss_Anon", "Pss_File", "Pss_Shmem")
KINDS = [("app", "app"), ("web", "WebKitWebProcess"), ("net", "WebKitNetworkProcess")]


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:
            pass
    return out


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for c in children(todo.pop()):
            found.append(c)
            todo.append(c)
    return found


def exe_name(pid: int) -> str:
    try:
        return Path(Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()).name
    except (FileNotFoundError, IndexError):
        return ""


def started_at(pid: int) -> float:
    """The process's start as Unix time: its start in clock ticks since boot, plus boot time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    since_boot = int(fields[19]) / TICKS
    boot = time.time() - time.clock_gettime(time.CLOCK_BOOTTIME)
    return boot + since_boot


def rollup(pids: list[int]) -> dict[str, int]:
    """Rss, Pss and the Pss split, in KiB, from /proc/PID/smaps_rollup, summed over `pids`."""
    kb = dict.fromkeys(ROLLUP_KEYS, 0)
    for pid in pids:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in kb:
                kb[key] += int(rest.split()[0])
    return kb


def pss_by_mapping(pid: int) -> dict[str, int]:
    """PSS by mapped file ([heap], [anonymous] and the like for the rest), in KiB."""
    sums: dict[str, int] = defaultdict(int)
    name = "[anonymous]"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split()
        if head and "-" in head[0] and ":" not in head[0]:
            name = " ".join(head[5:]) if len(head) > 5 else "[anonymous]"
        elif head and head[0] == "Pss:":
            sums[name] += int(head[1])
    return dict(sums)


def others_mapping(library: str, ours: set[int]) -> int:
    """How many processes besides `ours` map `library`: PSS splits its pages among them all."""
    count = 0
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and int(proc.name) not in ours:
            try:
                count += library in (proc / "maps").read_text()
            except OSError:
                pass
    return count


def drop_page_cache() -> bool:
    """Writes dirty pages and drops the page cache, dentries and inodes; False when not allowed."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, seconds: float = 10) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    sys.exit(f"startup.py: tauri-driver did not listen on port {port}")


def one_run(port: int, driver_pid: int, app_bin: str, data_dir: Path, identity_dir: Path,
            idle: float, cold: bool) -> dict:
    options = ArgOptions()
    options.set_capability("browserName", "wry")
    options.set_capability("tauri:options", {
        "application": app_bin, "args": ["--data-dir", str(data_dir), "--identity-dir", str(identity_dir)]})
    connection = RemoteConnection(client_config=ClientConfig(remote_server_addr=f"http://127.0.0.1:{port}"))
    dropped = drop_page_cache() if cold else False
    driver = webdriver.Remote(command_executor=connection, options=options)
    try:
        apps = [p for p in descendants(driver_pid) if exe_name(p) == Path(app_bin).name]
        if len(apps) != 1:
            sys.exit(f"startup.py: expected one app process under tauri-driver, found {apps}")
        app = apps[0]
        start = started_at(app)
        WebDriverWait(driver, 60, poll_frequency=0.05).until(
            lambda d: d.execute_script(f"return performance.getEntriesByName('{HOME_READY}').length > 0"),
            "the home screen shows the overview")
        t = driver.execute_script(
            "const p = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');"
            f"const h = performance.getEntriesByName('{HOME_READY}')[0];"
            "const n = performance.getEntriesByType('navigation')[0];"
            "return {origin: performance.timeOrigin, fcp: p ? p.startTime : null, home: h.startTime,"
            " dcl: n ? n.domContentLoadedEventEnd : null,"
            " timeline: ['resource', 'paint', 'mark'].flatMap(t => performance.getEntriesByType(t))"
            "   .map(e => [e.name, e.startTime, e.startTime + e.duration])"
            "   .concat(n ? [['DOMContentLoaded', n.domContentLoadedEventStart, n.domContentLoadedEventEnd]] : [])};")
        if not driver.find_elements(By.CSS_SELECTOR, '[data-testid="figure-systems-value"]'):
            sys.exit("startup.py: the home screen has no figures: not the sample workspace?")
        time.sleep(idle)
        kids = children(app)
        pids = {"app": [app],
                "web": [p for p in kids if exe_name(p) == "WebKitWebProcess"],
                "net": [p for p in kids if exe_name(p) == "WebKitNetworkProcess"]}
        origin = t["origin"] / 1000
        since_start = lambda ms: origin + ms / 1000 - start if ms is not None else float("nan")
        return {
            "page_cache_dropped": dropped,
            "navigation_start": origin - start,
            "first_paint": since_start(t["fcp"]),
            "dom_content_loaded": since_start(t["dcl"]),
            "home_ready": since_start(t["home"]),
            "processes": {k: len(v) for k, v in pids.items()},
            "other_webkit_processes": others_mapping("libwebkit2gtk", {p for v in pids.values() for p in v}),
            **{k: rollup(v) for k, v in pids.items()},
            "timeline": [(name, since_start(a), since_start(b)) for name, a, b in t["timeline"]],
            "web_mappings": pss_by_mapping(pids["web"][0]) if pids["web"] else {},
        }
    finally:
        driver.quit()


def mb(kib: float) -> str:
    return f"{kib / 1024:.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--idle", type=float, default=5.0, help="seconds idle before memory is read")
    ap.add_argument("--warm", action="store_true", help="keep the page cache (default: drop it before each start)")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="environment for the app (e.g. WEBKIT_DISABLE_COMPOSITING_MODE=1)")
    ap.add_argument("--json", type=Path, help="also write every run's figures to this file")
    args = ap.parse_args()
    app_bin = os.path.realpath(os.environ["STEWARD_APP_BIN"])
    port = int(os.environ.get("STEWARD_WEBDRIVER_PORT") or free_port())
    env = {**os.environ, **dict(e.split("=", 1) for e in args.env)}

    with tempfile.TemporaryDirectory(prefix="steward-startup.") as tmp:
        sample = Path(tmp, "sample")
        subprocess.run([os.environ["STEWARD_BIN"], "--data-dir", str(sample), "demo"], check=True,
                       capture_output=True, env={**os.environ, "STEWARD_ACTOR": "bench"})
        # tauri-driver starts WebKitWebDriver on the native port, which starts the app.
        driver = subprocess.Popen(["tauri-driver", "--port", str(port), "--native-port", str(port + 1)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs = []
        try:
            wait_for_port(port)
            print(f"{app_bin}: {args.runs} starts on a fresh copy of the sample workspace each, "
                  f"memory after {args.idle:g} s idle" + (f", with {' '.join(args.env)}" if args.env else ""))
            print(f"{'run':>3} {'first paint':>11} {'home ready':>10}   RSS/PSS MB: "
                  f"{'app':>9} {'web':>9} {'network':>9}")
            for i in range(args.runs):
                data_dir, identity_dir = Path(tmp, f"run-{i}", "data"), Path(tmp, f"run-{i}", "identity")
                shutil.copytree(sample, data_dir)
                r = one_run(port, driver.pid, app_bin, data_dir, identity_dir, args.idle, not args.warm)
                runs.append(r)
                both = lambda m: f"{mb(m['Rss'])}/{mb(m['Pss'])}"
                print(f"{i + 1:>3} {r['first_paint']:>10.3f}s {r['home_ready']:>9.3f}s   "
                      f"{'':>11}{both(r['app']):>9} {both(r['web']):>9} {both(r['net']):>9}"
                      + ("" if r["page_cache_dropped"] else "   (page cache warm)"), flush=True)
        finally:
            driver.terminate()
            driver.wait()

    others = max(r["other_webkit_processes"] for r in runs)
    if others:
        print(f"note: up to {others} other processes mapped libwebkit2gtk while memory was read; "
              "the PSS of shared libraries is split with them")
    if not all(r["page_cache_dropped"] for r in runs):
        print("note: the page cache was not dropped before every start (--warm, or not root)")
    med = lambda f: statistics.median(f(r) for r in runs)
    print(f"median: first paint {med(lambda r: r['first_paint']):.3f} s "
          f"(the page's navigation starts at {med(lambda r: r['navigation_start']):.3f} s, "
          f"DOMContentLoaded {med(lambda r: r['dom_content_loaded']):.3f} s), "
          f"home ready {med(lambda r: r['home_ready']):.3f} s")
    for key, label in KINDS:
        m = {k: med(lambda r: r[key][k]) for k in ROLLUP_KEYS}
        count = max(r["processes"][key] for r in runs)
        print(f"median {label}{f' (x{count})' if count > 1 else ''}: RSS {mb(m['Rss'])} MB, PSS {mb(m['Pss'])} MB "
              f"(anonymous {mb(m['Pss_Anon'])}, files {mb(m['Pss_File'])}, shared memory {mb(m['Pss_Shmem'])})")
    total = lambda r: sum(r[k]["Pss"] for k, _ in KINDS)
    print(f"median PSS of the three: {mb(med(total))} MB")

    by_paint = sorted(runs, key=lambda r: r["first_paint"])[len(runs) // 2]
    print("the page's events in the run with the median first paint (s from the app's start):")
    print(f"  {by_paint['navigation_start']:6.3f}         navigation start")
    for name, a, b in sorted(by_paint["timeline"], key=lambda e: e[1]):
        print(f"  {a:6.3f} {b:6.3f}  {name}")
    by_web = sorted(runs, key=lambda r: r["web"]["Pss"])[len(runs) // 2]
    print("WebKitWebProcess PSS by mapping (the run with the median web PSS), MB:")
    for name, kb in sorted(by_web["web_mappings"].items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {kb / 1024:7.1f}  {name}")
    if args.json:
        args.json.write_text(json.dumps({"app": app_bin, "env": args.env, "idle": args.idle, "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
