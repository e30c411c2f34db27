"""Customers: the custom user (email is the login name) and the customer profile."""

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Upper
from phonenumber_field.modelfields import PhoneNumberField

from smartbank.countries import HOME_COUNTRY
from smartbank.models import AuditEvent, TimeStampedModel


class UserManager(BaseUserManager["User"]):
    """Creates users keyed by a normalised email address."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: a customer or a member of staff. Email is the login name."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]
        indexes = [
            # Registration's ``email__iexact`` look-up (UPPER(email) on PostgreSQL).
            models.Index(Upper("email"), name="user_email_ci_idx"),
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class CustomerProfile(TimeStampedModel):
    """A customer's registration: the id integrators poll is this profile's ``id``.

    ``country_of_residence`` (ISO 3166-1 alpha-2, checked with pycountry at registration)
    decides which ID types the customer may verify with (issue 11, "documents by country":
    :func:`kyc.selectors.kyc_id_types_for_country`). Customers who registered before it was
    asked are residents of India, the bank's home (the field's default, also in migration
    ``0011_country_of_residence``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="profile")
    phone = PhoneNumberField(region="IN")
    date_of_birth = models.DateField()
    country_of_residence = models.CharField(
        max_length=2, default=HOME_COUNTRY, help_text="ISO 3166-1 alpha-2, e.g. IN"
    )
    email_verified_at = models.DateTimeField(null=True, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Customer {self.user.email}"


class CustomerEvent(AuditEvent):
    """Append-only audit event of a customer: registration and contact verification."""

    class Type(models.TextChoices):
        REGISTERED = "REGISTERED", "Registered"
        EMAIL_VERIFIED = "EMAIL_VERIFIED", "Email verified"
        PHONE_VERIFIED = "PHONE_VERIFIED", "Phone verified"

    profile = models.ForeignKey(CustomerProfile, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=20, choices=Type.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = "customer event"


class UserEvent(AuditEvent):
    """Append-only audit event of a login (customer or staff): second factors enrolled or reset
    by staff in the console, passwords reset by email (issue 12). A staff user has no customer
    profile, so these hang on the user itself.

    ``data``: ``{"channels": ["EMAIL", "SMS"]}`` for the second-factor events (the devices made
    or deleted), ``{"refresh_tokens_revoked": n}`` for a password reset; never a code or a
    password.
    """

    class Type(models.TextChoices):
        SECOND_FACTOR_ENROLLED = "SECOND_FACTOR_ENROLLED", "Second factor enrolled"
        SECOND_FACTOR_RESET = "SECOND_FACTOR_RESET", "Second factor reset"
        PASSWORD_RESET = "PASSWORD_RESET", "Password reset by email"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=30, choices=Type.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = "login event"
