"""One error shape for every DRF view, the API's and the public JSON's: {"errors": {"field": ["message", ...]}}.

Validation errors are keyed by field ("blocks.2.end_time" for a nested one); everything else
(401, 403, 404, 405, 409, 415, 429, 503) and errors about no single field go under "__all__".
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from bookingsite.bookings.exceptions import BookingError
from bookingsite.businesses.locking import BusyError, as_busy_error
from bookingsite.lib.drf import ErrorsByField, ErrorSerializer
from bookingsite.lib.json_errors import ALL


class Conflict(exceptions.APIException):
    """A booking service refused a change the booking's state no longer allows (409)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("This change conflicts with the booking's current state.")
    default_code = "conflict"

    @classmethod
    def from_booking_error(cls, error: BookingError) -> "Conflict":
        return cls(str(error.message))


class Busy(exceptions.APIException):
    """A write that did not get its business's lock in time (DESIGN.md 5): nothing was saved; try again shortly."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "busy"

    def __init__(self, error: BusyError):
        super().__init__(str(error.message))
        self.wait = error.retry_after_seconds  # DRF's handler sends it as Retry-After


def flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as flat {"path": [messages]}:
    {"blocks": [{}, {"end_time": [..]}]} → {"blocks.1.end_time": [..]}.
    """
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            # A list's own error ({"blocks": {"__all__": [..]}}) belongs to the list: "blocks", not "blocks.__all__".
            path_here = str(key) if not prefix else prefix if key == ALL else f"{prefix}.{key}"
            for path, messages in flatten(value, path_here).items():
                out.setdefault(path, []).extend(messages)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix or ALL: [str(item) for item in detail]} if detail else {}
        out = {}
        for index, item in enumerate(detail):
            for path, messages in flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                out.setdefault(path, []).extend(messages)
        return out
    return {prefix or ALL: [str(detail)]}


def _message(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ParseError):
        return _("The body is not valid JSON.")
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait) if exc.wait is not None else 1
        return _("Too many requests. Please wait %(seconds)d seconds and try again.") % {"seconds": max(wait, 1)}
    detail = exc.detail
    # simplejwt's InvalidToken carries {"detail": ..., "code": ..., "messages": [{"message": why}]}.
    if isinstance(detail, dict) and "detail" in detail:
        reasons = [m["message"] for m in detail.get("messages", []) if isinstance(m, dict) and "message" in m]
        detail = reasons[0] if reasons else detail["detail"]
    if isinstance(detail, list) and detail:
        detail = detail[0]
    return str(detail)


def exception_handler(exc, context):
    """DRF's handler (status, WWW-Authenticate, Retry-After), then our body shape."""
    # As DRF's handler does, but with its plain messages: Http404's text names models and queries.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif (busy := as_busy_error(exc)) is not None:
        exc = Busy(busy)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django logs it and answers 500
    if isinstance(exc, (exceptions.ValidationError, ErrorsByField)):
        errors = flatten(exc.detail) or {ALL: [_("The request is not valid.")]}
    else:
        errors = {ALL: [_message(exc)]}
    response.data = {"errors": errors}
    return response


@csrf_exempt  # a POST to a wrong API path gets this 404, not the CSRF page (the API uses no cookies)
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any other path under /api/: a JSON 404 in the API's shape, never the HTML page."""
    message = _("Not found.")
    path = request.path_info
    if not path.endswith("/"):
        try:
            match = resolve(path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            message = _("Not found. API paths end with a slash: %(path)s/") % {"path": request.path}
    return JsonResponse({"errors": {ALL: [message]}}, status=404)


# --- The error answers in the schema -------------------------------------------------------


DESCRIPTIONS = {
    400: "Invalid input: messages by field (or `__all__`, e.g. for a body that is not JSON).",
    401: "No token, or an expired, tampered or revoked one.",
    403: "The account has no business.",
    404: "Not found, or not this business's.",
    409: "The booking's state does not allow this (e.g. approving a confirmed booking), or its time is no longer free.",
    415: "The body is not `application/json`.",
    429: "Too many requests; `Retry-After` says how many seconds to wait.",
    503: "Busy: a change waited too long for the business's lock, or a read took too long; nothing was changed. "
    "`Retry-After` says how many seconds to wait before sending the same request again.",
}


def document_edge_refusals(result: dict, generator, request, public) -> dict:
    """drf-spectacular hook: core.bad_input answers before any view, so every operation may answer its
    400, and one that takes a body its 413."""
    size = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    descriptions = {
        "400": "A NUL, or text that is not valid UTF-8, in the address, the query or the body; or too many fields.",
        "413": f"The body is over {size}.",
    }
    errors = {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}
    for item in result["paths"].values():
        for operation in item.values():
            for code in ("400", "413") if "requestBody" in operation else ("400",):
                operation["responses"].setdefault(code, {"content": errors, "description": descriptions[code]})
    return result


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description=DESCRIPTIONS[code]) for code in codes}


def owner_responses(ok: dict, *codes: int) -> dict:
    """An owner endpoint's responses: its own, plus 401, 403, 429 and 503 that any of them may answer."""
    return {**ok, **error_responses(*sorted({401, 403, 429, 503, *codes}))}
