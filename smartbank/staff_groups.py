"""Staff groups for data migrations: one group of staff and the permissions its role needs.

Called from the migrations that seed each app's staff role (KYC reviewers, Account officers),
with the migration's historical ``apps``, so it never imports a model class of its own.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.management import create_permissions


def staff_group_seed(
    apps: Any, *, name: str, app_label: str, permissions: Iterable[tuple[str, str]]
) -> None:
    """Create (or complete) the group ``name`` holding ``permissions`` of ``app_label``.

    ``permissions`` are ``(model, codename)`` pairs, e.g. ``("kyccase", "review_kyccase")``.
    Permissions are normally created after all migrations ran; the group needs them now, so
    they are created first. Idempotent. Raises ``Permission.DoesNotExist`` for an unknown pair.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=name)
    for model, codename in permissions:
        group.permissions.add(
            permission_model.objects.get(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            )
        )
