"""The text engine without a database: input checks, tokens, rules, urgency, duplicate scores, the learned model."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from linli.assistant.engine import duplicates, keywords, learned, synthetic, urgency
from linli.assistant.engine.text import MAX_CHARS, check_text, words


@pytest.mark.parametrize(
    "text",
    ["", "   ", "电" * (MAX_CHARS + 1), "楼道\x00\x01灯坏了", "<script>alert(1)</script>路灯坏了", "!!!…。。"],
)
def test_bad_text_is_refused_with_a_field_error(text):
    with pytest.raises(ValidationError) as exc:
        check_text(text)
    assert "text" in exc.value.message_dict


def test_bad_type_is_refused():
    with pytest.raises(ValidationError):
        check_text(b"\x89PNG")


def test_community_words_stay_whole():
    got = words("网格员说要吹哨报到，楼下有人飞线充电给电瓶车充")
    for w in ("网格员", "吹哨报到", "飞线充电", "电瓶车"):
        assert w in got


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("3栋电梯困人了，快来", "trapped"),
        ("楼道里有很浓的燃气味", "gas"),
        ("五楼阳台冒烟了", "fire"),
        ("楼下有个老人摔倒了起不来", "fall"),
    ],
)
def test_urgency_flags(text, code):
    assert code in [f["code"] for f in urgency.flags(text)]


def test_a_fire_hazard_is_not_a_fire():
    assert urgency.flags("楼道堆杂物有火灾隐患") == []


def test_keyword_rules_rank_with_their_words():
    ranked = keywords.builtin_rules().classify("楼道里有人飞线给电动车充电")
    code, conf, found = ranked[0]
    assert code == "flying-wire" and conf > 0.5 and "飞线" in found


def test_keyword_rules_fall_back_to_other():
    assert keywords.builtin_rules().classify("你好")[0][0] == "other"


def test_duplicate_score_needs_the_same_compound_and_recent_days():
    a, b = "3栋电梯坏了停在10楼", "3栋的电梯故障，停在十楼不动"
    near = duplicates.score(a, b, same_building=True, same_compound=True, days_apart=1, same_category=True)
    assert near >= duplicates.THRESHOLD
    assert duplicates.score(a, b, same_building=False, same_compound=False, days_apart=1, same_category=True) == 0
    assert duplicates.score(a, b, same_building=True, same_compound=True, days_apart=30, same_category=True) == 0
    other = duplicates.score(a, "楼下烧烤店半夜吵", same_building=True, same_compound=True, days_apart=1,
                             same_category=False)  # fmt: skip
    assert other < duplicates.THRESHOLD


def test_learned_router_ranks_saves_and_loads():
    history = synthetic.history(800, seed=3)
    texts, codes, orgs = zip(*history, strict=True)
    router = learned.train(list(texts), list(codes), list(orgs))
    ranked = router.rank("电梯又停了，老人下不了楼", k=3)
    assert ranked[0][0] == "elevator" and len(ranked) == 3
    assert "电梯" in ranked[0][2]
    again = learned.Router.loads(router.dumps())
    assert again.rank("电梯又停了，老人下不了楼", k=1)[0][0] == "elevator"
    assert again.org_by_category["elevator"] == "市场监管局"


def test_held_out_slice_is_fixed_and_disjoint():
    train, test = learned.held_out(100)
    assert len(test) == 20 and not set(train) & set(test)
    assert learned.held_out(100) == (train, test)


def test_score_confusion_matrix():
    s = learned.score([["a", "b"], ["b", "a"], ["a"]], ["a", "a", "b"], labels=["a", "b"])
    assert s["top1"] == round(1 / 3, 4) and s["top3"] == round(2 / 3, 4)
    assert s["confusion"] == [[1, 1], [1, 0]]
