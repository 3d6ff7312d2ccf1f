"""The optional generative step: an OpenAI-compatible chat endpoint the district runs itself
(``LINLI_ASSISTANT_LLM_URL``, off by default). It is given only the question and the quoted passages and told to
answer from them alone; a failure, a timeout or an empty reply leaves the extractive answer as it is. What it
writes is shown labelled as generated (《人工智能生成合成内容标识办法》), below the quoted sources."""

from __future__ import annotations

import json
import logging
import os
import urllib.request

from django.conf import settings

log = logging.getLogger(__name__)
MAX_REPLY = 600

SYSTEM = (
    "你是社区服务助手。只根据给出的资料回答居民的问题，资料里没有的内容就说不知道，不要编造。回答简短，"
    "使用与问题相同的语言。You answer only from the given passages; if they do not answer, say so."
)


def setting(name: str, default: str = "") -> str:
    """A setting of the generative step: from the settings when they name it, else from the environment."""
    value = getattr(settings, name, None)
    return str(os.environ.get(name, default) if value is None else value)


def enabled() -> bool:
    return bool(setting("LINLI_ASSISTANT_LLM_URL"))


def generate(question: str, passages: list[str]) -> str:
    """The endpoint's grounded answer, or "" (off, unreachable, or anything unexpected)."""
    url = setting("LINLI_ASSISTANT_LLM_URL")
    if not url.startswith(("http://", "https://")) or not passages:
        return ""
    context = "\n\n".join(f"[{i}] {p}" for i, p in enumerate(passages, 1))
    body = {
        "model": setting("LINLI_ASSISTANT_LLM_MODEL", "local"),
        "temperature": 0,
        "max_tokens": 400,
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"资料 / Passages:\n{context}\n\n问题 / Question: {question}"},
        ],
    }
    request = urllib.request.Request(  # noqa: S310 (http or https only, checked above)
        url.rstrip("/") + "/chat/completions",
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        timeout = float(setting("LINLI_ASSISTANT_LLM_TIMEOUT", "8"))
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (an http(s) URL from settings)
            reply = json.loads(response.read(200_000))
        content = reply["choices"][0]["message"]["content"]
    except Exception:  # any failure: the extractive answer stands alone
        log.warning("assistant LLM endpoint failed", exc_info=True)
        return ""
    return " ".join(str(content).split())[:MAX_REPLY] if isinstance(content, str) else ""
