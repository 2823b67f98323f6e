"""Bilingual fields of events (django-modeltranslation; see portal/bilingual.py)."""

from modeltranslation.translator import TranslationOptions, register

from events.models import Event, Question, Session


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "description", "venue")
    empty_values = ""


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title",)
    empty_values = ""


@register(Question)
class QuestionTranslation(TranslationOptions):
    # ``choices``: the same choices in each language, in the same order; the answer stored is
    # the choice in the first language that has them (portal.bilingual.choice_pairs).
    fields = ("label", "help_text", "choices")
    empty_values = {"label": "", "help_text": "", "choices": None}
