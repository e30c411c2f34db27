"""Staff console for customers and staff users.

Staff log into the console through the one login (``smartbank/admin_site.py``). Their second
factor needs no enrolment (the EMAIL device is made at their first login); the user list's
actions enrol it ahead (EMAIL, and SMS with a phone) or reset it (devices deleted, with them
any wrong-guess lock and resend limit), each an audited ``UserEvent`` shown on the user's page.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from smartbank.admin import ReadOnlyInline
from smartbank.errors import ApplicationError

from .models import CustomerProfile, OtpDevice, User, UserEvent
from .services.otp import second_factor_enrol, second_factor_reset


class OtpDeviceInline(ReadOnlyInline):
    model = OtpDevice
    fields = ("channel", "confirmed", "verified_at", "last_used_at", "failed_guesses")
    readonly_fields = fields
    verbose_name = "second factor"
    verbose_name_plural = "second factors (one-time codes)"


class UserEventInline(ReadOnlyInline):
    model = UserEvent
    fk_name = "user"
    fields = ("created_at", "type", "actor", "data")
    readonly_fields = fields
    verbose_name_plural = "login events"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active", "date_joined")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password", "full_name")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    readonly_fields = ("date_joined",)
    inlines = (OtpDeviceInline, UserEventInline)
    actions = ("second_factor_enrol_selected", "second_factor_reset_selected")

    def get_inlines(self, request: HttpRequest, obj: User | None) -> tuple:
        # A user being added has no devices or events yet: the add page stays Django's.
        return self.inlines if obj is not None else ()

    @admin.action(
        description="Enrol the second factor of selected staff (email, and SMS with a phone)",
        permissions=["change"],
    )
    def second_factor_enrol_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            try:
                channels = second_factor_enrol(user_id=user.pk, actor=request.user)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                words = " and ".join("email" if c == "EMAIL" else "SMS" for c in channels)
                messages.success(
                    request, f"Second factor enrolled for {user.email}: codes by {words}."
                )

    @admin.action(
        description="Reset the second factor of selected users (delete their code devices)",
        permissions=["change"],
    )
    def second_factor_reset_selected(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            channels = second_factor_reset(user_id=user.pk, actor=request.user)
            gone = ", ".join(channels) or "no device"
            messages.success(
                request,
                f"Second factor reset for {user.email} ({gone} removed): the next login sends "
                "a fresh code by email.",
            )


@admin.register(CustomerProfile)
class CustomerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "phone", "created_at")
    search_fields = ("user__email", "user__full_name")
    # Contact details and their verification change only through the OTP services (audited).
    readonly_fields = (
        "user",
        "phone",
        "date_of_birth",
        "email_verified_at",
        "phone_verified_at",
        "created_at",
    )


from . import admin_banking, admin_step_up  # noqa: E402,F401
