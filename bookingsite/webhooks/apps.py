from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "bookingsite.webhooks"

    def ready(self) -> None:
        from bookingsite.bookings.events import booking_change_consumer_add, waitlist_change_consumer_add

        from .outbox import booking_webhooks_queue, waitlist_webhooks_queue

        # Every booking change writes its webhook deliveries in its own transaction.
        booking_change_consumer_add(booking_webhooks_queue)
        waitlist_change_consumer_add(waitlist_webhooks_queue)
