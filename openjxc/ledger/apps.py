from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "openjxc.ledger"
    label = "ledger"
