from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "openjxc.reports"
    label = "reports"
