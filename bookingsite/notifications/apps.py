from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "bookingsite.notifications"

    def ready(self) -> None:
        from bookingsite.bookings.events import booking_change_consumer_add, waitlist_change_consumer_add

        from .outbox import booking_notifications_queue, waitlist_notifications_queue

        # Every booking change writes its emails and the owner's notification in its own transaction.
        booking_change_consumer_add(booking_notifications_queue)
        waitlist_change_consumer_add(waitlist_notifications_queue)
