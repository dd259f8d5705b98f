"""The canned Markdown replies, reasoning and titles of the offline demo model, and their token split."""

from __future__ import annotations

import hashlib
import re

QUOTE_CHARS = 80
TITLE_CHARS = 40
TITLE_WORDS = 6

_MARKDOWN_MARKS = re.compile(r"[*`#>]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# A run of whitespace followed by a run of non-whitespace, or trailing whitespace alone.
_WORD = re.compile(r"\s*\S+|\s+")
# The exchange a title request packs into one message (see chat/titles.py).
_TITLE_EXCHANGE = re.compile(r"\AUser:\s*(.*?)(?:\n\nAssistant:.*)?\Z", re.DOTALL)

_CODE_SAMPLES = (
    'def greet(name: str) -> str:\n    return f"Hello, {name}!"\n\n\nprint(greet("{word}"))',
    "def fibonacci(count: int) -> list[int]:\n    numbers = [0, 1]\n    while len(numbers) < count:\n"
    "        numbers.append(numbers[-1] + numbers[-2])\n    return numbers[:count]\n\n\n"
    "print(fibonacci({number}))",
    'from collections import Counter\n\ntext = "{word} {word} demo"\nprint(Counter(text.split()).most_common(1))',
)

_ENGLISH = """This is the **offline demo model**: it runs inside this server, so no API key is needed \
and nothing leaves your machine. Connect a real AI provider to get real answers.

You wrote:

> {quote}

A reply can contain all the usual Markdown:

- **Bold** and *italic* text, and `inline code`
- Lists like this one, streamed token by token
- Tables and fenced code blocks with highlighting
- {extra}

| Feature | Demo model | Real provider |
| --- | --- | --- |
| API key | not needed | required |
| Answers | a sample like this | real ones |
| Words in your message | {words} | {words} |

```python
{code}
```
"""

_RUSSIAN = """Это **офлайн-демомодель**: она работает прямо на этом сервере, поэтому ключ API \
не нужен и ничего не уходит наружу. Подключите настоящего ИИ-провайдера, чтобы получать настоящие ответы.

Вы написали:

> {quote}

В ответе может быть любая разметка Markdown:

- **Жирный** и *курсивный* текст, `код в строке`
- Списки, как этот, приходят по одному токену
- Таблицы и блоки кода с подсветкой
- {extra}

| Возможность | Демомодель | Настоящий провайдер |
| --- | --- | --- |
| Ключ API | не нужен | нужен |
| Ответы | образец, как этот | настоящие |
| Слов в вашем сообщении | {words} | {words} |

```python
{code}
```
"""

_EXTRAS = {
    False: ("Regenerate this reply to see it stream again", "Edit your message to get a new reply", "Stop it half-way"),
    True: (
        "Перегенерируйте ответ, чтобы увидеть поток снова",
        "Измените сообщение и получите новый ответ",
        "Остановите ответ на полпути",
    ),
}


def is_russian(text: str) -> bool:
    return bool(_CYRILLIC.search(text))


def _quote(prompt: str) -> str:
    flat = " ".join(prompt.split())
    if not flat:
        return "…"
    return flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 1].rstrip() + "…"


def _first_word(prompt: str, fallback: str) -> str:
    # Only letters and digits go into the code sample, so it stays valid Python whatever was typed.
    for word in prompt.split():
        cleaned = "".join(character for character in word if character.isalnum())
        if cleaned:
            return cleaned[:20]
    return fallback


def demo_reply(prompt: str) -> str:
    """A Markdown reply with a paragraph, a list, a table and a code block, varied by the prompt."""
    russian = is_russian(prompt)
    # A stable choice (Python's hash() is salted per process): the same prompt gets the same reply.
    variant = int(hashlib.sha256(prompt.encode()).hexdigest(), 16)
    code = _CODE_SAMPLES[variant % len(_CODE_SAMPLES)]
    code = code.replace("{word}", _first_word(prompt, "мир" if russian else "world"))
    code = code.replace("{number}", str(5 + variant % 6))
    template = _RUSSIAN if russian else _ENGLISH
    extras = _EXTRAS[russian]
    return template.format(
        quote=_quote(prompt),
        extra=extras[(variant // 7) % len(extras)],
        words=len(prompt.split()),
        code=code,
    )


def demo_reasoning(prompt: str) -> str:
    """Short 'thinking' text for models that stream their reasoning before the reply."""
    if is_russian(prompt):
        return (
            f"Пользователь написал: «{_quote(prompt)}». Это демомодель, поэтому я покажу образец ответа: "
            "абзац, список, таблицу и блок кода."
        )
    return (
        f'The user wrote: "{_quote(prompt)}". This is the demo model, so I will show a sample answer: '
        "a paragraph, a list, a table and a code block."
    )


def title_source(text: str) -> str:
    """The user's words of a title request ("User: …\\n\\nAssistant: …"), or the text itself."""
    match = _TITLE_EXCHANGE.match(text.strip())
    return match.group(1) if match else text


def demo_title(prompt: str) -> str:
    """A title from the first few words of the prompt, at most TITLE_CHARS characters."""
    # Markdown marks (**bold**, `code`, # heading, > quote) and brackets are not part of a title.
    words = [_MARKDOWN_MARKS.sub("", word).strip("[]()\"'«»") for word in title_source(prompt).split()]
    words = [word for word in words if word][:TITLE_WORDS]
    if not words:
        return "Демо-чат" if is_russian(prompt) else "Demo chat"
    title = ""
    for word in words:
        candidate = f"{title} {word}".strip()
        if len(candidate) > TITLE_CHARS:
            break
        title = candidate
    if not title:
        title = words[0][: TITLE_CHARS - 1] + "…"
    title = title.rstrip(".,;:!?")
    return title[:1].upper() + title[1:]


def split_tokens(text: str) -> list[str]:
    """Token-like pieces of about four characters (whitespace included) that join back to `text`."""
    pieces: list[str] = []
    for word in _WORD.findall(text):
        pieces.extend(word[start : start + 4] for start in range(0, len(word), 4))
    return pieces
