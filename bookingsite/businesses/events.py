"""Who hears of a changed service or booking page, inside the change's transaction and under the
business lock.

The bookings app registers from its AppConfig.ready(): a service's waitlists follow its capacity,
its length and its waitlist switch, and a page that takes bookings again offers its free places
to its waitlists (DESIGN.md 11). Businesses never imports bookings, so the layers point
one way (STYLE.md "Layers").
"""

from collections.abc import Callable

from .models import BusinessBookingSettings, SessionCategory

# consumer(page=..., service=...): the service as just saved; page is the locked business's settings.
ServiceChangeConsumer = Callable[..., object]
_consumers: list[ServiceChangeConsumer] = []


def service_change_consumer_add(consumer: ServiceChangeConsumer) -> None:
    if consumer not in _consumers:
        _consumers.append(consumer)


def service_changed(*, page: BusinessBookingSettings, service: SessionCategory) -> None:
    for consumer in _consumers:
        consumer(page=page, service=service)


# consumer(page=...): the booking page's settings as just saved, under the lock.
PageChangeConsumer = Callable[..., object]
_page_consumers: list[PageChangeConsumer] = []


def page_change_consumer_add(consumer: PageChangeConsumer) -> None:
    if consumer not in _page_consumers:
        _page_consumers.append(consumer)


def page_changed(*, page: BusinessBookingSettings) -> None:
    for consumer in _page_consumers:
        consumer(page=page)
