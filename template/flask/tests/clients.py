"""A Flask test client that, like a real HTTP client, keeps default headers."""

from typing import Any, cast

from flask.testing import FlaskClient
from werkzeug.test import TestResponse


class ApiResponse(TestResponse):
    """A test response whose `json` is the parsed body (no Optional to narrow in tests)."""

    @property
    def json(self) -> Any:
        """The body parsed as JSON."""
        return self.get_json()


class ApiClient(FlaskClient):
    """`headers` go with every request (a request's own headers win)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.response_wrapper = ApiResponse
        self.headers: dict[str, str] = {}

    def open(self, *args: Any, **kwargs: Any) -> ApiResponse:
        """Send a request with the default headers added."""
        kwargs["headers"] = {**self.headers, **dict(kwargs.get("headers") or {})}
        return cast(ApiResponse, super().open(*args, **kwargs))

    def get(self, *args: Any, **kwargs: Any) -> ApiResponse:
        """A GET request."""
        return self.open(*args, method="GET", **kwargs)

    def post(self, *args: Any, **kwargs: Any) -> ApiResponse:
        """A POST request."""
        return self.open(*args, method="POST", **kwargs)

    def put(self, *args: Any, **kwargs: Any) -> ApiResponse:
        """A PUT request."""
        return self.open(*args, method="PUT", **kwargs)

    def patch(self, *args: Any, **kwargs: Any) -> ApiResponse:
        """A PATCH request."""
        return self.open(*args, method="PATCH", **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> ApiResponse:
        """A DELETE request."""
        return self.open(*args, method="DELETE", **kwargs)

    def options(self, *args: Any, **kwargs: Any) -> ApiResponse:
        """A OPTIONS request."""
        return self.open(*args, method="OPTIONS", **kwargs)

    def head(self, *args: Any, **kwargs: Any) -> ApiResponse:
        """A HEAD request."""
        return self.open(*args, method="HEAD", **kwargs)

    def cookie(self, name: str) -> str:
        """The value of a cookie the client holds (KeyError without it)."""
        cookie = self.get_cookie(name)
        if cookie is None:
            raise KeyError(name)
        return cookie.value
