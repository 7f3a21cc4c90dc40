"""The Udemy Business Courses API, for `dxbot courses sync`: every page of the organisation's course list
(`GET /api-2.0/organizations/<account id>/courses/list/`), waiting out rate limits.

Authentication is HTTP Basic with an API client's id and secret (Udemy Business → Manage → Settings → API).
The client follows no redirect and no `next` page on another host, so the credentials go only to the configured
one; the standard library's urllib honours HTTPS_PROXY for a 庁内 network. No message says the secret."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urlencode, urljoin, urlsplit

from tenacity import RetryCallState, Retrying, retry_if_exception_type, wait_exponential

FIELDS = "id,title,url,headline,estimated_content_length,locale"  # only what the catalogue stores
BACKOFF = wait_exponential(multiplier=1, min=1, max=30)  # for failures that say nothing of when to come back
# What to check when the API refuses: 401 is a wrong id or secret; 403 may also be another organisation's client.
CREDENTIALS = {
    401: "DXBOT_UDEMY_CLIENT_ID and DXBOT_UDEMY_CLIENT_SECRET",
    403: "DXBOT_UDEMY_CLIENT_ID, DXBOT_UDEMY_CLIENT_SECRET and DXBOT_UDEMY_ACCOUNT_ID",
}


class UdemyError(Exception):
    """The API could not give the catalogue: one line saying why and what to do (never the secret)."""


class _Retryable(Exception):
    """A failure that may pass: a rate limit (with how long the API asked us to wait), a 5xx, a lost connection."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


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
        max_wait_seconds: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._first = f"{base_url.rstrip('/')}/api-2.0/organizations/{quote(account_id, safe='')}/courses/list/"
        self._origin = _origin(self._first)
        self._params = {"page": 1, "page_size": page_size, "fields[course]": FIELDS}
        self._authorization = "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self._opener = urllib.request.build_opener(_NoRedirect)
        self._timeout = timeout
        self._max_wait = max_wait_seconds
        self._sleep = sleep
        self._waited = 0.0

    def pages(self) -> Iterator[tuple[int, dict]]:
        """(page number, page JSON) for every page, following `next` until it is null. Waits for rate limits and
        passing failures share one budget, `max_wait_seconds`, for the whole list."""
        self._waited = 0.0
        url: str | None = f"{self._first}?{urlencode(self._params)}"
        seen: set[str] = set()
        number = 1
        while url is not None:
            seen.add(url)
            page = self._get(url, number)
            yield number, page
            url, number = self._next(url, page, seen), number + 1  # `next` carries the query

    def _next(self, current: str, page: dict, seen: set[str]) -> str | None:
        if page.get("next") is None:
            return None
        following = urljoin(current, str(page["next"]))
        if _origin(following) != self._origin:  # the Authorization header would go with the request
            raise UdemyError(
                f"the Udemy Business API's next page is on another host ({urlsplit(following).netloc}); "
                "stopped so the credentials stay with the configured one"
            )
        if following in seen:
            raise UdemyError(f"the Udemy Business API's next page repeats an earlier one ({following}); stopped")
        return following

    def _get(self, url: str, number: int) -> dict:
        retrying = Retrying(
            retry=retry_if_exception_type(_Retryable),
            wait=_wait,
            stop=self._out_of_patience,
            sleep=self._pause,
            reraise=True,
        )
        try:
            return retrying(self._fetch, url, number)
        except _Retryable as exc:
            raise UdemyError(
                f"the Udemy Business API still fails ({exc}) after {self._waited:.0f} s of waiting; try again later"
            ) from None

    def _out_of_patience(self, state: RetryCallState) -> bool:
        return self._waited + _wait(state) > self._max_wait

    def _pause(self, seconds: float) -> None:
        self._waited += seconds
        self._sleep(seconds)

    def _fetch(self, url: str, number: int) -> dict:
        request = urllib.request.Request(
            url, headers={"Authorization": self._authorization, "Accept": "application/json"}
        )
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            _raise_for_status(error.code, error.headers, url)
            raise  # every status but 200 raised above
        except (urllib.error.URLError, TimeoutError, ConnectionError):  # refused, reset, timed out
            raise _Retryable(f"could not connect, reaching {self._origin[1]}") from None
        try:
            page = json.loads(body)
        except ValueError:
            page = None
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise UdemyError(f"the Udemy Business API answered page {number} with something that is not a course list")
        return page


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs) -> None:
        return None  # the redirect surfaces as its HTTPError: the Authorization header is never sent elsewhere


def _raise_for_status(status: int, headers, url: str) -> None:
    if status == 429:
        retry_after = _seconds(headers.get("Retry-After"))
        raise _Retryable(
            "429 Too Many Requests" + (f", Retry-After {retry_after:.0f} s" if retry_after else ""), retry_after
        )
    if status >= 500:
        raise _Retryable(f"{status} from the API")
    if status in CREDENTIALS:
        raise UdemyError(f"the Udemy Business API refused the credentials ({status}): check {CREDENTIALS[status]}")
    if 300 <= status < 400:  # most often DXBOT_UDEMY_URL given as http:// or with a wrong subdomain
        where = urlsplit(headers.get("Location", "")).netloc or "elsewhere"
        raise UdemyError(
            f"the Udemy Business API redirected ({status}) to {where}, not followed: check DXBOT_UDEMY_URL"
        )
    raise UdemyError(
        f"the Udemy Business API answered {status} for {urlsplit(url).path}: "
        "check DXBOT_UDEMY_URL and DXBOT_UDEMY_ACCOUNT_ID"
    )


def _wait(state: RetryCallState) -> float:
    """As long as Retry-After asks, else exponential backoff from 1 s to 30 s."""
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, _Retryable) and error.retry_after is not None:
        return error.retry_after
    return BACKOFF(state)


def _seconds(retry_after: str | None) -> float | None:
    """Retry-After as seconds: a number of them, or an HTTP date; None when absent or unreadable."""
    if not retry_after:
        return None
    try:
        return max(0.0, float(retry_after))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(retry_after).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _origin(url: str) -> tuple[str, str | None, int | None]:
    """Scheme, host and port: an http:// next page would send the credentials in clear, so it differs too."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:  # a port that is no number: no origin of ours
        return scheme, None, None
    return scheme, parts.hostname, port
