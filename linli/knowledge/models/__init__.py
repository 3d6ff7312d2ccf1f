from .base import Document, DocumentKind, Faq, IndexBuild, IndexState, Passage
from .question import Question, QuestionState

SCOPED_MODELS = (Document, Faq, Passage, Question)

__all__ = [
    "SCOPED_MODELS",
    "Document",
    "DocumentKind",
    "Faq",
    "IndexBuild",
    "IndexState",
    "Passage",
    "Question",
    "QuestionState",
]
