"""Registry behind "Download my data" and "Delete my account".

Each app contributes a section from its ``AppConfig.ready()``::

    personal_data.register(PersonalDataSection(key="events", label=_("Events"),
                                                export=export_fn, erase=erase_fn))

``export(user)`` returns JSON-serialisable data; ``erase(user)`` removes or anonymises what must
not survive the account (rows with ``on_delete=CASCADE`` to the user go with it anyway). The
accounts app never imports the domain apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from portal.accounts.models import User


@dataclass(frozen=True)
class PersonalDataSection:
    key: str
    label: Any
    export: Callable[[User], Any]
    erase: Callable[[User], None] | None = None
    order: int = 100


_sections: dict[str, PersonalDataSection] = {}


def register(section: PersonalDataSection) -> None:
    _sections[section.key] = section


def sections() -> list[PersonalDataSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def export(user: User) -> dict[str, Any]:
    return {
        "exported_at": timezone.now().isoformat(),
        "sections": {section.key: section.export(user) for section in sections()},
    }
