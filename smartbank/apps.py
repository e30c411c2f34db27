from django.apps import AppConfig


class SmartbankConfig(AppConfig):
    name = "smartbank"

    def ready(self) -> None:
        # Task metrics (smartbank/monitoring.py) in every process that loads Django: the web
        # processes (eager tasks), and a Celery worker, which sets Django up before it forks.
        from .monitoring import celery_signals_connect

        celery_signals_connect()
