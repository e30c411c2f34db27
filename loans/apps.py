from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "loans"

    def ready(self) -> None:
        # Registers the dashboards' roll-up hook with smartbank.transitions.
        from .services import rollups  # noqa: F401
