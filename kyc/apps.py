from django.apps import AppConfig


class KycConfig(AppConfig):
    name = "kyc"
    verbose_name = "KYC"

    def ready(self) -> None:
        from smartbank.monitoring import scrape_collector_register

        from .metrics import KycCaseStatusCollector

        scrape_collector_register("kyc_cases", KycCaseStatusCollector())
