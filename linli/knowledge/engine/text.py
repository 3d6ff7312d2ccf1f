"""Tokenising for retrieval: jieba (search mode) with a community user dictionary for Chinese, plain words for
English; the same function for passages and questions, so what is indexed is what is asked.

bm25s is always fed these token lists: its own tokenizer splits on ``\\w+`` and would keep a run of Chinese
characters ("小区电瓶车充电规定") as one token, so nothing inside it could ever match.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata

#: Words of community work that jieba's general dictionary splits wrongly or does not know.
USER_WORDS = (
    "吹哨报到",
    "网格员",
    "网格长",
    "电瓶车",
    "电动自行车",
    "高龄津贴",
    "居住证",
    "低保",
    "低保边缘",
    "特困",
    "养老服务补贴",
    "临时救助",
    "残疾人两项补贴",
    "困难残疾人生活补贴",
    "重度残疾人护理补贴",
    "医保",
    "居民医保",
    "城乡居民医保",
    "物业费",
    "维修资金",
    "垃圾分类",
    "厨余垃圾",
    "可回收物",
    "有害垃圾",
    "其他垃圾",
    "飞线充电",
    "充电桩",
    "一站式",
    "一窗通办",
    "最多跑一次",
    "独生子女",
    "退役军人",
    "优抚",
    "志愿服务",
    "时间银行",
    "老年助餐",
    "助餐点",
    "家庭医生",
    "签约服务",
    "业委会",
    "业主大会",
    "三方议事",
    "适老化改造",
    "加装电梯",
    "老旧小区",
    "二次供水",
    "居家养老",
    "日间照料",
    "社区食堂",
    "失能",
    "半失能",
    "灵活就业",
    "公益性岗位",
    "新生儿",
    "出生医学证明",
    "犬只登记",
    "养犬",
    "群租",
    "燃气",
    "电梯困人",
)

STOPWORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "么",
        "嘛",
        "是",
        "在",
        "有",
        "和",
        "与",
        "及",
        "或",
        "也",
        "都",
        "就",
        "还",
        "又",
        "把",
        "被",
        "给",
        "让",
        "向",
        "从",
        "对",
        "为",
        "以",
        "于",
        "等",
        "这",
        "那",
        "这个",
        "那个",
        "我",
        "你",
        "他",
        "她",
        "它",
        "我们",
        "你们",
        "他们",
        "咱",
        "咱们",
        "自己",
        "请问",
        "问",
        "一下",
        "怎么",
        "怎么样",
        "怎样",
        "如何",
        "什么",
        "哪些",
        "哪里",
        "哪儿",
        "哪个",
        "多少",
        "几",
        "能",
        "能不能",
        "可以",
        "可不可以",
        "要",
        "需要",
        "想",
        "想要",
        "应该",
        "会",
        "不会",
        "是否",
        "是不是",
        "没有",
        "没",
        "不",
        "吗",
        "呗",
        "哦",
        "嗯",
        "呃",
        "个",
        "些",
        "之",
        "其",
        "该",
        "所",
        "而",
        "但",
        "但是",
        "如果",
        "因为",
        "所以",
        "然后",
        "现在",
        "已经",
        "一个",
        "一些",
        "这样",
        "那样",
        "还是",
        "或者",
        "谢谢",
        "您好",
        "你好",
        "请",
        "帮",
        "帮忙",
        "告诉",
        "知道",
        "a",
        "an",
        "the",
        "is",
        "are",
        "am",
        "was",
        "were",
        "be",
        "been",
        "do",
        "does",
        "did",
        "how",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "can",
        "could",
        "should",
        "would",
        "i",
        "you",
        "he",
        "she",
        "it",
        "we",
        "they",
        "my",
        "your",
        "our",
        "their",
        "me",
        "us",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "from",
        "with",
        "by",
        "and",
        "or",
        "not",
        "no",
        "yes",
        "if",
        "there",
        "this",
        "that",
        "these",
        "those",
        "please",
        "tell",
        "know",
        "about",
        "get",
        "have",
        "has",
        "any",
        "much",
        "many",
        "will",
    ]
)

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[a-z0-9]+")
_lock = threading.Lock()
_tokenizer = None


def jieba_tokenizer():
    """One jieba tokenizer per process, its dictionary loaded once, with the community words added."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                for word in USER_WORDS:
                    tk.add_word(word, freq=200000)
                _tokenizer = tk
    return _tokenizer


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits become half-width), control characters out, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    return re.sub(r"\s+", " ", text).strip()


def language(text: str) -> str:
    """ "zh" when the text has Chinese characters, "en" when it has Latin letters and no Chinese, else "zh"."""
    if _CJK.search(text or ""):
        return "zh"
    return "en" if _LATIN.search(text or "") else "zh"


def _english_words(text: str) -> list[str]:
    out = []
    for w in _WORD.findall(text.lower()):
        if w in STOPWORDS:
            continue
        if len(w) > 4 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return out


def tokenize(text: str) -> list[str]:
    """The retrieval tokens of ``text``: jieba's search-mode words (the whole word and its parts) without
    punctuation and stop words, English words lower-cased with a plural ``s`` taken off."""
    text = normalise(text)
    if not text:
        return []
    out: list[str] = []
    for token in jieba_tokenizer().lcut_for_search(text):
        token = token.strip().lower()
        if not token or token in STOPWORDS:
            continue
        if _CJK.search(token):
            out.append(token)
        elif _LATIN.search(token) or token.isdigit():
            out.extend(_english_words(token))
    return out


def passage_tokens(source: str, heading: str, body: str) -> list[str]:
    """What a passage is indexed by: its document's title, its section heading (twice: a heading names what the
    section answers) and its text."""
    return tokenize(f"{source} {heading} {heading} {body}")
