"""KYC's figures on ``/metrics`` (:mod:`smartbank.monitoring`), read from the database at each
scrape, so every web process answers the same whichever process decided the case."""

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .models import KycCase
from .selectors import kyc_case_count_by_status


class KycCaseStatusCollector(Collector):
    """``smartbank_kyc_cases{status}``: cases by current status, every status present (0 when
    none). VERIFIED and REJECTED are decisions and only grow, so ``increase()`` over them counts
    decisions by outcome; MANUAL_REVIEW is the staff queue; PENDING and PROCESSING are in the
    pipeline. One ``GROUP BY`` on the indexed status column per scrape."""

    def collect(self) -> Iterator[Metric]:
        counts = kyc_case_count_by_status()
        family = GaugeMetricFamily(
            "smartbank_kyc_cases",
            "KYC cases by current status (VERIFIED and REJECTED are final decisions).",
            labels=["status"],
        )
        for status in KycCase.Status.values:
            family.add_metric([status], counts.get(status, 0))
        yield family
