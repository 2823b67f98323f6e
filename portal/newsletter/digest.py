"""Registry of digest sections: what each app contributes to the awareness newsletter's digest.

Each app registers its sections from its ``AppConfig.ready()``; the newsletter assembles an issue
from them and never imports the domain apps::

    digest.register(DigestSection(key="calls", label=_("Funding calls"), items=new_calls, order=10))

``items(since=..., themes=..., language=...)`` returns the rows published since ``since`` that
match the subscriber's themes (theme codes; empty: all), each a ``DigestItem`` carrying its own
theme codes (the newsletter asks once per issue and language and filters per subscriber).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DigestItem:
    title: str
    url: str
    summary: str = ""
    when: datetime.datetime | None = None  # a deadline or a start, shown as "in N days"
    #: what ``when`` is: "closes" (a deadline: "closes in N days") or "starts" (an event).
    #: An item whose ``when`` has passed is left out when the mail is rendered.
    when_kind: str = "closes"
    #: theme codes of the item: the newsletter asks a section once for all items (``themes``
    #: empty) and picks each subscriber's by these, instead of one query per subscriber
    themes: tuple[str, ...] = ()
    #: when it was published: immediate alerts take what was published since the last scan
    published: datetime.datetime | None = None
    #: the item's identity in any language (its URL differs by language prefix): "call:12"
    key: str = ""


@dataclass(frozen=True)
class DigestSection:
    key: str
    label: Any
    items: Callable[..., Sequence[DigestItem]]
    order: int = 100


_sections: dict[str, DigestSection] = {}


def register(section: DigestSection) -> None:
    _sections[section.key] = section


def sections() -> list[DigestSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def section_keys() -> list[str]:
    return [s.key for s in sections()]
