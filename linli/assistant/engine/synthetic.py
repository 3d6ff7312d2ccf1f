"""A synthetic dispatch history for the demo district (and the benchmark): reports composed from fragments per
top-level category, with the department that took the lead. Its phrasings are built from these fragments only —
never from the evaluation set in ``linli/assistant/evaluation/``.
"""

from __future__ import annotations

import random

from .phrasebook import CLOSERS, DIALECT, MATTERS, OPENERS

#: top-level category → the department short name that usually leads (the demo's wiring; "" = the community)
ORGS = {
    "property": "住建局",
    "elevator": "市场监管局",
    "sanitation": "城管局",
    "municipal": "城管局",
    "parking": "交警大队",
    "fire-safety": "应急管理局",
    "flying-wire": "应急管理局",
    "noise": "城管局",
    "illegal-building": "城管局",
    "dogs": "城管局",
    "neighbour-dispute": "",
    "policy": "民政局",
    "other": "",
}

# category → (subjects, problems): a report is [where] subject problem [effect] [ask]
FRAGMENTS: dict[str, tuple[list[str], list[str]]] = {
    "property": (
        [
            "单元防盗门",
            "小区大门道闸",
            "楼道感应灯",
            "地下车库的照明",
            "物业公司",
            "小区保安",
            "楼顶水箱",
            "绿化带",
            "健身器材",
            "信报箱",
            "楼道窗户",
            "公共水管",
        ],
        [
            "坏了好久没人修",
            "报修好几次都没反应",
            "一直没有维修",
            "服务态度很差",
            "收了物业费却不干活",
            "锈蚀严重",
            "玻璃碎了",
            "漏水",
            "长期无人打理",
            "晚上没人值班",
        ],
    ),
    "elevator": (
        ["电梯", "单元电梯", "直梯", "楼里唯一的电梯", "电梯门", "电梯按钮", "电梯轿厢"],
        [
            "经常停运",
            "运行时晃得厉害",
            "有异响",
            "门关不上",
            "楼层按键失灵",
            "年检过期了",
            "突然下坠了一下",
            "坏了一个星期",
            "停在半层不动",
            "维保走过场",
        ],
    ),
    "sanitation": (
        ["垃圾桶", "垃圾房", "楼道角落", "小区河道", "绿化带里", "垃圾中转站", "分类垃圾箱", "菜场门口"],
        [
            "堆满了没人清运",
            "臭气熏天",
            "苍蝇蚊子很多",
            "有人乱倒建筑垃圾",
            "污水横流",
            "好几天没清理",
            "老鼠乱窜",
            "卫生死角没人管",
        ],
    ),
    "municipal": (
        ["路灯", "人行道地砖", "小区门口的马路", "窨井盖", "雨水篦子", "下水管道", "市政道路", "排水沟"],
        ["不亮了", "坑坑洼洼", "塌陷了一块", "丢失了很危险", "堵塞返水", "一下雨就积水", "松动翘起", "破损严重"],
    ),
    "parking": (
        ["私家车", "外来车辆", "大货车", "僵尸车", "路边的车", "电动三轮车", "小区出入口"],
        ["乱停乱放", "占了人行道", "长期停着不动", "把路堵死了", "停在绿化带上", "挡住单元门口", "晚上车位不够到处停"],
    ),
    "fire-safety": (
        ["楼道消防栓", "灭火器", "安全出口", "疏散通道", "消防车道", "楼梯间", "地下室"],
        [
            "里面是空的",
            "过期没有更换",
            "被杂物堵住",
            "堆满了纸板箱和旧家具",
            "指示灯坏了",
            "防火门被锁上了",
            "有人放煤气罐",
        ],
    ),
    "flying-wire": (
        ["电动车", "电瓶车", "三轮车电瓶", "楼上住户", "一楼人家", "有人"],
        [
            "从窗户拉线下来充电",
            "推进楼道里充电",
            "拉插线板过夜充",
            "飞线充电很危险",
            "把电池拿回家充",
            "电线挂在树上充电",
        ],
    ),
    "noise": (
        ["装修工人", "楼下饭店", "广场舞音响", "工地", "楼上住户", "烧烤摊", "商铺喇叭"],
        ["半夜还在施工", "天天噪音扰民", "声音开得巨大", "早上六点就开始吵", "一直循环播放", "夜里十二点还在电钻"],
    ),
    "illegal-building": (
        ["顶楼住户", "一楼人家", "商户", "有业主", "隔壁单元"],
        ["私自加盖房子", "搭了个彩钢棚", "圈占公共绿地", "违规扩建阳台", "占用楼道砌墙", "在院子里乱搭乱建"],
    ),
    "dogs": (
        ["有人遛的大狗", "流浪狗", "邻居家的狗", "几只野狗", "宠物犬"],
        ["不拴绳到处跑", "随地大小便没人清理", "晚上一直叫", "追着小孩咬", "在草坪上拉屎", "吓到老人"],
    ),
    "neighbour-dispute": (
        [
            "楼上邻居",
            "对门住户",
            "隔壁人家",
            "楼下商户",
            "同单元业主",
            "楼上那户",
            "隔壁邻居",
            "对门那家",
            "楼下住户",
            "邻居家",
        ],
        [
            "卫生间渗水到我家天花板协商不成",
            "占用公共走廊堆东西不听劝",
            "空调外机对着我家窗户",
            "因为停车位和我们吵起来",
            "在门口装摄像头对着我家",
            "养鸽子弄得到处是羽毛",
            "家里漏水到我家不肯维修",
            "天天往下泼水还不承认",
            "把东西堆在我家门口",
            "装修把我家墙弄裂了不赔",
            "排油烟对着我家",
            "和我们闹矛盾想请社区调解",
            "晾衣服的水滴到我家",
            "孩子在家跑跳说了态度很差",
            "换了公共门的锁不给钥匙",
            "种的树挡住我家光线",
        ],
    ),
    "policy": (
        ["高龄津贴", "低保申请", "居住证办理", "残疾人补贴", "养老服务补贴", "医保转移", "独生子女奖励", "临时救助"],
        ["需要准备什么材料", "到哪里去办", "怎么申请", "多久能批下来", "有什么条件", "能不能网上办"],
    ),
    "other": (
        ["社区活动室", "小区里", "我家附近", "社区"],
        ["能不能多组织点活动", "想问问有没有志愿者招募", "建议增加一些休息座椅", "有个建议想反映一下"],
    ),
}

WHERE = ["", "", "我们小区", "{b}栋", "{b}号楼", "{b}幢{u}单元", "小区东门", "小区北门附近", "{b}栋楼下", "我家楼下"]
EFFECT = ["", "", "", "，影响大家生活", "，老人孩子很不方便", "，存在安全隐患", "，居民意见很大", "，已经好几天了"]
ASK = ["", "", "，请尽快处理", "，希望有人来管管", "，麻烦社区协调一下", "，请相关部门解决", "。"]


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 6 or rng.random() > 0.15:
        return text
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1 :] if rng.random() < 0.5 else text[:i] + text[i] + text[i:]


def _dialect(text: str, rng: random.Random) -> str:
    if rng.random() < 0.15:
        for plain, local in DIALECT.items():
            text = text.replace(plain, local)
    return text


def report(code: str, rng: random.Random) -> str:
    subjects, problems = FRAGMENTS[code]
    where = rng.choice(WHERE).format(b=rng.randint(1, 30), u=rng.randint(1, 4))
    matter = f"{rng.choice(subjects)}{rng.choice(problems)}" if rng.random() < 0.5 else rng.choice(MATTERS[code])
    text = f"{rng.choice(OPENERS)}{where}{matter}{rng.choice(EFFECT)}{rng.choice(ASK)}{rng.choice(CLOSERS)}"
    text = _dialect(text, rng)
    if rng.random() < 0.1:  # a second, lesser matter in the same report
        other = rng.choice([c for c in FRAGMENTS if c != code])
        s, p = FRAGMENTS[other]
        text += f"另外{rng.choice(s)}也{rng.choice(p)}"
    return _typo(text, rng)


#: how often each category turns up in the history (a district's mix, roughly)
WEIGHTS = {
    "property": 14, "elevator": 8, "sanitation": 12, "municipal": 10, "parking": 10, "fire-safety": 6,
    "flying-wire": 7, "noise": 9, "illegal-building": 5, "dogs": 5, "neighbour-dispute": 6, "policy": 6, "other": 2,
}  # fmt: skip


def history(n: int, seed: int = 17) -> list[tuple[str, str, str]]:
    """``n`` (text, top-level category code, lead department short name) of a plausible dispatch history."""
    rng = random.Random(seed)  # noqa: S311 — reproducible test data, not secrets
    codes = list(WEIGHTS)
    weights = [WEIGHTS[c] for c in codes]
    out = []
    for code in rng.choices(codes, weights, k=n):
        out.append((report(code, rng), code, ORGS[code]))
    return out
