"""Template context for every page: the user's menu and what they may see."""

from openjxc.core.archive_guard import archive_state
from openjxc.users.masking import sees_cost

from .nav import menu_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "menu": menu_for(user),
        "sees_cost": sees_cost(user),
        "archived": archive_state(),  # the read-only banner on every page
    }
