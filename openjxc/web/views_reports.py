"""Dashboard, stock and report pages."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from openjxc.closing.checks import reconcile
from openjxc.inventory.selectors import stock_rows
from openjxc.users.masking import mask_cost


@login_required
def home(request):
    return render(request, "web/home.html", {"check": reconcile()})


@login_required
def stock(request):
    return render(request, "web/stock.html", {"rows": mask_cost(request.user, stock_rows())})
