from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bookingsite.core"
