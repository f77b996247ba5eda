from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "openjxc.documents"
    label = "documents"

    def ready(self):
        from . import types  # noqa: F401  (the registry tells masking which types are priced at cost)
