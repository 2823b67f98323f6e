from django.urls import path

from cooperation.views import public

urlpatterns = [
    path("partners/", public.partner_index, name="partner_index"),
    path("calls/", public.call_index, name="call_index"),
]
