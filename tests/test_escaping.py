"""What a member typed is shown as typed, on every surface that shows it back (to them or to their coordinator):
never a mention of everyone, bold the member did not mean, or a link that says something else (Slack mrkdwn).
handlers/blocks.escape is the one function that renders it."""

from __future__ import annotations

import json

from db import repo
from tests.helpers import open_home, seat

TYPED = "<!channel> *至急* <https://evil.example|規程.pdf>"  # as a member would type it
SENT = TYPED.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # as Slack sends a command's text
RAW = ("<!channel>", "<https://evil")


def mrkdwn(message: dict | list | str) -> str:
    """The parts of a message Slack reads as mrkdwn: its fallback text and every mrkdwn text object (plain_text
    labels and button values are shown as they are)."""
    found: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            value = json.loads(value) if value.startswith(("[", "{")) else value
        if isinstance(value, dict):
            if value.get("type") == "mrkdwn" and isinstance(value.get("text"), str):
                found.append(value["text"])
            for key, item in value.items():
                if key == "text" and isinstance(item, str) and value.get("type") != "plain_text":
                    found.append(item)
                elif key in ("blocks", "view", "elements", "fields", "accessory", "text", "confirm"):
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(message)
    return "\n".join(found)


def shown(fake_slack) -> list[str]:
    """Every mrkdwn text the fake Slack was asked to show: replies, posts, updates, views."""
    methods = ("response_url", "chat.postMessage", "chat.update", "chat.postEphemeral", "views.publish")
    return [mrkdwn(call.args) for call in fake_slack.calls if call.method in methods]


def assert_as_typed(message: dict) -> None:
    text = mrkdwn(message)
    assert "&lt;!channel&gt;" in text, text
    assert not any(raw in text for raw in RAW), text


def test_a_free_text_title_is_shown_as_typed_to_the_member_and_their_coordinator(
    slack, fake_slack, services, municipality
):
    with services.db.scope() as session:
        seat(session, services.now(), (("UC", municipality, "coordinator"), ("UL", municipality, "learner")))
    slack.command(f"done {SENT}", user="UL")  # no course is like it: offered to record as written
    assert_as_typed(fake_slack.reply(1))
    slack.action("done_free", TYPED, user="UL")
    assert_as_typed(fake_slack.reply(2))
    slack.command("progress", user="UL")
    assert_as_typed(fake_slack.reply(3))
    assert_as_typed(open_home(slack, fake_slack, "UL"))

    slack.command(f"admin undo <@UL|ul> {SENT}", user="UC")  # the coordinator sees the learner's title
    assert_as_typed(fake_slack.reply(4))
    slack.command(f"admin done <@UL|ul> {SENT}", user="UC")
    assert_as_typed(fake_slack.reply(5))
    slack.command(f"admin undo <@UL|ul> {SENT}", user="UC")
    assert_as_typed(fake_slack.reply(6))
    slack.command(f"admin undo <@UL|ul> {SENT}", user="UC")  # none left: "no record like …"
    assert_as_typed(fake_slack.reply(7))
    slack.command("admin audit", user="UC")
    assert_as_typed(fake_slack.reply(8))
    slack.command(f"done {SENT}", user="UL")
    slack.action("done_free", TYPED, user="UL")
    slack.command(f"undo {SENT}", user="UL")
    assert_as_typed(fake_slack.reply(11))
    for text in shown(fake_slack):
        assert not any(raw in text for raw in RAW), text


def test_a_typed_municipality_or_command_is_shown_as_typed(slack, fake_slack, municipality):
    slack.command(f"join {SENT}")
    assert_as_typed(fake_slack.reply(1))
    slack.command("&lt;!channel&gt;")
    assert "&lt;!channel&gt;" in mrkdwn(fake_slack.reply(2)) and "<!channel>" not in mrkdwn(fake_slack.reply(2))


def test_a_shown_name_is_shown_as_typed(slack, fake_slack, services, municipality):
    with services.db.scope() as session:
        seat(session, services.now(), (("UL", municipality, "learner"),))
        repo.set_show_name(session, repo.member(session, "T1", "UL"), True, TYPED)
    slack.command("share 朝の15分で1レッスン", user="UL")
    assert_as_typed(fake_slack.reply(1))
