# ruff: noqa: S603, S607 - a local benchmark: our own gunicorn, wrk, top and uptime
"""Shared pieces of the load benches that serve the site with gunicorn and drive it with wrk.

Used by bench/payments_pages.py and bench/exhibitor_directory.py. wrk runs bench/deals_page.lua over a file of
"<path> <cookie>" lines (each request the next distinct page, with its own principal's session cookie) or
bench/wrk_report.lua for one URL (the bare /healthz), both printing one REPORT line.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = "| page | p50 ms | p95 ms | p99 ms | max ms | req/s | % of bare req/s | non-2xx | socket errors | load 1 min |"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def others() -> str:
    """Processes other than this benchmark's using > 5 % CPU (one top sample)."""
    lines = subprocess.run(
        ["top", "-b", "-n1", "-c", "-w", "250"], capture_output=True, text=True
    ).stdout.splitlines()
    out = []
    for line in lines[7:]:
        cols = line.split(None, 11)
        if len(cols) < 12:
            continue
        try:
            cpu = float(cols[8].replace(",", "."))
        except ValueError:
            continue
        if cpu > 5 and not re.search(r"gunicorn|wrk|postgres|top\b", cols[11]):
            out.append(f"{cols[8]}% {cols[11][:70]}")
    return "; ".join(out[:8]) or "none"


def start_gunicorn(workers: int) -> tuple[subprocess.Popen, str]:
    """gunicorn marketplace.wsgi on 127.0.0.1 (a free port) with this process's environment; waits for /healthz.

    --timeout 120: on a loaded machine a worker's first request (importing every URL module) can take longer
    than gunicorn's default 30 s, and a killed worker starts over — the run never settles."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "marketplace.wsgi", "-w", str(workers),
         "-b", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()  # noqa: S310 - our own server
            break
        except OSError:
            time.sleep(0.2)
    return server, base


def stop(server: subprocess.Popen) -> None:
    """Graceful stop (workers finish the request in hand), then kill after 60 s."""
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def check(base: str, pages: Path, marker: bytes) -> None:
    """The list's first page answers 200 and holds `marker` (not a sign-in or second-factor redirect)."""
    url, cookie = pages.read_text().split("\n", 1)[0].split()
    request = urllib.request.Request(base + url, headers={"Cookie": cookie})  # noqa: S310 - our own server
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        body = response.read()
        final = response.geturl()
    if response.status != 200 or marker not in body:
        raise SystemExit(f"{url} answered {response.status} at {final} without {marker!r}")


def drain(base: str, limit: float = 120) -> None:
    """Wait until the server answers /healthz at once again (at most `limit` seconds)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.perf_counter()
        urllib.request.urlopen(base + "/healthz", timeout=limit).read()  # noqa: S310 - our own server
        if time.perf_counter() - started < 0.1:
            return
        time.sleep(0.5)


def wrk(base: str, clients: int, seconds: int, *, url: str = "", pages: Path | None = None) -> dict:
    lua = ROOT / "bench" / ("deals_page.lua" if pages else "wrk_report.lua")
    env = dict(os.environ, DEALS_PAGES=str(pages or ""))
    cmd = [
        "wrk",
        "-t2",
        f"-c{clients}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(lua),
        base + url,
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=seconds + 60)
    line = next((x for x in result.stdout.splitlines() if x.startswith("REPORT")), "")
    if not line:
        raise SystemExit(f"wrk printed no report: {result.stdout}\n{result.stderr}")
    return {k: float(v) for k, v in (kv.split("=") for kv in line.split()[1:])}


def row(name: str, r: dict, bare_rps: float) -> str:
    return (
        f"| {name} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.0f} | {r['rps']:.1f} "
        f"| {100 * r['rps'] / bare_rps:.1f} % | {int(r['non2xx'])} | {int(r['socket_errors'])} | {os.getloadavg()[0]:.1f} |"
    )


def run_table(base: str, clients: int, seconds: int, runs: list[tuple[str, dict]]) -> None:
    """Warm-up, then each run in turn, the bare /healthz first and last; uptime and other processes around."""
    print(f"== {os.cpu_count()} CPUs; uptime: {uptime()}")
    print(f"== other processes using CPU: {others()}")
    first_pages = next((kw["pages"] for _n, kw in runs if "pages" in kw), None)
    if first_pages:
        wrk(base, clients, 3, pages=first_pages)  # warm-up: every worker imports, connects, fills its caches
    drain(base)
    runs = [("bare /healthz", {"url": "/healthz"}), *runs, ("bare /healthz (again)", {"url": "/healthz"})]
    bare = None
    print(HEADER)
    print("|" + " --- |" * 10)
    for name, kw in runs:
        drain(base)  # the requests wrk left in the workers' queue at its end are not the next run's
        r = wrk(base, clients, seconds, **kw)
        bare = bare or r["rps"] or float("nan")
        print(row(name, r, bare), flush=True)
        print(f"   (after: other processes using CPU: {others()})", flush=True)
    print(f"== uptime after: {uptime()}")
