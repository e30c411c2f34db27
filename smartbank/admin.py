"""The staff console for shared records: notifications sent to customers (read-only)."""

from django.contrib import admin
from django.http import HttpRequest

from .models import Notification, NotificationEvent


class ReadOnlyInline(admin.TabularInline):
    """An inline that staff can read but never add to, change or delete from (audit trails,
    checks, ledger entries)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class NotificationEventInline(ReadOnlyInline):
    """The notification's status moves."""

    model = NotificationEvent
    fields = ("created_at", "type", "data")
    readonly_fields = fields
    ordering = ("created_at", "id")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Delivery log for support: who was told what, when, and why a message failed.

    Read-only: no add, change or delete. The body (which may hold an OTP) and the full
    recipient are never shown; only the masked recipient.
    """

    list_display = (
        "created_at",
        "channel",
        "template",
        "recipient_masked",
        "status",
        "attempts",
        "error",
    )
    list_filter = ("channel", "status", "template")
    search_fields = ("=id", "template", "user__email")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    fields = (
        "id",
        "created_at",
        "user",
        "channel",
        "template",
        "recipient_masked",
        "subject",
        "status",
        "attempts",
        "error",
        "provider_message_id",
        "sent_at",
        "updated_at",
    )
    readonly_fields = fields
    inlines = [NotificationEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
