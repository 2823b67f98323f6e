"""Reading an uploaded CSV file: the one rule every import of the portal follows (an event's
attendees, the contact points).

- at most ``max_bytes`` (read no further than one byte past it);
- UTF-8 text, with or without the byte order mark that Excel's "CSV UTF-8" writes;
- a text file: a NUL is a binary file (an image, a spreadsheet saved as .xlsx);
- not empty;
- cells separated by commas or semicolons (Excel in a Russian, German or French locale writes
  semicolons), told from the first line that is not blank.

Each refusal is a ``ValidationError`` with a ``code`` and a message that says what to do; a
broken row the csv module stops at is ``not_csv`` (with its line). The import then decides
whether that ends the file or only the rows after it.
"""

from __future__ import annotations

import csv
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

__all__ = ["delimiter", "not_csv", "read_text"]


def read_text(file: Any, *, max_bytes: int) -> str:
    """The text of the uploaded ``file`` (bytes or text), or a ``ValidationError`` (codes
    ``too_large``, ``encoding``, ``binary``, ``empty``)."""
    raw = file.read(max_bytes + 1)
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > max_bytes:
        raise ValidationError(
            _("The file is larger than %(size)d MB.") % {"size": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _(
                "The file is not UTF-8 text. Save it as “CSV UTF-8” from your spreadsheet "
                "and upload it again."
            ),
            code="encoding",
        ) from exc
    if "\x00" in text:
        raise ValidationError(_("This is not a CSV text file."), code="binary")
    if not text.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    return text


def delimiter(text: str) -> str:
    """``;`` when the first line that is not blank has more semicolons than commas, else
    ``,``."""
    first_line = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def not_csv(line: int, exc: csv.Error) -> ValidationError:
    """The refusal of a row the csv module cannot read (an unclosed quote, a field past its
    limit), at ``line``."""
    return ValidationError(
        _("The file is not valid CSV (line %(line)s: %(error)s).") % {"line": line, "error": exc},
        code="csv",
    )
