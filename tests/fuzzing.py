"""How many inputs the property tests and fuzzers try: their full count in `make test` (and CI),
a tenth in `make test-unit`, the loop run after each change.

`make test-unit` passes ``--hypothesis-profile=quick``; tests/conftest.py registers that profile
(it must exist before Hypothesis's pytest plugin loads it). A fuzzer states its full count with
``@fuzz(300)``; a bare ``@given`` tries the profile's own count (Hypothesis's 100, or 10).
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

QUICK = "quick"
QUICK_SHARE = 10  # the quick profile tries one input in ten, and at least QUICK_EXAMPLES
QUICK_EXAMPLES = 10


def register_quick_profile() -> None:
    settings.register_profile(QUICK, max_examples=QUICK_EXAMPLES)


def fuzz(examples: int, *, slow_inputs: bool = False) -> settings:
    """Settings for a test that tries ``examples`` inputs (fewer under the quick profile), with
    no deadline: the fuzzers talk to servers and build big inputs, whose times vary with load.
    ``slow_inputs`` silences Hypothesis's warning that generating them takes a while."""
    if settings.get_current_profile_name() == QUICK:
        examples = max(QUICK_EXAMPLES, examples // QUICK_SHARE)
    checks = [HealthCheck.too_slow] if slow_inputs else []
    return settings(max_examples=examples, deadline=None, suppress_health_check=checks)
