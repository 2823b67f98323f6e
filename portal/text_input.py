"""The one rule for text people type: how it is normalised and how long it may be.

Every form of the portal mixes in ``TextInputMixin``; a test checks that none is left out.

- **Normalised** before validation, so what is stored is what the re-rendered form shows: Unicode
  NFC (a "й" typed as "и" + combining breve is the same letter as a precomposed one), Windows and
  old Mac line ends become ``\\n``, a byte-order mark is dropped. In a single-line field (any field
  not drawn as a text area: titles, names, venues, links) line breaks and tabs become a space.
- **Refused with a message**: control characters (NUL and the other C0/C1 codes; in text areas
  line breaks and tabs are fine) and the bidirectional controls that make text display in
  another order than it is stored (``https://\\u202etxt.exe`` shows as ``https://exe.txt``).
  Emoji and every script's letters, including zero-width joiners, are fine.
- **Limited**: single-line fields by their own ``max_length`` (the model's column);
  multi-line text (descriptions, messages, answers) at most ``LONG_TEXT_MAX`` characters unless
  the field sets a smaller limit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

#: The longest multi-line text a person may type anywhere (a description, a message).
LONG_TEXT_MAX = 20_000

# Explicit embedding/override (U+202A-U+202E) and isolate (U+2066-U+2069) controls. Left-to-right
# and right-to-left marks (U+200E, U+200F) are harmless hints and stay allowed.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# C0 and C1 control characters and DEL; \t, \n are allowed in text areas only.
_CONTROLS_MULTI_LINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROLS_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile("[\t\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


def normalise_text(value: str, *, multi_line: bool) -> str:
    """The text in its stored form (see the module's docstring)."""
    text = unicodedata.normalize("NFC", value).replace("\ufeff", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not multi_line:
        text = _LINE_BREAKS.sub(" ", text)
    else:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\x85", "\n")
    return text


def validate_single_line(value: str) -> None:
    _validate(value, _CONTROLS_SINGLE_LINE)


def validate_multi_line(value: str) -> None:
    _validate(value, _CONTROLS_MULTI_LINE)


def _validate(value: str, controls: re.Pattern[str]) -> None:
    if _BIDI_CONTROLS.search(value):
        raise ValidationError(
            _(
                "Remove the invisible characters that change the direction of the text "
                "(they can make it read differently from what it is)."
            ),
            code="bidi_control",
        )
    if controls.search(value):
        raise ValidationError(
            _("Remove the invisible control characters from this text."), code="control_character"
        )


def is_multi_line(field: forms.Field) -> bool:
    return isinstance(field.widget, forms.Textarea)


def prepare_field(field: forms.Field) -> None:
    """Give a form field the portal's text rule (once)."""
    if not isinstance(field, forms.CharField) or any(
        v in (validate_single_line, validate_multi_line) for v in field.validators
    ):
        return
    if is_multi_line(field):
        field.validators.append(validate_multi_line)
        if field.max_length is None or field.max_length > LONG_TEXT_MAX:
            field.max_length = LONG_TEXT_MAX
            field.validators.append(MaxLengthValidator(LONG_TEXT_MAX))
            field.widget.attrs["maxlength"] = str(LONG_TEXT_MAX)
    else:
        field.validators.append(validate_single_line)


class TextInputMixin:
    """Mix into every form: its text fields get the portal's normalisation, checks and limits."""

    fields: dict[str, forms.Field]
    data: Mapping[str, Any]
    prefix: str | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            prepare_field(field)
        data = getattr(self, "data", None)
        if getattr(self, "is_bound", False) and isinstance(data, Mapping):
            self.data = self._normalised(data)

    def _normalised(self, data: Mapping[str, Any]) -> MultiValueDict[str, Any]:
        copy: MultiValueDict[str, Any] = MultiValueDict()
        lists = (
            data.lists()
            if isinstance(data, MultiValueDict)
            else ((k, [v]) for k, v in data.items())
        )
        text_fields = {
            self.add_prefix(name): field  # type: ignore[attr-defined]
            for name, field in self.fields.items()
            if isinstance(field, forms.CharField)
        }
        for key, values in lists:
            field = text_fields.get(key)
            if field is not None:
                values = [
                    normalise_text(v, multi_line=is_multi_line(field)) if isinstance(v, str) else v
                    for v in values
                ]
            copy.setlist(key, list(values))
        return copy
