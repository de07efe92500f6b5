"""The widgets' front-end code: JavaScript and CSS files shipped in this package, read once.

Each widget's ES module is one string: the tables the JavaScript needs (`MT`, written here from
the Python package, so the page and Python share one source), then the shared files, then the
widget's own file. No module imports anything from a URL. The stylesheet likewise starts with
the palette's colours (drawing/palette.py) as CSS custom properties.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict
from functools import cache
from importlib import resources
from typing import Any

from meeting_tokens.core import checklist, claims, jwt_parts, validation
from meeting_tokens.core.checklist import MIN_KEY_BYTES, RECOMMENDED_MAX_LENGTH
from meeting_tokens.core.claims import (
    CAN_ADMIN,
    CAN_ADMIN_CLAIMS,
    CAN_RECEIVE_CLAIMS,
    CAN_SEND,
    CAN_SEND_CLAIMS,
    CLAIM_NAMES,
    CUSTOM_MEDIA,
    LANGUAGES,
    MEDIA_CLAIMS,
    PERMISSION_CLAIMS,
    PROPERTY_KINDS,
    PROPERTY_NAMES,
    RECEIVE_GROUPS,
    RECORDING_MODES,
    USER_ID_MAX,
)
from meeting_tokens.core.clock import UNITS
from meeting_tokens.core.errors import ERRORS_BY_CODE
from meeting_tokens.core.jwt_parts import HS256_HEADER, MAX_TOKEN_LENGTH, PASTE_NAMES, PASTE_WHITESPACE
from meeting_tokens.core.validation import ALLOWED_ALGORITHMS, CHECK_TEXTS, SSH_KEY_PREFIXES, VERDICTS
from meeting_tokens.drawing import timetext
from meeting_tokens.drawing.display import MARKS, PART_COLOURS
from meeting_tokens.drawing.palette import css_variables
from meeting_tokens.drawing.timetext import FIRST_SECOND, LAST_SECOND, RELATIVE_TIMES
from meeting_tokens.widgets.editing import BORN_EXPIRED, FORM_FIELDS


def constants() -> dict[str, Any]:
    """The tables and limits mirror.js reads as `MT`."""
    return {
        "claimNames": CLAIM_NAMES,
        "propertyNames": PROPERTY_NAMES,
        "propertyKinds": PROPERTY_KINDS,
        "hs256Header": HS256_HEADER,
        "whitespace": PASTE_WHITESPACE,
        "pasteNames": PASTE_NAMES,
        "marks": {json.dumps(passed): mark for passed, mark in MARKS.items()},
        "errorCodes": {cls.__name__: code for code, cls in ERRORS_BY_CODE.items()},
        "checkTexts": CHECK_TEXTS,
        "verdicts": VERDICTS,
        "recordingModes": list(RECORDING_MODES),
        "languages": list(LANGUAGES),
        "canSend": list(CAN_SEND),
        "canAdmin": list(CAN_ADMIN),
        "permissionClaims": PERMISSION_CLAIMS,
        "canSendClaims": CAN_SEND_CLAIMS,
        "canAdminClaims": CAN_ADMIN_CLAIMS,
        "canReceiveClaims": CAN_RECEIVE_CLAIMS,
        "mediaClaims": MEDIA_CLAIMS,
        # The keys again, in Daily's order, for messages (MT is written with its keys sorted).
        "canReceiveKeys": list(CAN_RECEIVE_CLAIMS),
        "mediaKeys": list(MEDIA_CLAIMS),
        "customMedia": list(CUSTOM_MEDIA),
        "receiveGroups": list(RECEIVE_GROUPS),
        "userIdMax": USER_ID_MAX,
        "allowedAlgorithms": list(ALLOWED_ALGORITHMS),
        "sshKeyPrefixes": list(SSH_KEY_PREFIXES),
        "maxTokenLength": MAX_TOKEN_LENGTH,
        "recommendedMaxLength": RECOMMENDED_MAX_LENGTH,
        "minKeyBytes": MIN_KEY_BYTES,
        "firstSecond": FIRST_SECOND,
        "lastSecond": LAST_SECOND,
        "partColours": PART_COLOURS,
        "formFields": [asdict(field) for field in FORM_FIELDS],
        "messages": {
            "jwtParts": jwt_parts.MESSAGES,
            "claims": claims.MESSAGES,
            "validation": validation.MESSAGES,
            "keyProblems": validation.KEY_PROBLEMS,
            "findings": checklist.MESSAGES,
            "paste": jwt_parts.PASTE_MESSAGES,
            "times": timetext.MESSAGES,
            "bornExpired": BORN_EXPIRED,
        },
        "relativeTimes": RELATIVE_TIMES,
        "units": UNITS,
        "spanInWords": validation.SPAN_IN_WORDS,
        "maxIntDigits": sys.int_info.default_max_str_digits,
    }


def read(name: str) -> str:
    """One of the package's front-end files, as text."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


# The mirror of the Python package: Python's values first, then the token logic built on them.
MIRROR = ("pyvalues.js", "mirror.js")
# An import of one of these files: each file names what it takes from the others, for its
# reader; the files become one module, so the imports are dropped there.
_LOCAL_IMPORT = re.compile(r'^import \{[^}]*\} from "\./[\w-]+\.js";\n', re.MULTILINE)


@cache
def module(*names: str) -> str:
    """An ES module: ``MT``, then the named files in order, without their local imports."""
    header = f"const MT = {json.dumps(constants(), sort_keys=True)};\n"
    return header + "".join(_LOCAL_IMPORT.sub("", read(name)) for name in names)


@cache
def stylesheet() -> str:
    """The widgets' CSS: the palette's colours as custom properties, then widgets.css."""
    return css_variables() + read("widgets.css")
