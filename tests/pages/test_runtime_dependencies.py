"""`make run` installs the portal without its development extras (`pip install -e .`): no
module of the portal may import a package that only the extras bring (django-stubs-ext came in
through a model's type hint once, and `make run` failed on a fresh machine)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "cooperation", "events", "twinning", "fp7_contacts")


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9_.-]+", requirement)
    assert match is not None
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def _closure(names: set[str]) -> set[str]:
    """The distributions ``names`` need, themselves included (installed ones only)."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        # a requirement with a marker ("; extra == ...") is optional unless it is for Python
        todo += [_name(r) for r in requires if "extra ==" not in r]
    return seen


def dev_only_modules() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _closure({_name(r) for r in project["dependencies"]})
    dev = _closure({_name(r) for r in project["optional-dependencies"]["dev"]}) - runtime
    modules = metadata.packages_distributions()
    return {
        module
        for module, dists in modules.items()
        if {_name(d) for d in dists} <= dev and not module.startswith("_")
    }


BLOCKER = """
import importlib.abc, importlib.util, pkgutil, sys
BLOCKED = set(sys.argv[1].split(","))
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is a development-only package")
        return None
sys.meta_path.insert(0, Block())
import django
django.setup()
import portal.urls, portal.wsgi
from portal.celery_app import app
app.loader.import_default_modules()
for package in sys.argv[2].split(","):
    module = importlib.import_module(package)
    for info in pkgutil.walk_packages(module.__path__, package + "."):
        importlib.import_module(info.name)
print("imported")
"""


def test_the_portal_runs_without_its_development_packages(database_url):
    blocked = dev_only_modules()
    # the check knows the packages it is about
    assert {"django_stubs_ext", "pytest", "playwright", "factory", "hypothesis"} <= blocked
    assert not {"django", "celery", "modeltranslation", "psycopg2"} & blocked
    result = subprocess.run(
        [sys.executable, "-c", BLOCKER, ",".join(sorted(blocked)), ",".join(APPS)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("imported")
