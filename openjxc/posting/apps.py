from django.apps import AppConfig


class PostingConfig(AppConfig):
    name = "openjxc.posting"
    label = "posting"
