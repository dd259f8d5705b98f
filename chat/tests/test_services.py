"""generation_prepare and the conversation services: what is stored, and what is refused."""

from __future__ import annotations

import pytest

from chat import services
from chat.models import NO_PARENT, Conversation, Message

pytestmark = pytest.mark.django_db


def prepare(user, **overrides):
    arguments = {
        "user": user,
        "conversation_id": None,
        "parent_id": None,
        "text": "Hello there",
        "endpoint_name": "Demo",
        "model": "demo-chat",
    }
    arguments.update(overrides)
    return services.generation_prepare(**arguments)


def test_first_message_creates_conversation_with_user_message_and_empty_reply(user):
    prepared = prepare(user)
    assert prepared.new_conversation
    conversation = Conversation.objects.get()
    assert conversation.user == user
    assert (conversation.endpoint, conversation.model) == ("Demo", "demo-chat")
    assert prepared.user_message.parent is None
    assert prepared.user_message.parent_message_id == NO_PARENT
    assert prepared.user_message.role == Message.Role.USER
    assert prepared.assistant_message.parent == prepared.user_message
    assert prepared.assistant_message.unfinished
    assert prepared.assistant_message.text == ""
    assert conversation.current_leaf == prepared.assistant_message


def test_follow_up_goes_under_given_parent_and_siblings_are_allowed(user):
    first = prepare(user)
    conversation_id = str(first.conversation.pk)
    second = prepare(user, conversation_id=conversation_id, parent_id=str(first.assistant_message.pk), text="More")
    assert second.user_message.parent == first.assistant_message
    # A second message under the same parent is a sibling branch, not an overwrite.
    sibling = prepare(user, conversation_id=conversation_id, parent_id=str(first.assistant_message.pk), text="Alt")
    assert sibling.user_message.parent == first.assistant_message
    assert first.assistant_message.children.count() == 2
    assert Conversation.objects.get().current_leaf == sibling.assistant_message


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"text": ""}, "empty_text"),
        ({"text": "   "}, "empty_text"),
        ({"text": 42}, "empty_text"),
        ({"endpoint_name": "Nope"}, "unknown_endpoint"),
        ({"endpoint_name": ""}, "invalid_endpoint"),
        ({"model": "gpt-99"}, "unknown_model"),
        ({"model": None}, "invalid_model"),
        ({"conversation_id": "not-a-uuid"}, "invalid_conversation"),
        ({"conversation_id": "6f1c9d55-9b0f-4f59-9a53-2d5b2b1f4a11"}, "invalid_conversation"),
        ({"parent_id": "6f1c9d55-9b0f-4f59-9a53-2d5b2b1f4a11"}, "invalid_parent"),
        ({"parameters": {"temperature": "hot"}}, "invalid_parameters"),
        ({"parameters": {"evil": 1}}, "invalid_parameters"),
        ({"parameters": "x"}, "invalid_parameters"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_stored(user, overrides, code):
    with pytest.raises(services.ChatError) as caught:
        prepare(user, **overrides)
    assert caught.value.code == code
    assert caught.value.message
    assert Conversation.objects.count() == 0
    assert Message.objects.count() == 0


def test_text_over_the_limit_is_refused(user, settings):
    settings.MESSAGE_MAX_CHARS = 10
    with pytest.raises(services.ChatError) as caught:
        prepare(user, text="x" * 11)
    assert caught.value.code == "text_too_long"
    assert Message.objects.count() == 0


def test_cannot_write_into_someone_elses_conversation(user, other_user):
    theirs = prepare(other_user)
    with pytest.raises(services.ChatError) as caught:
        prepare(user, conversation_id=str(theirs.conversation.pk), parent_id=str(theirs.assistant_message.pk))
    assert caught.value.code == "invalid_conversation"
    assert Message.objects.count() == 2


def test_parent_from_another_conversation_is_refused(user):
    one = prepare(user)
    two = prepare(user)
    with pytest.raises(services.ChatError) as caught:
        prepare(user, conversation_id=str(one.conversation.pk), parent_id=str(two.assistant_message.pk))
    assert caught.value.code == "invalid_parent"


def test_unavailable_endpoint_is_refused_with_reason(user, fake_endpoints):
    with pytest.raises(services.ChatError) as caught:
        prepare(user, endpoint_name="NoKey", model="fake-chat")
    assert caught.value.code == "endpoint_unavailable"
    assert "SURELY_UNSET_VARIABLE_FOR_TESTS" in caught.value.message  # says what to set


def test_finish_stores_text_reasoning_tokens_and_state(user):
    prepared = prepare(user)
    message = services.message_finish(
        message_id=prepared.assistant_message.pk,
        text="Answer",
        reasoning="Thinking",
        finish_reason="stop",
        unfinished=False,
        prompt_tokens=12,
        completion_tokens=3,
    )
    message.refresh_from_db()
    assert message.text == "Answer"
    assert message.reasoning == "Thinking"
    assert message.content == [{"type": "think", "think": "Thinking"}, {"type": "text", "text": "Answer"}]
    assert (message.prompt_tokens, message.completion_tokens) == (12, 3)
    assert not message.unfinished and not message.error


def test_rename_and_delete(user):
    prepared = prepare(user)
    conversation = services.conversation_rename(conversation=prepared.conversation, title="  My   trip  ")
    assert conversation.title == "My trip"
    with pytest.raises(services.ChatError):
        services.conversation_rename(conversation=conversation, title="   ")
    services.conversation_delete(conversation=conversation)
    assert Conversation.objects.count() == 0
    assert Message.objects.count() == 0


def test_generated_title_does_not_overwrite_a_title_the_user_chose(user):
    prepared = prepare(user)
    services.conversation_rename(conversation=prepared.conversation, title="Mine")
    assert services.conversation_set_title(conversation_id=prepared.conversation.pk, title="Generated") is None
    assert Conversation.objects.get().title == "Mine"
