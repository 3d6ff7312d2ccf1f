"""Cold start: keyword rules from the category tree.

Each top-level category gathers the names and the ``keywords`` of itself and its sub-categories, plus the built-in
words below for the default tree (written from practice, before and apart from the evaluation set). A text scores
the summed length of the words it contains; the best score wins, the words found are the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .text import normalise

#: words residents use, per default top-level category code (editable per category in the tree's keywords)
BUILTIN: dict[str, tuple[str, ...]] = {
    "property": ("物业", "保安", "门禁", "单元门", "维修基金", "物业费", "保洁", "绿化", "公共设施", "防盗门", "水管"),
    "elevator": ("电梯", "轿厢", "困人", "停运", "维保"),
    "sanitation": ("垃圾", "清运", "卫生", "异味", "臭", "保洁", "垃圾桶", "老鼠", "蚊蝇", "脏乱"),
    "municipal": ("路灯", "道路", "路面", "坑", "井盖", "窨井", "下水道", "积水", "排水", "管网", "破损", "人行道"),
    "parking": ("停车", "占道", "车位", "乱停", "僵尸车", "挡住", "堵门"),
    "fire-safety": ("消防", "灭火器", "消防栓", "消防通道", "疏散", "堆放杂物", "火灾隐患", "生命通道", "烟感"),
    "flying-wire": ("飞线", "充电", "电动车", "电瓶车", "拉线", "私拉电线", "插线板", "充电桩"),
    "noise": ("噪音", "扰民", "吵", "装修", "广场舞", "喇叭", "施工", "半夜"),
    "illegal-building": ("违建", "违章", "搭建", "彩钢棚", "加盖", "圈地", "私建", "阳光房"),
    "dogs": ("狗", "犬", "遛狗", "牵绳", "狗屎", "咬人", "狂吠"),
    "neighbour-dispute": ("邻居", "纠纷", "协调", "漏水", "楼上", "吵架", "矛盾"),
    "policy": ("咨询", "申请", "办理", "补贴", "津贴", "低保", "政策", "居住证", "医保", "养老"),
    "other": (),
}


@dataclass
class RuleSet:
    """Words per top-level category code; ``names`` for the labels."""

    words: dict[str, list[str]] = field(default_factory=dict)
    fallback: str = "other"

    def classify(self, text: str) -> list[tuple[str, float, list[str]]]:
        """[(code, confidence, matched words)] best first, every category once."""
        norm = normalise(text)
        scored = []
        for code, words in self.words.items():
            found = [w for w in words if w and w in norm]
            scored.append((code, float(sum(len(w) for w in found)), found))
        total = sum(s for _, s, _ in scored)
        if total == 0:
            rest = [(c, 0.0, []) for c, _, _ in scored if c != self.fallback]
            return [(self.fallback, 1.0, []), *rest]
        scored.sort(key=lambda t: (-t[1], t[0]))
        return [(c, s / total, f) for c, s, f in scored]


def builtin_rules() -> RuleSet:
    return RuleSet({code: list(words) for code, words in BUILTIN.items()})


def rules_from_tree(categories) -> RuleSet:
    """Rules over the active category tree: each top-level category with its own and its children's names and
    keywords, and the built-in words of its code."""
    tops = {}
    for c in categories:
        if c.parent_id is None:
            tops.setdefault(c.code, set()).update([c.name, *c.keyword_list, *BUILTIN.get(c.code, ())])
    for c in categories:
        if c.parent_id is not None and c.parent.code in tops:
            tops[c.parent.code].update([c.name, *c.keyword_list])
    for words in tops.values():
        words.discard("其他")
    return RuleSet({code: sorted(words, key=len, reverse=True) for code, words in tops.items()})
