"""Where this Python runs: a local kernel, or the reader's browser (Pyodide, in JupyterLite).

The browser kernel has no threads, no sockets of its own and no compiled packages beyond
Pyodide's core, so a few things change there: diagrams are drawn as SVG (``HAS_MATPLOTLIB``),
the game calls the client directly instead of from a worker thread (``run_blocking``), and a
cell that needs a loopback server or a browser of its own prints ``browser_limitation(...)``.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from typing import Any

#: True in Pyodide (JupyterLite's Python kernel): CPython compiled to WebAssembly, in a page.
IN_BROWSER: bool = sys.platform == "emscripten"

#: False where matplotlib cannot be imported (the browser kernel serves no compiled wheels).
HAS_MATPLOTLIB: bool = importlib.util.find_spec("matplotlib") is not None


def browser_limitation(what: str) -> str:
    """The one line a cell prints instead of ``what`` when it runs in the browser kernel.

    ``browser_limitation("serving the game on a loopback port")`` says that this needs a local
    kernel and where to learn how to run one.
    """
    return f'Not in the browser: {what} needs a local kernel (see "Running the book yourself").'


async def run_blocking(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` from async code: in a worker thread locally, directly in the browser.

    Starlette's ``run_in_threadpool`` keeps a slow blocking call (a real HTTP request to Daily)
    from stalling the event loop; Pyodide cannot start threads, and its only blocking calls are
    the in-process emulator's, which return at once.
    """
    if IN_BROWSER:
        return function(*args)
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args)
