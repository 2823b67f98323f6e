"""Staff see the outbox, above all the failed messages, and retry them (through the service)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.mail.models import OutgoingMail
from portal.mail.services import mail_retry


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "to_email",
        "language",
        "status",
        "attempts",
        "sent_at",
        "short_error",
    )
    list_filter = ("status", "kind", "language")
    search_fields = ("to_email", "subject", "message_id", "idempotency_key")
    date_hierarchy = "created_at"
    actions = ("retry",)
    list_select_related = False
    show_full_result_count = False
    readonly_fields = [f.name for f in OutgoingMail._meta.get_fields() if f.concrete]

    @admin.display(description=_("last error"))
    def short_error(self, obj: OutgoingMail) -> str:
        return obj.last_error[:80]

    @admin.action(description=_("Retry the selected failed messages"))
    def retry(self, request: HttpRequest, queryset: QuerySet[OutgoingMail]) -> None:
        count = mail_retry(mail_ids=list(queryset.values_list("pk", flat=True)), by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutgoingMail | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutgoingMail | None = None) -> bool:
        return False
