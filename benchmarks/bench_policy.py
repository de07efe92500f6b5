"""What the pytest plugin's token checklist costs a test that never touches the emulator.

A suite of ``TESTS`` plain tests (no fixture) runs in-process twice per round: once with the
plugin loaded and ``daily_token_policy = strict``, once without the plugin at all (``-p
no:meeting_tokens`` and no policy in its ini, the baseline). The ratio of the two sides' best CPU
times is the target (<= 1.05: nothing measurable beside the noise of a shared machine, which
moves single runs by 10% and more), and the difference per test is shown in microseconds. For
scale, a tenth as many tests that each mint one good token through ``daily_client`` are timed
too (no target: that is the price of a test that uses the emulator).
"""

from __future__ import annotations

import contextlib
import gc
import io
import pathlib
import tempfile
import time

import pytest

TESTS = 1000
ROUNDS = 12
STRICT = "[pytest]\ndaily_token_policy = strict\n"
PLAIN = "".join(f"def test_plain_{n}():\n    assert {n} + 1 == {n + 1}\n\n" for n in range(TESTS))
MINTING = "".join(
    f"def test_mints_{n}(daily_client):\n"
    f"    daily_client.create_meeting_token({{'room_name': 'r', 'exp': int(daily_client.now()) + 600}})\n\n"
    for n in range(TESTS // 10)
)
# The other plugins of this environment stay out of both runs (only noise here).
OPTIONS = ["-q", "-p", "no:cacheprovider", "-p", "no:nbval", "-p", "no:hypothesispytest", "-p", "no:xdist"]
OPTIONS += ["-p", "no:asyncio", "-p", "no:anyio", "--import-mode=importlib"]


def run(folder: pathlib.Path, name: str, *extra: str) -> float:
    """CPU seconds of one in-process pytest run of ``folder/name`` (it must pass): the
    process's own time, which other processes on a shared machine disturb far less than the
    clock on the wall."""
    output = io.StringIO()
    gc.collect()
    gc.disable()  # a collection that happens to fall in one run and not the other is noise
    start = time.process_time()
    try:
        with contextlib.redirect_stdout(output):
            status = pytest.main([str(folder / name), "--rootdir", str(folder), *OPTIONS, *extra])
    finally:
        elapsed = time.process_time() - start
        gc.enable()
    assert status == 0, output.getvalue()
    return elapsed


def timings() -> tuple[float, float, float]:
    """Best seconds of: plain tests with the plugin (strict), without it, and minting tests."""
    with tempfile.TemporaryDirectory() as strict, tempfile.TemporaryDirectory() as bare:
        strict_folder, bare_folder = pathlib.Path(strict), pathlib.Path(bare)
        (strict_folder / "pytest.ini").write_text(STRICT, encoding="utf-8")
        (bare_folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        for folder in (strict_folder, bare_folder):
            (folder / "test_plain.py").write_text(PLAIN, encoding="utf-8")
        (strict_folder / "test_minting.py").write_text(MINTING, encoding="utf-8")
        run(strict_folder, "test_plain.py")  # the first run imports and warms up
        with_plugin = without = minting = float("inf")
        for _ in range(ROUNDS):  # the two sides take turns, so both see the same load
            with_plugin = min(with_plugin, run(strict_folder, "test_plain.py"))
            without = min(without, run(bare_folder, "test_plain.py", "-p", "no:meeting_tokens"))
        for _ in range(3):
            minting = min(minting, run(strict_folder, "test_minting.py"))
    return with_plugin, without, minting


def main() -> None:
    with_plugin, without, minting = timings()
    ratio, target = with_plugin / without, 1.05
    per_test = (with_plugin - without) / TESTS * 1e6
    verdict = "PASS" if ratio <= target else "MISS"
    print(
        f"{TESTS} plain tests, strict policy / no plugin: {with_plugin:.3f} s vs {without:.3f} s, "
        f"{per_test:+.1f} µs a test, ratio {ratio:.3f} (target <= {target:.2f}) {verdict}"
    )
    print(f"for scale: {TESTS // 10} tests that each mint a good token: {minting:.3f} s")


if __name__ == "__main__":
    main()
