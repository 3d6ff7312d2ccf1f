"""Default indicators and settings (domain rules §10: substantive outcomes; study hours are not scored by default)."""

from decimal import Decimal

from django.db import migrations

D = Decimal
# card, code, label, provider, target, max points, weight, order
DEFAULTS = [
    ("branch", "compliance", "组织生活按期落实率", "orglife.compliance", D(100), D(50), D(1), 10),
    ("branch", "attendance", "党员参加组织生活率", "orglife.branch_attendance", D(90), D(25), D(1), 20),
    ("branch", "wishes", "党员完成微心愿", "wishes.branch_fulfilled", D(10), D(25), D(1), 30),
    ("branch", "learning", "学习完成率（参考，不计分）", "learning.branch_completion", D(100), D(10), D(0), 90),
    ("member", "attendance", "参加组织生活", "orglife.attendance", D(90), D(40), D(1), 10),
    ("member", "grade", "民主评议等次", "orglife.grade", D(100), D(30), D(1), 20),
    ("member", "volunteer", "志愿服务时长", "volunteering.member_hours", D(20), D(15), D(1), 30),
    ("member", "wishes", "认领并完成微心愿", "wishes.member_fulfilled", D(2), D(15), D(1), 40),
    ("member", "learning", "学习完成率（参考，不计分）", "learning.member_completion", D(100), D(10), D(0), 90),
    ("org", "commitments", "共建承诺践诺率", "alliance.commitments", D(100), D(40), D(1), 10),
    ("org", "meetings", "参加联席会议（季度）", "alliance.meetings", D(4), D(20), D(1), 20),
    ("org", "problems", "解决查摆问题", "alliance.problems", D(2), D(20), D(1), 30),
    ("org", "wishes", "认领并完成微心愿", "alliance.wishes", D(3), D(10), D(1), 40),
    ("org", "activities", "参与志愿服务活动", "alliance.activities", D(4), D(10), D(1), 50),
    ("inservice", "hours", "社区服务时长", "party.service_hours", D(50), D(50), D(1), 10),
    ("inservice", "quarters", "按季度到社区服务", "party.service_quarters", D(4), D(30), D(1), 20),
    ("inservice", "wishes", "认领并完成微心愿", "wishes.inservice_fulfilled", D(2), D(20), D(1), 30),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("scorecards", "Indicator")
    CardSettings = apps.get_model("scorecards", "CardSettings")
    for card, code, label, provider, target, max_points, weight, order in DEFAULTS:
        Indicator.objects.get_or_create(card_type=card, code=code, defaults={
            "label": label, "provider": provider, "target": target, "max_points": max_points, "weight": weight,
            "order": order})
    for card in ("branch", "member", "org", "inservice"):
        CardSettings.objects.get_or_create(card_type=card)


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
