from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "openjxc.inventory"
    label = "inventory"
