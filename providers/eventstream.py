"""An encoder for AWS's binary event-stream framing (`application/vnd.amazon.eventstream`).

Bedrock's ConverseStream sends its events in this framing; the fake provider writes it so that
botocore's own decoder (which checks both CRCs) reads our bytes unchanged. One message is:

    total length (4) | headers length (4) | prelude CRC32 (4) | headers | payload | message CRC32 (4)

all integers big-endian; the message CRC covers every byte before it, the prelude CRC included.
Each header is: name length (1) | name | value type (1; 7 is a string) | value length (2) | value.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

STRING = 7
PRELUDE_LENGTH = 12


def encode_headers(headers: dict[str, str]) -> bytes:
    parts: list[bytes] = []
    for name, value in headers.items():
        name_bytes, value_bytes = name.encode(), value.encode()
        parts.append(struct.pack("!B", len(name_bytes)) + name_bytes)
        parts.append(struct.pack("!BH", STRING, len(value_bytes)) + value_bytes)
    return b"".join(parts)


def encode_message(headers: dict[str, str], payload: bytes) -> bytes:
    """One framed message with both checksums."""
    header_bytes = encode_headers(headers)
    total = PRELUDE_LENGTH + len(header_bytes) + len(payload) + 4
    prelude = struct.pack("!II", total, len(header_bytes))
    message = prelude + struct.pack("!I", zlib.crc32(prelude)) + header_bytes + payload
    return message + struct.pack("!I", zlib.crc32(message))


def event_message(event_type: str, payload: dict[str, Any]) -> bytes:
    """An event (`messageStart`, `contentBlockDelta`, ...) with a JSON payload."""
    headers = {":event-type": event_type, ":content-type": "application/json", ":message-type": "event"}
    return encode_message(headers, json.dumps(payload, separators=(",", ":")).encode())


def exception_message(exception_type: str, message: str) -> bytes:
    """An error sent inside a stream that began with 200 OK (`throttlingException`, ...)."""
    headers = {
        ":exception-type": exception_type,
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return encode_message(headers, json.dumps({"message": message}).encode())


def decode_messages(data: bytes) -> list[tuple[dict[str, str], bytes]]:
    """The (headers, payload) of each message in `data`, checking both CRCs (for tests)."""
    messages: list[tuple[dict[str, str], bytes]] = []
    offset = 0
    while offset < len(data):
        total, headers_length, prelude_crc = struct.unpack_from("!III", data, offset)
        if zlib.crc32(data[offset : offset + 8]) != prelude_crc:
            raise ValueError("prelude CRC mismatch")
        end = offset + total
        (message_crc,) = struct.unpack_from("!I", data, end - 4)
        if zlib.crc32(data[offset : end - 4]) != message_crc:
            raise ValueError("message CRC mismatch")
        position = offset + PRELUDE_LENGTH
        headers_end = position + headers_length
        headers: dict[str, str] = {}
        while position < headers_end:
            name_length = data[position]
            name = data[position + 1 : position + 1 + name_length].decode()
            position += 1 + name_length
            kind, value_length = struct.unpack_from("!BH", data, position)
            if kind != STRING:
                raise ValueError(f"header type {kind} is not supported")
            position += 3
            headers[name] = data[position : position + value_length].decode()
            position += value_length
        messages.append((headers, data[headers_end : end - 4]))
        offset = end
    return messages
