"""Bilingual fields of newsletter issues (django-modeltranslation; see portal/bilingual.py)."""

from modeltranslation.translator import TranslationOptions, register

from portal.newsletter.models import Issue


@register(Issue)
class IssueTranslation(TranslationOptions):
    fields = ("subject", "intro")
    empty_values = ""
