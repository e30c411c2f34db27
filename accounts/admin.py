"""Staff console for customers and staff users."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .forms_otp import StaffLoginForm
from .models import CustomerProfile, User

# The staff console's login form (smartbank/urls.py makes the site django-otp's OTPAdminSite):
# the OTP devices' codes are sent and checked by this app's services.
admin.site.login_form = StaffLoginForm


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


@admin.register(CustomerProfile)
class CustomerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "phone", "created_at")
    search_fields = ("user__email", "user__full_name")
    # Contact details and their verification change only through the OTP services (audited).
    readonly_fields = ("user", "phone", "date_of_birth", "email_verified_at", "phone_verified_at",
                       "created_at")


from . import admin_banking, admin_step_up  # noqa: E402,F401
