from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "openjxc.backup"
    label = "backup"
