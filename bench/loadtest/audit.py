"""The load test's database audit (run by ``bench/loadtest/run.py`` with the run's environment).

    python bench/loadtest/audit.py RECORDS_JSONL [--wait SECONDS]

With ``--wait`` it first waits, at most that long, for the work to drain: no KYC case PENDING
or PROCESSING, no loan application SUBMITTED or PROCESSING, no notification QUEUED, no task
waiting in the transactional outbox, and the Celery queue on the broker empty with nothing
unacknowledged. Then it prints one JSON object: the statuses of every KYC case, loan
application and notification in the (load test's own) database, the records the clients were
answered as created but the database lacks, the pipelines' engine errors, and the server-side
KYC and loan decision times.
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbank.settings")

import django  # noqa: E402

django.setup()

import redis  # noqa: E402
from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402

from accounts.models import CustomerProfile  # noqa: E402
from kyc.models import KycCase, KycCaseEvent  # noqa: E402
from loans.models import LoanApplication, LoanApplicationEvent  # noqa: E402
from smartbank.models import Notification  # noqa: E402
from smartbank.monitoring import broker_queue_lengths  # noqa: E402

OPEN_KYC = [KycCase.Status.PENDING, KycCase.Status.PROCESSING]
OPEN_LOAN = [LoanApplication.Status.SUBMITTED, LoanApplication.Status.PROCESSING]


def queue_depth() -> dict[str, int]:
    """Messages waiting in the app's Celery queues, and taken but not yet acknowledged."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queues = [queue.name for queue in settings.CELERY_TASK_QUEUES]
    waiting = broker_queue_lengths(settings.CELERY_BROKER_URL, queues)
    return {"queued": sum(waiting.values()), "unacked": broker.hlen("unacked")}


def in_flight() -> dict[str, int]:
    busy = {
        "kyc_open": KycCase.objects.filter(status__in=OPEN_KYC).count(),
        "loans_open": LoanApplication.objects.filter(status__in=OPEN_LOAN).count(),
        "notifications_queued": Notification.objects.filter(
            status=Notification.Status.QUEUED
        ).count(),
        **queue_depth(),
    }
    try:  # the transactional outbox (smartbank.outbox), where the project has one
        outbox = apps.get_model("smartbank", "OutboxMessage")
    except LookupError:
        return busy
    return busy | {"outbox_undispatched": outbox.objects.filter(dispatched_at=None).count()}


def wait_drained(timeout: float) -> tuple[bool, float, dict[str, int]]:
    started = time.monotonic()
    while True:
        busy = in_flight()
        if not any(busy.values()):
            return True, time.monotonic() - started, busy
        if time.monotonic() - started >= timeout:
            return False, time.monotonic() - started, busy
        time.sleep(1)


def seconds(pairs: list) -> dict[str, float | int]:
    """Count, median, 95th percentile and maximum of ``decided - created``, in seconds."""
    values = sorted((decided - created).total_seconds() for created, decided in pairs if decided)
    if not values:
        return {"count": 0}
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return {"count": len(values), "p50": statistics.median(values), "p95": p95, "max": values[-1]}


def swept() -> int | None:
    """Tasks the sweeper enqueued again for records stuck in flight (None: no outbox)."""
    try:
        outbox = apps.get_model("smartbank", "OutboxMessage")
    except LookupError:
        return None
    return outbox.objects.filter(swept=True).count()


def audit(records_path: Path) -> dict:
    lines = [json.loads(line) for line in records_path.read_text().splitlines() if line]
    registrations = [r for r in lines if r["kind"] == "registration"]
    loans = [r for r in lines if r["kind"] == "loan"]
    known_profiles = set(
        CustomerProfile.objects.filter(
            pk__in=[r["registration_id"] for r in registrations]
        ).values_list("pk", flat=True)
    )
    known_cases = set(
        KycCase.objects.filter(pk__in=[r["kyc_case_id"] for r in registrations]).values_list(
            "pk", flat=True
        )
    )
    known_loans = set(
        LoanApplication.objects.filter(
            application_id__in=[r["application_id"] for r in loans]
        ).values_list("application_id", flat=True)
    )
    return {
        "client": {"registrations": len(registrations), "loans": len(loans)},
        "missing": {
            "registrations": sorted(
                r["registration_id"]
                for r in registrations
                if r["registration_id"] not in {str(pk) for pk in known_profiles}
            ),
            "kyc_cases": sorted(
                r["kyc_case_id"]
                for r in registrations
                if r["kyc_case_id"] not in {str(pk) for pk in known_cases}
            ),
            "loans": sorted(
                r["application_id"] for r in loans if r["application_id"] not in known_loans
            ),
        },
        "customers": CustomerProfile.objects.count(),
        "kyc": dict(Counter(KycCase.objects.values_list("status", flat=True))),
        "loans": dict(Counter(LoanApplication.objects.values_list("status", flat=True))),
        "notifications": dict(Counter(Notification.objects.values_list("status", flat=True))),
        "swept": swept(),
        "engine_errors": {
            "kyc": KycCaseEvent.objects.filter(type=KycCaseEvent.Type.PROCESSING_FAILED).count(),
            "loans": LoanApplicationEvent.objects.filter(
                type=LoanApplicationEvent.Type.PROCESSING_FAILED
            ).count(),
        },
        "decision_seconds": {
            "kyc": seconds(list(KycCase.objects.values_list("created_at", "decided_at"))),
            "loans": seconds(
                list(LoanApplication.objects.values_list("created_at", "final_decision_at"))
            ),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", type=Path)
    parser.add_argument("--wait", type=float, default=0.0, help="seconds to wait for the drain")
    args = parser.parse_args()
    result: dict = {}
    if args.wait:
        drained, waited, left = wait_drained(args.wait)
        result["drain"] = {"drained": drained, "seconds": waited, "left": left}
    result |= audit(args.records)
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
