from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "openjxc.audit"
    label = "audit"
