from django.apps import AppConfig


class PostingConfig(AppConfig):
    name = "openjxc.posting"
    label = "posting"

    def ready(self):
        from openjxc.documents.extensions import FILLERS, LINE_VIEWS
        from openjxc.inventory.count_selectors import add_count_fields

        from .counts import open_count

        # stock counts by several people: ?fill=all on create, the draft's book quantities
        if open_count not in FILLERS:
            FILLERS.append(open_count)
            LINE_VIEWS.append(add_count_fields)
