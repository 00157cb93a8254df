"""The HTTP side shared by both connectors: auth with cached tokens, retries, 429 and the remote's error text.

Secrets never reach a log or a SyncFailure: messages carry the remote's error text and the URL path only.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from django.core.cache import cache

logger = logging.getLogger(__name__)

# Statuses worth another try: rate limited, or the remote (or a proxy in front of it) is down for a moment.
RETRYABLE = frozenset({429, 502, 503, 504})
# A Retry-After longer than this is not waited for inside a task: the run fails and the next one catches up.
MAX_RETRY_AFTER_SECONDS = 120


class RemoteError(Exception):
    """The remote answered with an error (status set) or could not be reached (status None)."""

    def __init__(self, message: str, *, status: int | None = None, path: str = ""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.path = path

    def __str__(self) -> str:
        if self.status:
            return f"HTTP {self.status} {self.path}: {self.message}"
        if self.path:
            return f"unreachable {self.path}: {self.message}"
        return self.message


def error_message(response: requests.Response) -> str:
    """ServiceNow `{"error": {"message", "detail"}}` and Dataverse `{"error": {"code", "message"}}`."""
    try:
        body = response.json()
    except ValueError:
        return (response.text or response.reason or "").strip()[:500]
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return str(body)[:500]
    parts = [error.get("message") or "", error.get("detail") or ""]
    if error.get("code"):
        parts.append(f"({error['code']})")
    return " ".join(part for part in parts if part).strip()[:2000]


@dataclass
class BasicAuth:
    username: str
    password: str

    def apply(self, session: requests.Session, client: "RestClient") -> None:
        session.auth = (self.username, self.password)

    def invalidate(self) -> bool:
        return False  # nothing to refresh: a 401 is final


@dataclass
class OAuthToken:
    """An OAuth 2.0 token (password or client-credentials grant), cached until shortly before it expires."""

    token_url: str
    form: dict[str, str] = field(repr=False)
    cache_key: str = ""

    def apply(self, session: requests.Session, client: "RestClient") -> None:
        token = cache.get(self.cache_key) if self.cache_key else None
        if token is None:
            token = self._fetch(client)
        session.headers["Authorization"] = f"Bearer {token}"

    def invalidate(self) -> bool:
        if self.cache_key:
            cache.delete(self.cache_key)
        return True

    def _fetch(self, client: "RestClient") -> str:
        try:
            response = requests.post(self.token_url, data=self.form, timeout=client.timeout)
        except requests.RequestException as error:
            raise RemoteError(type(error).__name__, path=urlsplit(self.token_url).path) from error
        if response.status_code >= 400:
            raise RemoteError(
                _oauth_error(response), status=response.status_code, path=urlsplit(self.token_url).path
            )
        body = response.json()
        # Refresh a minute early so a token never expires in the middle of a page.
        lifetime = max(int(body.get("expires_in", 300)) - 60, 30)
        if self.cache_key:
            cache.set(self.cache_key, body["access_token"], lifetime)
        return body["access_token"]


def _oauth_error(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason or ""
    return " ".join(str(body.get(key, "")) for key in ("error", "error_description")).strip()


class RestClient:
    """requests with our rules: timeouts, auth applied per request, retries on 429/5xx/network errors."""

    def __init__(
        self,
        *,
        auth,
        timeout: float,
        max_retries: int,
        headers: dict[str, str],
        sleep: Callable[[float], None] | None = None,
    ):
        self.auth = auth
        self.timeout = timeout
        self.max_retries = max_retries
        self.sleep = sleep or time.sleep
        self.session = requests.Session()
        self.session.headers.update(headers)
        self.requests_made = 0

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        refreshed = False
        attempt = 0
        path = urlsplit(url).path
        while True:
            self.auth.apply(self.session, self)
            try:
                self.requests_made += 1
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except requests.RequestException as error:
                if attempt >= self.max_retries:
                    raise RemoteError(type(error).__name__, path=path) from error
                attempt += 1
                self.sleep(self._backoff(attempt))
                continue
            if response.status_code == 401 and not refreshed and self.auth.invalidate():
                refreshed = True  # the cached token may have been revoked: one fresh token, one more try
                continue
            if response.status_code in RETRYABLE and attempt < self.max_retries:
                attempt += 1
                wait = self._retry_after(response, attempt)
                logger.warning(
                    "%s %s answered %s; retry %s in %ss", method, path, response.status_code, attempt, wait
                )
                self.sleep(wait)
                continue
            if response.status_code >= 400:
                raise RemoteError(error_message(response), status=response.status_code, path=path)
            return response

    @staticmethod
    def _backoff(attempt: int) -> float:
        return min(2 ** (attempt - 1), 30)

    def _retry_after(self, response: requests.Response, attempt: int) -> float:
        header = response.headers.get("Retry-After", "")
        if header.isdigit():
            seconds = int(header)
            if seconds > MAX_RETRY_AFTER_SECONDS:
                raise RemoteError(
                    f"{error_message(response)} (Retry-After {seconds}s)",
                    status=response.status_code,
                    path=urlsplit(response.url).path,
                )
            return seconds
        return self._backoff(attempt)


class MappingRefused(RemoteError):
    """The remote metadata lacks a mapped table or column: the run refuses before it writes anything."""

    def __init__(self, unknown: list[str]):
        from django.utils.translation import gettext

        self.unknown = unknown
        super().__init__(
            gettext(
                "The mapping names columns that do not exist on the remote system: %(columns)s. "
                "Nothing was written. Correct the field mappings (or the remote schema) and run again."
            )
            % {"columns": ", ".join(unknown)}
        )

    def __str__(self) -> str:
        return self.message
