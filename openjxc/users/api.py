from ninja import Router, Schema

from openjxc.users.services import client_of, issue_token

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@router.post("/auth/token", auth=None, response=TokenOut)
def token(request, payload: TokenIn):
    """Log in: exchange a username and password for a bearer token."""
    return {"token": issue_token(payload.username, payload.password, client_of(request))}
