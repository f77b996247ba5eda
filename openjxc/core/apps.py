from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openjxc.core"
    label = "core"
