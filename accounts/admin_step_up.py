"""The staff console for step-ups (issue 14): who confirmed which action how, the outcome, the
failure code and the face distance, with the audit trail. Read-only: step-ups change only
through :mod:`accounts.services.step_up`; the burst itself is never shown (it is deleted once
checked)."""

from django.contrib import admin
from django.http import HttpRequest

from smartbank.admin import EventInline, round_for_people

from .models import StepUp, StepUpEvent


class StepUpEventInline(EventInline):
    model = StepUpEvent


@admin.register(StepUp)
class StepUpAdmin(admin.ModelAdmin):
    list_display = (
        "created_at", "user", "action", "method", "status", "code", "face_distance_display",
    )  # fmt: skip
    list_filter = ("status", "method", "action", "code")
    search_fields = ("user__email", "user__full_name")
    date_hierarchy = "created_at"
    fields = (
        "user", "action", "method", "status", "code", "face_distance_display", "frame_count",
        "created_at", "decided_at", "used_at",
    )  # fmt: skip
    readonly_fields = fields
    inlines = [StepUpEventInline]

    @admin.display(description="Face distance", ordering="face_distance")
    def face_distance_display(self, obj: StepUp) -> str:
        return "—" if obj.face_distance is None else round_for_people(obj.face_distance)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # viewed only, never saved

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
