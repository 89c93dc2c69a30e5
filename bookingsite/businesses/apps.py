from django.apps import AppConfig


class BusinessesConfig(AppConfig):
    name = "bookingsite.businesses"

    def ready(self) -> None:
        from . import availability_stamp

        availability_stamp.connect()
