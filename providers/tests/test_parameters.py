"""The parameter table: what each family and model takes, aliases, ranges, and context trimming."""

from __future__ import annotations

import pytest

from providers.base import ChatMessage
from providers.parameters import ParameterError, panel_table, parameters_clean, parameters_for
from providers.tokens import count_messages, trim_messages


def keys(kind: str, model: str) -> list[str]:
    return [parameter.key for parameter in parameters_for(kind, model)]


def test_each_family_offers_only_what_its_models_take():
    assert keys("openai", "gpt-4o") == [
        "promptPrefix", "temperature", "top_p", "presence_penalty", "frequency_penalty", "max_tokens", "stop",
        "maxContextTokens",
    ]
    # o-series and gpt-5: reasoning effort, no sampling parameters.
    assert keys("openai", "o4-mini") == ["promptPrefix", "max_tokens", "reasoning_effort", "stop", "maxContextTokens"]
    assert "reasoning_effort" in keys("openai", "gpt-5-mini")
    assert keys("anthropic", "claude-sonnet-4-5") == [
        "promptPrefix", "temperature", "topP", "topK", "maxOutputTokens", "thinking", "thinkingBudget", "stop",
        "maxContextTokens",
    ]
    assert "thinking" not in keys("anthropic", "claude-3-5-haiku-latest")
    assert "thinkingBudget" in keys("anthropic", "claude-3-7-sonnet-latest")
    assert keys("demo", "demo-chat") == ["promptPrefix", "maxContextTokens"]
    # Azure OpenAI takes OpenAI's; Google and Bedrock have their own rows.
    assert keys("azure", "gpt-4o") == keys("openai", "gpt-4o")
    assert keys("google", "gemini-2.5-flash") == [
        "promptPrefix", "temperature", "topP", "topK", "maxOutputTokens", "thinking", "thinkingBudget", "stop",
        "maxContextTokens",
    ]
    assert "thinking" not in keys("google", "gemini-2.0-flash")
    assert keys("bedrock", "us.anthropic.claude-sonnet-4-20250514-v1:0") == [
        "promptPrefix", "temperature", "topP", "topK", "maxTokens", "thinking", "thinkingBudget", "stop",
        "maxContextTokens",
    ]
    assert keys("bedrock", "amazon.nova-pro-v1:0") == [
        "promptPrefix", "temperature", "topP", "maxTokens", "stop", "maxContextTokens",
    ]
    # A kind without a row (an adapter being added) still gets the common ones.
    assert keys("someday", "x") == ["promptPrefix", "maxContextTokens"]
    assert panel_table("openai", ["gpt-4o", "o3"])["o3"] == keys("openai", "o3")


def test_aliases_are_renamed_to_the_family_names():
    cleaned = parameters_clean(kind="openai", model="gpt-4o", parameters={"topP": 0.2, "maxOutputTokens": 99})
    assert cleaned.values == {"top_p": 0.2, "max_tokens": 99}
    cleaned = parameters_clean(kind="anthropic", model="claude-opus-4-5",
                               parameters={"top_p": 0.2, "max_tokens": 99, "thinking_budget": 3000})
    assert cleaned.values == {"topP": 0.2, "maxOutputTokens": 99, "thinkingBudget": 3000}
    # The family's own name wins over an alias sent alongside it.
    cleaned = parameters_clean(kind="openai", model="gpt-4o", parameters={"maxOutputTokens": 5, "max_tokens": 7})
    assert cleaned.values == {"max_tokens": 7}


def test_empty_values_mean_unset_and_whole_floats_become_ints():
    cleaned = parameters_clean(kind="openai", model="gpt-4o",
                               parameters={"temperature": None, "stop": [], "promptPrefix": "", "max_tokens": 100.0})
    assert cleaned.values == {"max_tokens": 100}
    assert isinstance(cleaned.values["max_tokens"], int)
    assert parameters_clean(kind="openai", model="gpt-4o", parameters={"stop": "END"}).values == {"stop": ["END"]}


@pytest.mark.parametrize(
    ("kind", "model", "parameters", "parameter", "words"),
    [
        ("openai", "gpt-4o", {"temperature": 2.01}, "temperature", "between 0 and 2"),
        ("anthropic", "claude-sonnet-4-5", {"temperature": 1.2}, "temperature", "between 0 and 1"),
        ("anthropic", "claude-sonnet-4-5", {"thinkingBudget": 500}, "thinkingBudget", "between 1024"),
        ("openai", "o3", {"reasoning_effort": "extreme"}, "reasoning_effort", "minimal, low, medium, high, xhigh"),
        ("openai", "gpt-4o", {"top_p": "0.5"}, "top_p", "must be a number"),
        ("openai", "gpt-4o", {"temperature": float("nan")}, "temperature", "must be a number"),
        ("openai", "gpt-4o", {"max_tokens": 1.5}, "max_tokens", "whole number"),
        ("anthropic", "claude-sonnet-4-5", {"thinking": "yes"}, "thinking", "true or false"),
        ("openai", "gpt-4o", {"stop": [1]}, "stop", "list of texts"),
        ("openai", "gpt-4o", {"stop": ["x" * 101]}, "stop", "at most"),
        ("openai", "gpt-4o", {"promptPrefix": "x" * 20_001}, "promptPrefix", "too long"),
        ("openai", "gpt-4o", {"bogus": 1}, "bogus", "Unknown parameter"),
    ],
)
def test_bad_values_name_the_parameter(kind, model, parameters, parameter, words):
    with pytest.raises(ParameterError) as caught:
        parameters_clean(kind=kind, model=model, parameters=parameters)
    assert caught.value.parameter == parameter
    assert words in caught.value.message


def test_a_parameter_for_another_model_is_dropped_but_still_checked():
    cleaned = parameters_clean(kind="openai", model="o3", parameters={"temperature": 0.5, "reasoning_effort": "low"})
    assert cleaned.values == {"reasoning_effort": "low"} and cleaned.dropped == ["temperature"]
    with pytest.raises(ParameterError):
        parameters_clean(kind="openai", model="o3", parameters={"temperature": "hot"})


def test_unknown_names_are_listed_when_allowed():
    cleaned = parameters_clean(kind="openai", model="gpt-4o", parameters={"resendFiles": True, "temperature": 1},
                               allow_unknown=True)
    assert cleaned.values == {"temperature": 1} and cleaned.unknown == ["resendFiles"]


def _conversation(turns: int, words: int) -> list[ChatMessage]:
    messages = []
    for index in range(turns):
        messages.append(ChatMessage(role="user", text=f"question {index} " + "lorem " * words))
        messages.append(ChatMessage(role="assistant", text=f"answer {index} " + "ipsum " * words))
    return messages


def test_trimming_keeps_the_newest_messages_that_fit():
    messages = [*_conversation(6, 50), ChatMessage(role="user", text="the new question")]
    limit = 400
    trimmed = trim_messages(messages, "Be kind.", "gpt-4o", limit)
    assert trimmed[-1].text == "the new question"
    assert trimmed[0].role == "user"  # never starts with the assistant's words
    assert len(trimmed) < len(messages)
    assert count_messages(trimmed, "Be kind.", "gpt-4o") <= limit
    # One more older message would not have fitted.
    start = messages.index(trimmed[0])
    assert count_messages(messages[start - 2:], "Be kind.", "gpt-4o") > limit
    assert trim_messages(messages, "", "gpt-4o", 0) == messages
    assert trim_messages(messages, "", "gpt-4o", 10**6) == messages


def test_trimming_always_keeps_the_prompt_even_when_it_alone_is_too_long():
    messages = [*_conversation(2, 10), ChatMessage(role="user", text="long " * 500)]
    assert trim_messages(messages, "", "gpt-4o", 256) == [messages[-1]]
    # A continue keeps the reply being continued as well.
    messages.append(ChatMessage(role="assistant", text="so far"))
    assert trim_messages(messages, "", "gpt-4o", 256, keep_last=2) == messages[-2:]
