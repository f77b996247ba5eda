from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "openjxc.partners"
    label = "partners"
