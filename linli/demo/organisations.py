"""The demo district's organisations registry: 驻区单位, enterprises and social organisations (``seed_demo``).

All fictitious. Each has a 统一社会信用代码 that passes GB 32100 (registration authority and type
— 11 government body, 12 public institution, 51 social group, 52 private non-enterprise unit,
53 foundation, 91 company, 92 individual business —, the district's area code 340504, a 9-character
organisation code whose own check character follows GB 11714, and the mod-31 check character), an area
served (a street or community) and a location in the place tree within that area (a compound, or a
ground-floor shop for small businesses). They are created through ``orgs.services.organisation_create``,
so each is validated and audited.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from linli.core.validators import CREDIT_CODE_CHARS, credit_code_check_char

AREA_CODE = "340504"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Stationed units (驻区单位) of a whole street: (name template, credit-code prefix). {street} is the street name.
STREET_UNITS = [
    ("{street}社区卫生服务中心", "12"),
    ("马鞍山市公安局雨山分局{street}派出所", "11"),
    ("{street}中心小学", "12"),
    ("中国工商银行马鞍山{street}支行", "91"),
    ("中国邮政储蓄银行马鞍山{street}营业所", "91"),
    ("国网马鞍山供电公司{street}供电所", "91"),
]
DISTRICT_UNITS = [
    ("马鞍山市雨山区人民医院", "12"),
    ("马鞍山市第九中学", "12"),
    ("马鞍山市实验幼儿园雨山分园", "12"),
    ("雨山区消防救援大队", "11"),
    ("中国建设银行马鞍山湖东路支行", "91"),
    ("中国农业银行马鞍山雨山支行", "91"),
    ("马鞍山农村商业银行雨山支行", "91"),
    ("中国电信马鞍山分公司雨山营业部", "91"),
    ("中国移动马鞍山分公司雨山营业厅", "91"),
    ("马鞍山港华燃气雨山服务站", "91"),
    ("马鞍山市自来水公司雨山营业所", "91"),
    ("马鞍山市图书馆雨山分馆", "12"),
]
# Social organisations of a community: (name template, prefix). {community} is the community name.
COMMUNITY_SOCIAL = [
    ("{community}志愿者协会", "51"),
    ("{community}老年人协会", "51"),
    ("{community}居家养老服务站", "52"),
    ("{community}文体队", "51"),
]
DISTRICT_SOCIAL = [
    ("马鞍山市雨山区慈善基金会", "53"),
    ("马鞍山市雨山区社会工作服务中心", "52"),
    ("马鞍山市雨山区心理咨询服务中心", "52"),
    ("马鞍山市雨山区义工联合会", "51"),
    ("马鞍山市雨山区残疾人康复服务中心", "52"),
    ("马鞍山市雨山区青少年成长服务中心", "52"),
]
SHOPS = ["便利店", "超市", "理发店", "药房", "早餐店", "洗衣店", "五金店", "水果店", "面馆", "维修部"]


def org_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714): 8 characters and their check character."""
    alphabet = CREDIT_CODE_CHARS  # the characters a credit code allows
    body = (
        "MA" + "".join(rng.choice(alphabet) for _ in range(6))
        if rng.random() < 0.6
        else "".join(rng.choice("0123456789") for _ in range(8))
    )
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def credit_code(rng: random.Random, prefix: str, taken: set[str]) -> str:
    while True:
        first17 = prefix + AREA_CODE + org_code(rng)
        code = first17 + credit_code_check_char(first17)
        if code not in taken:
            taken.add(code)
            return code


@dataclass(frozen=True)
class OrgPlan:
    kind: str
    name: str
    short_name: str
    credit_code: str
    area_index: tuple[int, int | None]  # (street index, community index or None for the street)
    location: str  # "compound" | "shop"
    contact_name: str
    contact_phone: str
    address: str


def plan_organisations(
    rng: random.Random,
    faker,
    streets: list[str],
    communities: list[tuple[int, str, list[str]]],
    enterprises: int = 90,
    small: bool = False,
) -> list[OrgPlan]:
    """``communities``: (street index, name, roads). About 200 organisations at full size."""
    taken_codes: set[str] = set()
    taken_names: set[str] = set()
    plans: list[OrgPlan] = []

    def add(kind, name, prefix, street, community, location="compound", short=""):
        if name in taken_names:
            return
        taken_names.add(name)
        roads = (
            communities[community][2]
            if community is not None
            else [r for c in communities if c[0] == street for r in c[2]] or communities[0][2]
        )
        plans.append(
            OrgPlan(
                kind=kind,
                name=name,
                short_name=short,
                credit_code=credit_code(rng, prefix, taken_codes),
                area_index=(street, community),
                location=location,
                contact_name=faker.name(),
                contact_phone=f"0555-{rng.randint(2000000, 8999999)}",
                address=f"{rng.choice(roads)}{rng.randint(1, 399)}号",
            )
        )

    def community_of(street):
        options = [i for i, c in enumerate(communities) if c[0] == street]
        return rng.choice(options) if options else None

    for s, street in enumerate(streets):
        if all(c[0] != s for c in communities):
            continue
        units = STREET_UNITS[:2] if small else STREET_UNITS
        for template, prefix in units:
            add("stationed", template.format(street=street), prefix, s, None)
    for template, prefix in DISTRICT_UNITS[: 2 if small else None]:
        s = rng.choice(sorted({c[0] for c in communities}))
        add("stationed", template, prefix, s, community_of(s))
    for i, (s, community, _roads) in enumerate(communities):
        for template, prefix in COMMUNITY_SOCIAL[: 1 if small else None]:
            add("social", template.format(community=community), prefix, s, i)
    for template, prefix in DISTRICT_SOCIAL[: 1 if small else None]:
        s = rng.choice(sorted({c[0] for c in communities}))
        add("social", template, prefix, s, community_of(s))
    count = 0
    while count < enterprises:
        i = rng.randrange(len(communities))
        if rng.random() < 0.7:
            name = f"马鞍山{faker.company()}"
            before = len(plans)
            add("enterprise", name, "91", communities[i][0], i)
        else:
            name = f"雨山区{faker.last_name()}记{rng.choice(SHOPS)}"
            before = len(plans)
            add("enterprise", name, "92", communities[i][0], i, location="shop")
        count += len(plans) - before
    return plans
