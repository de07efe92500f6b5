"""Build settings that depend on where the book is built: its public home, and quiet kernels.

- **The repository's home.** ``_config.yml`` names no repository, so a local or CI build has no
  repository button, no launch (Binder) button and no made-up URL anywhere. The workflow that
  publishes the book (``.github/workflows/pages.yml``) sets ``BOOK_REPOSITORY_URL`` (and
  ``BOOK_REPOSITORY_BRANCH``) from the repository it runs in; then the pages link there and
  offer Binder on that repository. Only ``https://`` URLs of the form ``<host>/<owner>/<name>``
  are accepted, anything else stops the build with a clear message.
- **Quiet kernels.** The chapters run in kernels that jupyter_client starts with ZeroMQ over
  TCP on loopback by default, and ipykernel then warns, once per chapter, that the transport is
  not encrypted. The build's kernels use IPC sockets instead (files beside the connection file
  in Jupyter's runtime folder, readable by this user only), so there is nothing to warn about.
"""

from __future__ import annotations

import os
import re
from typing import Any

REPOSITORY_URL = "BOOK_REPOSITORY_URL"
REPOSITORY_BRANCH = "BOOK_REPOSITORY_BRANCH"
BINDERHUB_URL = "https://mybinder.org"
_URL = re.compile(r"^https://[A-Za-z0-9.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def home_options(environ: dict[str, str] | os._Environ[str]) -> dict[str, Any]:
    """The theme options for the repository and launch buttons, from the build's environment."""
    url = environ.get(REPOSITORY_URL, "").strip().removesuffix("/").removesuffix(".git")
    if not url:
        return {"repository_url": "", "use_repository_button": False, "launch_buttons": {"binderhub_url": ""}}
    if not _URL.match(url):
        raise ValueError(f"{REPOSITORY_URL} must look like https://github.com/<owner>/<name>, not {url!r}")
    branch = environ.get(REPOSITORY_BRANCH, "").strip() or "main"
    return {
        "repository_url": url,
        "repository_branch": branch,
        "use_repository_button": True,
        "launch_buttons": {"binderhub_url": BINDERHUB_URL},
    }


def _apply_home(app: Any, config: Any) -> None:
    options = dict(config.html_theme_options or {})
    home = home_options(os.environ)
    options["launch_buttons"] = {**options.get("launch_buttons", {}), **home.pop("launch_buttons")}
    options.update(home)
    config.html_theme_options = options


def use_ipc_kernels() -> None:
    """Every kernel this process starts from now on talks to it over IPC, not TCP."""
    from jupyter_client.manager import KernelManager

    KernelManager.transport.default_value = "ipc"


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point (listed in ``_config.yml``)."""
    app.connect("config-inited", _apply_home)
    use_ipc_kernels()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
