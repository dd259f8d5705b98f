"""Shapes of the API's requests and responses, for the OpenAPI document (drf-spectacular).

Validation itself is done by api.requests, which names bad fields the way OpenAI does.
"""

from __future__ import annotations

from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="What went wrong, in the request's language.")
    type = serializers.CharField(help_text="invalid_request_error, provider_error or server_error.")
    param = serializers.CharField(allow_null=True, help_text="The offending field, e.g. messages[0].content.")
    code = serializers.CharField(allow_null=True, help_text="invalid_api_key, model_not_found, invalid_value, ...")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class ModelSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`<endpoint>/<model>`, or the bare model name when only one endpoint has it.")
    object = serializers.CharField(default="model")
    created = serializers.IntegerField()
    owned_by = serializers.CharField(help_text="The endpoint's name.")


class ModelListSerializer(serializers.Serializer):
    object = serializers.CharField(default="list")
    data = ModelSerializer(many=True)


class ContentPartSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["text"])
    text = serializers.CharField()


class ChatMessageSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=["system", "developer", "user", "assistant"])
    content = serializers.JSONField(help_text="A string, or a list of text parts ({type: text, text}).")
    name = serializers.CharField(required=False)


class StreamOptionsSerializer(serializers.Serializer):
    include_usage = serializers.BooleanField(required=False, help_text="Send a last chunk with token usage.")


class ChatCompletionRequestSerializer(serializers.Serializer):
    model = serializers.CharField(help_text="A model id from GET /v1/models.")
    messages = ChatMessageSerializer(many=True, help_text="The conversation so far; the last one is the user's.")
    stream = serializers.BooleanField(required=False, default=False)
    stream_options = StreamOptionsSerializer(required=False)
    temperature = serializers.FloatField(required=False, min_value=0, max_value=2)
    top_p = serializers.FloatField(required=False, min_value=0, max_value=1)
    max_tokens = serializers.IntegerField(required=False, min_value=1)
    max_completion_tokens = serializers.IntegerField(required=False, min_value=1)
    presence_penalty = serializers.FloatField(required=False, min_value=-2, max_value=2)
    frequency_penalty = serializers.FloatField(required=False, min_value=-2, max_value=2)
    stop = serializers.JSONField(required=False, help_text="A string or up to 4 strings.")
    reasoning_effort = serializers.ChoiceField(
        required=False, choices=["none", "minimal", "low", "medium", "high", "xhigh"]
    )
    n = serializers.IntegerField(required=False, min_value=1, max_value=1)


class AssistantMessageSerializer(serializers.Serializer):
    role = serializers.CharField(default="assistant")
    content = serializers.CharField()
    refusal = serializers.CharField(allow_null=True)
    reasoning_content = serializers.CharField(required=False, help_text="The model's reasoning, when it streams one.")


class ChoiceSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    message = AssistantMessageSerializer()
    logprobs = serializers.JSONField(allow_null=True)
    finish_reason = serializers.ChoiceField(choices=["stop", "length", "content_filter"])


class UsageSerializer(serializers.Serializer):
    prompt_tokens = serializers.IntegerField()
    completion_tokens = serializers.IntegerField()
    total_tokens = serializers.IntegerField()


class ChatCompletionSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="chatcmpl-<id of the stored reply>")
    object = serializers.CharField(default="chat.completion")
    created = serializers.IntegerField()
    model = serializers.CharField()
    choices = ChoiceSerializer(many=True)
    usage = UsageSerializer()
    system_fingerprint = serializers.CharField(allow_null=True)
    conversation_id = serializers.UUIDField(help_text="The stored conversation (LibreChat extension).")
