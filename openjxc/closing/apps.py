from django.apps import AppConfig


class ClosingConfig(AppConfig):
    name = "openjxc.closing"
    label = "closing"
