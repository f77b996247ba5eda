from ninja import Router

from .checks import reconcile

router = Router(tags=["checks"])


@router.get("/reconcile", response=dict)
def reconcile_view(request):
    """Prove every cache equals its ledger, every voucher balances, subledgers = control accounts."""
    return reconcile()
