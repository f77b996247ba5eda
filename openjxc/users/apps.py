from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "openjxc.users"
    label = "users"
