"""Long forms in sections: a form lists its parts (``SECTIONS``), and the shared partial
``templates/_form_sections.html`` draws a list of links to them and one fieldset per part,
with the two languages of a bilingual field side by side (portal/bilingual.py). A field that
no section names is shown in a last part, so nothing can be left out of the page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal import bilingual


@dataclass(frozen=True)
class Section:
    id: str
    title: Any  # a lazy translated string
    fields: Sequence[str]


@dataclass
class _Part:
    id: str
    title: Any
    rows: list[list[forms.BoundField]] = field(default_factory=list)


class SectionsMixin:
    """For ``forms.Form`` subclasses: ``SECTIONS`` names the parts, each field by its name (a
    bilingual field by its plain name: "title" means "title_en" and "title_ru")."""

    SECTIONS: Sequence[Section] = ()

    def sections(self) -> list[_Part]:
        return list(self._parts())

    def _parts(self) -> Iterator[_Part]:
        form: forms.BaseForm = self  # type: ignore[assignment]
        used: set[str] = set()
        for section in self.SECTIONS:
            part = _Part(section.id, section.title)
            for name in section.fields:
                names = (
                    [name]
                    if name in form.fields
                    else [n for n in bilingual.localized_names(name) if n in form.fields]
                )
                if names:
                    part.rows.append([form[n] for n in names])
                    used.update(names)
            if part.rows:
                yield part
        rest = [form[n] for n in form.fields if n not in used and not form[n].is_hidden]
        if rest:
            yield _Part("part-more", _("More"), [[bound] for bound in rest])
