"""OpenAI-style JSON errors with the meaning of the CLI's exit codes.

``{"error": {"message", "type", "param", "code"}}``; the HTTP status follows the
exit code a `say` with the same input would end with (unknown model 404, bad
input 400, too large 413, busy 429/503 with Retry-After).
"""

from __future__ import annotations

from .. import errors

# exit code -> (HTTP status, OpenAI error type)
STATUS = {
    errors.USAGE: (400, "invalid_request_error"),
    errors.BAD_INPUT: (400, "invalid_request_error"),
    errors.NOT_FOUND: (404, "not_found_error"),
    errors.RUNTIME: (500, "server_error"),
    errors.NETWORK: (502, "server_error"),
    errors.INTEGRITY: (500, "server_error"),
    errors.OUTPUT: (500, "server_error"),
    errors.BUSY: (429, "rate_limit_error"),
}


class ApiError(Exception):
    """An error answered as JSON (raised by the API layer, or made from a TtsError)."""

    def __init__(self, status: int, message: str, *, kind: str = "invalid_request_error", code: str | None = None,
                 param: str | None = None, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.code = code
        self.param = param
        self.retry_after = retry_after

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.kind, "param": self.param, "code": self.code}}

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


def from_tts(exc: errors.TtsError) -> ApiError:
    status, kind = STATUS.get(exc.exit_code, (500, "server_error"))
    return ApiError(status, exc.one_line(), kind=kind, code=f"exit_{exc.exit_code}")


def bad_request(message: str, param: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code="invalid_value")


def too_large(message: str, param: str | None = None) -> ApiError:
    return ApiError(413, message, param=param, code="too_large")


def busy(message: str, retry_after: int, status: int = 429) -> ApiError:
    return ApiError(status, message, kind="rate_limit_error" if status == 429 else "server_error",
                    code="busy", retry_after=retry_after)


def unauthorized() -> ApiError:
    return ApiError(401, "missing or wrong API key (send Authorization: Bearer KEY)",
                    kind="authentication_error", code="invalid_api_key")
