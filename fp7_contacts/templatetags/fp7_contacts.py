from django import template
from django.utils.translation import get_language_info

register = template.Library()


@register.simple_tag
def language_name_translated_safe(code: str) -> str:
    """The language's name in the page's language; the code itself when Django does not know it."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
