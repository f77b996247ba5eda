from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "openjxc.web"
    label = "web"
