"""Log in/out, one's own password, and the administration of accounts, role bindings and the audit trail.

Thin views: reads go through ``restrict`` (out of scope → 404), writes through ``services`` (which check
permission → 403, validate → field errors, and audit).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from linli.areas.models import Place
from linli.core import audit, ratelimit
from linli.core.models import AuditLog
from linli.core.permissions import Action, bindings_for, may_any, restrict
from linli.core.views import ScopedListView, ServiceFormView, apply_validation_error

from . import services, throttle
from .forms import (
    AuditFilterForm,
    LoginForm,
    PasswordChangeForm,
    RoleAddForm,
    SetPasswordForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    grantable_roles,
)
from .models import RoleBinding, User
from .roles import ROLE_RANK, Role
from .selectors import users_with_visible_roles, visible_bindings, visible_users

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        refused = throttle.login_refused(request, request.POST.get("username"))
        if refused:
            response = render(request, "accounts/slowed_down.html", {"seconds": refused.retry_after}, status=429)
            return ratelimit.with_retry_after(response, refused)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(actor=form.get_user(), action="login", obj=form.get_user())
        return response


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(ServiceFormView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("portal:home")

    def perform(self, form):
        services.password_change(
            user=self.request.user,
            old_password=form.cleaned_data["old_password"],
            new_password=form.cleaned_data["new_password"],
        )
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Your password has been changed."))


# -- reads -------------------------------------------------------------------------------------------


def get_user_or_404(request, pk: int) -> User:
    return get_object_or_404(visible_users(request.user), pk=pk)


def may_manage(actor, target: User) -> bool:
    """May ``actor`` change ``target``'s account (fields, password, roles)? The service's rank rule."""
    return services.may_manage_account(actor, target)


def default_home_code(actor) -> str:
    """Where a new account is registered by default: the creator's first binding's place."""
    for b in bindings_for(actor):
        place = (
            b.place or (b.organisation.area if b.organisation_id else None) or (b.grid.community if b.grid_id else None)
        )
        if place is not None:
            return place.code
    return ""


# -- users -------------------------------------------------------------------------------------------


class UserListView(ScopedListView):
    model = User
    template_name = "accounts/user_list.html"

    def get_queryset(self):
        actor = self.request.user
        qs = users_with_visible_roles(actor)
        self.filter_form = UserFilterForm(self.request.GET or None)
        if self.filter_form.is_valid():
            q = (self.filter_form.cleaned_data.get("q") or "").strip()
            role = self.filter_form.cleaned_data.get("role")
            if q:
                qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
            if role:
                qs = qs.filter(pk__in=visible_bindings(actor).filter(role=role).values("user_id"))
        return qs.order_by("username")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter_form"] = self.filter_form
        ctx["can_add"] = may_any(self.request.user, User, Action.ADD)
        ctx["section"] = "management"
        return ctx


def user_detail_context(request, target: User, *, role_form=None, password_form=None) -> dict:
    actor = request.user
    bindings = list(
        visible_bindings(actor)
        .filter(user=target)
        .select_related("place", "grid", "organisation", "granted_by")
        .order_by("role", "pk")
    )
    removable = set(visible_bindings(actor, Action.DELETE).filter(user=target).values_list("pk", flat=True))
    if not actor.is_superuser:
        # Hide what the service would refuse anyway: nobody removes a role above their own.
        removable = {
            b.pk
            for b in bindings
            if b.pk in removable and ROLE_RANK[Role(b.role)] >= services.actor_rank_at(actor, b.scope_path)
        }
    can_change = may_manage(actor, target)
    if not can_change:
        removable = set()  # an account above the actor's rank is not theirs to change, roles included
    can_grant = can_change and may_any(actor, RoleBinding, Action.ADD) and bool(grantable_roles(actor))
    home = None
    if target.scope_path:
        home = restrict(Place.objects.filter(path=target.scope_path), actor, Action.VIEW).first()
    if can_grant and role_form is None:
        role_form = RoleAddForm(actor=actor, prefix="role")
    if can_change and password_form is None:
        password_form = SetPasswordForm(prefix="pw")
    return {
        "target": target,
        "bindings": bindings,
        "removable": removable,
        "home": home,
        "can_change": can_change,
        "can_grant": can_grant,
        "role_form": role_form if can_grant else None,
        "password_form": password_form if can_change else None,
        "can_audit": may_any(actor, AuditLog, Action.VIEW),
        "section": "management",
    }


class UserDetailView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/user_detail.html"

    def get(self, request, *args, **kwargs):
        target = get_user_or_404(request, kwargs["pk"])
        if getattr(request, "htmx", False) and "role-role" in request.GET:
            # The role select changed: swap in just the scope input that role needs.
            form = RoleAddForm(actor=request.user, prefix="role", initial={"role": request.GET["role-role"]})
            return render(request, f"{self.template_name}#scope_fields", {"target": target, "role_form": form})
        return render(request, self.template_name, user_detail_context(request, target))


class UserCreateView(ServiceFormView):
    template_name = "accounts/user_form.html"
    form_class = UserCreateForm
    success_message = _("The account has been created.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_any(request.user, User, Action.ADD):
            raise PermissionDenied(_("You cannot create accounts."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"home": default_home_code(self.request.user)}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "section": "management"}

    def perform(self, form):
        data = form.cleaned_data
        return services.user_create(
            actor=self.request.user,
            username=data["username"],
            password=data["password"],
            home=data["home"],
            display_name=data["display_name"],
        )

    def get_success_url(self):
        return reverse("accounts:user_detail", args=[self.object.pk])


class UserEditView(ServiceFormView):
    template_name = "accounts/user_form.html"
    form_class = UserEditForm
    success_message = _("The account has been saved.")
    target: User

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.target = get_user_or_404(request, kwargs["pk"])
            services.require_manage_account(request.user, self.target)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"display_name": self.target.display_name, "is_active": self.target.is_active}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "target": self.target, "section": "management"}

    def perform(self, form):
        return services.user_update(
            actor=self.request.user,
            user=self.target,
            display_name=form.cleaned_data["display_name"],
            is_active=form.cleaned_data["is_active"],
        )

    def get_success_url(self):
        return reverse("accounts:user_detail", args=[self.target.pk])


@login_required
@require_POST
def role_add(request, pk: int):
    target = get_user_or_404(request, pk)
    if not may_any(request.user, RoleBinding, Action.ADD):
        raise PermissionDenied(_("You cannot grant roles."))
    services.require_manage_account(request.user, target)
    form = RoleAddForm(request.POST, actor=request.user, prefix="role")
    if form.is_valid():
        data = form.cleaned_data
        try:
            binding = services.binding_add(
                actor=request.user,
                user=target,
                role=data["role"],
                place=data["place"],
                grid=data["grid"],
                organisation=data["organisation"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Granted: %(binding)s.") % {"binding": binding})
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_detail.html", user_detail_context(request, target, role_form=form))


@login_required
@require_POST
def role_remove(request, pk: int, binding_id: int):
    target = get_user_or_404(request, pk)
    binding = get_object_or_404(visible_bindings(request.user).filter(user=target), pk=binding_id)
    label = str(binding)
    services.binding_remove(actor=request.user, binding=binding)
    messages.success(request, _("Removed: %(binding)s.") % {"binding": label})
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def user_password(request, pk: int):
    target = get_user_or_404(request, pk)
    services.require_manage_account(request.user, target)
    form = SetPasswordForm(request.POST, prefix="pw")
    if form.is_valid():
        try:
            services.user_set_password(actor=request.user, user=target, password=form.cleaned_data["password"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if target.pk == request.user.pk:
                update_session_auth_hash(request, target)
            messages.success(request, _("The password has been set."))
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_detail.html", user_detail_context(request, target, password_form=form))


# -- audit trail -------------------------------------------------------------------------------------


def _day_start(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


class AuditListView(ScopedListView):
    """Read-only: there is no view that edits or deletes audit rows."""

    model = AuditLog
    template_name = "accounts/audit_list.html"
    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_any(request.user, AuditLog, Action.VIEW):
            raise PermissionDenied(_("You cannot read the audit trail."))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        qs = restrict(AuditLog.objects.all(), self.request.user, Action.VIEW)
        pairs = set(qs.order_by().values_list("object_type", "action").distinct())
        self.filter_form = AuditFilterForm(
            self.request.GET or None,
            object_types=sorted({t for t, _a in pairs if t}),
            actions=sorted({a for _t, a in pairs if a}),
        )
        if self.filter_form.is_bound:
            self.filter_form.is_valid()
            f = self.filter_form.cleaned_data  # the valid filters apply; the invalid ones show their error
            if f.get("actor"):
                qs = qs.filter(actor_name=f["actor"].strip())
            if f.get("object_type"):
                qs = qs.filter(object_type=f["object_type"])
            if f.get("object_id"):
                qs = qs.filter(object_id=f["object_id"].strip())
            if f.get("action"):
                qs = qs.filter(action=f["action"])
            if f.get("date_from"):
                qs = qs.filter(at__gte=_day_start(f["date_from"]))
            if f.get("date_to"):
                qs = qs.filter(at__lt=_day_start(f["date_to"] + timedelta(days=1)))
        return qs.order_by("-at", "-id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter_form"] = self.filter_form
        ctx["section"] = "management"
        return ctx
