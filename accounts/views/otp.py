"""OTP pages: contact verification after registration, second factor after the password."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from smartbank.errors import ApplicationError

from ..forms_otp import OtpChannelForm, OtpCodeForm
from ..models import CustomerProfile, OtpDevice
from ..services.otp import (
    contact_verify,
    login_channels,
    otp_device_ensure,
    otp_send,
    otp_verify,
)


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
def contact_verify_view(request: HttpRequest) -> HttpResponse:
    """Verify the email address and the phone number with the codes sent to them."""
    profile = CustomerProfile.objects.filter(user=request.user).first()
    if profile is None:
        return redirect("home")
    forms = {"EMAIL": OtpCodeForm(prefix="email"), "SMS": OtpCodeForm(prefix="sms")}
    if request.method == "POST":
        channel = request.POST.get("channel")
        action = request.POST.get("action")
        if channel in forms and action == "resend":
            try:
                device = otp_device_ensure(user=request.user, channel=channel)
                messages.info(request, otp_send(otp_device_id=device.pk, purpose="verify"))
            except ApplicationError as exc:
                messages.error(request, exc.message)
            return redirect(request.get_full_path())
        if channel in forms:
            form = OtpCodeForm(request.POST, prefix=channel.lower())
            forms[channel] = form
            if form.is_valid():
                try:
                    contact_verify(
                        user=request.user, channel=channel, token=form.cleaned_data["otp"]
                    )
                except ApplicationError as exc:
                    form.add_error("otp", exc.message)
                else:
                    if not request.user.is_verified():
                        otp_login(
                            request, OtpDevice.objects.get(user=request.user, channel=channel)
                        )
                    label = "email address" if channel == "EMAIL" else "phone number"
                    messages.success(request, f"Your {label} is verified.")
                    profile.refresh_from_db()
                    if profile.email_verified_at and profile.phone_verified_at:
                        return redirect(_next(request, "/kyc/"))
                    return redirect(request.get_full_path())
    return render(
        request,
        "accounts/verify_contact.html",
        {
            "profile": profile,
            "email_form": forms["EMAIL"],
            "sms_form": forms["SMS"],
            "next": _next(request, ""),
        },
    )


@login_required
def otp_view(request: HttpRequest) -> HttpResponse:
    """The second factor after the password, for customers and staff alike (the staff
    console has no login of its own, :mod:`smartbank.admin_site`): pick email or SMS, receive
    a code, type it. The EMAIL device is made on demand, so staff created in the console log
    in at once. The first visit shows no error: only a code typed wrong does."""
    if request.user.is_verified():
        return redirect(_next(request, "/"))
    channels = login_channels(user=request.user)
    sent_channel = request.session.get("otp_channel")
    if sent_channel not in channels:
        sent_channel = None
    # The channel the last code went to stays chosen (after a wrong code too), so "Send a new
    # code" goes where the customer expects.
    initial = {"channel": sent_channel} if sent_channel else None
    channel_form = OtpChannelForm(channels=channels, initial=initial)
    code_form = OtpCodeForm()
    if request.method == "POST" and request.POST.get("action") == "send":
        channel_form = OtpChannelForm(request.POST, channels=channels)
        if channel_form.is_valid():
            channel = channel_form.cleaned_data["channel"]
            try:
                device = otp_device_ensure(user=request.user, channel=channel)
                messages.info(request, otp_send(otp_device_id=device.pk, purpose="login"))
                request.session["otp_channel"] = channel
                sent_channel = channel
            except ApplicationError as exc:
                messages.error(request, exc.message)
    elif request.method == "POST" and sent_channel:
        code_form = OtpCodeForm(request.POST)
        if code_form.is_valid():
            try:
                device = otp_verify(
                    user=request.user, channel=sent_channel, token=code_form.cleaned_data["otp"]
                )
            except ApplicationError as exc:
                code_form.add_error("otp", exc.message)
            else:
                otp_login(request, device)
                request.session.pop("otp_channel", None)
                return redirect(_next(request, "/"))
    return render(
        request,
        "accounts/otp.html",
        {
            "channel_form": channel_form,
            "code_form": code_form,
            "sent_channel": sent_channel,
            "next": _next(request, ""),
        },
    )
