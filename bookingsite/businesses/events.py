"""Who hears of a changed service, inside the change's transaction and under the business lock.

The bookings app registers from its AppConfig.ready(): a service's waitlists follow its capacity
and its waitlist switch (DESIGN.md 11). Businesses never imports bookings, so the layers point
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
