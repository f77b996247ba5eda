from django.apps import AppConfig
from django.db.models.signals import post_migrate


class UsersConfig(AppConfig):
    name = "openjxc.users"
    label = "users"

    def ready(self):
        from .roles import seed_roles

        post_migrate.connect(seed_roles, sender=self)
