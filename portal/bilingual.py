"""Bilingual content: one home for how the portal stores and shows text in English and Russian.

Content that people write in either language (event titles and descriptions, calls, offers,
organisation descriptions, and every bilingual model to come) is registered with
django-modeltranslation in the app's ``translation.py``: each field gets a column per language
(``title_en``, ``title_ru``) in the same row, so the search's generated vectors index both.
Reading ``obj.title`` gives the active language's text and falls back to the other language
(``MODELTRANSLATION_FALLBACK_LANGUAGES``); ``shown`` tells which language a page actually shows,
so templates can mark a fallback with ``lang`` and a label (``portal_bilingual`` tags).

Forms and services use the per-language names (``localized_names``); ``require_one_language``
is the rule "at least one language" for fields the model requires.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Case, CharField, F, Func, Q, TextField, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext_lazy

# The manager modeltranslation gives the bilingual models at run time: imported so that mypy's
# django-stubs plugin can find its type (typeddjango/django-stubs#1023).
from modeltranslation.manager import MultilingualManager as MultilingualManager

LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)


def script_language(text: object) -> str:
    """ "ru" for text mostly in Cyrillic letters, "en" for mostly Latin, "" for neither."""
    cyrillic = latin = 0
    for char in str(text or ""):
        if not char.isalpha():
            continue
        if "\u0400" <= char <= "\u04ff":
            cyrillic += 1
        elif char.isascii() or "\u00c0" <= char <= "\u024f":
            latin += 1
    if not cyrillic and not latin:
        return ""
    return "ru" if cyrillic >= latin else "en"


def active_language() -> str:
    code = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE


def bilingual_label(name_en: str | None, name_ru: str | None) -> str:
    """A name kept in both languages (reference rows, the names lists count and show by id):
    the Russian name on a Russian page when there is one, else the English name, else the
    Russian one."""
    if active_language() == "ru" and name_ru:
        return name_ru
    return name_en or name_ru or ""


def languages_in_order(language: str | None = None) -> tuple[str, ...]:
    """The portal's languages, ``language`` (the active one by default) first."""
    first = language or active_language()
    return (first, *(code for code in LANGUAGE_CODES if code != first))


def localized(name: str, language: str) -> str:
    return f"{name}_{language}"


def localized_names(*names: str, languages: Iterable[str] = LANGUAGE_CODES) -> list[str]:
    """``["title_en", "title_ru", "description_en", ...]`` for ``names``."""
    codes = tuple(languages)
    return [localized(name, code) for name in names for code in codes]


def _meaningful(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | dict):
        return bool(value)
    return value is not None


@dataclass(frozen=True)
class Shown:
    """The text of a bilingual field as a page in ``page_language`` shows it."""

    value: Any
    language: str  # the language of ``value`` ("" when no language has one)
    page_language: str

    @property
    def fallback(self) -> bool:
        """True when the page's language has no text and the other language's is shown."""
        return bool(self.language) and self.language != self.page_language


def shown(obj: object, name: str, language: str | None = None) -> Shown:
    """The value of field ``name`` of ``obj`` in ``language`` (the active one), or the first
    other language that has one."""
    page = language or active_language()
    for code in languages_in_order(page):
        value = getattr(obj, localized(name, code), None)
        if _meaningful(value):
            return Shown(value=value, language=code, page_language=page)
    return Shown(value=getattr(obj, localized(name, page), None), language="", page_language=page)


def language_annotation(name: str) -> str:
    """The name of the annotation ``ShownLanguage(name)`` is given in a query whose rows leave
    the columns of ``name`` out (a search page's rows: ``shown_language`` reads it)."""
    return f"{name}_shown_language"


def shown_language(obj: object, name: str) -> str:
    """The language of field ``name`` as the page shows it (``shown(obj, name).language``):
    from the row's ``ShownLanguage`` annotation when the query gave it one, without reading
    the texts (a search page's rows carry the excerpt, not the description)."""
    annotated = getattr(obj, language_annotation(name), None)
    if isinstance(annotated, str):
        return annotated
    return shown(obj, name).language


def value_in(obj: object, name: str, language: str) -> Any:
    """``obj.<name>`` as a page in ``language`` shows it (with fallback)."""
    return shown(obj, name, language).value


def all_values(obj: object, name: str) -> list[str]:
    """The texts of ``name`` in every language that has one (for search texts)."""
    values = (getattr(obj, localized(name, code), None) for code in LANGUAGE_CODES)
    return [str(value) for value in values if _meaningful(value)]


def all_languages_text(obj: object, *names: str) -> str:
    """Every language's text of ``names``, joined (for search texts)."""
    return " ".join(value for name in names for value in all_values(obj, name))


def require_one_language(
    data: Mapping[str, Any], name: str, languages: Iterable[str] = LANGUAGE_CODES
) -> bool:
    """Whether ``data`` (a form's cleaned data or a service's fields) has ``name`` in at least
    one language."""
    return any(_meaningful(data.get(localized(name, code))) for code in languages)


def copy_by_script(model: Any, names: Iterable[str]) -> None:
    """Move the texts of ``names`` from the original column into the column of their script's
    language (Cyrillic: ``_ru``, else ``_en``), for rows written before a field became
    bilingual (data migrations; ``model`` is the migration's historical model)."""
    names = tuple(names)
    batch = []
    for row in model._default_manager.only("pk", *names).iterator(chunk_size=2000):
        for name in names:
            text = row.__dict__.get(name)
            if not _meaningful(text):
                continue
            language = "ru" if script_language(text) == "ru" else settings.LANGUAGE_CODE
            setattr(row, localized(name, language), text)
        batch.append(row)
        if len(batch) >= 2000:
            model._default_manager.bulk_update(batch, localized_names(*names))
            batch = []
    if batch:
        model._default_manager.bulk_update(batch, localized_names(*names))


def by_script(name: str, text: str) -> dict[str, str]:
    """``{"title_en": ..., "title_ru": ...}`` from one text holding both languages, as the demo
    data and older rows write them ("Opening / Открытие", or paragraphs in each language): each
    part goes to the language of its script."""
    separator = "\n\n" if "\n\n" in text else " / "
    parts: dict[str, list[str]] = {}
    for part in text.split(separator):
        if part.strip():
            language = "ru" if script_language(part) == "ru" else settings.LANGUAGE_CODE
            parts.setdefault(language, []).append(part.strip())
    return {localized(name, code): separator.join(values) for code, values in parts.items()}


def choices_by_script(name: str, choices: Iterable[str]) -> dict[str, list[str]]:
    """``by_script`` for a list of choices ("Yes / Да", "No / Нет")."""
    result: dict[str, list[str]] = {}
    for choice in choices:
        for key, value in by_script(name, choice).items():
            result.setdefault(key, []).append(value)
    return result


def choice_pairs(obj: object, name: str) -> list[tuple[str, str]]:
    """(value, label) of the choices of a bilingual list field: the label in the page's
    language (or the other), the value stored in answers the choice in the first language
    that has the list (so answers read the same whatever language people registered in)."""
    stored: list[Any] = []
    for code in LANGUAGE_CODES:
        stored = getattr(obj, localized(name, code), None) or []
        if stored:
            break
    labels = shown(obj, name).value or []
    if len(labels) != len(stored):
        labels = stored
    return [(str(value), str(label)) for value, label in zip(stored, labels, strict=True)]


LANGUAGE_NAMES = {
    "en": gettext_lazy("in English"),
    "ru": gettext_lazy("in Russian"),
}


def form_fields(
    field_class: type[forms.Field], label: Any, *, widget: forms.Widget | None = None, **kwargs: Any
) -> tuple[forms.Field, ...]:
    """One optional form field per language (``title_en``, ``title_ru``: unpack in the form's
    class body), labelled "Title (in English)", the input marked with its ``lang``. The form
    requires a language where the model does (``require_one_language``)."""
    fields = []
    for code in LANGUAGE_CODES:
        field_widget = copy.deepcopy(widget) if widget is not None else field_class.widget()
        field_widget.attrs["lang"] = code
        fields.append(
            field_class(
                label=format_lazy("{} ({})", label, LANGUAGE_NAMES[code]),
                required=False,
                widget=field_widget,
                **kwargs,
            )
        )
    return tuple(fields)


def widgets(name: str, widget: forms.Widget) -> dict[str, forms.Widget]:
    """A model form's ``Meta.widgets`` for the fields of ``name`` in each language: copies of
    ``widget`` marked with their ``lang``."""
    result = {}
    for code in LANGUAGE_CODES:
        copied = copy.deepcopy(widget)
        copied.attrs["lang"] = code
        result[localized(name, code)] = copied
    return result


class Localized(Func):
    """A bilingual field as the page shows it, in SQL: the active language's column, else the
    other one's (for ordering and excerpts: ``Lower(Localized("title"))``). The language is
    the one active when the query is built."""

    output_field = TextField()

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__()

    def resolve_expression(self, *args: Any, **kwargs: Any) -> Any:
        columns = [
            NullIf(F(localized(self.name, code)), Value("")) for code in languages_in_order()
        ]
        return Coalesce(*columns, Value(""), output_field=TextField()).resolve_expression(
            *args, **kwargs
        )


class ShownLanguage(Func):
    """The language ``Localized(name)`` takes its text from, in SQL: "ru", "en", or "" when
    no column has a text (annotate it as ``language_annotation(name)``)."""

    output_field = CharField()

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__()

    def resolve_expression(self, *args: Any, **kwargs: Any) -> Any:
        column = {code: localized(self.name, code) for code in languages_in_order()}
        whens = [
            When(Q(**{f"{name}__isnull": False}) & ~Q(**{name: ""}), then=Value(code))
            for code, name in column.items()
        ]
        return Case(*whens, default=Value(""), output_field=CharField()).resolve_expression(
            *args, **kwargs
        )
