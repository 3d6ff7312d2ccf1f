"""The steps on a case page: which form each step takes, and a table of what each step runs.

``STEPS[name](case, user, form)`` runs one step through its service and returns the success message; a
ValidationError comes back as field errors, ``services.TransitionRefused`` as a 409.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import forms as f
from .. import selectors, services
from ..models import Case, ExtensionStatus, Level
from .common import handler_orgs, org_choice, suggested_lead, task_forces

TRANSITION_FORMS = {
    "whistle": f.WhistleForm,
    "dispatch": f.DispatchForm,
    "sign": f.NoteOnly,
    "start": f.StartForm,
    "complete": f.CompleteForm,
    "archive": f.NoteOnly,
    "return_case": f.TextReasonForm,
    "cancel": f.TextReasonForm,
    "merge": f.MergeForm,
}
EXTRA_FORMS = {
    "co_sign": None,
    "note": f.CaseNoteForm,
    "extension": f.ExtensionForm,
    "extension_decide": f.ExtensionDecideForm,
    "supervise": f.SuperviseForm,
    "urge": f.UrgeForm,
    "attach": f.AttachForm,
}


def form_for(name: str, case: Case, user, data=None, files=None):
    """The (bound or blank) form of step ``name``; None for a step without input (co_sign)."""
    if name == "dispatch":
        orgs = handler_orgs()
        lead = suggested_lead(case)
        return f.DispatchForm(
            data,
            files,
            orgs=orgs,
            task_forces=task_forces(user),
            district=case.level == Level.DISTRICT,
            prefix="dispatch",
            initial={"lead_org": lead.pk if lead else None},
        )
    if name == "co_sign":
        return None
    cls = TRANSITION_FORMS.get(name) or EXTRA_FORMS.get(name)
    return cls(data, files, prefix=name)


def _data(form) -> dict:
    return form.cleaned_data if form is not None else {}


def _photos(form) -> list:
    return _data(form).get("photos") or []


def _whistle(case, user, form) -> str:
    services.case_whistle(actor=user, case=case, note=_data(form)["note"])
    return _("Whistled to the district dispatch centre.")


def _dispatch(case, user, form) -> str:
    d = _data(form)
    lead = org_choice(form, "lead_org", d.get("lead_org"))
    co = [org_choice(form, "co_orgs", pk) for pk in d.get("co_orgs") or []]
    task_force = None
    if d.get("task_force"):
        task_force = form.task_forces.get(d["task_force"])
        if task_force is None:
            raise ValidationError({"task_force": _("Choose one of the task forces offered.")})
    services.case_dispatch(
        actor=user, case=case, lead_org=lead, co_orgs=co, task_force=task_force, note=d.get("note", "")
    )
    return _("Dispatched.")


def _sign(case, user, form) -> str:
    services.case_sign(actor=user, case=case, note=_data(form).get("note", ""))
    return _("Signed for.")


def _start(case, user, form) -> str:
    services.case_start(actor=user, case=case, note=_data(form).get("note", ""), attachments=_photos(form))
    return _("Handling started.")


def _complete(case, user, form) -> str:
    services.case_complete(actor=user, case=case, reply=_data(form)["reply"], attachments=_photos(form))
    return _("Completed; the reporter has been asked for a verdict.")


def _archive(case, user, form) -> str:
    services.case_archive(actor=user, case=case, note=_data(form).get("note", ""))
    return _("Archived.")


def _return_case(case, user, form) -> str:
    services.case_return(actor=user, case=case, reason=_data(form)["reason"])
    return _("Returned to whoever dispatched it.")


def _cancel(case, user, form) -> str:
    services.case_cancel(actor=user, case=case, reason=_data(form)["reason"])
    return _("Withdrawn.")


def _merge(case, user, form) -> str:
    d = _data(form)
    target = selectors.cases(user).filter(number=d["into"].strip()).first()
    if target is None:
        raise ValidationError({"into": _("No case with this number.")})
    services.case_merge(actor=user, case=case, into=target, note=d.get("note", ""))
    return _("Merged into %(n)s.") % {"n": target.number}


def _co_sign(case, user, form) -> str:
    services.assignment_sign(actor=user, case=case)
    return _("Signed for your part.")


def _note(case, user, form) -> str:
    d = _data(form)
    services.case_note(
        actor=user, case=case, note=d["note"], attachments=_photos(form), kind=d["kind"], public=d.get("public", False)
    )
    return _("Note added.")


def _extension(case, user, form) -> str:
    d = _data(form)
    services.extension_request(actor=user, case=case, days=d["days"], reason=d["reason"])
    return _("Extension asked for.")


def _extension_decide(case, user, form) -> str:
    d = _data(form)
    pending = case.extensions.filter(status=ExtensionStatus.PENDING).first()
    if pending is None:
        raise ValidationError({"approve": _("There is no extension request waiting.")})
    services.extension_decide(actor=user, extension=pending, approve=d["approve"], note=d.get("note", ""))
    return _("Decision recorded.")


def _supervise(case, user, form) -> str:
    services.case_supervise(actor=user, case=case, note=_data(form)["note"])
    return _("The case is under supervision.")


def _urge(case, user, form) -> str:
    services.case_urge(actor=user, case=case, note=_data(form).get("note", ""))
    return _("Reminder sent.")


def _attach(case, user, form) -> str:
    services.case_attach(actor=user, case=case, files=_photos(form))
    return _("Photos added.")


STEPS = {
    "whistle": _whistle,
    "dispatch": _dispatch,
    "sign": _sign,
    "start": _start,
    "complete": _complete,
    "archive": _archive,
    "return_case": _return_case,
    "cancel": _cancel,
    "merge": _merge,
    "co_sign": _co_sign,
    "note": _note,
    "extension": _extension,
    "extension_decide": _extension_decide,
    "supervise": _supervise,
    "urge": _urge,
    "attach": _attach,
}
assert set(STEPS) == set(TRANSITION_FORMS) | set(EXTRA_FORMS), "every step with a form has a runner"
