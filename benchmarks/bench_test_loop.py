"""The test loop: how long `make test` takes, on an idle machine and beside a CPU-bound job.

Runs `make test` twice in this checkout (8 to 14 minutes each on 2 cores): alone, then with
one other process spinning on a core the whole time, as when a book build or another checkout's
tests share the machine. For each run it prints the wall time, the CPU time the whole machine
spent meanwhile (from /proc/stat: Chromium's renderers are not children pytest waits for, so
pytest's own accounting misses most of them), and the test files that took longest (pytest's
JUnit report). The ratio of the two walls says how much one other job costs; the CPU time says
what the suite itself costs, whatever else runs.

Target (issue 27): under 4 minutes beside one CPU-bound job on 2 cores.

    python benchmarks/bench_test_loop.py              # both runs
    python benchmarks/bench_test_loop.py --only idle  # one of them
"""

from __future__ import annotations

import argparse
import collections
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET = 240.0  # seconds beside one CPU-bound job (4 min)
SPIN = "while True: pass"


def busy_seconds() -> float:
    """CPU seconds the machine has spent on anything but idling and waiting, since boot."""
    fields = [int(value) for value in pathlib.Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int) -> float:
    """CPU seconds a running process has used (user and system, from /proc/PID/stat)."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def slowest_files(report: pathlib.Path, count: int = 6) -> list[tuple[str, float]]:
    """The test files (and chapters) with the most test time in a JUnit report."""
    totals: collections.Counter[str] = collections.Counter()
    for case in ET.parse(report).iter("testcase"):  # noqa: S314 (pytest's own report, just written)
        parts = case.get("classname", "").split(".")
        totals[parts[1] if parts[0] == "tests" and len(parts) > 1 else parts[0]] += float(case.get("time", 0))
    return totals.most_common(count)


def run_make_test(spinners: int) -> tuple[float, float, int, list[tuple[str, float]]]:
    """`make test` beside ``spinners`` CPU-bound processes: wall, machine CPU, exit code, slowest."""
    with tempfile.TemporaryDirectory() as folder:
        report = pathlib.Path(folder) / "junit.xml"
        environment = os.environ | {"PYTEST_ADDOPTS": f"--junitxml={report} -q"}
        spinning = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(spinners)]  # noqa: S603
        try:
            cpu, start = busy_seconds(), time.monotonic()
            command = ["make", "test"]
            result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, check=False)  # noqa: S603
            wall, cpu = time.monotonic() - start, busy_seconds() - cpu
            cpu -= sum(process_seconds(process.pid) for process in spinning)  # the suite's own share
        finally:
            for process in spinning:
                process.kill()
                process.wait()
        slowest = slowest_files(report) if report.is_file() else []
        return wall, cpu, result.returncode, slowest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("idle", "loaded"), help="run one of the two")
    arguments, _ = parser.parse_known_args()
    print(f"{os.cpu_count()} cores, load average before: {os.getloadavg()[0]:.1f}")
    walls = {}
    for name, spinners in (("idle", 0), ("loaded", 1)):
        if arguments.only not in (None, name):
            continue
        wall, cpu, code, slowest = run_make_test(spinners)
        walls[name] = wall
        outcome = "passed" if code == 0 else f"FAILED (exit {code})"
        print(f"make test, {name:6}:  {wall / 60:5.1f} min wall, {cpu:6.0f} s of CPU, {outcome}")
        print("  longest files: " + ", ".join(f"{file} {seconds:.0f} s" for file, seconds in slowest))
    if "loaded" in walls:
        verdict = "meets" if walls["loaded"] < TARGET else "misses"
        minutes = walls["loaded"] / 60
        print(f"beside one job:  {minutes:.1f} min ({verdict} the target, under {TARGET / 60:.0f} min)")
    if len(walls) == 2:
        print(f"ratio (loaded / idle):    {walls['loaded'] / walls['idle']:.2f}x")


if __name__ == "__main__":
    main()
