"""Bilingual fields of brokerage profiles (django-modeltranslation; see portal/bilingual.py)."""

from modeltranslation.translator import TranslationOptions, register

from events.brokerage.models import Profile


@register(Profile)
class ProfileTranslation(TranslationOptions):
    fields = ("offers", "seeks")
    empty_values = ""
