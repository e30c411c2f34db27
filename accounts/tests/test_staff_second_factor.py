"""Staff second factors from the console's user list: enrol and reset, each audited (issue 12).

Codes go to Django's locmem outbox; nothing is mocked.
"""

import pytest
from django.utils import timezone

from accounts.models import OtpDevice, UserEvent
from accounts.tests.auth import last_email_code, login_verified
from accounts.tests.factories import TEST_PASSWORD, CustomerProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def run_action(client, action, *users):
    return client.post(
        "/admin/accounts/user/",
        {"action": action, "_selected_action": [str(u.pk) for u in users]},
        follow=True,
    )


def test_enrolling_gives_staff_an_email_code_and_sms_with_a_confirmed_phone(client, reviewer):
    officer = UserFactory(is_staff=True)
    now = timezone.now()
    staff_customer = CustomerProfileFactory(
        user=UserFactory(is_staff=True), email_verified_at=now, phone_verified_at=now
    ).user
    customer = CustomerProfileFactory().user
    login_verified(client, reviewer)

    page = run_action(
        client, "second_factor_enrol_selected", officer, staff_customer, customer
    ).content.decode()

    assert f"Second factor enrolled for {officer.email}: codes by email." in page
    assert f"Second factor enrolled for {staff_customer.email}: codes by email and SMS." in page
    assert f"No second factor enrolled for {customer.email}: customers confirm their own" in page
    devices = OtpDevice.objects.filter(user__in=[officer, staff_customer, customer])
    assert sorted(devices.values_list("user__email", "channel", "confirmed")) == sorted(
        [
            (officer.email, "EMAIL", True),
            (staff_customer.email, "EMAIL", True),
            (staff_customer.email, "SMS", True),
        ]
    )
    events = UserEvent.objects.filter(type="SECOND_FACTOR_ENROLLED")
    assert sorted((e.user_id, e.actor_id, tuple(e.data["channels"])) for e in events) == sorted(
        [(officer.pk, reviewer.pk, ("EMAIL",)), (staff_customer.pk, reviewer.pk, ("EMAIL", "SMS"))]
    )
    # The user's page shows the devices and the trail, read-only.
    change = client.get(f"/admin/accounts/user/{officer.pk}/change/").content.decode()
    assert (
        "Second factor enrolled" in change and "second factors (one-time codes)" in change.lower()
    )


def test_resetting_deletes_the_devices_and_their_lock_and_the_next_login_works(
    client, reviewer, django_capture_on_commit_callbacks
):
    # Given a member of staff whose email code is locked after five wrong guesses
    officer = UserFactory(is_staff=True)
    OtpDevice.objects.create(user=officer, channel="EMAIL", name="email", failed_guesses=5)
    officer_session = login_verified(client.__class__(), officer)
    assert officer_session.get("/admin/").status_code == 200
    login_verified(client, reviewer)

    # When a superuser resets the officer's second factor
    page = run_action(client, "second_factor_reset_selected", officer).content.decode()

    # Then the device (and its lock) is gone, the reset is audited
    assert f"Second factor reset for {officer.email} (EMAIL removed)" in page
    assert not OtpDevice.objects.filter(user=officer).exists()
    (event,) = UserEvent.objects.filter(user=officer)
    assert (event.type, event.actor_id, event.data) == (
        "SECOND_FACTOR_RESET",
        reviewer.pk,
        {"channels": ["EMAIL"]},
    )
    # the session verified on the old device must pass a new code
    assert officer_session.get("/admin/").url.startswith("/accounts/otp/")
    # and a fresh login by email code opens the console
    fresh = client.__class__()
    fresh.post(
        "/accounts/login/?next=/admin/",
        {"username": officer.email, "password": TEST_PASSWORD, "next": "/admin/"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        fresh.post("/accounts/otp/?next=/admin/", {"action": "send", "channel": "EMAIL"})
    fresh.post(
        "/accounts/otp/?next=/admin/",
        {"action": "verify", "otp": last_email_code(officer.email), "next": "/admin/"},
    )
    assert fresh.get("/admin/").status_code == 200


def test_staff_without_the_change_permission_see_no_second_factor_actions(client):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    login_verified(client, viewer)
    page = client.get("/admin/accounts/user/").content.decode()
    assert "second_factor_enrol_selected" not in page
    response = client.post(
        "/admin/accounts/user/",
        {"action": "second_factor_reset_selected", "_selected_action": [str(viewer.pk)]},
    )
    assert response.status_code in (200, 302)
    assert not UserEvent.objects.exists()
