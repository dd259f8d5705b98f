"""Reads of the API app: keys by their secret, a user's keys, and the catalogue of model ids.

Model ids are `<endpoint name>/<model>` (e.g. `Demo/demo-chat`, `OpenRouter/meta-llama/llama-3-8b`);
a model offered by exactly one available endpoint is also listed under its bare name.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import ProviderKeyError, endpoint_for_user
from api.models import ApiKey
from api.services import KEY_PREFIX, key_hash
from chat.models import Conversation
from providers.models import endpoint_models
from providers.registry import Endpoint, get_registry

KEY_MAX_CHARS = 200


def api_key_for_secret(*, raw_key: str) -> ApiKey | None:
    """The active key whose secret is `raw_key`, with its (active) user; None for anything else."""
    if not raw_key.startswith(KEY_PREFIX) or len(raw_key) > KEY_MAX_CHARS:
        return None
    return (
        ApiKey.objects.select_related("user")
        .filter(key_hash=key_hash(raw_key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def api_key_list_for_user(*, user: User) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(user=user).order_by("revoked_at", "-created_at")


def api_conversation_list_for_user(*, user: User, limit: int = 20) -> QuerySet[Conversation]:
    return Conversation.objects.filter(user=user, source=Conversation.Source.API).order_by("-updated_at")[:limit]


@dataclass(frozen=True)
class ModelEntry:
    id: str
    endpoint: Endpoint
    model: str

    @property
    def qualified_id(self) -> str:
        return f"{self.endpoint.name}/{self.model}"


class AmbiguousModel(Exception):
    """A bare model id that several endpoints offer; `choices` are the qualified ids."""

    def __init__(self, choices: list[str]) -> None:
        super().__init__(", ".join(choices))
        self.choices = choices


def _offered(user: User) -> list[tuple[Endpoint, list[str]]]:
    """Available endpoints the user can call, each with its models. An endpoint that takes the
    user's own provider key (`user_provided`) is offered once they have saved a usable one."""
    offered = []
    for endpoint in get_registry().available():
        if endpoint.needs_user_key:
            try:
                endpoint = endpoint_for_user(endpoint=endpoint, user=user)
            except ProviderKeyError:
                continue
        offered.append((endpoint, endpoint_models(endpoint)))
    return offered


def model_list_for_user(*, user: User) -> list[ModelEntry]:
    """Every model id the user may call: all qualified ids, then the unambiguous bare ones."""
    offered = _offered(user)
    qualified = [
        ModelEntry(id=f"{endpoint.name}/{model}", endpoint=endpoint, model=model)
        for endpoint, models in offered
        for model in models
    ]
    owners: dict[str, list[ModelEntry]] = {}
    for entry in qualified:
        owners.setdefault(entry.model, []).append(entry)
    taken = {entry.id for entry in qualified}
    bare = [
        ModelEntry(id=model, endpoint=entries[0].endpoint, model=model)
        for model, entries in owners.items()
        if len(entries) == 1 and model not in taken
    ]
    return qualified + bare


def model_resolve_for_user(*, user: User, model_id: str) -> ModelEntry | None:
    """The endpoint and model behind a model id; None if unknown; AmbiguousModel if a bare id
    is offered by several endpoints."""
    offered = _offered(user)
    # Longest endpoint name first, so "a/b" wins over "a" when both are endpoints.
    for endpoint, models in sorted(offered, key=lambda item: len(item[0].name), reverse=True):
        prefix = endpoint.name + "/"
        if model_id.startswith(prefix) and model_id[len(prefix):] in models:
            return ModelEntry(id=model_id, endpoint=endpoint, model=model_id[len(prefix):])
    owners = [endpoint for endpoint, models in offered if model_id in models]
    if len(owners) > 1:
        raise AmbiguousModel([f"{endpoint.name}/{model_id}" for endpoint in owners])
    if owners:
        return ModelEntry(id=model_id, endpoint=owners[0], model=model_id)
    return None
