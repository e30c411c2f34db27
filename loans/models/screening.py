"""The data compliance screens against: imported watchlists (sanctions, PEP), the register of
senior employees' relatives and the FATF country lists (issue #4)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from smartbank.models import TimeStampedModel


class WatchlistKind(models.TextChoices):
    SANCTIONS = "SANCTIONS", "Sanctions"
    PEP = "PEP", "Politically exposed persons"


class WatchlistImport(TimeStampedModel):
    """One import of a watchlist file (OpenSanctions ``targets.simple.csv`` format).

    A new import of the same ``name`` and ``kind`` replaces the previous one for screening
    (``is_active``); old imports and their entries stay so a past decision can be reproduced.
    """

    name = models.CharField(max_length=100)
    version = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=WatchlistKind.choices)
    source = models.CharField(max_length=300, blank=True, default="")
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    row_count = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True, db_index=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = "watchlist import"
        permissions = [("manage_watchlists", "Can import watchlists")]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "kind", "version"], name="watchlist_import_unique_version"
            ),
            models.UniqueConstraint(
                fields=["name", "kind"],
                condition=Q(is_active=True),
                name="watchlist_import_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name} {self.version}"


class WatchlistEntry(models.Model):
    """One target of an imported list: the columns of OpenSanctions' ``targets.simple.csv``
    that screening uses (``aliases``, ``birth_dates`` and ``countries`` split on ``;``)."""

    watchlist = models.ForeignKey(WatchlistImport, on_delete=models.CASCADE, related_name="entries")
    entity_id = models.CharField("ID", max_length=200)
    schema = models.CharField(max_length=50, blank=True, default="")
    name = models.CharField(max_length=500)
    aliases = models.JSONField(default=list, blank=True)
    birth_dates = models.JSONField(default=list, blank=True)
    countries = models.JSONField(default=list, blank=True)
    dataset = models.CharField(max_length=500, blank=True, default="")
    search_names = models.TextField(
        blank=True,
        default="",
        editable=False,
        help_text="Name and aliases normalised for screening, one a line (at import)",
    )
    search_repeated = models.BooleanField(
        default=False,
        editable=False,
        help_text="One of search_names has a word twice (screening always scores it)",
    )

    class Meta:
        verbose_name = "watchlist entry"
        verbose_name_plural = "watchlist entries"
        indexes = [models.Index(fields=["watchlist", "entity_id"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.entity_id})"


class SeniorRelative(TimeStampedModel):
    """A relative of a senior employee (director, senior officer) of the bank.

    RBI's Master Circular "Loans and Advances - Statutory and Other Restrictions" restricts loans
    to relatives of the bank's directors and senior officers (sanction by the Board or a higher
    authority), so a match sends the application to review.
    """

    class Relation(models.TextChoices):
        SPOUSE = "SPOUSE", "Spouse"
        PARENT = "PARENT", "Parent"
        CHILD = "CHILD", "Child"
        SIBLING = "SIBLING", "Sibling"
        CHILD_SPOUSE = "CHILD_SPOUSE", "Spouse of a child"
        OTHER = "OTHER", "Other"

    relative_name = models.CharField(max_length=150)
    relation = models.CharField(max_length=20, choices=Relation.choices)
    employee_name = models.CharField(max_length=150)
    employee_id = models.CharField("employee ID", max_length=30)
    employee_designation = models.CharField(max_length=100, blank=True, default="")
    date_of_birth = models.DateField("relative's date of birth", null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["relative_name"]
        verbose_name = "senior employee's relative"
        verbose_name_plural = "senior employees' relatives"
        permissions = [("manage_seniorrelatives", "Can maintain the senior relatives register")]

    def __str__(self) -> str:
        return f"{self.relative_name} ({self.get_relation_display()} of {self.employee_name})"


class FatfCountryList(TimeStampedModel):
    """A dated FATF publication of high-risk jurisdictions; the newest one in effect is used."""

    version = models.CharField(max_length=100, unique=True)
    effective_from = models.DateField()
    source = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = "FATF country list"

    def __str__(self) -> str:
        return self.version


class FatfCountry(models.Model):
    class Category(models.TextChoices):
        CALL_FOR_ACTION = "CALL_FOR_ACTION", "High-risk: call for action"
        INCREASED_MONITORING = "INCREASED_MONITORING", "Increased monitoring"

    country_list = models.ForeignKey(
        FatfCountryList, on_delete=models.CASCADE, related_name="countries"
    )
    country_code = models.CharField("ISO 3166-1 alpha-2", max_length=2)
    country_name = models.CharField(max_length=100)
    category = models.CharField(max_length=20, choices=Category.choices)

    class Meta:
        ordering = ["category", "country_name"]
        verbose_name = "FATF country"
        verbose_name_plural = "FATF countries"
        constraints = [
            models.UniqueConstraint(
                fields=["country_list", "country_code"], name="fatf_country_unique_per_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_name} ({self.get_category_display()})"
