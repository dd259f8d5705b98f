"""Regenerate, continue, edit, branch switching, branch deletion and fork, as stored."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chat import services
from chat.models import Conversation, Message
from chat.selectors import conversation_view, message_path, tree_outline

pytestmark = pytest.mark.django_db


def send(user, conversation=None, parent=None, text="Hello"):
    return services.generation_prepare(
        user=user,
        conversation_id=str(conversation.pk) if conversation else None,
        parent_id=str(parent.pk) if parent else None,
        text=text,
        endpoint_name="Demo",
        model="demo-chat",
    )


def answer_again(user, reply, *, continue_=False, model="demo-chat"):
    plan = services.regeneration_plan(
        user=user, message_id=str(reply.pk), endpoint_name="Demo", model=model, continue_=continue_
    )
    return services.generation_store(plan=plan)


def finish(message, text="Answer", **overrides):
    values = {"text": text, "reasoning": "", "finish_reason": "stop", "unfinished": False}
    values.update(overrides)
    return services.message_finish(message_id=message.pk, **values)


@pytest.fixture
def chat(user):
    """user → reply → user → reply, finished."""
    first = send(user, text="First question")
    finish(first.assistant_message, "First answer")
    second = send(user, first.conversation, first.assistant_message, "Second question")
    finish(second.assistant_message, "Second answer")
    return first, second


def test_regenerate_adds_a_sibling_reply_under_the_same_user_message(user, chat):
    _first, second = chat
    again = answer_again(user, second.assistant_message)
    assert again.user_message == second.user_message
    assert again.assistant_message.parent == second.user_message
    assert again.assistant_message.pk != second.assistant_message.pk
    assert again.assistant_siblings == [str(second.assistant_message.pk), str(again.assistant_message.pk)]
    assert Message.objects.count() == 5  # nothing overwritten
    assert Conversation.objects.get().current_leaf == again.assistant_message


def test_regenerate_of_the_first_reply_keeps_the_root_user_message(user, chat):
    first, _second = chat
    again = answer_again(user, first.assistant_message)
    assert again.user_message == first.user_message and again.user_message.parent is None
    plan = services.regeneration_plan(
        user=user, message_id=str(first.assistant_message.pk), endpoint_name="Demo", model="demo-chat"
    )
    assert plan.history == [] and plan.text == "First question"


def test_regenerate_sends_the_history_above_the_user_message(user, chat):
    first, second = chat
    plan = services.regeneration_plan(
        user=user, message_id=str(second.assistant_message.pk), endpoint_name="Demo", model="demo-fast"
    )
    assert [message.text for message in plan.history] == ["First question", "First answer"]
    assert plan.text == "Second question" and plan.model == "demo-fast"


def test_continue_appends_to_the_same_reply_and_clears_its_error(user, chat):
    _first, second = chat
    finish(second.assistant_message, "Cut off mid", unfinished=True, error_code="interrupted", finish_reason="error")
    continued = answer_again(user, second.assistant_message, continue_=True)
    reply = continued.assistant_message
    assert reply.pk == second.assistant_message.pk
    assert (reply.unfinished, reply.error, reply.error_code, reply.text) == (True, False, "", "Cut off mid")
    assert Message.objects.count() == 4  # no new node


def test_regenerate_refuses_what_is_not_a_reply_of_the_user(user, other_user, chat):
    first, second = chat
    for message_id, code in [
        (second.user_message.pk, "invalid_message"),  # not a reply
        ("not-a-uuid", "invalid_message"),
        (first.assistant_message.pk, "invalid_message"),  # someone else's
    ]:
        caller = other_user if message_id == first.assistant_message.pk else user
        with pytest.raises(services.ChatError) as raised:
            services.regeneration_plan(user=caller, message_id=str(message_id), endpoint_name="Demo", model="demo-chat")
        assert raised.value.code == code
    orphan = Message.objects.create(conversation=first.conversation, role=Message.Role.ASSISTANT, text="Imported")
    with pytest.raises(services.ChatError) as raised:
        services.regeneration_plan(user=user, message_id=str(orphan.pk), endpoint_name="Demo", model="demo-chat")
    assert raised.value.code == "no_prompt"
    assert Message.objects.count() == 5


def test_edit_and_resend_makes_a_sibling_branch_and_keeps_the_old_one(user, chat):
    first, second = chat
    edited = send(user, first.conversation, second.user_message.parent, "Second question, better")
    assert edited.user_message.parent == first.assistant_message
    assert edited.user_siblings == [str(second.user_message.pk), str(edited.user_message.pk)]
    assert Message.objects.filter(pk=second.assistant_message.pk).exists()


def test_edit_in_place_keeps_descendants_and_reasoning(user, chat):
    first, second = chat
    services.message_finish(
        message_id=first.assistant_message.pk, text="Old", reasoning="Because", finish_reason="stop", unfinished=False
    )
    message = Message.objects.get(pk=first.assistant_message.pk)
    services.message_edit(message=message, text="New answer")
    message.refresh_from_db()
    assert message.text == "New answer" and message.edited
    assert message.reasoning == "Because"
    assert [part["type"] for part in message.content] == ["think", "text"]
    assert message.children.get() == second.user_message
    with pytest.raises(services.ChatError):
        services.message_edit(message=message, text="   ")
    message.refresh_from_db()
    assert message.text == "New answer"


def test_switching_branch_shows_the_newest_continuation_and_is_remembered(user, chat):
    first, second = chat
    old_branch = second.user_message
    new_branch = send(user, first.conversation, first.assistant_message, "Other direction")
    conversation = Conversation.objects.get()
    assert conversation.current_leaf == new_branch.assistant_message
    leaf = services.conversation_show_branch(conversation=conversation, message_id=str(old_branch.pk))
    assert leaf == second.assistant_message.pk
    conversation.refresh_from_db()
    view = conversation_view(conversation=conversation)
    expected = ["First question", "First answer", "Second question", "Second answer"]
    assert [message["text"] for message in view] == expected
    assert view[2]["siblings"] == [str(old_branch.pk), str(new_branch.user_message.pk)]
    with pytest.raises(services.ChatError):
        services.conversation_show_branch(conversation=conversation, message_id="00000000-0000-0000-0000-000000000001")


def test_deleting_a_branch_removes_its_descendants_and_shows_what_is_left(user, chat):
    first, second = chat
    other = send(user, first.conversation, first.assistant_message, "Other direction")
    leaf = services.message_delete_branch(message=other.user_message)
    assert leaf == second.assistant_message.pk
    assert not Message.objects.filter(pk__in=[other.user_message.pk, other.assistant_message.pk]).exists()
    assert Conversation.objects.get().current_leaf_id == second.assistant_message.pk
    services.message_delete_branch(message=Message.objects.get(pk=first.user_message.pk))
    assert Message.objects.count() == 0
    assert Conversation.objects.get().current_leaf is None


def branchy(user):
    """a(user) → b(reply) → c(user) → d(reply); plus e: a second reply to a; plus f: reply sibling of d."""
    first = send(user, text="a")
    finish(first.assistant_message, "b")
    second = send(user, first.conversation, first.assistant_message, "c")
    finish(second.assistant_message, "d")
    sibling_of_b = answer_again(user, first.assistant_message)
    finish(sibling_of_b.assistant_message, "e")
    sibling_of_d = answer_again(user, second.assistant_message)
    finish(sibling_of_d.assistant_message, "f")
    return first.conversation, {message.text: message for message in Message.objects.all()}


@pytest.mark.parametrize(
    ("mode", "split", "texts", "roots"),
    [
        ("directPath", False, ["a", "b", "c", "d"], ["a"]),
        ("includeBranches", False, ["a", "b", "c", "d", "e", "f"], ["a"]),
        ("targetLevel", False, ["a", "b", "c", "d", "e", "f"], ["a"]),
        ("directPath", True, ["d"], ["d"]),
        ("includeBranches", True, ["d", "f"], ["d", "f"]),
    ],
)
def test_fork_copies_the_chosen_messages_into_a_new_conversation(user, mode, split, texts, roots):
    source, by_text = branchy(user)
    fork = services.conversation_fork(user=user, message=by_text["d"], mode=mode, split_at_target=split)
    assert fork.pk != source.pk and fork.user == user
    copied = list(Message.objects.filter(conversation=fork))
    assert sorted(message.text for message in copied) == texts
    assert sorted(message.text for message in copied if message.parent_id is None) == roots
    assert not {message.pk for message in copied} & {message.pk for message in by_text.values()}
    # Parents point inside the copy, with the original shape.
    by_copy_text = {message.text: message for message in copied}
    for message in copied:
        if message.parent_id is not None:
            assert message.parent.text == by_text[message.text].parent.text
    # The fork shows the copy of the target, and the originals are untouched.
    assert fork.current_leaf == by_copy_text["d"]
    assert Message.objects.filter(conversation=source).count() == 6
    # Original order survives the copy.
    times = {message.text: message.created_at for message in copied}
    assert times == {text: by_text[text].created_at for text in texts}


def test_fork_to_target_level_leaves_deeper_messages_out(user):
    _source, by_text = branchy(user)
    fork = services.conversation_fork(user=user, message=by_text["b"], mode="targetLevel")
    assert sorted(Message.objects.filter(conversation=fork).values_list("text", flat=True)) == ["a", "b", "e"]


def test_fork_refuses_an_unknown_mode(user):
    _source, by_text = branchy(user)
    with pytest.raises(services.ChatError):
        services.conversation_fork(user=user, message=by_text["d"], mode="everything")
    assert Conversation.objects.count() == 1


def test_opening_a_big_tree_costs_the_same_queries_as_a_small_one(user):
    def queries_for(messages: int) -> int:
        conversation = Conversation.objects.create(user=user)
        parent = None
        for index in range(messages):
            parent = Message.objects.create(
                conversation=conversation,
                parent=parent,
                role="user" if index % 2 == 0 else "assistant",
                text=str(index),
            )
            if index % 5 == 0:  # a branch every few messages
                Message.objects.create(conversation=conversation, parent=parent, role="assistant", text="alt")
        conversation.current_leaf = parent
        conversation.save()
        with CaptureQueriesContext(connection) as captured:
            view = conversation_view(conversation=conversation)
            tree_outline(conversation=conversation)
        assert len(view) == messages
        return len(captured)

    assert queries_for(10) == queries_for(200)


def test_message_path_matches_the_view(user, chat):
    conversation = Conversation.objects.get()
    assert [message.pk for message in message_path(conversation=conversation)] == [
        message.pk for message in Message.objects.order_by("created_at")
    ]
