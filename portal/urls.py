from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.functional import lazy
from django.views.i18n import JavaScriptCatalog

from portal.pages import views as pages_views
from portal.site import site_name

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", pages_views.healthz, name="healthz"),
    path("favicon.ico", pages_views.favicon, name="favicon"),
    path("i18n/setlang/", pages_views.set_language, name="set_language"),
]

urlpatterns += i18n_patterns(
    path("", include("portal.pages.urls")),
    path("accounts/", include("portal.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("cooperation.urls")),
    path("newsletter/", include("portal.newsletter.urls")),
    path("events/", include("events.urls")),
    path("twinning/", include("twinning.urls")),
    path("contacts/", include("fp7_contacts.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

admin.site.site_header = lazy(site_name, str)()
admin.site.site_title = lazy(site_name, str)()
