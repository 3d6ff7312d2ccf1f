"""Default categories, time limits (domain rules §4) and the satisfaction scale; all editable afterwards."""

from django.db import migrations

CATEGORIES = [
    # code, name, parent code, property company first
    ("property", "物业管理", None, True),
    ("property-service", "物业服务质量", "property", True),
    ("property-repair", "公共设施维修", "property", True),
    ("elevator", "电梯", None, True),
    ("sanitation", "环境卫生", None, False),
    ("sanitation-garbage", "垃圾清运", "sanitation", False),
    ("municipal", "市政设施", None, False),
    ("municipal-road", "道路破损", "municipal", False),
    ("municipal-light", "路灯", "municipal", False),
    ("municipal-drain", "排水管网", "municipal", False),
    ("parking", "停车", None, False),
    ("fire-safety", "消防安全", None, False),
    ("fire-passage", "消防通道堵塞", "fire-safety", False),
    ("flying-wire", "飞线充电", None, False),
    ("noise", "噪音", None, False),
    ("illegal-building", "违章搭建", None, False),
    ("dogs", "不文明养犬", None, False),
    ("neighbour-dispute", "邻里纠纷", None, False),
    ("policy", "政策咨询", None, False),
    ("other", "其他", None, False),
]

LIMITS = [("", 1, 10), ("consult", 1, 3), ("help", 1, 5), ("complaint", 1, 10), ("report", 1, 10),
          ("suggestion", 1, 10), ("praise", 1, 10)]

VERDICTS = [
    ("satisfied", "满意", True, False, 10, ["问题已解决", "处理及时", "态度好"]),
    ("basic", "基本满意", True, False, 20, ["部分解决", "处理较慢"]),
    ("unsatisfied", "不满意", False, True, 30, ["问题未解决", "处理不及时", "未联系我", "态度不好"]),
]


def seed(apps, schema_editor):
    Category = apps.get_model("workorders", "Category")
    TimeLimit = apps.get_model("workorders", "TimeLimit")
    VerdictLevel = apps.get_model("workorders", "VerdictLevel")
    VerdictReason = apps.get_model("workorders", "VerdictReason")
    made = {}
    for sort, (code, name, parent, prop) in enumerate(CATEGORIES, start=1):
        made[code] = Category.objects.create(code=code, name=name, parent=made.get(parent),
                                             handled_by_property=prop, sort=sort * 10)
    for case_type, sign, handle in LIMITS:
        TimeLimit.objects.create(case_type=case_type, category=None, sign_days=sign, handle_days=handle)
    for code, label, satisfied, reopens, sort, reasons in VERDICTS:
        level = VerdictLevel.objects.create(code=code, label=label, counts_as_satisfied=satisfied, reopens=reopens,
                                            sort=sort)
        for n, text in enumerate(reasons):
            VerdictReason.objects.create(level=level, text=text, sort=n)


class Migration(migrations.Migration):
    dependencies = [("workorders", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
