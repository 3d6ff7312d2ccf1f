from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linli.areas.models import Grid, Place
from linli.areas.pickers import GridPicker, PlacePicker
from linli.areas.selectors import place_by_code
from linli.core.dates import BoundedDateField
from linli.core.models import action_label, object_type_label
from linli.core.permissions import Action, bindings_for, restrict, role_may
from linli.orgs.models import Organisation, OrgKind

from .models import RoleBinding
from .pickers import UserPicker
from .roles import ROLE_RANK, ROLE_SCOPES, Role, ScopeKind


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong username or password. After %(limit)s failed attempts the account is locked for a while."
        ),
        "inactive": _("This account is disabled."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def get_invalid_login_error(self):
        from django.conf import settings

        return forms.ValidationError(
            self.error_messages["invalid_login"] % {"limit": settings.AXES_FAILURE_LIMIT}, code="invalid_login"
        )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Old password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    new_password2 = forms.CharField(
        label=_("New password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("The two passwords differ."))
        return data


# -- account administration ---------------------------------------------------------------------------


class PasswordPairMixin:
    """Two password inputs that must agree (the strength rules are checked by the service)."""

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data


def _password_field(label, **kwargs):
    return forms.CharField(
        label=label,
        strip=False,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        **kwargs,
    )


def _lookup(exc: ValidationError, field: str) -> ValidationError:
    """A selector's ``{field: [...]}`` error as a plain field error."""
    return ValidationError(exc.message_dict.get(field, exc.messages))


class UserFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Username or display name")}),
    )
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])


class UserCreateForm(PasswordPairMixin, forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
        help_text=_("Letters, digits and @/./+/-/_ only."),
    )
    display_name = forms.CharField(label=_("Display name"), max_length=60, required=False)
    password = _password_field(_("Initial password"), help_text=_("At least 8 characters, not only digits."))
    password2 = _password_field(_("Initial password again"))
    home = forms.CharField(
        label=_("Home place"),
        max_length=24,
        help_text=_("The place the account is registered under; its managers look after it."),
        widget=PlacePicker(),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_home(self) -> Place:
        try:
            return place_by_code(self.user, self.cleaned_data.get("home"), field="home")
        except ValidationError as exc:
            raise _lookup(exc, "home") from exc


class UserEditForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=60, required=False)
    is_active = forms.BooleanField(label=_("Active (may log in)"), required=False)


class SetPasswordForm(PasswordPairMixin, forms.Form):
    password = _password_field(_("New password"), help_text=_("At least 8 characters, not only digits."))
    password2 = _password_field(_("New password again"))


def grantable_roles(actor) -> list[tuple[str, str]]:
    """The roles ``actor`` may hand out somewhere: none above their own strongest managing role."""
    if actor.is_superuser:
        return list(Role.choices)
    ranks = [ROLE_RANK[Role(b.role)] for b in bindings_for(actor) if role_may(b.role, RoleBinding, Action.ADD)]
    if not ranks:
        return []
    return [(value, label) for value, label in Role.choices if ROLE_RANK[Role(value)] >= min(ranks)]


class RoleAddForm(forms.Form):
    """A role and its scope: a place code, a grid code or an organisation, depending on the role."""

    role = forms.ChoiceField(label=_("Role"), choices=[("", "---------"), *Role.choices])
    place = forms.CharField(
        label=_("Place"),
        max_length=24,
        required=False,
        help_text=_("For place-bound roles: the district, street, community, building or house this role covers."),
        widget=PlacePicker(),
    )
    grid = forms.CharField(
        label=_("Grid"),
        max_length=20,
        required=False,
        help_text=_("For grid workers."),
        widget=GridPicker(),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("For department and property staff."),
    )

    def __init__(self, *args, actor, **kwargs):
        self.actor = actor
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "---------"), *grantable_roles(actor)]
        self.fields["organisation"].queryset = restrict(
            Organisation.objects.filter(kind__in=[OrgKind.DEPARTMENT, OrgKind.PROPERTY], is_active=True),
            actor,
            Action.VIEW,
        ).order_by("kind", "name")

    @property
    def scope_kind(self) -> str | None:
        """The scope input the chosen role needs (None when no valid role is chosen yet)."""
        role = self.data.get(self.add_prefix("role")) if self.is_bound else self.initial.get("role")
        scope = ROLE_SCOPES.get(role) if role in Role.values else None
        return str(scope[0]) if scope else None

    def clean_place(self) -> Place | None:
        code = (self.cleaned_data.get("place") or "").strip()
        if not code:
            return None
        try:
            return place_by_code(self.actor, code, field="place")
        except ValidationError as exc:
            raise _lookup(exc, "place") from exc

    def clean_grid(self) -> Grid | None:
        code = (self.cleaned_data.get("grid") or "").strip().upper()
        if not code:
            return None
        grid = restrict(Grid.objects.filter(is_active=True), self.actor, Action.VIEW).filter(code=code).first()
        if grid is None:
            raise ValidationError(_("Unknown grid code."))
        return grid

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role:
            kind = ROLE_SCOPES[Role(role)][0]
            needed = {ScopeKind.PLACE: "place", ScopeKind.GRID: "grid", ScopeKind.ORGANISATION: "organisation"}[kind]
            for name in ("place", "grid", "organisation"):
                if name != needed and data.get(name) and name not in self.errors:
                    self.add_error(
                        name, _("A %(role)s is not bound to this; leave it empty.") % {"role": Role(role).label}
                    )
        return data


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150, widget=UserPicker())
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = BoundedDateField(label=_("From (date)"), required=False)
    date_to = BoundedDateField(label=_("To (date, inclusive)"), required=False)

    def __init__(self, *args, object_types=(), actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [("", _("All types")), *((t, object_type_label(t)) for t in object_types)]
        self.fields["action"].choices = [("", _("All actions")), *((a, action_label(a)) for a in actions)]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
