"""The suggestion panel on the staff case page (filled into work orders' ``case_panels`` hook)."""

from __future__ import annotations

from linli.core.permissions import may_any

from ..models import Decision, Suggestion
from ..services import may_decide, suggestion_for
from ..services.decisions import top_of


def panel_context(request, case) -> dict | None:
    user = request.user
    if not may_any(user, Suggestion):
        return None
    s = suggestion_for(case)
    pending = s.decision == Decision.PENDING
    return {
        "s": s,
        "case": case,
        "pending": pending,
        "may_decide": pending and may_decide(case, user),
        "recategorises": top_of(case.category).pk != s.category_id,
        "confidence_pct": round(float(s.confidence) * 100),
    }
