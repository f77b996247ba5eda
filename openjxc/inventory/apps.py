from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "openjxc.inventory"
    label = "inventory"

    def ready(self):
        from . import links  # noqa: F401  registers the assembly rules with the costing
