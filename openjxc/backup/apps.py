from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "openjxc.backup"
    label = "backup"

    def ready(self):
        # posting sits below backup: it learns how to back up before a settled-data change here
        from openjxc.posting import settled

        from .before import backed_up

        settled.register_backup(backed_up)
