"""Keep every API answer in the error format of API.md, also the ones Django or ninja make
before our handlers run (wrong method, 404 of a route that exists for other methods)."""

from django.http import JsonResponse

CODES = {404: "not_found", 405: "method_not_allowed"}


class ApiErrorFormat:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in CODES
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return JsonResponse(
                {
                    "error": {
                        "code": CODES[response.status_code],
                        "message": f"{request.method} {request.path} is not supported",
                        "details": {"allowed": response.get("Allow", "")},
                    }
                },
                status=response.status_code,
            )
        return response
