"""The language model, through the openai SDK: retried with jittered backoff, bounded by one overall deadline."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
    wait_random_exponential,
)

log = logging.getLogger(__name__)


class ModelUnavailable(Exception):
    """The model gave no usable answer before the deadline."""


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "system" | "user" | "assistant"
    content: str


class ChatModel:
    def __init__(self, *, api_key: str, base_url: str | None, model: str, deadline_seconds: float):
        import openai  # half a second of imports: only for deployments that configure a model

        self._client = openai.OpenAI(api_key=api_key, base_url=base_url, max_retries=0)
        self._model = model
        self._deadline = deadline_seconds

    def complete(self, messages: list[ChatMessage]) -> str:
        """The model's reply; raises ModelUnavailable once retries or the overall deadline run out."""
        import openai

        started = time.monotonic()
        # Worth another try: the service is busy (429), briefly broken (5xx), or slow. A bad key or request is not.
        transient = (
            openai.RateLimitError,
            openai.InternalServerError,
            openai.APITimeoutError,
            openai.APIConnectionError,
        )
        retrying = Retrying(
            retry=retry_if_exception_type(transient),
            wait=wait_random_exponential(multiplier=0.5, max=4),
            stop=stop_before_delay(self._deadline) | stop_after_attempt(5),
            reraise=False,
        )
        try:
            for attempt in retrying:
                with attempt:
                    remaining = self._deadline - (time.monotonic() - started)
                    if remaining <= 0.5:
                        raise ModelUnavailable("deadline reached")
                    return self._call(messages, timeout=remaining)
        except RetryError as exc:
            raise ModelUnavailable(str(exc.last_attempt.exception())) from exc
        except openai.OpenAIError as exc:
            raise ModelUnavailable(f"{type(exc).__name__}: {exc}") from exc
        raise ModelUnavailable("no attempt was made")

    def _call(self, messages: list[ChatMessage], timeout: float) -> str:
        response = self._client.chat.completions.create(
            model=self._model,
            messages=[{"role": m.role, "content": m.content} for m in messages],
            temperature=0.1,
            timeout=timeout,
        )
        content = response.choices[0].message.content if response.choices else None
        if not content or not content.strip():
            raise ModelUnavailable("empty reply")
        return content.strip()
