"""Fuzzing the served app over signed HTTP: whatever a `/dx` text, an event or a button click holds, dxbot answers
with a status below 500, and no reply (the HTTP ack, or anything the fake Slack received) shows a traceback.

Quick `/dx` answers may come in the ack's body or through response_url: both are checked. Work after the ack runs
in the background, so the fake's calls are checked once the app has gone quiet.

Fields get values of any JSON type, but the objects bolt walks by itself inside an event (`assistant_thread`,
`message`) stay objects: only Slack can sign a request, and bolt trusts Slack's structure there. The edge
(bot/wsgi.py) answers 400 for the top-level structure bolt needs (`event` an object, `actions` a list of actions).

CI runs DXBOT_FUZZ_EXAMPLES examples per test (300 unless set; derandomized when CI is set). The long form:
    DXBOT_FUZZ_EXAMPLES=10000 python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=int(os.environ.get("DXBOT_FUZZ_EXAMPLES", "300")),
    deadline=None,  # each example is an HTTP round trip
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow],
)
LEAK = re.compile(r'Traceback|File \\*"')  # also matches inside JSON-escaped blocks

SUBCOMMANDS = ["", "help", "join", "track", "done", "undo", "progress", "ask", "subsidy", "share", "privacy", "digest"]
ODD_TEXT = ["\u200b", "\u200d", "\ufeff", "\u3000", "ＤＯＮＥ", "ﾌﾟﾛｾｽ改革", "\x00", "\x1b[31m", "\r\n", "\t"]
SLACK_MARKUP = ["<@U1>", "<@U2|someone>", "<#C1|general>", "<!channel>", "<!here>", "<!subteam^S1|@t>", "&amp;", "&lt;"]
NAMES = ["ITパスポート", "iパス", "基本情報", "横須賀市"]
ARGUMENTS = ["business", "ict", "on", "off", "names", "60", "en", "frobnicate"]

pieces = st.text(max_size=30) | st.sampled_from(ODD_TEXT + SLACK_MARKUP + NAMES + ARGUMENTS)
long_text = st.builds(
    lambda unit, times: (unit * times)[:4000], st.text(min_size=1, max_size=12), st.integers(300, 4000)
)
command_texts = st.one_of(
    st.builds(lambda sub, parts: " ".join([sub, *parts]), st.sampled_from(SUBCOMMANDS), st.lists(pieces, max_size=6)),
    st.text(max_size=300),
    st.builds(lambda sub, text: f"{sub} {text}"[:4000], st.sampled_from(SUBCOMMANDS), long_text),
).filter(lambda text: not LEAK.search(text))  # replies may echo the text

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def maybe(plausible):
    """A value Slack could send, or one of any other JSON type."""
    return plausible | json_values


ids = st.sampled_from(["U1", "U2", "UBOT", "C1", "D1", ""]) | st.text(max_size=12)
timestamps = st.sampled_from(["1.1", "1700000000.000100", "0", ""]) | st.text(max_size=20)
event_types = st.sampled_from(["app_mention", "message", "app_home_opened", "assistant_thread_started"]) | st.text()
event_fields = st.fixed_dictionaries(
    {
        "type": maybe(event_types),
        # The objects bolt itself walks keep Slack's structure (see the module's docstring); their contents vary.
        "assistant_thread": st.fixed_dictionaries(
            {"channel_id": st.sampled_from(["D1", "C1"]), "thread_ts": timestamps.filter(bool)},
            optional={"user_id": maybe(ids), "context": st.dictionaries(st.text(max_size=12), json_values)},
        ),
    },
    optional={
        "user": maybe(ids),
        "channel": maybe(ids),
        "text": maybe(command_texts),
        "ts": maybe(timestamps),
        "thread_ts": maybe(timestamps),
        "channel_type": maybe(st.sampled_from(["im", "channel", "group", "mpim"])),
        "subtype": maybe(st.sampled_from(["bot_message", "message_changed", "message_deleted", "file_share"])),
        "bot_id": maybe(ids),
        "tab": maybe(st.sampled_from(["home", "messages"])),
        "message": st.dictionaries(st.sampled_from(["text", "user", "ts", "thread_ts", "subtype"]), json_values),
    },
)
events = maybe(
    st.builds(lambda extra, fields: extra | fields, st.dictionaries(st.text(max_size=12), json_values), event_fields)
)

action_ids = st.one_of(
    st.sampled_from(["feedback_up", "feedback_down", "share_answer", "done_free", "done_pick:kanagawa-requirements"]),
    st.text(max_size=30).map("done_pick:".__add__),
    st.text(max_size=20),
)
action_values = st.sampled_from(["1", "-1", "2147483648", "9" * 30, "kanagawa-requirements"]) | command_texts
actions = st.fixed_dictionaries(
    {"action_id": maybe(action_ids)},
    optional={"type": maybe(st.just("button")), "value": maybe(action_values), "block_id": maybe(st.text(max_size=20))},
)
# Values of any type for these; response_url is only ever dropped, so that nothing posts to a random URL.
PAYLOAD_KEYS = ["team", "user", "channel", "container", "message", "trigger_id", "api_app_id", "state"]
payload_changes = st.dictionaries(st.sampled_from(PAYLOAD_KEYS), json_values, max_size=3)
payload_drops = st.sets(st.sampled_from([*PAYLOAD_KEYS, "response_url", "actions"]), max_size=3)


def test_any_command_text(slack, fake_slack):
    sent = {}

    @FUZZ
    @given(text=command_texts, user=st.sampled_from(["U1", "U2", "U3"]))
    def send(text, user):
        name = reply_to(slack, fake_slack, sent, text)
        check(slack.command(text, user=user), name, text)

    send()
    check_after_fuzzing(slack, fake_slack, sent)


def test_any_event(slack, fake_slack):
    @FUZZ
    @given(event=events)
    def send(event):
        assume(not LEAK.search(json.dumps(event, ensure_ascii=False)))
        check(slack.event(event), "event", event)

    send()
    check_after_fuzzing(slack, fake_slack, {})


def test_any_button_click(slack, fake_slack):
    sent = {}

    @FUZZ
    @given(clicked=maybe(st.lists(actions, max_size=3)), changes=payload_changes, drops=payload_drops)
    def send(clicked, changes, drops):
        name = reply_to(slack, fake_slack, sent, clicked)
        payload = {k: v for k, v in (slack.block_actions(clicked) | changes).items() if k not in drops}
        assume(not LEAK.search(json.dumps(payload, ensure_ascii=False)))
        check(slack.form({"payload": json.dumps(payload)}), name, payload)

    send()
    check_after_fuzzing(slack, fake_slack, sent)


_names = itertools.count(1)


def reply_to(slack, fake_slack, sent: dict, what) -> str:
    """A response_url of its own for each example, so that a bad reply names the input that caused it."""
    name = f"fuzz-{next(_names)}"
    slack.response_url = fake_slack.response_url(name)
    sent[name] = what
    return name


def check(response, name: str, what) -> None:
    assert response.status < 500, f"{response.status} for {name}: {what!r}"
    assert not LEAK.search(response.body), f"the ack for {name} ({what!r}) shows a traceback: {response.body}"


def check_after_fuzzing(slack, fake_slack, sent: dict) -> None:
    wait_until_quiet(fake_slack)
    leaks = [
        (sent.get(call.path.rsplit("/", 1)[-1], call.method), call.args)
        for call in list(fake_slack.calls)
        if LEAK.search(json.dumps(call.args, ensure_ascii=False))
    ]
    assert leaks == [], f"replies showing a traceback (input, reply): {leaks[:5]}"
    fake_slack.reset_calls()
    slack.response_url = fake_slack.response_url("after-fuzzing")
    response = slack.command("help")
    assert response.status == 200
    assert "/dx done" in response.body or "/dx done" in fake_slack.reply_text()


def wait_until_quiet(fake_slack, quiet: float = 1.0, limit: float = 30.0) -> None:
    """Until the work still running after the acks stops calling the fake Slack."""
    deadline = time.monotonic() + limit
    seen = -1
    while len(fake_slack.calls) != seen and time.monotonic() < deadline:
        seen = len(fake_slack.calls)
        time.sleep(quiet)
