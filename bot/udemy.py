"""The Udemy Business Courses API, for `dxbot courses sync`: every page of the organisation's course list, waiting
out rate limits. Authentication is HTTP Basic with an API client's id and secret (Udemy Business → Manage →
Settings → API clients). urllib honours HTTPS_PROXY for a 庁内 network, and follows no redirect here: the
credentials go only to the configured host."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from urllib.parse import urlencode, urlsplit

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_delay, wait_exponential

FIELDS = "id,title,url,headline,estimated_content_length,locale"


class UdemyError(Exception):
    """The API could not give the catalogue: one line saying why and what to do (never the secret)."""


class _Retryable(Exception):
    def __init__(self, reason: str, wait: float | None = None):
        super().__init__(reason)
        self.wait = wait


class UdemyClient:
    def __init__(
        self,
        base_url: str,
        account_id: str,
        client_id: str,
        client_secret: str,
        *,
        page_size: int = 100,
        timeout: float = 30.0,
        max_wait_seconds: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._first = f"{base_url.rstrip('/')}/api-2.0/organizations/{account_id}/courses/list/"
        self._host = urlsplit(self._first).netloc
        self._params = {"page_size": page_size, "fields[course]": FIELDS}
        self._authorization = "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self._opener = urllib.request.build_opener(_NoRedirect)
        self._timeout = timeout
        self._max_wait = max_wait_seconds
        self._sleep = sleep

    def pages(self) -> Iterator[tuple[int, dict]]:
        """(page number, page JSON) for every page, following `next` until there is none."""
        url: str | None = self._first
        params: dict | None = {**self._params, "page": 1}
        number = 1
        while url is not None:
            page = self._get(url, params)
            yield number, page
            url, params, number = self._next(page), None, number + 1

    def _next(self, page: dict) -> str | None:
        following = page.get("next")
        if following is None:
            return None
        if urlsplit(str(following)).netloc != self._host:  # the credentials go only where they were meant for
            raise UdemyError(f"the API's next page is on another host ({urlsplit(str(following)).netloc}); stopped")
        return str(following)

    def _get(self, url: str, params: dict | None) -> dict:
        retrying = Retrying(
            retry=retry_if_exception(lambda e: isinstance(e, _Retryable)),
            wait=_wait,
            stop=stop_after_delay(self._max_wait),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return retrying(self._fetch, url, params)
        except _Retryable as exc:
            raise UdemyError(f"the Udemy Business API kept failing ({exc}); try again later") from None

    def _fetch(self, url: str, params: dict | None) -> dict:
        request = urllib.request.Request(
            f"{url}?{urlencode(params)}" if params else url,
            headers={"Authorization": self._authorization, "Accept": "application/json"},
        )
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            raise self._failure(error.code, error.headers.get("Retry-After"), url) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise _Retryable(f"{type(exc).__name__} reaching {self._host}") from None
        try:
            return json.loads(body)
        except ValueError:
            raise UdemyError("the Udemy Business API answered with something that is not JSON") from None

    @staticmethod
    def _failure(status: int, retry_after: str | None, url: str) -> Exception:
        if status == 429:
            return _Retryable("429 Too Many Requests", _seconds(retry_after))
        if status >= 500:
            return _Retryable(f"{status} from the API")
        if status in (401, 403):
            return UdemyError(
                f"the Udemy Business API refused the credentials ({status}): check "
                "DXBOT_UDEMY_CLIENT_ID, DXBOT_UDEMY_CLIENT_SECRET and DXBOT_UDEMY_ACCOUNT_ID"
            )
        return UdemyError(f"the Udemy Business API answered {status} for {urlsplit(url).path}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs) -> None:
        return None  # a redirect surfaces as its HTTPError: the Authorization header is never sent elsewhere


def _wait(state: RetryCallState) -> float:
    """Retry-After when the API gives one, else exponential backoff from 1 s to 30 s."""
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, _Retryable) and error.wait is not None:
        return error.wait
    return wait_exponential(multiplier=1, min=1, max=30)(state)


def _seconds(header: str | None) -> float | None:
    try:
        return max(0.0, float(header)) if header is not None else None
    except ValueError:
        return None
