"""Generic views every domain builds on: scoped lists and service-backed forms.

One view serves the full page and its htmx fragment (a ``{% partialdef %}`` in the same
template): ``request.htmx`` picks ``template#partial``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.views.generic import FormView, ListView

from .permissions import Action, restrict


class HtmxPartialMixin:
    htmx_partial: str | None = None

    def get_template_names(self):
        names = super().get_template_names()
        if self.htmx_partial and getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [f"{names[0]}#{self.htmx_partial}"]
        return names


class ScopedListView(LoginRequiredMixin, HtmxPartialMixin, ListView):
    """A list restricted by the permission chokepoint, searchable, paginated, htmx-refreshable."""

    action = Action.VIEW
    paginate_by = 50
    htmx_partial = "results"

    def get_base_queryset(self):
        return restrict(self.model._default_manager.all(), self.request.user, self.action)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx["querystring"] = params.urlencode()
        ctx["q"] = self.request.GET.get("q", "")
        return ctx


def apply_validation_error(form, exc: ValidationError) -> None:
    """Put a service's ValidationError onto the form: field errors where the field exists."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


class ServiceFormView(LoginRequiredMixin, HtmxPartialMixin, FormView):
    """A form whose ``perform(form)`` calls a service. Validation errors come back as form errors;
    permission errors become 403; nothing is written unless the service succeeds."""

    success_message: str = ""
    htmx_partial = None

    def perform(self, form):  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.form_invalid(form)
        except PermissionDenied:
            raise
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())
