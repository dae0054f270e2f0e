"""The generation backend protocol. A backend turns chat prompts into text for a base model and its adapters."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Iterator, Sequence

from harness.types import Generation, GenerationRequest, Sampling


class Backend(ABC):
    """Generates for many requests at once; requests name the adapter they go to (None = base model).

    `generate` yields `(request_index, Generation)` as results finish, in any order, so the caller can
    persist each batch before the next one starts.
    """

    name: str

    @abstractmethod
    def generate(self, requests: Sequence[GenerationRequest], sampling: Sampling) -> Iterator[tuple[int, Generation]]:
        ...

    def settings(self) -> dict[str, Any]:
        """Backend settings that belong in the manifest (precision, batch size, device)."""
        return {}
