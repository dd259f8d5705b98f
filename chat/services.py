"""Writes on conversations and messages; each state change is one function."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import ProviderKeyError, endpoint_for_user
from chat.models import NO_PARENT, Conversation, Message
from chat.selectors import (
    conversation_get_for_user,
    conversation_tree,
    message_path,
    message_sibling_ids,
    parse_uuid,
)
from chat.tree import Tree
from files.selectors import attachment_part, file_ids_in, files_for_send, inputs_for_messages
from files.services import FileError, files_attach
from presets.specs import spec_allows
from providers.models import endpoint_models
from providers.parameters import ParameterError
from providers.parameters import parameters_clean as parameters_validate
from providers.registry import Endpoint, get_registry

# Parameters a client may set on a request; anything else is refused rather than forwarded.
ALLOWED_PARAMETERS = {
    "temperature": (int, float),
    "top_p": (int, float),
    "max_tokens": int,
    "maxOutputTokens": int,
    "presence_penalty": (int, float),
    "frequency_penalty": (int, float),
    "stop": list,
    "reasoning_effort": str,
    "thinking": bool,
    "thinking_budget": int,
    "promptPrefix": str,
    "useResponsesApi": bool,
}
TITLE_MAX_CHARS = 200


class ChatError(Exception):
    """A request the user made that cannot be carried out; `message` is readable and translated."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class PreparedGeneration:
    conversation: Conversation
    user_message: Message
    assistant_message: Message
    new_conversation: bool
    endpoint: Endpoint
    # Ids of each message's siblings (itself included), for the "‹ 2 / 3 ›" switch.
    user_siblings: list[str] = field(default_factory=list)
    assistant_siblings: list[str] = field(default_factory=list)


@dataclass
class GenerationPlan:
    """A validated send, with ids chosen, before anything is stored."""

    user: User
    endpoint: Endpoint
    model: str
    text: str
    params: dict[str, Any]
    conversation: Conversation | None  # None: a new conversation with id `conversation_id`
    conversation_id: uuid.UUID
    parent: Message | None
    history: list[Message]  # the stored path from the root down to `parent`
    user_message_id: uuid.UUID = field(default_factory=uuid.uuid4)
    assistant_message_id: uuid.UUID = field(default_factory=uuid.uuid4)
    # Regenerate and continue answer a stored user message instead of storing a new one.
    user_message: Message | None = None
    # Continue: the reply that the generation appends to (no new message).
    continued: Message | None = None
    # The client sent the conversation's whole parameter set (the panel): it replaces the stored one.
    params_given: bool = False
    # Uploads sent with a new message, and what attachments add to each message's prompt
    # (files.selectors.MessageInputs by message id).
    files: list[Any] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def new_conversation(self) -> bool:
        return self.conversation is None


def endpoint_resolve(*, endpoint_name: Any, model: Any, user: User | None = None) -> Endpoint:
    """The configured, available endpoint serving `model` (carrying the user's own key where it
    takes one), or a ChatError saying why not."""
    if not isinstance(endpoint_name, str) or not endpoint_name:
        raise ChatError("invalid_endpoint", _("Choose an endpoint."))
    if not isinstance(model, str) or not model:
        raise ChatError("invalid_model", _("Choose a model."))
    endpoint = get_registry().get(endpoint_name)
    if endpoint is None:
        raise ChatError("unknown_endpoint", _("The endpoint “%(name)s” is not configured.") % {"name": endpoint_name})
    if not endpoint.available:
        raise ChatError(
            "endpoint_unavailable",
            _("The endpoint “%(name)s” is not available: %(reason)s") % {
                "name": endpoint.label,
                "reason": endpoint.unavailable_reason,
            },
        )
    if endpoint.needs_user_key:
        if user is None:
            raise ChatError("key_missing", _("This endpoint needs your own API key."))
        try:
            endpoint = endpoint_for_user(endpoint=endpoint, user=user)
        except ProviderKeyError as error:
            raise ChatError(error.code, error.message) from None
    if model not in endpoint.models and model not in endpoint_models(endpoint):
        raise ChatError(
            "unknown_model",
            _("The model “%(model)s” is not offered by “%(endpoint)s”.") % {"model": model, "endpoint": endpoint.label},
        )
    if not spec_allows(endpoint=endpoint.name, model=model):
        # librechat.yaml's modelSpecs.enforce: only the administrator's specs may be used.
        raise ChatError("not_a_spec", _("Choose one of the models in the menu; others are not allowed here."))
    return endpoint


def parameters_clean(*, parameters: Any, endpoint: Endpoint | None = None, model: str = "") -> dict[str, Any]:
    """Parameters for a request, checked against what the endpoint's model takes when it is known
    (providers.parameters); parameters that model does not take are left out."""
    if endpoint is not None:
        try:
            return parameters_validate(kind=endpoint.kind, model=model, parameters=parameters).values
        except ParameterError as error:
            raise ChatError("invalid_parameters", error.message) from None
    if parameters in (None, ""):
        return {}
    if not isinstance(parameters, dict):
        raise ChatError("invalid_parameters", _("Parameters must be an object."))
    cleaned: dict[str, Any] = {}
    for key, value in parameters.items():
        expected = ALLOWED_PARAMETERS.get(key)
        if expected is None:
            raise ChatError("invalid_parameters", _("Unknown parameter “%(name)s”.") % {"name": key})
        if isinstance(value, bool) and expected is not bool:
            raise ChatError("invalid_parameters", _("Parameter “%(name)s” has the wrong type.") % {"name": key})
        if not isinstance(value, expected):  # type: ignore[arg-type]
            raise ChatError("invalid_parameters", _("Parameter “%(name)s” has the wrong type.") % {"name": key})
        cleaned[key] = value
    return cleaned


def conversation_set_parameters(
    *, conversation: Conversation, endpoint_name: Any, model: Any, parameters: Any
) -> Conversation:
    """Store the model and parameters a conversation's next replies use (the parameters panel,
    or a preset applied to it)."""
    endpoint = endpoint_resolve(endpoint_name=endpoint_name, model=model, user=conversation.user)
    conversation.parameters = parameters_clean(parameters=parameters, endpoint=endpoint, model=model)
    conversation.endpoint = endpoint.name
    conversation.model = model
    conversation.save(update_fields=["endpoint", "model", "parameters", "updated_at"])
    return conversation


def text_check(*, text: Any) -> str:
    """The text of a message a user writes, or a ChatError saying what is wrong with it."""
    if not isinstance(text, str) or not text.strip():
        raise ChatError("empty_text", _("Type a message first."))
    if len(text) > settings.MESSAGE_MAX_CHARS:
        raise ChatError(
            "text_too_long",
            _("The message is too long (%(length)d characters; the limit is %(limit)d).")
            % {"length": len(text), "limit": settings.MESSAGE_MAX_CHARS},
        )
    return text


def _reply_for_user(*, user: User, message_id: Any) -> Message:
    """An assistant message of the user's, answering a stored user message."""
    pk = parse_uuid(message_id)
    message = (
        Message.objects.select_related("conversation", "parent")
        .filter(conversation__user=user, pk=pk, role=Message.Role.ASSISTANT)
        .first()
        if pk
        else None
    )
    if message is None:
        raise ChatError("invalid_message", _("That message does not exist."))
    if message.parent is None or message.parent.role != Message.Role.USER:
        raise ChatError("no_prompt", _("This reply does not answer a message of yours, so it cannot be redone."))
    return message


def regeneration_plan(
    *, user: User, message_id: Any, endpoint_name: Any, model: Any, parameters: Any = None, continue_: bool = False
) -> GenerationPlan:
    """Plan a new reply to the user message that `message_id` answers (a sibling of that reply),
    or with `continue_`, more text appended to that reply itself. Stores nothing."""
    reply = _reply_for_user(user=user, message_id=message_id)
    endpoint = endpoint_resolve(endpoint_name=endpoint_name, model=model, user=user)
    params = parameters_clean(parameters=parameters, endpoint=endpoint, model=model)
    prompt = reply.parent
    assert prompt is not None  # checked by _reply_for_user
    history = message_path(conversation=reply.conversation, leaf=prompt)[:-1]
    plan = GenerationPlan(
        user=user, endpoint=endpoint, model=model, text=prompt.text, params=params,
        conversation=reply.conversation, conversation_id=reply.conversation_id,
        parent=prompt.parent, history=history, user_message_id=prompt.pk,
        assistant_message_id=reply.pk if continue_ else uuid.uuid4(),
        user_message=prompt, continued=reply if continue_ else None, params_given=parameters is not None,
    )
    return _with_attachments(plan)


def generation_plan(
    *,
    user: User,
    conversation_id: Any,
    parent_id: Any,
    text: Any,
    endpoint_name: Any,
    model: Any,
    parameters: Any = None,
    files: Any = None,
) -> GenerationPlan:
    """Validate a send and read what the reply needs; stores nothing."""
    text_check(text=text)
    endpoint = endpoint_resolve(endpoint_name=endpoint_name, model=model, user=user)
    params = parameters_clean(parameters=parameters, endpoint=endpoint, model=model)
    params_given = parameters is not None
    try:
        attached = files_for_send(user=user, file_ids=files, endpoint_name=endpoint.name, model=model)
    except FileError as error:
        raise ChatError(error.code, error.message) from None

    new_conversation = conversation_id in (None, "", "new")
    if parent_id in ("", NO_PARENT):
        parent_id = None
    if parent_id is not None and parse_uuid(parent_id) is None:
        raise ChatError("invalid_parent", _("The message you replied to does not exist."))
    if new_conversation:
        if parent_id is not None:
            raise ChatError("invalid_parent", _("The message you replied to does not exist."))
        return _with_attachments(GenerationPlan(
            user=user, endpoint=endpoint, model=model, text=text, params=params,
            conversation=None, conversation_id=uuid.uuid4(), parent=None, history=[], files=attached,
            params_given=params_given,
        ))
    conversation = conversation_get_for_user(user=user, conversation_id=conversation_id)
    if conversation is None:
        raise ChatError("invalid_conversation", _("That conversation does not exist."))
    parent = None
    history: list[Message] = []
    if parent_id is not None:
        parent = Message.objects.filter(conversation=conversation, pk=parent_id).first()
        if parent is None:
            raise ChatError("invalid_parent", _("The message you replied to does not exist."))
        history = message_path(conversation=conversation, leaf=parent)
    return _with_attachments(GenerationPlan(
        user=user, endpoint=endpoint, model=model, text=text, params=params,
        conversation=conversation, conversation_id=conversation.pk, parent=parent, history=history,
        params_given=params_given,
        files=attached,
    ))


# Tokens kept free for the reply when attached documents are fitted into the context window.
REPLY_TOKEN_RESERVE = 4096


def _with_attachments(plan: GenerationPlan) -> GenerationPlan:
    """Read what the attachments on the path add to the prompt: images (re-sent in whatever
    format the chosen provider takes) and document text fitted into the context window."""
    from providers.limits import context_window
    from providers.tokens import count_tokens
    from providers.vision import is_vision_model

    current = str(plan.user_message_id)
    by_message = {str(message.pk): file_ids_in(message.content) for message in plan.history}
    if plan.user_message is not None:
        by_message[current] = file_ids_in(plan.user_message.content)
        has_images = any(part.get("type") == "image_file" for part in plan.user_message.content)
        if has_images and not is_vision_model(plan.model):
            raise ChatError(
                "not_vision",
                _("The model “%(model)s” cannot see images. Choose a vision model (such as GPT-4o, Claude or "
                  "Gemini) or remove the images.") % {"model": plan.model},
            )
    else:
        by_message[current] = [str(file.pk) for file in plan.files]
    by_message = {key: value for key, value in by_message.items() if value}
    if not by_message:
        return plan
    # The conversation's context size (maxContextTokens) narrows the model's window.
    window = min(context_window(plan.model), int(plan.params.get("maxContextTokens") or context_window(plan.model)))
    reply = plan.params.get("max_tokens") or plan.params.get("maxOutputTokens")
    reserve = min(int(reply or REPLY_TOKEN_RESERVE), window // 4)
    used = count_tokens("\n".join([*(message.text for message in plan.history), plan.text]), plan.model)
    order = [current, *(str(message.pk) for message in reversed(plan.history))]
    plan.inputs = inputs_for_messages(
        user=plan.user, file_ids_by_message=by_message, order=order, model=plan.model,
        token_budget=window - reserve - used,
    )
    return plan


def generation_store(*, plan: GenerationPlan) -> PreparedGeneration:
    """Store a planned send: the user message and an empty, unfinished reply under it."""
    with transaction.atomic():
        if plan.conversation is None:
            conversation = Conversation.objects.create(
                id=plan.conversation_id, user=plan.user, endpoint=plan.endpoint.name, model=plan.model,
                parameters=plan.params,
            )
        else:
            # Deleted since it was planned? Then there is nothing to answer into.
            existing = Conversation.objects.select_for_update().filter(pk=plan.conversation.pk).first()
            if existing is None or (plan.parent and not Message.objects.filter(pk=plan.parent.pk).exists()):
                raise ChatError("invalid_conversation", _("That conversation does not exist."))
            conversation = existing
        if plan.user_message is not None:
            user_message = Message.objects.filter(pk=plan.user_message.pk, conversation=conversation).first()
            if user_message is None:
                raise ChatError("invalid_message", _("That message does not exist."))
        else:
            user_message = Message.objects.create(
                id=plan.user_message_id,
                conversation=conversation,
                parent=plan.parent,
                role=Message.Role.USER,
                sender="User",
                endpoint=plan.endpoint.name,
                model=plan.model,
                text=plan.text,
                content=[{"type": "text", "text": plan.text}, *_attachment_parts(plan)],
            )
            files_attach(files=plan.files, message=user_message)
        if plan.continued is not None:
            assistant_message = Message.objects.filter(pk=plan.continued.pk, conversation=conversation).first()
            if assistant_message is None:
                raise ChatError("invalid_message", _("That message does not exist."))
            # It is being written again: no longer failed, and unfinished until the end.
            assistant_message.unfinished = True
            assistant_message.error = False
            assistant_message.error_code = ""
            assistant_message.finish_reason = ""
            assistant_message.endpoint = plan.endpoint.name
            assistant_message.model = plan.model
            assistant_message.sender = plan.endpoint.label
            assistant_message.save()
        else:
            assistant_message = Message.objects.create(
                id=plan.assistant_message_id,
                conversation=conversation,
                parent=user_message,
                role=Message.Role.ASSISTANT,
                sender=plan.endpoint.label,
                endpoint=plan.endpoint.name,
                model=plan.model,
                unfinished=True,
            )
        conversation.endpoint = plan.endpoint.name
        conversation.model = plan.model
        if plan.params or plan.params_given:
            conversation.parameters = plan.params
        conversation.current_leaf = assistant_message
        conversation.save(update_fields=["endpoint", "model", "parameters", "current_leaf", "updated_at"])
    return PreparedGeneration(
        conversation=conversation,
        user_message=user_message,
        assistant_message=assistant_message,
        new_conversation=plan.new_conversation,
        endpoint=plan.endpoint,
        user_siblings=message_sibling_ids(message=user_message),
        assistant_siblings=message_sibling_ids(message=assistant_message),
    )


def _attachment_parts(plan: GenerationPlan) -> list[dict[str, Any]]:
    inputs = plan.inputs.get(str(plan.user_message_id))
    documents = inputs.documents if inputs else []
    cut = {document.file_id for document in documents if document.truncated or document.omitted}
    return [attachment_part(file, truncated=str(file.pk) in cut) for file in plan.files]


def generation_prepare(**kwargs: Any) -> PreparedGeneration:
    """Validate a send and store it (plan, then store) in one call."""
    return generation_store(plan=generation_plan(**kwargs))


def message_save_progress(*, message_id: Any, text: str, reasoning: str) -> None:
    """Store the text generated so far (the reply stays unfinished)."""
    Message.objects.filter(pk=message_id).update(
        text=text, content=_content_parts(text, reasoning), updated_at=timezone.now()
    )


def message_finish(
    *,
    message_id: Any,
    text: str,
    reasoning: str,
    finish_reason: str,
    unfinished: bool,
    error_code: str = "",
    prompt_tokens: int | None = None,
    completion_tokens: int | None = None,
) -> Message:
    """Store the end state of a reply: finished, stopped (unfinished) or failed (error)."""
    message = Message.objects.get(pk=message_id)
    message.text = text
    message.content = _content_parts(text, reasoning)
    message.finish_reason = finish_reason
    message.unfinished = unfinished
    message.error = bool(error_code)
    message.error_code = error_code
    message.prompt_tokens = prompt_tokens
    message.completion_tokens = completion_tokens
    message.token_count = completion_tokens
    message.save()
    Conversation.objects.filter(pk=message.conversation_id).update(updated_at=timezone.now())
    return message


def _content_parts(text: str, reasoning: str) -> list[dict[str, str]]:
    parts = []
    if reasoning:
        parts.append({"type": "think", "think": reasoning})
    if text:
        parts.append({"type": "text", "text": text})
    return parts


def conversation_rename(*, conversation: Conversation, title: str) -> Conversation:
    """Give a conversation a title chosen by its owner."""
    title = " ".join(title.split())[:TITLE_MAX_CHARS]
    if not title:
        raise ChatError("empty_title", _("A title cannot be empty."))
    conversation.title = title
    conversation.save(update_fields=["title"])
    return conversation


def conversation_set_title(*, conversation_id: Any, title: str) -> Conversation | None:
    """Store a generated title unless the owner has named the conversation meanwhile."""
    title = " ".join(title.strip().strip("\"'«»“”").split())[:TITLE_MAX_CHARS]
    if not title:
        return None
    updated = Conversation.objects.filter(pk=conversation_id, title="").update(title=title)
    return Conversation.objects.filter(pk=conversation_id).first() if updated else None


def conversation_delete(*, conversation: Conversation) -> None:
    """Delete a conversation and every message in it."""
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(current_leaf=None)
        conversation.delete()


def message_edit(*, message: Message, text: Any) -> Message:
    """Change a message's text in place (LibreChat's "Save"): no new message, no generation."""
    text = text_check(text=text)
    from chat.generation import is_streaming  # the engine imports this module

    if message.role == Message.Role.ASSISTANT and is_streaming(message):
        raise ChatError("still_streaming", _("This reply is still being written. Stop it first."))
    parts = [part for part in message.content if part.get("type") not in ("text", None)]
    message.text = text
    message.content = [*parts, {"type": "text", "text": text}]
    message.edited = True
    message.save(update_fields=["text", "content", "edited", "updated_at"])
    return message


def conversation_show_branch(*, conversation: Conversation, message_id: Any, tree: Tree | None = None) -> uuid.UUID:
    """Show the branch through `message_id` (its newest continuation) and remember it; the leaf."""
    if tree is None:
        tree = conversation_tree(conversation=conversation)
    pk = parse_uuid(message_id)
    if pk is None or pk not in tree:
        raise ChatError("invalid_message", _("That message does not exist."))
    leaf = tree.newest_leaf(pk)
    assert leaf is not None  # a message is its own leaf at worst
    Conversation.objects.filter(pk=conversation.pk).update(current_leaf_id=leaf)
    conversation.current_leaf_id = leaf
    return leaf


def message_delete_branch(*, message: Message) -> uuid.UUID | None:
    """Delete a message and everything below it; show the newest branch left. The new leaf."""
    conversation = message.conversation
    with transaction.atomic():
        tree = conversation_tree(conversation=conversation)
        doomed = {message.pk, *tree.descendants(message.pk)}
        parent = tree.parent(message.pk)
        # Deleting bottom-up keeps the parent foreign keys valid at every step on any database.
        Message.objects.filter(pk__in=doomed).delete()
        remaining = tree.without(doomed)
        current = conversation.current_leaf_id
        if current in doomed or current is None:
            current = remaining.newest_leaf(parent) if parent is not None else remaining.newest_leaf()
        Conversation.objects.filter(pk=conversation.pk).update(current_leaf_id=current, updated_at=timezone.now())
    return current


FORK_MODES = ("directPath", "includeBranches", "targetLevel")


def conversation_fork(
    *, user: User, message: Message, mode: Any = "targetLevel", split_at_target: Any = False
) -> Conversation:
    """A new conversation of the user's, copied from `message`'s conversation (LibreChat's fork).

    `directPath` copies the way from the root to the message, `includeBranches` adds the
    siblings met on that way, `targetLevel` takes every branch down to the message's depth.
    With `split_at_target`, the copy starts at the message's level (it becomes the root level).
    """
    if mode not in FORK_MODES:
        raise ChatError("invalid_fork_mode", _("Choose how to fork the conversation."))
    if not isinstance(split_at_target, bool):
        raise ChatError("invalid_fork_mode", _("Choose how to fork the conversation."))
    source = message.conversation
    tree = conversation_tree(conversation=source)
    chosen = {
        "directPath": tree.fork_direct_path,
        "includeBranches": tree.fork_include_branches,
        "targetLevel": tree.fork_target_level,
    }[mode](message.pk)
    if split_at_target:
        # The target's level becomes the root level; what is above it is left out.
        depths = tree.depths()
        chosen = [pk for pk in chosen if depths[pk] >= depths[message.pk]]
    originals = Message.objects.in_bulk(chosen)
    new_ids = {pk: uuid.uuid4() for pk in chosen}
    created_at = {new_ids[pk]: originals[pk].created_at for pk in chosen}
    with transaction.atomic():
        fork = Conversation.objects.create(
            user=user,
            title=_("Fork of %(title)s") % {"title": source.title or _("New chat")},
            endpoint=source.endpoint,
            model=source.model,
            parameters=source.parameters,
        )
        copies = []
        for pk in tree.ordered():
            if pk not in new_ids:
                continue
            original = originals[pk]
            parent = tree.parent(pk)
            copies.append(
                Message(
                    id=new_ids[pk],
                    conversation=fork,
                    parent_id=new_ids.get(parent) if parent is not None else None,
                    role=original.role,
                    sender=original.sender,
                    endpoint=original.endpoint,
                    model=original.model,
                    text=original.text,
                    content=original.content,
                    token_count=original.token_count,
                    prompt_tokens=original.prompt_tokens,
                    completion_tokens=original.completion_tokens,
                    finish_reason=original.finish_reason,
                    unfinished=original.unfinished,
                    error=original.error,
                    error_code=original.error_code,
                    edited=original.edited,
                )
            )
        Message.objects.bulk_create(copies, batch_size=500)
        # auto_now_add stamps the same time on every copy; keep the originals' times (and order).
        for copy in copies:
            copy.created_at = created_at[copy.pk]
        Message.objects.bulk_update(copies, ["created_at"], batch_size=500)
        fork.current_leaf_id = new_ids.get(message.pk) or next(iter(new_ids.values()), None)
        fork.save(update_fields=["current_leaf"])
    return fork
