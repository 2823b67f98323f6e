from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info

register = template.Library()


@register.simple_tag
def language_name_translated_safe(code: str) -> str:
    """The language's name in the page's language; the code itself when Django does not know it."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


@register.simple_tag
def select_options(field: Any) -> SafeString:
    """The ``<option>`` elements of a choice field, the current value selected: written here
    because the widget's template per option cost more than the rest of the directory page."""
    current = field.value()
    current = "" if current is None else str(current)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == current else "", label)
            for value, label in field.field.choices
        ),
    )
