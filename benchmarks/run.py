"""Run every benchmark in this folder (`make bench`): each bench_*.py module has a main()."""

from __future__ import annotations

import importlib.util
import pathlib
import sys


def main() -> None:
    selected = sys.argv[1:]
    for path in sorted(pathlib.Path(__file__).parent.glob("bench_*.py")):
        if selected and path.stem not in selected:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        print(f"== {path.stem}")
        module.main()


if __name__ == "__main__":
    main()
