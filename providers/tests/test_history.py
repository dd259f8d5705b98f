"""One history, converted for each provider: system placement, reasoning dropped, turns merged."""

from __future__ import annotations

from providers.anthropic_adapter import AnthropicProvider
from providers.base import ChatMessage, ChatRequest
from providers.bedrock_adapter import bedrock_messages
from providers.google_adapter import gemini_contents
from providers.history import message_text, system_prompt
from providers.openai_adapter import chat_messages
from providers.registry import Endpoint

# A conversation that began on a reasoning model (DeepSeek style) and had two user turns in a row
# (the first reply failed and was left empty).
HISTORY = [
    ChatMessage(role="user", text="What is 2+2?"),
    ChatMessage(role="assistant", text="<think>2 and 2 make 4</think>\n4", reasoning="Adding two and two."),
    ChatMessage(role="user", text="And 3+3?"),
    ChatMessage(role="assistant", text=""),
    ChatMessage(role="user", text="Please answer."),
]


def request() -> ChatRequest:
    return ChatRequest(model="any", messages=list(HISTORY), system="You are a calculator.")


def all_text(value) -> str:
    return repr(value)


def test_openai_puts_the_system_prompt_first_as_a_message():
    messages = chat_messages(request())
    assert messages[0] == {"role": "system", "content": "You are a calculator."}
    assert messages[2] == {"role": "assistant", "content": "4"}
    # OpenAI accepts consecutive user turns; the empty reply is left out.
    assert [message["role"] for message in messages] == ["system", "user", "assistant", "user", "user"]


def test_anthropic_takes_system_apart_and_alternates():
    provider = AnthropicProvider(Endpoint(name="a", kind="anthropic", label="A", models=["claude"]))
    body = provider.messages_body(request(), stream=True)
    assert body["system"] == "You are a calculator."
    assert [message["role"] for message in body["messages"]] == ["user", "assistant", "user"]
    assert body["messages"][1]["content"] == "4"
    assert body["messages"][2]["content"] == "And 3+3?\n\nPlease answer."


def test_gemini_uses_system_instruction_and_model_role():
    system, contents = gemini_contents(request())
    assert system == "You are a calculator."
    assert [item["role"] for item in contents] == ["user", "model", "user"]
    assert contents[2]["parts"] == [{"text": "And 3+3?"}, {"text": "Please answer."}]


def test_bedrock_uses_system_blocks_and_alternates():
    system, messages = bedrock_messages(request())
    assert system == [{"text": "You are a calculator."}]
    assert [message["role"] for message in messages] == ["user", "assistant", "user"]
    assert messages[1]["content"] == [{"text": "4"}]


def test_reasoning_from_an_earlier_reply_reaches_no_provider():
    provider = AnthropicProvider(Endpoint(name="a", kind="anthropic", label="A", models=["claude"]))
    for converted in (
        chat_messages(request()),
        provider.messages_body(request(), stream=False),
        gemini_contents(request()),
        bedrock_messages(request()),
    ):
        text = all_text(converted)
        assert "Adding two and two" not in text and "2 and 2 make 4" not in text and "<think>" not in text


def test_system_messages_in_the_history_join_the_system_prompt():
    messages = [ChatMessage(role="system", text="Be terse."), *HISTORY]
    assert system_prompt(ChatRequest(model="m", messages=messages, system="Base.")) == "Base.\n\nBe terse."
    assert system_prompt(ChatRequest(model="m", messages=[], system="")) == ""


def test_user_text_keeps_think_tags():
    # Only an assistant's inline reasoning is removed; a user may write the tag on purpose.
    assert message_text(ChatMessage(role="user", text="<think>x</think>y")) == "<think>x</think>y"
