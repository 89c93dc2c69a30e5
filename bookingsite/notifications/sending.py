"""Sending one outbox email, in the worker (DESIGN.md 7).

`outbox_email_send` is what the send task runs: it claims the row, sends it, and records the
provider's answer. A row is sent at most once per claim and never again once sent; see the
comments there for the crash cases.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from python_http_client.exceptions import HTTPError as ProviderHTTPError

from .models import OutboxEmail

log = logging.getLogger("bookingsite.notifications")
EmailStatus = OutboxEmail.Status

ANSWER_MAX_LENGTH = 2000
ICS_FILENAME = "booking.ics"


@dataclass(frozen=True)
class SendResult:
    outcome: str  # sent | failed | retry | skipped
    retry_in: float | None = None  # seconds, when outcome is retry
    detail: str = ""


def _truncate(text: str) -> str:
    return text if len(text) <= ANSWER_MAX_LENGTH else text[: ANSWER_MAX_LENGTH - 1] + "…"


def _message(email: OutboxEmail, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=email.from_email,
        to=[email.to_email],
        reply_to=[email.reply_to] if email.reply_to else None,
        connection=connection,
    )
    message.attach_alternative(email.body_html, "text/html")
    if email.ics:
        # The standard library's part (base64 body) with the iTIP method on its content type:
        # mail clients read METHOD from it, and django-sendgrid-v5 passes it on to SendGrid.
        part = MIMEText(email.ics, "calendar", "utf-8")
        part.set_param("method", email.ics_method)
        part.add_header("Content-Disposition", "attachment", filename=ICS_FILENAME)
        message.attach(part)
    return message


def _deliver(email: OutboxEmail) -> tuple[bool, int | None, str]:
    """Hand the email to the configured backend: (accepted, provider status, provider answer)."""
    connection = get_connection(fail_silently=False)
    sendgrid_client = getattr(getattr(connection, "sg", None), "client", None)
    if sendgrid_client is not None:
        # python-http-client waits forever by default; its per-URL clients inherit this, and urllib
        # applies it to the connect and to each read (a TimeoutError, counted as a failed try below).
        sendgrid_client.timeout = settings.EMAIL_TIMEOUT
    message = _message(email, connection)
    try:
        count = connection.send_messages([message])
    except ProviderHTTPError as exc:
        body = exc.body.decode("utf-8", "replace") if isinstance(exc.body, bytes) else str(exc.body)
        return False, exc.status_code, _truncate(f"{exc.status_code} {exc.reason}: {body}".strip())
    except Exception as exc:  # network errors, timeouts, a backend's own errors: all worth a retry
        return False, None, _truncate(f"{type(exc).__name__}: {exc}")
    if not count:
        return False, None, "the email backend accepted no message"
    status = message.extra_headers.get("status")  # django-sendgrid-v5 writes the HTTP status here
    if status is not None:
        message_id = message.extra_headers.get("message_id", "")
        return True, int(status), _truncate(f"{status} Accepted" + (f"; X-Message-Id: {message_id}" if message_id else ""))
    return True, None, f"accepted by {type(connection).__module__}.{type(connection).__name__}"


def _claim(email_id: int, now: datetime) -> OutboxEmail | SendResult:
    """Mark the row `sending` and count the attempt, or say why this run must not send it."""
    claim_timeout = timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS)
    # A short transaction with the row locked: two runs of the task for one row (a duplicate
    # from the pickup, a redelivery) queue here, and the second sees the first one's claim.
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None:
            return SendResult("skipped", detail="no such email")
        if email.status in (EmailStatus.SENT, EmailStatus.FAILED):
            return SendResult("skipped", detail=f"already {email.status}")
        if email.status == EmailStatus.SENDING and email.claimed_at > now - claim_timeout:
            return SendResult("skipped", detail="another worker is sending it")
        if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            # Its last claim was never finished (the worker died mid-send): give up now.
            email.status = EmailStatus.FAILED
            email.provider_answer = _truncate(
                f"gave up after {email.attempts} attempts; the last one never finished. {email.provider_answer}"
            )
            email.save(update_fields=["status", "provider_answer"])
            return SendResult("failed", detail="out of attempts")
        email.status = EmailStatus.SENDING
        email.attempts += 1
        email.claimed_at = now
        email.save(update_fields=["status", "attempts", "claimed_at"])
        return email


def outbox_email_send(*, email_id: int) -> SendResult:
    """Send one outbox email once; the task retries it when the result says `retry`.

    Safe to run any number of times for one row: a sent or failed row is left alone, and a row
    another run is sending right now is skipped. The provider call happens between two short
    transactions, never under a lock, so a slow provider holds up nothing but this worker. If
    the worker dies during the call, the row stays `sending`; after OUTBOX_CLAIM_TIMEOUT_SECONDS
    the pickup queues it again.

    Two cases leave the outcome unknown, and both are retried: a call that outlived EMAIL_TIMEOUT,
    and a worker that died mid-call. SendGrid may have accepted such a call and only its answer
    was lost, so the client may get that email twice; SendGrid's v3 mail/send takes no
    idempotency key to stop that. We prefer a rare duplicate to a lost booking email, and a
    10 s timeout against answers that take well under a second keeps it rare.
    """
    claimed = _claim(email_id, timezone.now())
    if isinstance(claimed, SendResult):
        return claimed
    accepted, status_code, answer = _deliver(claimed)
    now = timezone.now()
    with transaction.atomic():
        email = OutboxEmail.objects.select_for_update().get(pk=email_id)
        email.provider_status_code = status_code
        email.provider_answer = answer
        if accepted:
            email.status, email.sent_at = EmailStatus.SENT, now
            email.save(update_fields=["status", "sent_at", "provider_status_code", "provider_answer"])
            log.info("outbox.sent email_id=%s kind=%s attempts=%s answer=%r", email.pk, email.kind, email.attempts, answer)
            return SendResult("sent", detail=answer)
        if email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            email.status = EmailStatus.FAILED
            email.save(update_fields=["status", "provider_status_code", "provider_answer"])
            log.error("outbox.failed email_id=%s kind=%s attempts=%s answer=%r", email.pk, email.kind, email.attempts, answer)
            return SendResult("failed", detail=answer)
        wait = settings.OUTBOX_RETRY_BASE_SECONDS * 2**email.attempts
        email.status = EmailStatus.QUEUED
        email.next_attempt_at = now + timedelta(seconds=wait)
        email.save(update_fields=["status", "next_attempt_at", "provider_status_code", "provider_answer"])
    log.warning("outbox.retry email_id=%s attempts=%s in=%ss answer=%r", email_id, email.attempts, wait, answer)
    return SendResult("retry", retry_in=wait, detail=answer)

