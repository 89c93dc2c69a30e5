from django.apps import AppConfig


class OwnerConfig(AppConfig):
    name = "bookingsite.owner"
    verbose_name = "Owner pages"
