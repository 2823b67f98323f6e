"""The Russian catalogue is complete, and complete with respect to the source as it is now."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
RU_PO = ROOT / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def _problems(po: polib.POFile) -> list[str]:
    problems = [f"untranslated: {e.msgid!r}" for e in po.untranslated_entries()]
    problems += [f"fuzzy: {e.msgid!r}" for e in po.fuzzy_entries()]
    return problems


def test_russian_catalogue_has_no_untranslated_or_fuzzy_message():
    po = polib.pofile(str(RU_PO))
    assert len(po.translated_entries()) > 50
    assert _problems(po) == []


def test_russian_catalogue_covers_every_string_in_the_source(tmp_path, database_url):
    """Run makemessages on a copy of the tree: any new or changed string shows up untranslated."""
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is not installed")
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "node_modules", "__pycache__", "*.mo", ".*cache"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ru", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PORTAL_VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": database_url,
        },
    )
    po = polib.pofile(str(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    assert _problems(po) == []
