"""The values many test modules share, defined once: a fake key, a domain, a room, one fixed instant.

Test modules import them by name (``from constants import API_KEY, NOW``), as they import
``loopback``: pytest puts ``tests/`` on the import path. A module that needs another instant or
key for a reason of its own (a published example token, a reader's later clock) keeps it beside
its tests, with that reason.
"""

from __future__ import annotations

# A fake API key, labelled so wherever it shows up: never a Daily key. 39 bytes, above the 32 bytes
# an HS256 key should have (RFC 7518, section 3.2), so no test meets the short-key finding unasked.
API_KEY = "test-only-fake-api-key-0123456789abcdef"

# A second fake key, for "signed, but under the wrong key" and "a key this server does not know".
OTHER_KEY = "test-only-other-fake-key-0123456789abcdef"

# How every key the emulator makes starts: the key itself says that it is fake.
EMULATOR_KEY_PREFIX = "demo-key-FAKE-not-a-real-daily-key-"

# A made-up Daily domain id (the `d` claim), in Daily's UUID shape; not the emulator's own domain.
DOMAIN_ID = "7c1ba4a2-5f5e-4c8a-9d3b-2f0e6a1b9c44"

# Some other domain: a token that names it belongs to someone else.
OTHER_DOMAIN_ID = "00000000-0000-4000-8000-000000000000"

# The room a test's token is for (the `r` claim), unless the test is about rooms.
ROOM = "standup"

# The header of every HS256 token the package signs, as PyJWT writes it.
HEADER = {"alg": "HS256", "typ": "JWT"}

# The tests' clock: 2026-01-01T00:00:00Z, fixed, so no test reads the real one. Tests add
# seconds to it (NOW + 3600 is an hour later) rather than writing other instants.
NOW = 1_767_225_600

# Every kind of permission, in the shape of the example on Daily's reference page
# (https://docs.daily.co/reference/rest-api/meeting-tokens/self-signing-tokens): base, byUserId
# and byParticipantId, custom tracks keyed by name, "*" for all.
EVERY_PERMISSION = {
    "hasPresence": True,
    "canSend": ["video", "audio", "screenVideo", "screenAudio"],
    "canReceive": {
        "base": {
            "video": False, "audio": True, "screenVideo": False, "screenAudio": True,
            "customVideo": {"*": False}, "customAudio": {"*": True, "mic-2": False},
        },
        "byUserId": {"u1": True, "*": {"video": True}, "Zoë": {"customVideo": {}}},
        "byParticipantId": {"p1": False, "p2": {"screenAudio": True}},
    },
    "canAdmin": ["participants", "streaming", "transcription"],
}  # fmt: skip

# The claim Daily's reference page says EVERY_PERMISSION becomes.
EVERY_PERMISSION_CLAIM = {
    "hp": True,
    "cs": "v,a,sv,sa",
    "cr": {
        "b": {
            "v": False, "a": True, "sv": False, "sa": True,
            "cv": {"*": False}, "ca": {"*": True, "mic-2": False},
        },
        "u": {"u1": True, "*": {"v": True}, "Zoë": {"cv": {}}},
        "p": {"p1": False, "p2": {"sa": True}},
    },
    "ca": "p,s,t",
}  # fmt: skip
