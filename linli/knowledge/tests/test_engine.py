"""The engine without the database: tokenising (our jieba tokens, not bm25s' own), the index and its confidence,
and reading uploads of every kind, bounded, each refusal naming the file."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import override_settings

from ..engine import parsing, retrieval, text


def test_user_dictionary_keeps_community_words_whole():
    for word in ("吹哨报到", "网格员", "电瓶车", "高龄津贴"):
        assert word in text.tokenize(f"请问{word}怎么办"), word
    assert "的" not in text.tokenize("小区的电瓶车")


def test_our_tokens_are_what_bm25_sees():
    import bm25s

    # bm25s' own tokenizer keeps a run of Chinese characters as one token: nothing inside it could match.
    assert bm25s.tokenize(["小区电瓶车充电规定"], show_progress=False).vocab.keys() <= {"小区电瓶车充电规定", ""}
    passages = ["小区电瓶车充电规定：严禁楼道充电", "高龄津贴每月发放"]
    entries = [retrieval.Entry(i, "", "", "", "zh") for i in range(2)]
    index = retrieval.Index.load(retrieval.build(entries, [text.tokenize(p) for p in passages]))
    hits = index.search(text.tokenize("电瓶车能在楼道充电吗"))
    assert hits[0].id == 0 and hits[0].confidence > 0.5
    assert "电瓶车" in index.retriever.vocab_dict


def test_english_tokens_and_language():
    assert text.language("Which bin is for food waste?") == "en"
    assert text.language("垃圾分类 food") == "zh"
    assert text.tokenize("Which bins are for food waste?") == ["bin", "food", "waste"]


def test_confidence_low_for_words_the_base_does_not_know():
    entries = [retrieval.Entry(0, "", "", "", "zh")]
    index = retrieval.Index.load(retrieval.build(entries, [text.tokenize("高龄津贴每月100元")]))
    assert index.search(text.tokenize("今天天气怎么样")) == []
    hits = index.search(text.tokenize("高龄津贴多少钱"))
    assert hits and hits[0].confidence >= 0.3
    assert index.search(text.tokenize("股票高龄怎么买卖划算"))[0].confidence < 0.3


def test_mask_by_place_validity_and_language():
    entries = [
        retrieval.Entry(1, "001", "", "", "zh"),
        retrieval.Entry(2, "001002", "", "", "zh"),
        retrieval.Entry(3, "001", "2020-01-01", "2020-12-31", "zh"),
        retrieval.Entry(4, "001", "", "", "en"),
    ]
    index = retrieval.Index.load(retrieval.build(entries, [["a"], ["a"], ["a"], ["a"]]))
    assert index.mask(paths=("001002003",), day="2026-01-01", lang="zh").tolist() == [True, True, False, False]
    assert index.mask(paths=("001009",), day="2020-06-01", lang="zh").tolist() == [True, False, True, False]
    assert index.mask(paths=("001009",), day="2026-01-01", lang="en").tolist() == [False, False, False, True]


def _docx(paragraphs) -> bytes:
    import docx

    doc = docx.Document()
    for style, body in paragraphs:
        doc.add_paragraph(body, style=style)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _pdf(lines) -> bytes:
    """A one-page PDF with text (Helvetica, ASCII) written by hand: pypdf extracts it."""
    content = "BT /F1 12 Tf 72 720 Td " + " ".join(f"({line}) Tj 0 -16 Td" for line in lines) + " ET"
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{obj}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_reads_each_kind():
    kind, found = parsing.read(
        ContentFile("# 一、对象\n年满80周岁\n\n# 二、标准\n每月100元".encode(), name="a.md"), "a.md"
    )
    assert kind == "md" and found == [("一、对象", "年满80周岁"), ("二、标准", "每月100元")]
    html = (
        "<html><head><title>x</title></head>"
        "<body><h2>一、对象</h2><p>年满80周岁</p><script>alert(1)</script></body></html>"
    )
    kind, found = parsing.read(ContentFile(html.encode(), name="a.html"), "a.html")
    assert kind == "html" and found == [("一、对象", "年满80周岁")]
    data = _docx(
        [("Heading 1", "一、对象"), (None, "年满80周岁的老人"), ("Heading 1", "二、标准"), (None, "每月100元")]
    )
    kind, found = parsing.read(ContentFile(data, name="a.docx"), "a.docx")
    assert kind == "docx" and found == [("一、对象", "年满80周岁的老人"), ("二、标准", "每月100元")]
    kind, found = parsing.read(
        ContentFile(_pdf(["Bulky items", "Book a collection with the property office."])), "a.pdf"
    )
    assert kind == "pdf" and "Book a collection" in found[0][1]


@pytest.mark.parametrize(
    "data,code",
    [
        (b"", "upload_empty"),
        (b"\x00\x01\x02binary\x00", "upload_type"),
        (b"%PDF-1.4\n garbage without an end", "upload_broken"),
        (b"%PDF-1.4\n1 0 obj broken\n%%EOF", "upload_broken"),
        (b"PK\x03\x04not a zip at all", "upload_broken"),
        (b"\xff\xfe\xfa\xfb" * 10, "upload_encoding"),
        (b"<html><body><script>only a script</script></body></html>", "no_text"),
    ],
)
def test_refusals_name_the_file(data, code):
    with pytest.raises(ValidationError) as exc:
        parsing.read(ContentFile(data, name="bad.bin"), "bad.bin")
    assert exc.value.code == code and "bad.bin" in exc.value.messages[0]


@override_settings(LINLI_UPLOAD_MAX_BYTES=1000)
def test_size_bounded_by_the_upload_policy():
    class Liar(io.BytesIO):
        size = 10  # claims to be small; never more than the limit plus one byte is read

    with pytest.raises(ValidationError) as exc:
        parsing.read(Liar(b"a" * 5000), "big.md")
    assert exc.value.code == "upload_size"


def test_passages_cut_at_sentences():
    body = "。".join(["这是一句比较长的政策说明文字" * 3] * 20) + "。"
    pieces = parsing.passages([("一、标准", body)], limit=120)
    assert len(pieces) > 5 and all(len(p) <= 120 for _h, p in pieces) and all(h == "一、标准" for h, _p in pieces)
