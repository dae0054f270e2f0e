"""OpenAI-compatible API backend: chat requests to an already running server (vLLM, llama.cpp, any compatible).

Messages go as chat turns, so the *server* applies the chat template. Adapters are served model names: vLLM
serves `--lora-modules sql=/path/to/adapter` as the model name `sql`, so `--adapter sql` asks for it and
`--adapter sql=/path/to/adapter` also hashes the local copy into the adapter's identity. The API key is read
from an environment variable at request time; it is never stored on the backend, in settings or in records.

Standard library only (urllib + a thread pool): one request per prompt, at most `concurrency` in flight,
retries with exponential backoff and full jitter on 429, 5xx, timeouts and connection errors.

Before the first request the served names are checked against `GET /v1/models`: some servers (llama.cpp)
answer any model name with the one model they have, so a typo would silently record the wrong model.
"""
from __future__ import annotations

import http.client
import json
import logging
import os
import random
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Any, Iterator, Sequence

from harness.backends.base import Backend
from harness.errors import ConfigError, ModelError
from harness.models import AdapterRef, ModelRef, resolve_adapter
from harness.options import make_options, option
from harness.types import Generation, GenerationRequest, Message, Sampling

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_BACKOFF_S = 60.0
log = logging.getLogger(__name__)
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class APIError(ModelError):
    """A request failed for good: the message names the URL, the served model and what the server said."""


def api_model_ref(model: str, base_url: str) -> ModelRef:
    """The identity of a served model: its served name and where it is served (credentials stripped)."""
    if not model:
        raise ConfigError("--backend api needs --model NAME: the model name the server serves (see GET /v1/models)")
    url = normalize_base_url(base_url)
    return ModelRef(model, model, {"api_model": model, "base_url": url})


def api_adapter_ref(spec: str) -> AdapterRef:
    """`NAME` (a served adapter name) or `NAME=DIR` (served name and a local copy, hashed into the identity)."""
    name, sep, folder = spec.partition("=")
    name = name.strip()
    if not name:
        raise ConfigError(f"--adapter {spec!r}: expected NAME or NAME=DIR (NAME = the served model name)")
    if not sep:
        return AdapterRef(name, None, {"name": name, "served_name": name})
    local = resolve_adapter(folder, name=name)
    return AdapterRef(name, local.path, {**local.identity, "served_name": name})


def normalize_base_url(base_url: str) -> str:
    """`http://host:port/v1` without user:password, query or trailing slash; `/v1` is added when missing."""
    if not base_url:
        raise ConfigError("--backend api needs --base-url, e.g. http://127.0.0.1:8000/v1")
    parts = urllib.parse.urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"--base-url {base_url!r}: expected http(s)://host[:port][/v1]")
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "")
    path = parts.path.rstrip("/")
    if not path.endswith("/v1"):
        path += "/v1"
    return urllib.parse.urlunsplit((parts.scheme, netloc, path, "", ""))


@dataclass(frozen=True)
class APIOptions:
    base_url: str | None = option(None, help="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1 (required)")
    concurrency: int = option(8, cache_key=False, help="requests in flight")
    timeout_s: float = option(120.0, cache_key=False, help="seconds per request")
    max_retries: int = option(5, cache_key=False, help="retries on 429/5xx/timeouts/connection errors")
    backoff_s: float = option(1.0, cache_key=False, help="first retry waits up to this long; doubles per retry")
    api_key_env: str = option("OPENAI_API_KEY", cache_key=False,
                              help="environment variable holding the API key; the key is never recorded")
    skip_model_check: bool = option(False, cache_key=False, help="do not check --model/--adapter names against "
                                                                 "GET /v1/models (servers without it)")
    chat_template_kwargs: dict[str, Any] = option(factory=dict, help="JSON sent as vLLM's chat_template_kwargs")


class APIBackend(Backend):
    """One `/v1/chat/completions` request per prompt; results yield as they arrive (any order)."""

    name = "api"
    Options = APIOptions

    @classmethod
    def resolve_options(cls, options: APIOptions, model: ModelRef) -> APIOptions:
        """The base URL as recorded: normalised, credentials stripped (a missing one fails here, before any work)."""
        return replace(options, base_url=normalize_base_url(options.base_url or ""))

    @classmethod
    def references(cls, model: str | None, adapters: Sequence[str], options: APIOptions
                   ) -> tuple[ModelRef, list[AdapterRef]]:
        """The served model's name and URL; adapters by served NAME or NAME=DIR."""
        return resolve(model, options.base_url, adapters)

    def __init__(self, model: ModelRef, adapters: Sequence[AdapterRef] = (), **options: Any):
        opts = make_options(APIOptions, options, "backend 'api'")
        if opts.concurrency < 1 or opts.max_retries < 0 or opts.timeout_s <= 0:
            raise ConfigError(f"api backend: concurrency >= 1, max_retries >= 0, timeout_s > 0 expected "
                             f"(got {opts.concurrency}, {opts.max_retries}, {opts.timeout_s})")
        self.base_url = normalize_base_url(opts.base_url or "")
        self.model = model.path
        self.adapters = {a.name: a.identity.get("served_name", a.name) for a in adapters}
        self.concurrency = opts.concurrency
        self.timeout_s = opts.timeout_s
        self.max_retries = opts.max_retries
        self.api_key_env = opts.api_key_env
        self.chat_template_kwargs = opts.chat_template_kwargs
        self.backoff_s = opts.backoff_s
        self.check_models = not opts.skip_model_check
        self._checked = False
        self._warned: set[tuple[str, str]] = set()

    def generate(self, requests: Sequence[GenerationRequest], sampling: Sampling) -> Iterator[tuple[int, Generation]]:
        served = [self._served_name(r.adapter) for r in requests]
        if self.check_models and not self._checked:
            self.verify_served_names(sorted(set(served)))
            self._checked = True
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="harness-api") as pool:
            futures: dict[Future[Generation], int] = {}
            try:
                for i, request in enumerate(requests):
                    futures[pool.submit(self._complete, served[i], request.messages, sampling)] = i
                pending = set(futures)
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        yield futures[future], future.result()
            finally:  # an error or an abandoned generator: drop what has not started yet
                for future in futures:
                    future.cancel()

    def _served_name(self, adapter: str | None) -> str:
        if adapter is None:
            return self.model
        if adapter not in self.adapters:
            raise ValueError(f"request names adapter {adapter!r}, but only {sorted(self.adapters)} were given")
        return self.adapters[adapter]

    def verify_served_names(self, names: Sequence[str]) -> None:
        """ModelError unless every name is listed by `GET /v1/models`, naming what the server does serve."""
        url = f"{self.base_url}/models"
        try:
            listing = self._request("/models", None, names[0] if names else self.model)
        except APIError as err:
            raise ModelError(f"{url}: cannot list the served models ({err}); if the server has no /v1/models, "
                             f"pass --skip-model-check") from None
        data = listing.get("data") if isinstance(listing, dict) else None
        if not isinstance(data, list):
            raise ModelError(f"{url}: reply has no 'data' list of models; pass --skip-model-check if the server "
                             f"does not implement it")
        available = [str(m.get("id")) for m in data if isinstance(m, dict)]
        unknown = [n for n in names if n not in available]
        if unknown:
            raise ModelError(f"{url}: the server does not serve {', '.join(map(repr, unknown))}; it serves: "
                             f"{', '.join(available) or 'nothing'} (check --model/--adapter, or pass "
                             f"--skip-model-check if its list is incomplete)")

    def _complete(self, model: str, messages: Sequence[Message], sampling: Sampling) -> Generation:
        body = request_body(model, messages, sampling, self.chat_template_kwargs)
        started = time.perf_counter()
        reply = self._request("/chat/completions", body, model)
        seconds = time.perf_counter() - started
        answered_by = reply.get("model") if isinstance(reply, dict) else None
        if isinstance(answered_by, str) and answered_by != model and (model, answered_by) not in self._warned:
            self._warned.add((model, answered_by))
            log.warning("%s asked for model %r but the reply names %r: the outputs may come from another model",
                        self.base_url, model, answered_by)
        try:
            text = reply["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise APIError(f"{self.base_url}/chat/completions (model {model!r}): reply has no "
                           f"choices[0].message.content: {json.dumps(reply)[:300]}") from None
        # JSON may escape a lone surrogate ("\udc80"; json.loads joins real pairs), which is not Unicode and cannot
        # be cached or written as UTF-8: it becomes U+FFFD, so the reply is kept, not fatal to every rerun.
        text = LONE_SURROGATE.sub("\ufffd", text)
        usage = reply.get("usage") or {}
        return Generation(text, int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0),
                          seconds)

    def _request(self, path: str, body: dict[str, Any] | None, model: str) -> dict[str, Any]:
        """POST `body` (GET when None) with retries; the decoded JSON reply."""
        url = self.base_url + path
        data = json.dumps(body).encode() if body is not None else None
        attempt = 0
        while True:
            request = urllib.request.Request(url, data=data, method="GET" if data is None else "POST",
                                             headers=self._headers())
            try:
                with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                    return json.loads(response.read())
            except urllib.error.HTTPError as err:
                detail = _error_detail(err)
                if err.code not in RETRY_STATUSES or attempt == self.max_retries:
                    raise APIError(f"{url} (model {model!r}): HTTP {err.code} after {attempt + 1} attempt(s): "
                                   f"{detail}{_hint(err.code)}") from None
                after = _retry_after(err)
                delay = self._backoff(attempt) if after is None else after
            except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException) as err:
                # HTTPException: the connection died mid-reply (a server killed while answering)
                if attempt == self.max_retries:
                    reason = getattr(err, "reason", err)
                    raise APIError(f"{url} (model {model!r}): {reason!r} after {attempt + 1} attempt(s) "
                                   f"(timeout {self.timeout_s:g} s); is the server running?") from None
                delay = self._backoff(attempt)
            except json.JSONDecodeError as err:
                raise APIError(f"{url} (model {model!r}): reply is not JSON ({err})") from None
            time.sleep(min(delay, MAX_BACKOFF_S))
            attempt += 1

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        key = os.environ.get(self.api_key_env)
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, backoff * 2^attempt], so many clients do not retry in lockstep."""
        return random.uniform(0, self.backoff_s * 2**attempt)


def request_body(model: str, messages: Sequence[Message], sampling: Sampling,
                 chat_template_kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """The chat completion request; greedy is temperature 0. `chat_template_kwargs` is vLLM's extension."""
    body: dict[str, Any] = {"model": model, "messages": list(messages), "max_tokens": sampling.max_new_tokens,
                            "temperature": sampling.temperature if not sampling.greedy else 0.0,
                            "top_p": sampling.top_p if not sampling.greedy else 1.0, "seed": sampling.seed, "n": 1}
    if chat_template_kwargs:
        body["chat_template_kwargs"] = chat_template_kwargs
    return body


def _error_detail(err: urllib.error.HTTPError) -> str:
    try:
        text = err.read().decode(errors="replace")
    except OSError:
        return err.reason or ""
    try:
        message = json.loads(text).get("error", {})
        return (message.get("message") if isinstance(message, dict) else str(message)) or text[:300]
    except (json.JSONDecodeError, AttributeError):
        return text[:300]


def _hint(status: int) -> str:
    return {401: " (set the API key in $OPENAI_API_KEY or the variable named by --api-key-env)",
            404: " (check --model/--adapter against the server's GET /v1/models)"}.get(status, "")


def _retry_after(err: urllib.error.HTTPError) -> float | None:
    value = err.headers.get("Retry-After") if err.headers else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def resolve(model: str | None, base_url: str | None, adapters: Sequence[str]) -> tuple[ModelRef, list[AdapterRef]]:
    """Model and adapter references for `--backend api --model NAME --adapter NAME[=DIR]`."""
    return api_model_ref(model or "", base_url or ""), [api_adapter_ref(a) for a in adapters]


__all__ = ["APIBackend", "APIError", "APIOptions", "api_adapter_ref", "api_model_ref", "normalize_base_url",
           "request_body", "resolve"]
