"""Build settings that depend on where the book is built: its public home, and quiet kernels.

- **The repository's home.** ``_config.yml`` names no repository, so a local or CI build has no
  repository button, no launch (Binder) button and no made-up URL anywhere. The workflow that
  publishes the book (``.github/workflows/pages.yml``) sets ``BOOK_REPOSITORY_URL`` (and
  ``BOOK_REPOSITORY_BRANCH``) from the repository it runs in; then the pages link there and
  offer Binder on that repository. Only ``https://`` URLs of the form ``<host>/<owner>/<name>``
  are accepted, anything else stops the build with a clear message.
- **Quiet kernels.** The chapters run in kernels that jupyter_client starts with ZeroMQ over
  TCP on loopback by default, and ipykernel then warns, once per chapter, that the transport is
  not encrypted. The build's kernels use IPC sockets instead, so there is nothing to warn about:
  socket files under an absolute, unique name in Jupyter's runtime folder (private to this
  user). jupyter_client's own default name for them, ``kernel-ipc``, is relative, and the kernel
  runs in the chapter's folder while the build does not: the two would not meet.
"""

from __future__ import annotations

import os
import re
import uuid
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
    from jupyter_client.connect import localhost
    from jupyter_client.manager import KernelManager
    from jupyter_core.paths import jupyter_runtime_dir

    def ipc_path(manager: Any) -> str:
        if manager.transport != "ipc":
            return localhost()
        runtime = jupyter_runtime_dir()
        os.makedirs(runtime, mode=0o700, exist_ok=True)
        return os.path.join(runtime, f"kernel-{uuid.uuid4()}-ipc")

    KernelManager.transport.default_value = "ipc"
    # traitlets looks a dynamic default up in the instance's own class first, so every kernel
    # manager class gets it (nbclient's is AsyncKernelManager).
    managers = [KernelManager]
    while managers:
        manager = managers.pop()
        manager._ip_default = ipc_path  # noqa: SLF001 (jupyter_client's default for `ip`)
        managers += manager.__subclasses__()


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point (listed in ``_config.yml``)."""
    app.connect("config-inited", _apply_home)
    use_ipc_kernels()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
