"""`/dx check`: the skill check modal over signed HTTP, its plan for a beginner and an expert, the saved SkillCheck,
unanswered questions, taking the suggested track; and the questionnaire data's validation."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from db import repo
from db.models import SkillCheck
from knowledge import kb
from knowledge import skill_check as skill
from knowledge.kb import KnowledgeError

IT_BASICS = "kanagawa-it-basics-10h"
FE = "kanagawa-fe-fastest"
COMMON = ["kanagawa-process-reform", "kanagawa-dx-mindset", "kanagawa-requirements"]


def view_of(call) -> dict:
    view = call.args["view"]
    return json.loads(view) if isinstance(view, str) else view


def opened_modal(fake_slack, count: int = 1) -> dict:
    return view_of(fake_slack.wait_for("views.open", count)[count - 1])


def questions(services):
    return services.questionnaire.questions


def submit(slack, picks: dict[str, int | None], lang: str = "ja", user: str = "U1"):
    """The modal sent with option `picks[question]` chosen (None: left unanswered)."""
    values = {
        question: {"answer": {"type": "radio_buttons", "selected_option": None if n is None else {"value": str(n)}}}
        for question, n in picks.items()
    }
    return slack.form({"payload": json.dumps(slack.view_submission("skill_check", values, user, lang))})


def every(services, n: int, **overrides: int | None) -> dict[str, int | None]:
    return {q.id: n for q in questions(services)} | overrides


def checks(services) -> list[SkillCheck]:
    with services.db.scope() as session:
        return list(session.scalars(select(SkillCheck).order_by(SkillCheck.id)))


def test_dx_check_opens_the_questionnaire_in_japanese_and_english(slack, fake_slack, services):
    response = slack.command("check")
    assert (response.status, response.body) == (200, "")  # acked with nothing to show: the modal is the answer
    view = opened_modal(fake_slack)
    assert view["callback_id"] == "skill_check" and view["private_metadata"] == "ja"
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert 8 <= len(inputs) <= 12 and [b["block_id"] for b in inputs] == [q.id for q in questions(services)]
    labels = [b["label"]["text"] for b in inputs]
    assert labels[0].startswith("1. 【リテラシー】") and all(
        any(a in x for x in labels) for a in ("【活用】", "【専門】")
    )
    assert all(b["element"]["type"] == "radio_buttons" and len(b["element"]["options"]) >= 2 for b in inputs)

    slack.command("スキルチェック")
    assert opened_modal(fake_slack, 2)["private_metadata"] == "ja"
    slack.command("check en")
    english = opened_modal(fake_slack, 3)
    assert english["private_metadata"] == "en" and english["title"]["text"] == "DX skill check"
    assert "[literacy]" in english["blocks"][1]["label"]["text"]


def test_a_beginner_is_suggested_the_business_track_and_its_path_first(slack, fake_slack, services):
    response = submit(slack, every(services, 0, **{"specialist-it": 1}))
    assert response.status == 200
    answer = json.loads(response.body)
    assert answer["response_action"] == "update"
    shown = json.dumps(answer["view"], ensure_ascii=False)
    assert "事業系デジタル人材" in shown and "ITパスポート試験レベル" in shown and "「専門」が11%" in shown
    [saved] = checks(services)
    assert saved.track == "business"
    # The path's required course, its recommended ones, then the weakest area's (リテラシー, tied: the first).
    assert saved.plan == [IT_BASICS, *COMMON]
    assert saved.scores == {"literacy": 0, "application": 0, "specialist": 11}
    assert saved.answers["specialist-it"] == 1 and len(saved.answers) == len(questions(services))
    assert shown.index("たった10時間") < shown.index("手を動かして学ぶ")
    assert "skill_check_adopt" in shown  # no track yet: the button takes the suggested one


def test_an_expert_gets_the_ict_track_without_the_courses_they_finished(slack, fake_slack, services, municipality):
    slack.command("join 横須賀市")
    slack.command("done 基本情報技術者試験")
    slack.command("done プロセス改革")
    response = submit(slack, every(services, 3, **{"literacy-tools": 0, "literacy-dx": 1}), lang="en")
    shown = json.dumps(json.loads(response.body)["view"], ensure_ascii=False)
    assert "Suggested track: ICT" in shown and "2 course(s) you already finished" in shown
    [saved] = checks(services)
    assert saved.track == "ict" and saved.scores["literacy"] == 58
    # Finished ones skipped; then the weakest area's (literacy) courses not yet on the plan.
    assert saved.plan == ["kanagawa-dx-mindset", "kanagawa-requirements", IT_BASICS]
    assert "to strengthen literacy" in shown


def test_unanswered_questions_come_back_as_errors_and_nothing_is_saved(slack, fake_slack, services):
    first, *_, last = [q.id for q in questions(services)]
    response = submit(slack, every(services, 2, **{first: None, last: 99}))
    assert response.status == 200
    answer = json.loads(response.body)
    assert answer["response_action"] == "errors" and set(answer["errors"]) == {first, last}
    assert "ほかの答えはそのまま" in answer["errors"][first]
    assert checks(services) == []
    english = json.loads(submit(slack, {first: 1}, lang="en").body)
    assert len(english["errors"]) == len(questions(services)) - 1 and "Please answer" in english["errors"][last]


def test_the_plan_button_takes_the_suggested_track(slack, fake_slack, services):
    slack.command("track business")
    plan = json.loads(submit(slack, every(services, 3)).body)["view"]
    assert "いまのコースは「事業系デジタル人材」" in json.dumps(plan, ensure_ascii=False)
    [button] = [b["accessory"] for b in plan["blocks"] if b.get("block_id") == "skill_check_track"]
    assert (button["action_id"], button["value"]) == ("skill_check_adopt", "ict")
    shown = plan | {"id": "V9", "hash": "h1"}
    payload = slack.block_actions([{"type": "button", "action_id": "skill_check_adopt", "value": "ict"}])
    payload |= {"container": {"type": "view", "view_id": "V9"}, "view": shown}
    del payload["response_url"], payload["channel"]
    assert slack.form({"payload": json.dumps(payload)}).status == 200
    [updated] = fake_slack.wait_for("views.update")
    assert (updated.args["view_id"], updated.args["hash"]) == ("V9", "h1")
    text = json.dumps(view_of(updated), ensure_ascii=False)
    assert "「ICT系デジタル人材」にしました" in text and "skill_check_adopt" not in text
    with services.db.scope() as session:
        assert repo.member(session, "T1", "U1").track == "ict"


def test_a_button_opens_the_same_questionnaire(slack, fake_slack, services):
    assert slack.action("skill_check_open", "en").status == 200
    view = opened_modal(fake_slack)
    assert view["callback_id"] == "skill_check" and view["private_metadata"] == "en"


# --- the data ---------------------------------------------------------------------------------------


def test_the_shipped_questionnaire_is_valid_and_sourced():
    knowledge = kb.load()
    questionnaire = skill.load(knowledge.courses)
    assert {q.area for q in questionnaire.questions} == {"literacy", "application", "specialist"}
    assert {s.file for s in questionnaire.sources} == {"000_486f6aefeeac509d.txt", "004_49c64ad8f79fdc11.txt"}


def test_a_broken_questionnaire_is_refused_with_every_problem(tmp_path):
    courses = kb.load().courses
    broken = tmp_path / "skill_check.yaml"
    broken.write_text(
        """
id: broken
as_of: 2024-08-01
sources: [{document: 庁内資料, file: mine.txt}]
track_rule: {area: expert, ict_from: 0.5}
areas:
  - {id: literacy, name: リテラシー, name_en: literacy, courses: [no-such-course]}
questions:
  - id: q1
    area: nowhere
    text: 質問
    text_en: question
    options: [{score: 0, text: いいえ, text_en: "no"}, {score: 0, text: はい, text_en: "yes"}]
""",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError) as refused:
        skill.load(courses, broken)
    text = str(refused.value)
    for problem in ("area 'nowhere'", "area 'literacy' has no question", "every option scores 0", "'expert'"):
        assert problem in text
    fixed = {
        "area: nowhere": "area: literacy",
        "score: 0, text: はい": "score: 1, text: はい",
        "area: expert": "area: literacy",
    }
    text = broken.read_text(encoding="utf-8")
    for wrong, right in fixed.items():
        text = text.replace(wrong, right)
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match="no-such-course"):
        skill.load(courses, broken)


def test_a_modal_slack_would_not_open_gets_an_apology(slack, fake_slack, services):
    fake_slack.fail_next("views.open", "expired_trigger_id")
    assert slack.command("check").status == 200
    assert "申し訳ありません" in fake_slack.reply_text()
