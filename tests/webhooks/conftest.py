"""A business with a webhook endpoint pointing at a real local receiver."""

import pytest

from bookingsite.webhooks.services import endpoint_create

from tests.notifications.conftest import eager_tasks  # noqa: F401 (a fixture, asked for below)

from .receiver import Receiver


@pytest.fixture(autouse=True)
def local_receivers_allowed(settings, request):
    """The receiver is on 127.0.0.1 over http: allowed only with this setting (tests, development).
    Tasks run in-process as they are queued, with a broker too (test_slow_receiver starts a worker)."""
    request.getfixturevalue("eager_tasks")
    settings.CALENDAR_IMPORT_ALLOW_PRIVATE = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def endpoint(business, page, receiver):
    hook = endpoint_create(business_profile_id=business.pk, url=receiver.url, description="Zapier")
    receiver.secret = hook.secret
    return hook
