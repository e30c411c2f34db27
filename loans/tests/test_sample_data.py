"""``manage.py generate_sample_data`` leaves each application with the audit events of the status
moves it was given (issue 9: statuses move only through the transition maps, with events)."""

from io import StringIO

import pytest
from django.core.management import call_command

from loans.models import LoanApplication, LoanApplicationEvent
from smartbank.transitions import check_move

pytestmark = pytest.mark.django_db

E = LoanApplicationEvent.Type


def test_every_sample_application_has_the_events_of_its_moves():
    call_command("generate_sample_data", count=60, seed=3, stdout=StringIO())

    applications = list(LoanApplication.objects.prefetch_related("events"))
    assert len(applications) == 60
    for a in applications:
        events = sorted(a.events.all(), key=lambda e: (e.created_at, e.pk))
        assert [e.type for e in events] == [E.SUBMITTED, E.PROCESSING_STARTED, E.AUTO_DECIDED]
        submitted, started, decided = events
        assert submitted.created_at == a.created_at
        assert submitted.data["status"] == "SUBMITTED"
        assert (started.data["from"], started.data["to"]) == ("SUBMITTED", "PROCESSING")
        assert (decided.data["from"], decided.data["to"]) == ("PROCESSING", a.status)
        assert decided.data["final_status"] == a.final_status
        assert decided.data["remarks"] == a.final_remarks
        assert decided.created_at == a.updated_at
        assert all(e.actor is None and e.data["sample_data"] is True for e in events)
        for event in (started, decided):  # each recorded move is a declared one
            check_move(
                LoanApplication, field="status", old=event.data["from"], new=event.data["to"]
            )

    # A second run with the same seed adds neither applications nor events.
    call_command("generate_sample_data", count=60, seed=3, stdout=StringIO())
    assert LoanApplicationEvent.objects.count() == 3 * 60
