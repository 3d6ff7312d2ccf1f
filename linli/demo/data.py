"""The names behind the demo district (马鞍山市雨山区), used by ``manage.py seed_demo``.

The district code 340504000000 is the real statistical code of 雨山区, and the streets and towns
are its real ones. Their 3-digit street numbers (001, 002, … in the order below), the community
numbers, the communities beyond those named in the project's seed documents, the compounds, the
roads, the property companies and their 统一社会信用代码 are ILLUSTRATIVE: plausible, not the
official statistical codes or registered entities. Nothing here is real personal data.
"""

from __future__ import annotations

DISTRICT_CODE = "340504000000"
DISTRICT_NAME = "雨山区"
CITY_NAME = "马鞍山市"

# In this order: street numbers 001, 002, …
STREETS = ["平湖街道", "雨山街道", "安民街道", "采石街道", "银塘镇", "向山镇", "佳山乡"]

# Bounding box of the demo's building coordinates (WGS-84, degrees).
LON_RANGE = (118.50, 118.56)
LAT_RANGE = (31.64, 31.70)

# (street index in STREETS, community name, two compound names for scale 1, roads, centre (lon, lat))
# Later phases at a larger --scale reuse the compound names as 二期, 三期, …
COMMUNITIES = [
    (0, "雨秀社区", ["怡心花园", "雨秀苑"], ["湖东中路", "雨秀路"], (118.512, 31.688)),
    (0, "西苑社区", ["西苑新村", "丽景苑"], ["湖西南路", "西苑路"], (118.506, 31.682)),
    (0, "平湖社区", ["平湖小区", "湖东花园"], ["平湖路", "湖东南路"], (118.518, 31.692)),
    (1, "半山花园社区", ["半山花园", "印山小区"], ["印山路", "雨山西路"], (118.526, 31.676)),
    (1, "湖西社区", ["湖西家园", "九华新村"], ["九华西路", "湖西中路"], (118.520, 31.682)),
    (2, "霍里社区", ["霍里新村", "明珠花苑"], ["霍里路", "天门大道"], (118.532, 31.668)),
    (2, "安民社区", ["安民小区", "幸福家园"], ["安民路", "红旗南路"], (118.538, 31.672)),
    (3, "采石社区", ["采石新村", "翠螺山庄"], ["采石路", "太白大道"], (118.508, 31.650)),
    (3, "翠螺社区", ["翠湖苑", "江南名都"], ["翠螺路", "锦江路"], (118.514, 31.656)),
    (4, "银塘社区", ["银塘雅苑", "康乐苑"], ["银塘路", "湖南西路"], (118.546, 31.660)),
    (5, "向山社区", ["向山新村", "桃园小区"], ["向山路", "湖南东路"], (118.552, 31.684)),
    (6, "佳山社区", ["佳山花园", "阳光新城"], ["佳山路", "雨山东路"], (118.544, 31.694)),
]

# Functional departments serving the whole district: (name, short name).
DEPARTMENTS = [
    ("雨山区住房和城乡建设局", "住建局"),
    ("雨山区城市管理局", "城管局"),
    ("马鞍山市公安局交通警察支队雨山大队", "交警大队"),
    ("雨山区市场监督管理局", "市场监管局"),
    ("雨山区民政局", "民政局"),
    ("雨山区卫生健康委员会", "卫健委"),
    ("雨山区应急管理局", "应急管理局"),
]

# Property companies: (name, short name, first 17 characters of a fictitious 统一社会信用代码
# — the check character is computed —, indexes into COMMUNITIES whose compounds they manage).
# Compounds of the other communities are older estates without a property company (老旧小区).
PROPERTY_COMPANIES = [
    ("马鞍山怡心物业服务有限公司", "怡心物业", "91340504MA2NC7L6X", [0, 1, 2, 3]),
    ("马鞍山雨山安居物业管理有限公司", "安居物业", "91340504MA2PH3K8Q", [4, 5, 7, 9]),
]

# The demo accounts: (username, role or "" for the superuser, display name). Where each is bound
# is fixed by the command (see ``seed_demo``): README lists the same table.
ACCOUNTS = [
    ("admin", "", "系统管理员（演示）"),
    ("district", "district_admin", "区级管理员（演示）"),
    ("dispatcher", "dispatcher", "区社会治理指挥中心调度员（演示）"),
    ("street", "street_staff", "平湖街道工作人员（演示）"),
    ("secretary", "community_secretary", "雨秀社区书记（演示）"),
    ("socialworker", "social_worker", "雨秀社区社工（演示）"),
    ("gridworker", "grid_worker", "网格员（演示）"),
    ("buildinghead", "building_head", "楼栋长（演示）"),
    ("dept", "department_staff", "住建局工作人员（演示）"),
    ("dept2", "department_staff", "城管局工作人员（演示）"),
    ("property", "property_staff", "物业工作人员（演示）"),
    ("resident", "resident", "居民（演示）"),
]

CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 23 → 二十三 (Arabic digits from 100 on)."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def grid_name(n: int) -> str:
    return f"第{chinese_number(n)}网格"


def compound_name(base_names: list[str], index: int) -> str:
    """The ``index``-th compound of a community: the base names first, then their 二期, 三期, …"""
    base = base_names[index % len(base_names)]
    phase = index // len(base_names) + 1
    return base if phase == 1 else f"{base}{chinese_number(phase)}期"
