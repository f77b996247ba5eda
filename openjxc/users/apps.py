from django.apps import AppConfig
from django.db.models.signals import post_migrate


class UsersConfig(AppConfig):
    name = "openjxc.users"
    label = "users"

    def ready(self):
        from openjxc.core.api import register_auth

        from .masking import mask_cost
        from .roles import seed_roles
        from .services import user_for_token

        post_migrate.connect(seed_roles, sender=self)
        register_auth(user_for_token=user_for_token, mask_cost=mask_cost)
