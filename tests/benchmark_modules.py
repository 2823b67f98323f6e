"""Loads a file of ``benchmarks/`` as a module, for the tests of what the benchmarks compute.

By file, under a name of its own (``bench_<file>``): ``benchmarks/`` is not a package, and
imported as one, mypy would find its files under two module names."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def load_benchmark_module(filename: str) -> ModuleType:
    """``benchmarks/<filename>`` as the module ``bench_<stem>`` (loaded once)."""
    name = "bench_" + Path(filename).stem.lstrip("_")
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / filename)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
