"""The staff console for step-ups (issue 14): who confirmed which action how, the outcome, the
failure code and the face distance, with the audit trail. Read-only: step-ups change only
through :mod:`accounts.services.step_up`; the burst itself is never shown (it is deleted once
checked)."""

from django.contrib import admin
from django.http import HttpRequest

from smartbank.admin import ReadOnlyInline

from .models import StepUp, StepUpEvent


class StepUpEventInline(ReadOnlyInline):
    model = StepUpEvent
    fields = ("created_at", "type", "actor", "data")
    readonly_fields = fields
    ordering = ("created_at", "id")


@admin.register(StepUp)
class StepUpAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "action", "method", "status", "code", "face_distance")
    list_filter = ("status", "method", "action", "code")
    search_fields = ("user__email", "user__full_name")
    date_hierarchy = "created_at"
    fields = (
        "user", "action", "method", "status", "code", "face_distance", "frame_count",
        "created_at", "decided_at", "used_at",
    )  # fmt: skip
    readonly_fields = fields
    inlines = [StepUpEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # viewed only, never saved

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
