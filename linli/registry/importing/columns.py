"""The columns of the three import templates, the values their choice columns accept, and the templates.

Column headers and choice labels are Chinese *file-format constants* (like a field name in an API), not
user-interface text: a file filled in under the English interface must import under the Chinese one and
the other way round. What each column accepts is explained in the user's language on the template's
second sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from linli.core.validators import id_check_char
from linli.core.xlsx import BOLD, Book
from linli.orgs.models import OrgKind
from linli.registry.models import (
    Education,
    Gender,
    IdType,
    ImportKind,
    PoliticalStatus,
    Relation,
    ResidenceStatus,
)


class Choices:
    """Accepted labels (Chinese, plus the stored codes themselves) for one choice column."""

    def __init__(self, canonical: dict[str, str], aliases: dict[str, str] | None = None):
        self.canonical = canonical  # value -> the label written in templates and exports
        self.lookup = {label: value for value, label in canonical.items()}
        self.lookup.update(aliases or {})
        self.lookup.update({value: value for value in canonical})

    def parse(self, raw: str) -> str | None:
        found = self.lookup.get(raw)
        if found is not None:
            return found
        key = "".join(raw.split())
        return self.lookup.get(key, self.lookup.get(key.lower()))

    def label(self, value: str) -> str:
        return self.canonical.get(value, "")

    @property
    def labels(self) -> list[str]:
        return list(self.canonical.values())


ID_TYPES = Choices(
    {
        IdType.ID_CARD: "居民身份证",
        IdType.PASSPORT: "护照",
        IdType.HMT_RESIDENCE: "港澳台居民居住证",
        IdType.FOREIGN_PR: "外国人永久居留证",
    },
    {
        "身份证": IdType.ID_CARD,
        "港澳居民居住证": IdType.HMT_RESIDENCE,
        "台湾居民居住证": IdType.HMT_RESIDENCE,
        "外国人永久居留身份证": IdType.FOREIGN_PR,
    },
)
GENDERS = Choices({Gender.MALE: "男", Gender.FEMALE: "女", Gender.UNKNOWN: "未知"}, {"男性": "M", "女性": "F"})
POLITICAL = Choices(
    {
        PoliticalStatus.MASSES: "群众",
        PoliticalStatus.CPC_MEMBER: "中共党员",
        PoliticalStatus.CPC_PROBATIONARY: "中共预备党员",
        PoliticalStatus.CYL_MEMBER: "共青团员",
        PoliticalStatus.DEMOCRATIC_PARTY: "民主党派",
        PoliticalStatus.NON_PARTISAN: "无党派人士",
    },
    {
        "党员": PoliticalStatus.CPC_MEMBER,
        "预备党员": PoliticalStatus.CPC_PROBATIONARY,
        "团员": PoliticalStatus.CYL_MEMBER,
        "民主党派成员": PoliticalStatus.DEMOCRATIC_PARTY,
    },
)
RESIDENCE = Choices(
    {
        ResidenceStatus.REGISTERED: "户籍",
        ResidenceStatus.PERMANENT: "常住",
        ResidenceStatus.FLOATING: "流动",
        ResidenceStatus.AWAY: "户在人不在",
    },
    {
        "户籍人口": ResidenceStatus.REGISTERED,
        "常住人口": ResidenceStatus.PERMANENT,
        "流动人口": ResidenceStatus.FLOATING,
        "人户分离": ResidenceStatus.AWAY,
    },
)
EDUCATION = Choices(
    {
        Education.NONE: "未上学",
        Education.PRIMARY: "小学",
        Education.JUNIOR: "初中",
        Education.SENIOR: "高中/中专",
        Education.COLLEGE: "大专",
        Education.BACHELOR: "本科",
        Education.POSTGRADUATE: "研究生",
    },
    {
        "高中": Education.SENIOR,
        "中专": Education.SENIOR,
        "职高": Education.SENIOR,
        "技校": Education.SENIOR,
        "文盲": Education.NONE,
        "专科": Education.COLLEGE,
        "大学本科": Education.BACHELOR,
        "硕士": Education.POSTGRADUATE,
        "博士": Education.POSTGRADUATE,
    },
)
RELATIONS = Choices(
    {
        Relation.HEAD: "户主",
        Relation.SPOUSE: "配偶",
        Relation.CHILD: "子女",
        Relation.PARENT: "父母",
        Relation.GRANDCHILD: "孙子女",
        Relation.GRANDPARENT: "祖父母",
        Relation.SIBLING: "兄弟姐妹",
        Relation.CHILD_IN_LAW: "儿媳/女婿",
        Relation.OTHER_RELATIVE: "其他亲属",
        Relation.OTHER: "其他",
    },
    {
        "本人": Relation.HEAD,
        "妻": Relation.SPOUSE,
        "夫": Relation.SPOUSE,
        "妻子": Relation.SPOUSE,
        "丈夫": Relation.SPOUSE,
        "子": Relation.CHILD,
        "女": Relation.CHILD,
        "儿子": Relation.CHILD,
        "女儿": Relation.CHILD,
        "父亲": Relation.PARENT,
        "母亲": Relation.PARENT,
        "孙子": Relation.GRANDCHILD,
        "孙女": Relation.GRANDCHILD,
        "儿媳": Relation.CHILD_IN_LAW,
        "女婿": Relation.CHILD_IN_LAW,
    },
)
ORG_KINDS = Choices(
    {
        OrgKind.STATIONED: "驻区单位",
        OrgKind.ENTERPRISE: "企业",
        OrgKind.SOCIAL: "社会组织",
        OrgKind.DEPARTMENT: "职能部门",
        OrgKind.PROPERTY: "物业公司",
        OrgKind.OTHER: "其他组织",
    },
    {"其他": OrgKind.OTHER},
)


def _example_id() -> str:
    first17 = "34050419900307123"
    return first17 + id_check_char(first17)


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's header (a file-format constant)
    accepts: Promise | str
    required: bool = False
    example: str = ""
    choices: Choices | None = None
    aliases: tuple[str, ...] = ()
    width: int = 14
    max_length: int | None = None


@dataclass(frozen=True)
class Spec:
    kind: str
    sheet: str
    columns: tuple[Column, ...]
    notes: tuple[Promise, ...] = field(default=())

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def column(self, key: str) -> Column:
        return self.by_key[key]

    @property
    def by_key(self) -> dict[str, Column]:
        cached = self.__dict__.get("_by_key")
        if cached is None:
            cached = {c.key: c for c in self.columns}
            object.__setattr__(self, "_by_key", cached)
        return cached

    def header_lookup(self) -> dict[str, str]:
        out = {}
        for c in self.columns:
            out[normalise_header(c.header)] = c.key
            for alias in c.aliases:
                out[normalise_header(alias)] = c.key
        return out


def normalise_header(raw) -> str:
    text = re.sub(r"\s+", "", str(raw or ""))
    text = re.sub(r"[（(][^）)]*[）)]$", "", text)  # "姓名（必填）"
    return text.strip("*＊")


PLACE_CODE = _("The code of a house (24 digits), as shown on the place pages. Type it as text.")

RESIDENTS = Spec(
    ImportKind.RESIDENTS,
    "居民",
    (
        Column(
            "record",
            "档案编号",
            _(
                "Leave empty for a new person. Filled in by an export: the row then updates "
                "that record, and an empty cell keeps what is stored."
            ),
            width=10,
        ),
        Column("name", "姓名", _("Full name, at most 50 characters."), required=True, example="张三丰", max_length=50),
        Column(
            "id_type",
            "证件类型",
            _("One of the listed document types; empty means resident identity card."),
            example="居民身份证",
            choices=ID_TYPES,
        ),
        Column(
            "id_number",
            "证件号码",
            _(
                "Required for a new person. An 18-digit ID card number (15-digit legacy "
                "numbers are converted) with a correct check character, or the document "
                "number. Type it as text. Birth date and gender are read from it."
            ),
            required=True,
            example=_example_id(),
            aliases=("身份证号", "身份证号码", "公民身份号码"),
            width=22,
        ),
        Column(
            "phone",
            "手机号码",
            _("An 11-digit mobile number or a landline such as 0555-2345678. Optional."),
            example="13812345678",
            aliases=("联系电话", "电话", "手机号"),
            width=15,
        ),
        Column(
            "gender",
            "性别",
            _("男 or 女. Optional: taken from the ID card number."),
            example="男",
            choices=GENDERS,
            width=8,
        ),
        Column(
            "birth_date",
            "出生日期",
            _("A date such as 1990-03-07. Optional: taken from the ID card number."),
            example="1990-03-07",
            width=12,
        ),
        Column(
            "ethnicity",
            "民族",
            _("E.g. 汉族, at most 20 characters. Optional."),
            example="汉族",
            max_length=20,
            width=10,
        ),
        Column(
            "political_status",
            "政治面貌",
            _("One of the listed values; empty means 群众."),
            example="群众",
            choices=POLITICAL,
        ),
        Column(
            "residence_status",
            "居住状态",
            _("户籍, 常住, 流动 or 户在人不在; empty means 常住."),
            example="常住",
            choices=RESIDENCE,
            aliases=("人口类型",),
        ),
        Column(
            "employer",
            "工作单位",
            _("At most 100 characters. Optional."),
            example="马鞍山市某某公司",
            max_length=100,
            aliases=("工作单位或学校",),
            width=22,
        ),
        Column(
            "education",
            "文化程度",
            _("One of the listed values. Optional."),
            example="本科",
            choices=EDUCATION,
            aliases=("学历",),
        ),
        Column(
            "house",
            "房屋编码",
            PLACE_CODE,
            required=True,
            example="340504001001001001010101",
            aliases=("房屋代码",),
            width=27,
        ),
        Column("notes", "备注", _("Anything else. Optional."), width=20),
    ),
)

HOUSEHOLDS = Spec(
    ImportKind.HOUSEHOLDS,
    "户",
    (
        Column(
            "number",
            "户号",
            _(
                "The household number. Empty: a number is assigned, and all rows of the same "
                "house without a number form one household."
            ),
            width=18,
            max_length=32,
        ),
        Column("house", "房屋编码", PLACE_CODE, required=True, example="340504001001001001010101", width=27),
        Column(
            "id_type",
            "证件类型",
            _("The member's document type; empty means resident identity card."),
            example="居民身份证",
            choices=ID_TYPES,
        ),
        Column(
            "id_number",
            "成员证件号码",
            _("The member's document number. The person must be registered already (import the residents first)."),
            required=True,
            example=_example_id(),
            aliases=("证件号码", "身份证号码"),
            width=22,
        ),
        Column(
            "name",
            "姓名",
            _("The member's name, checked against the registered name. Optional."),
            example="张三丰",
            max_length=50,
        ),
        Column(
            "relation",
            "与户主关系",
            _("户主 for the head (exactly one per household), otherwise one of the listed relations."),
            required=True,
            example="户主",
            choices=RELATIONS,
        ),
        Column(
            "since",
            "迁入日期",
            _("The date the member moved in, such as 2020-05-01. Empty means today."),
            example="2020-05-01",
            width=12,
        ),
    ),
)

ORGANISATIONS = Spec(
    ImportKind.ORGANISATIONS,
    "单位",
    (
        Column(
            "name",
            "单位名称",
            _("The full registered name, at most 100 characters."),
            required=True,
            example="马鞍山市某某科技有限公司",
            aliases=("名称",),
            max_length=100,
            width=26,
        ),
        Column("short_name", "简称", _("At most 30 characters. Optional."), max_length=30),
        Column(
            "kind",
            "单位类型",
            _("One of the listed kinds."),
            required=True,
            example="企业",
            choices=ORG_KINDS,
            aliases=("类型",),
        ),
        Column(
            "credit_code",
            "统一社会信用代码",
            _("18 characters with a correct check character. Optional."),
            example="91340500MA2N0X1Y2N",
            width=22,
        ),
        Column(
            "area",
            "所在区域编码",
            _("The 12-digit code of the district, street or community the organisation serves or sits in."),
            required=True,
            example="340504001001",
            aliases=("区域编码",),
            width=16,
        ),
        Column("contact_name", "联系人", _("At most 30 characters. Optional."), max_length=30),
        Column(
            "contact_phone",
            "办公电话",
            _("A mobile number or a landline such as 0555-2345678. Optional."),
            example="0555-2345678",
            aliases=("联系电话",),
            width=15,
        ),
        Column("address", "地址", _("At most 200 characters. Optional."), max_length=200, width=26),
    ),
)

SPECS = {s.kind: s for s in (RESIDENTS, HOUSEHOLDS, ORGANISATIONS)}

GENERAL_NOTES = (
    _("Fill in the first sheet only, one row per record, starting in the row below the column names."),
    _("Do not merge cells and do not use formulas: type the values themselves."),
    _("Type ID numbers, phone numbers and codes as text (the columns of this template already are text)."),
    _(
        "At most %(rows)s rows and %(mb)s MB per file. Nothing is imported while any row has an error: the check "
        "lists every problem by row and column."
    ),
)

HEADER_FILL = PatternFill("solid", fgColor="FFF2CC")
REQUIRED_FONT = Font(bold=True, color="C00000")


def build_template(kind: str, *, max_rows: int, max_mb: int) -> bytes:
    """The xlsx template of ``kind``: the data sheet (headers, text columns, drop-down lists) and a guide."""
    spec = SPECS[kind]
    book = Book()
    ws = book.sheet(spec.sheet)
    for i, col in enumerate(spec.columns):
        ws.column(i, width=col.width, number_format="@")
        if col.choices is not None:
            letter = get_column_letter(i + 1)
            dv = DataValidation(
                type="list", formula1='"' + ",".join(col.choices.labels) + '"', allow_blank=True, showErrorMessage=False
            )
            dv.add(f"{letter}2:{letter}{max_rows + 1}")
            ws.validate(dv)
    ws.freeze("A2")
    ws.append(
        [col.header for col in spec.columns],
        fill=HEADER_FILL,
        styles=[{"font": REQUIRED_FONT if col.required else BOLD} for col in spec.columns],
    )
    guide = book.sheet(_g("Guide"), widths=[18, 10, 70, 26])
    guide.append([_g("Column"), _g("Required"), _g("What it accepts"), _g("Example")], bold=True, fill=HEADER_FILL)
    wrap = {"alignment": Alignment(wrap_text=True, vertical="top"), "number_format": "@"}
    for col in spec.columns:
        accepts = str(col.accepts)
        if col.choices is not None:
            accepts += " " + _g("Accepted values: %(values)s.") % {"values": "、".join(col.choices.labels)}
        guide.append([col.header, _g("yes") if col.required else "", accepts, col.example], **wrap)
    guide.append([])
    for note in GENERAL_NOTES:
        guide.append([str(note) % {"rows": f"{max_rows:,}", "mb": max_mb} if "%(" in str(note) else str(note)], **wrap)
    return book.to_bytes()
