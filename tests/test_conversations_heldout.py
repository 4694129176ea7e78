"""The held-out multi-turn conversations (tests/conversations/heldout.yml, never
used for training), end to end over REST. A conversation is right when every
checked turn is: the reply says what it must, not what it must not, offers the
buttons it must, and its first message is short enough. Results in
var/eval/conversations_heldout.json."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field

import yaml

from bot.answers import SOURCES_HEADING
from bot.settings import PROJECT_ROOT

CONVERSATIONS = PROJECT_ROOT / "tests" / "conversations" / "heldout.yml"
RESULTS = PROJECT_ROOT / "var" / "eval" / "conversations_heldout.json"
# The goal is 0.95; the suite fails below 0.90.
MIN_SHARE_RIGHT = 0.90
MIN_CONVERSATIONS = 60


@dataclass
class TurnResult:
    user: str
    reply: str
    problems: list[str] = field(default_factory=list)


def _fold(text: str) -> str:
    return " ".join(text.replace("–", "-").lower().split())


def check_turn(turn: dict, reply: str, titles: list[str], first: str) -> list[str]:
    problems = []
    folded = _fold(reply)
    for phrase in turn.get("says") or []:
        if _fold(phrase) not in folded:
            problems.append(f"does not say {phrase!r}")
    if turn.get("says_any") and not any(_fold(p) in folded for p in turn["says_any"]):
        problems.append(f"says none of {turn['says_any']!r}")
    for phrase in turn.get("not_says") or []:
        if _fold(phrase) in folded:
            problems.append(f"says {phrase!r}")
    for title in turn.get("buttons") or []:
        if not any(_fold(title) in _fold(t) for t in titles):
            problems.append(f"no button {title!r}")
    words = len(first.split(SOURCES_HEADING, 1)[0].split())
    if turn.get("max_words") and words > turn["max_words"]:
        problems.append(f"{words} words")
    return problems


def run_conversation(assistant, conversation: dict) -> list[TurnResult]:
    sender = f"heldout-{uuid.uuid4().hex}"
    buttons: list[dict] = []
    results = []
    for turn in conversation["turns"]:
        text = str(turn["user"])
        click = re.fullmatch(r"#(\d+)", text.strip())
        if click:
            index = int(click.group(1)) - 1
            if not 0 <= index < len(buttons):
                results.append(TurnResult(text, "", [f"no button {text}"]))
                break
            text = buttons[index].get("payload") or buttons[index].get("title")
        replies = assistant.send(sender, text)
        reply = "\n".join(r.get("text", "") for r in replies if r.get("text"))
        buttons = [b for r in replies for b in r.get("buttons") or []]
        first = next((r["text"] for r in replies if r.get("text")), "")
        problems = check_turn(turn, reply, [b.get("title", "") for b in buttons], first)
        if not replies:
            problems.append("no reply")
        results.append(TurnResult(turn["user"], reply, problems))
    return results


def test_heldout_conversations_are_right_end_to_end(assistant):
    conversations = yaml.safe_load(CONVERSATIONS.read_text(encoding="utf-8"))["conversations"]
    assert len(conversations) >= MIN_CONVERSATIONS
    outcomes = []
    for conversation in conversations:
        turns = run_conversation(assistant, conversation)
        outcomes.append(
            {
                "name": conversation["name"],
                "right": all(not t.problems for t in turns),
                "wrong_turns": [
                    {"user": t.user, "reply": t.reply, "problems": t.problems} for t in turns if t.problems
                ],
            }
        )
    right = sum(o["right"] for o in outcomes)
    checked = sum(
        1
        for c in conversations
        for t in c["turns"]
        if any(k in t for k in ("says", "says_any", "not_says", "buttons", "max_words"))
    )
    summary = {
        "conversations": len(outcomes),
        "right": right,
        "share_right": round(right / len(outcomes), 4),
        "checked_turns": checked,
        "results": outcomes,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    wrong = [
        (o["name"], o["wrong_turns"][0]["user"], o["wrong_turns"][0]["problems"]) for o in outcomes if not o["right"]
    ]
    assert summary["share_right"] >= MIN_SHARE_RIGHT, wrong


def test_a_check_fails_when_the_reply_misses_it():
    turn = {"says": ["6–9 months"], "not_says": ["9–12 months"], "buttons": ["More detail"], "max_words": 5}
    reply = "About 9-12 months for large firms"
    assert check_turn(turn, reply, ["And for CMMI?"], reply) == [
        "does not say '6–9 months'",
        "says '9–12 months'",
        "no button 'More detail'",
        "6 words",
    ]
    assert check_turn(turn, "About 6–9 months.", ["More detail"], "About 6–9 months.") == []
