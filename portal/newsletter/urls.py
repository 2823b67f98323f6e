from django.urls import path

from portal.newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("", views.index, name="index"),
    path("requested/", views.requested, name="requested"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("link/", views.manage_link, name="manage_link"),
    path("bounces/", views.bounce_webhook, name="bounce_webhook"),
    path("staff/", views.issue_list, name="issue_list"),
    path("staff/new/", views.issue_edit, name="issue_create"),
    path("staff/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("staff/<int:pk>/edit/", views.issue_edit, name="issue_edit"),
    path("staff/<int:pk>/progress/", views.issue_progress, name="issue_progress"),
    path("staff/<int:pk>/ledger.csv", views.issue_ledger_csv, name="issue_ledger_csv"),
    path("staff/<int:pk>/<slug:action>/", views.issue_action, name="issue_action"),
]
