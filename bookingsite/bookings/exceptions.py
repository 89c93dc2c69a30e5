"""Domain errors of the booking service. Each `.message` is safe to show a visitor."""

from django.utils.translation import gettext_lazy as _


class BookingError(Exception):
    message = _("This booking could not be made.")
    field: str | None = None  # the form field the error belongs to, if any

    def __init__(self, message: str | None = None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class SlotTakenError(BookingError):
    message = _("Sorry, this time was just taken. Please pick another time.")


class SlotNotOfferedError(BookingError):
    message = _("This time is not offered for this service. Please pick one of the times shown.")
    field = "start_time_utc"


class OutsideBookingWindowError(BookingError):
    message = _("This time can no longer be booked online. Please pick a later time.")
    field = "start_time_utc"


class OnceKeyReusedError(BookingError):
    """The form (or Idempotency-Key) already made a booking with other details: a repeat answers with
    that booking only when it is the same request, so nobody sees another client's booking."""

    message = _("This form was already used to book with other details, so nothing was booked and that booking is unchanged.")


class BookingPageClosedError(BookingError):
    message = _("This business is not taking online bookings right now.")


class InvalidTransitionError(BookingError):
    message = _("This booking can no longer be changed that way.")


class ChangeCutoffError(BookingError):
    """The business's change cut-off has passed: the client can no longer cancel or move online."""

    message = _("It is too close to the start to change this booking online. Please contact the business.")


class SessionConflictError(BookingError):
    """A time clashes with another session or booking; the message names it."""

    message = _("This time clashes with another session.")


class ConfirmationNeededError(BookingError):
    """The owner's booking needs their yes first: `warnings` say what is unusual about its time."""

    message = _("Check this time before booking it.")

    def __init__(self, warnings: list[str]):
        super().__init__()
        self.warnings = warnings


class ClientTakenError(BookingError):
    """Another client of the business already has this email or phone; `field` names which."""

    message = _("Another client already has these details.")

    def __init__(self, message: str | None = None, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class WaitlistError(BookingError):
    """A waitlist step that cannot be taken now; the message says why."""

    message = _("This waitlist place can no longer be changed that way.")


class SlotHasPlacesError(WaitlistError):
    """Joining the waitlist of a slot that has a free place: book it instead."""

    message = _("This time has a free place, so there is no need to wait: book it instead.")


class OfferLapsedError(WaitlistError):
    message = _("Sorry, the time to claim this place has passed, and it went to the next person in line.")
