"""Bilingual fields of the contact points (django-modeltranslation: ``<field>_en``/``<field>_ru``)."""

from modeltranslation.translator import TranslationOptions, register

from fp7_contacts.models import ContactPerson, ContactPoint, Service


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = ("name", "description")


@register(ContactPoint)
class ContactPointTranslation(TranslationOptions):
    fields = ("name", "host_institution", "city", "address", "opening_hours", "notes")


@register(ContactPerson)
class ContactPersonTranslation(TranslationOptions):
    fields = ("role",)
