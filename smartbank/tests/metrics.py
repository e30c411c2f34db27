"""Read ``/metrics`` as Prometheus does (its text format, through prometheus-client's parser),
for the tests of every app."""

from typing import Any

from prometheus_client.parser import text_string_to_metric_families

#: The bearer token the monitoring tests configure (``settings.METRICS_TOKEN``).
METRICS_TOKEN = "test-metrics-token-0123456789abcdef"


class Scrape:
    """One answer of ``/metrics``: ``value(sample_name, **labels)`` is the sample's value, or
    ``None`` when the answer has no such sample."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.samples = {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }

    def value(self, name: str, **labels: str) -> float | None:
        return self.samples.get((name, frozenset(labels.items())))

    def count(self, name: str, **labels: str) -> float:
        """The value, 0 when absent (a counter or histogram series not yet made)."""
        return self.value(name, **labels) or 0.0


def scrape(client: Any, *, token: str = METRICS_TOKEN) -> Scrape:
    """``GET /metrics`` with ``token`` as Prometheus sends it; fails unless it answers 200."""
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("text/plain; version=")
    return Scrape(response.content.decode())
