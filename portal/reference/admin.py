from django.contrib import admin

from portal.reference.models import Country, FederalDistrict, FederalSubject, ThematicPriority


@admin.register(ThematicPriority)
class ThematicPriorityAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "programme"]
    list_filter = ["programme"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "status"]
    list_filter = ["status"]
    search_fields = ["code", "name_en", "name_ru"]


@admin.register(FederalDistrict)
class FederalDistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "as_of"]


@admin.register(FederalSubject)
class FederalSubjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "kind", "district"]
    list_filter = ["district", "kind"]
    search_fields = ["code", "name_en", "name_ru"]
    list_select_related = ["district"]
