"""Choosing a person who logs in by searching (display name, its pinyin initials or full pinyin, username), never
by typing a username: the ``UserPicker`` widget (one user, or several with ``multiple=True``) and its endpoint
``accounts:pick_users``, which lists only the active accounts ``restrict`` lets the user see.

The picked value is the username, so a form's own check (the account among ``visible_users``) stays the one
validation. Two people of the same name are told apart by their username and the place they are registered at.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from pypinyin import Style, lazy_pinyin

from linli.areas.models import Level, Place
from linli.areas.pickers import LIMIT, render_options
from linli.core.widgets import Option, Picker

from .models import User
from .selectors import visible_users

# a pinyin search reads display names in Python: at most this many accounts of the user's scope
PINYIN_SCAN = 5000


def _pinyin(name: str) -> tuple[str, str]:
    full = "".join(lazy_pinyin(name or "", errors="ignore")).lower()
    initials = "".join(lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="ignore")).lower()
    return full, initials


def search_users(actor, q: str, *, limit: int = LIMIT) -> list[User]:
    """Active accounts ``actor`` may see whose display name contains ``q``, whose username starts with it, or
    (``q`` in Latin letters) whose display name's pinyin or initials start with it."""
    q = (q or "").strip()[:60]
    if not q:
        return []
    qs = visible_users(actor).filter(is_active=True)
    hits = Q(display_name__contains=q) | Q(username__istartswith=q)
    if q.isascii() and q.isalpha():
        key = q.lower()
        by_pinyin = [
            pk
            for pk, name in qs.exclude(display_name="").values_list("pk", "display_name")[:PINYIN_SCAN]
            if any(p.startswith(key) for p in _pinyin(name))
        ]
        hits |= Q(pk__in=by_pinyin)
    return list(qs.filter(hits).order_by("display_name", "username")[:limit])


def _places(paths) -> dict[str, Place]:
    return {p.path: p for p in Place.objects.filter(path__in=set(paths)).select_related("parent")}


def user_label(user: User) -> str:
    return f"{user.display_name}（{user.username}）" if user.display_name else user.username


def user_options(users: list[User]) -> list[Option]:
    places = _places(u.scope_path for u in users if u.scope_path)
    options = []
    for u in users:
        place = places.get(u.scope_path)
        where = ""
        if place is not None:
            where = place.name
            if place.level > Level.COMMUNITY and place.parent_id:
                where = f"{place.parent.name} {place.name}"
        options.append(Option(u.username, user_label(u), where))
    return options


def label_for_username(username) -> str:
    """The text for a username the server put in the form (an edit form's initial value)."""
    user = User.objects.filter(username=str(username)).only("username", "display_name").first()
    return user_label(user) if user is not None else str(username)


def picked_users(actor, usernames) -> list[User]:
    """The active accounts ``actor`` may see for the picked ``usernames``; any other name is refused, by name."""
    names = list(dict.fromkeys(n for n in (usernames or []) if n))
    if not names:
        return []
    users = list(visible_users(actor).filter(username__in=names, is_active=True))
    unknown = [n for n in names if n not in {u.username for u in users}]
    if unknown:
        raise ValidationError(
            _("Not an active account in your area: %(names)s") % {"names": "、".join(unknown)}, code="out_of_scope"
        )
    return users


class UserPicker(Picker):
    """A username field's widget (``multiple=True``: a list of usernames, one chip each)."""

    def __init__(self, *, placeholder: str = "", **kwargs):
        super().__init__(
            "accounts:pick_users",
            label_for=label_for_username,
            placeholder=placeholder or _("Name, pinyin initials (zsf) or username"),
            **kwargs,
        )


@never_cache
@login_required
def pick_users(request):
    q = (request.GET.get("q") or "")[:60]
    return render_options(request, user_options(search_users(request.user, q)), q)
