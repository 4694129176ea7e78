"""What the guarded channels share: input limits, polite replies, and the
turn guard that tells the user when part of the assistant is down.

Rasa logs a failed custom action (action server down, or an error in it) and
sends nothing, so the user would wait for a reply that never comes. The guard
notices a turn that ran a custom action and produced no message, and says so.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.settings import get_settings
from channels.erasure import erase_if_requested

logger = logging.getLogger(__name__)

# One question rarely needs more than a few sentences; a longer text is
# refused before it reaches NLU (which would only be slowed down by it).
MAX_MESSAGE_CHARS = get_settings().max_message_chars
# A request body larger than this is refused outright (nginx has the same limit).
MAX_BODY_BYTES = get_settings().max_body_bytes
MAX_SENDER_CHARS = 128

EMPTY_REPLY = 'Please type a question, for example "What is ISO 9001?" or "How long does certification take?"'
UNAVAILABLE_REPLY = (
    "Sorry, part of the assistant is temporarily unavailable, so I can't answer that right now. "
    "Please try again in a minute; our conversation so far is kept."
)
ERASURE_FAILED_REPLY = (
    "Sorry, I could not delete our conversation just now, so it is still stored. "
    'Please say "forget me" again in a minute.'
)


def too_long_reply(length: int) -> str:
    return (
        f"Your message is too long ({length:,} characters). Please keep it under "
        f"{MAX_MESSAGE_CHARS:,} characters, for example one question at a time."
    )


def text_problem(text: str) -> Optional[str]:
    """The polite reply for a text that should not reach the assistant, or None."""
    if not text.strip():
        return EMPTY_REPLY
    if len(text) > MAX_MESSAGE_CHARS:
        return too_long_reply(len(text))
    return None


def sender_problem(sender: Any) -> Optional[str]:
    """Why a sender id is unusable, or None. It keys the conversation in the
    tracker store (a 255-character column in SQL), so it must be a short,
    printable string."""
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not sender.strip():
        return '"sender" is required: a string that identifies the conversation'
    if len(sender) > MAX_SENDER_CHARS:
        return f'"sender" must be at most {MAX_SENDER_CHARS} characters'
    if not sender.isprintable():
        return '"sender" must not contain control characters'
    return None


async def run_turn(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    messages_sent: Callable[[], int],
    agent: Any,
) -> None:
    """Process one user message; if it failed without a word to the user,
    send the "temporarily unavailable" reply instead of silence. After a
    "forget me", erase the conversation (channels/erasure.py)."""
    failed = False
    try:
        await on_new_message(message)
    except CancelledError:
        logger.error("processing the message of %s timed out", message.sender_id)
        failed = True
    except Exception:  # noqa: BLE001 - the user must hear back whatever broke
        logger.exception("processing the message of %s failed", message.sender_id)
        failed = True
    if not failed and agent is not None:
        try:
            tracker = await agent.tracker_store.retrieve(message.sender_id)
        except Exception:  # noqa: BLE001
            logger.exception("could not read the tracker of %s", message.sender_id)
            tracker, failed = None, messages_sent() == 0
        if tracker is not None:
            if messages_sent() == 0:
                failed = _custom_action_failed(agent, tracker)
            try:
                await erase_if_requested(agent, tracker)
            except Exception:  # noqa: BLE001 - the user must know their data is still there
                logger.exception("could not erase the conversation of %s", message.sender_id)
                await message.output_channel.send_text_message(message.sender_id, ERASURE_FAILED_REPLY)
    if failed:
        await message.output_channel.send_text_message(message.sender_id, UNAVAILABLE_REPLY)


def _custom_action_failed(agent: Any, tracker: DialogueStateTracker) -> bool:
    """True if the latest turn ran a custom action (served by the action
    server) yet sent nothing: every custom action of this assistant replies."""
    custom = set(agent.domain.user_actions_and_forms)
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name in custom:
            logger.error("custom action %s sent nothing to %s", event.action_name, tracker.sender_id)
            return True
    return False
