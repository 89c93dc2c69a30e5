from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bookingsite.api"
    label = "api"
    verbose_name = "Owner JSON API"
