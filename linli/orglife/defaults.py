"""The statutory rhythm (中国共产党支部工作条例(试行), domain rules §2): item → period, per kind of organisation.

Seeded into ``RhythmRule`` by migration 0002; used as-is when that table is empty (e.g. right after a flush).
"""

DEFAULT_RHYTHM = [
    # (item, applies to, period)
    ("general_assembly", "branch", "quarter"),
    ("committee", "branch", "month"),
    ("party_lecture", "branch", "quarter"),
    ("theme_day", "branch", "month"),
    ("life_meeting", "branch", "year"),
    ("evaluation", "branch", "year"),
    ("heart_talk", "branch", "year"),
    ("general_assembly", "general_branch", "quarter"),
    ("committee", "general_branch", "month"),
    ("party_lecture", "general_branch", "quarter"),
    ("theme_day", "general_branch", "month"),
    ("life_meeting", "general_branch", "year"),
    ("evaluation", "general_branch", "year"),
    ("heart_talk", "general_branch", "year"),
    ("group_meeting", "group", "month"),
]
