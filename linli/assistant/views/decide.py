"""Accepting a suggestion in one click."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.workorders import selectors as wo_selectors

from ..services import suggestion_accept


@login_required
@require_POST
def accept(request, case_pk: int):
    case = wo_selectors.case_for(request.user, case_pk)
    try:
        suggestion_accept(actor=request.user, case=case)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Suggestion accepted: the case is dispatched."))
    return redirect("workorders:case_detail", pk=case.pk)
