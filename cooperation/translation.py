"""Bilingual fields of the partner registry and calls (django-modeltranslation; see
portal/bilingual.py). Both languages are indexed for search (portal.search.fields)."""

from modeltranslation.translator import TranslationOptions, register

from cooperation.models import CallDeadline, CooperationOffer, FundingCall, Organisation


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("description",)
    empty_values = ""


@register(FundingCall)
class FundingCallTranslation(TranslationOptions):
    fields = ("title", "description")
    empty_values = ""


@register(CallDeadline)
class CallDeadlineTranslation(TranslationOptions):
    fields = ("label",)  # "First stage" / "Первый этап"
    empty_values = ""


@register(CooperationOffer)
class CooperationOfferTranslation(TranslationOptions):
    fields = ("title", "summary", "description")
    empty_values = ""
