"""Document text in the prompt: fitted into the model's context window, cut with a note."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from chat import services
from chat.generation import _request_for
from files.selectors import TRUNCATION_NOTE, inputs_for_messages
from files.services import file_upload
from files.tests.conftest import text_pdf
from providers.limits import DEFAULT_CONTEXT_WINDOW, context_window
from providers.tokens import count_tokens


def upload_text(user, name: str, text: str):
    return file_upload(user=user, upload=SimpleUploadedFile(name, text.encode()))


def test_context_windows_of_known_and_unknown_models():
    assert context_window("gpt-4o-mini") == 128_000
    assert context_window("claude-sonnet-4-5") == 200_000
    assert context_window("my-local-model") == DEFAULT_CONTEXT_WINDOW


def test_a_document_that_fits_goes_whole(user):
    file = upload_text(user, "a.txt", "short text")
    inputs = inputs_for_messages(
        user=user, file_ids_by_message={"m": [str(file.pk)]}, order=["m"], model="gpt-4o", token_budget=1000
    )
    [document] = inputs["m"].documents
    assert document.text == "short text" and not document.truncated


def test_a_document_too_long_is_cut_to_the_budget_with_a_visible_note(user):
    words = " ".join(f"word{index}" for index in range(3000))
    file = upload_text(user, "long.txt", words)
    inputs = inputs_for_messages(
        user=user, file_ids_by_message={"m": [str(file.pk)]}, order=["m"], model="gpt-4o", token_budget=500
    )
    [document] = inputs["m"].documents
    assert document.truncated
    assert count_tokens(document.text, "gpt-4o") <= 500
    assert words.startswith(document.text)
    prompt = inputs["m"].prompt_text("question")
    assert TRUNCATION_NOTE in prompt and prompt.endswith("question")


def test_the_newest_message_gets_the_budget_first_and_a_full_context_omits(user):
    old = upload_text(user, "old.txt", "old " * 400)
    new = upload_text(user, "new.txt", "new " * 400)
    inputs = inputs_for_messages(
        user=user,
        file_ids_by_message={"first": [str(old.pk)], "last": [str(new.pk)]},
        order=["last", "first"],
        model="gpt-4o",
        token_budget=420,
    )
    assert not inputs["last"].documents[0].truncated
    assert inputs["first"].documents[0].omitted
    assert "Not included" in inputs["first"].prompt_text("hi")


def test_a_send_cuts_a_pdf_to_the_models_window_and_marks_the_file(user):
    # Demo models are unknown to the window table: the default window applies.
    pages = [" ".join(f"line{page}-{index}" for index in range(300)) for page in range(12)]
    pdf = file_upload(user=user, upload=SimpleUploadedFile("book.pdf", text_pdf(*pages)))
    assert count_tokens(pdf.text, "demo-chat") > DEFAULT_CONTEXT_WINDOW
    plan = services.generation_plan(
        user=user, conversation_id=None, parent_id=None, text="Summarise the book",
        endpoint_name="Demo", model="demo-chat", files=[str(pdf.pk)],
    )
    request, _title = _request_for(plan)
    prompt = request.messages[-1].text
    assert TRUNCATION_NOTE in prompt and prompt.endswith("Summarise the book")
    assert count_tokens(prompt, "demo-chat") < DEFAULT_CONTEXT_WINDOW
    prepared = services.generation_store(plan=plan)
    part = next(part for part in prepared.user_message.content if part.get("type") == "file")
    assert part["truncated"] is True and part["name"] == "book.pdf"
