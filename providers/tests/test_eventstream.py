"""Our event-stream encoder against botocore's decoder, which checks both CRCs."""

from __future__ import annotations

import json

import pytest
from botocore.eventstream import ChecksumMismatch, EventStreamBuffer

from providers.eventstream import decode_messages, encode_message, event_message, exception_message


def botocore_messages(data: bytes):
    buffer = EventStreamBuffer()
    buffer.add_data(data)
    return list(buffer)


def test_botocore_decodes_our_events():
    data = event_message("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "héllo"}})
    data += exception_message("throttlingException", "slow down")
    event, exception = botocore_messages(data)
    assert event.headers == {":event-type": "contentBlockDelta", ":content-type": "application/json",
                             ":message-type": "event"}
    assert json.loads(event.payload) == {"contentBlockIndex": 0, "delta": {"text": "héllo"}}
    assert exception.headers[":exception-type"] == "throttlingException"
    assert json.loads(exception.payload) == {"message": "slow down"}


def test_a_flipped_byte_fails_the_checksum():
    data = bytearray(encode_message({":message-type": "event"}, b"{}"))
    data[-6] ^= 0xFF
    with pytest.raises(ChecksumMismatch):
        botocore_messages(bytes(data))
    with pytest.raises(ValueError, match="CRC"):
        decode_messages(bytes(data))


def test_our_decoder_round_trips():
    data = event_message("messageStop", {"stopReason": "end_turn"}) * 2
    assert decode_messages(data) == [
        ({":event-type": "messageStop", ":content-type": "application/json", ":message-type": "event"},
         b'{"stopReason":"end_turn"}'),
    ] * 2
