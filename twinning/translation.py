"""Bilingual fields of twinning requests (django-modeltranslation; see portal/bilingual.py).
Both languages are indexed for search (portal.search.fields)."""

from modeltranslation.translator import TranslationOptions, register

from twinning.models import TwinningRequest


@register(TwinningRequest)
class TwinningRequestTranslation(TranslationOptions):
    fields = ("title", "research_area", "objectives")
    empty_values = ""
