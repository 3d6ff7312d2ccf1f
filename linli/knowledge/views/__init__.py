from .resident import ask, handover, leave
from .staff import (
    document_detail,
    documents,
    faq_add,
    faqs,
    index_status,
    question_close,
    questions,
    reindex,
    upload,
    withdraw,
)

__all__ = [
    "ask",
    "document_detail",
    "documents",
    "faq_add",
    "faqs",
    "handover",
    "index_status",
    "leave",
    "question_close",
    "questions",
    "reindex",
    "upload",
    "withdraw",
]
