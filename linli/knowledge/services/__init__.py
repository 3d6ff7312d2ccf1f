from .answers import Answer, Quote, answer, ask, question_close, question_handover
from .library import (
    document_add,
    document_withdraw,
    faq_create,
    index_request,
    index_run,
    upload_documents,
)

__all__ = [
    "Answer",
    "Quote",
    "answer",
    "ask",
    "document_add",
    "document_withdraw",
    "faq_create",
    "index_request",
    "index_run",
    "question_close",
    "question_handover",
    "upload_documents",
]
