from ninja import Router

from openjxc.core.api import Input, Output, typed
from openjxc.users.services import client_of, issue_token

router = Router(tags=["auth"])


class TokenIn(Input):
    username: str
    password: str


class TokenOut(Output):
    token: str


@router.post("/auth/token", auth=None, response=typed(TokenOut))
def token(request, payload: TokenIn):
    """Log in: exchange a username and password for a bearer token."""
    return {"token": issue_token(payload.username, payload.password, client_of(request))}
