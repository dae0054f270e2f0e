"""The generation backend protocol. A backend turns chat prompts into text for a base model and its adapters."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

from harness.types import Generation, GenerationRequest, Sampling

if TYPE_CHECKING:
    from harness.models import AdapterRef, ModelRef


class Backend(ABC):
    """Generates for many requests at once; requests name the adapter they go to (None = base model).

    `generate` yields `(request_index, Generation)` as results finish, in any order, so the caller can
    persist each batch before the next one starts.
    """

    name: str
    # Set by the caller: called with how many sequences of the batch in flight have finished so far, for
    # per-example progress. Backends that cannot tell leave it unused; progress then moves per yield.
    progress: Callable[[int], None] | None = None

    @classmethod
    def references(cls, model: str | None, adapters: Sequence[str], options: Mapping[str, Any]
                   ) -> tuple[ModelRef, list[AdapterRef]]:
        """What the user named as model and adapters -> the references (identities) this backend serves.
        Default: local or hub models and adapter folders."""
        from harness.models import resolve_adapter, resolve_model

        return resolve_model(model), [resolve_adapter(a) for a in adapters]

    @abstractmethod
    def generate(self, requests: Sequence[GenerationRequest], sampling: Sampling) -> Iterator[tuple[int, Generation]]:
        ...

    def settings(self) -> dict[str, Any]:
        """Backend settings that belong in the manifest (precision, batch size, device)."""
        return {}
