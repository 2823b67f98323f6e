"""Streaming CSV downloads shared by the apps' exports.

UTF-8 with a byte order mark so that Excel opens Cyrillic text correctly, cells separated by
``;`` (``DELIMITER``). Cells that a spreadsheet would read as a formula (``=``, ``+``, ``-``,
``@``, tab, carriage return) get a leading apostrophe and NUL characters are dropped. The body is
streamed in the language of the page that asked for it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone, translation

BOM = "\ufeff"
#: the list separator of Excel in Russian and in most EU locales (German, French, Italian,
#: Spanish, Polish...), where ``,`` is the decimal comma: a file with commas opened there shows
#: every row in one column (the partner, offer and call lists were such files; the attendee
#: list already had semicolons). Every export uses it; the imports read either.
DELIMITER = ";"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    """A file-like object whose ``write`` hands the line back to the generator."""

    def write(self, value: str) -> str:
        return value


def cell(value: Any) -> Any:
    """``value`` made safe for a spreadsheet: ``None`` as empty, formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = value.replace("\x00", "")
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def csv_writer(*, delimiter: str = DELIMITER) -> Any:
    return csv.writer(Echo(), delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")


def csv_response(
    *,
    filename: str,
    header: Callable[[], Sequence[Any]],
    rows: Callable[[], Iterable[Sequence[Any]]],
    to_cell: Callable[[Any], Any] = cell,
    delimiter: str = DELIMITER,
) -> StreamingHttpResponse:
    """A streamed ``<filename>-<YYYY-MM-DD>.csv`` download.

    ``header`` and ``rows`` are called while the body streams (after the view has returned), inside
    the language of the current request; every row value passes through ``to_cell``.
    """
    language = translation.get_language()

    def stream() -> Iterator[str]:
        with translation.override(language):
            writer = csv_writer(delimiter=delimiter)
            yield BOM
            yield writer.writerow(header())
            for row in rows():
                yield writer.writerow([to_cell(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    response["X-Robots-Tag"] = "noindex"
    return response
