"""Test helpers: residents with logins, funded accounts."""

from __future__ import annotations

from decimal import Decimal

from linli.accounts import services as acc
from linli.accounts.testing import PASSWORD, system_user
from linli.registry import services as reg


def resident_with_login(username: str, home, *, role_place=None, name: str = "张三"):
    root = system_user()
    user = acc.user_create(actor=root, username=username, password=PASSWORD, home=home, display_name=username)
    acc.binding_add(actor=root, user=user, role="resident", place=role_place or home)
    resident = reg.resident_create(actor=root, name=name, home=home)
    resident.account = user
    resident.save(update_fields=["account"])
    user.refresh_from_db()
    return user, resident


def fund(resident, amount, source_id="seed"):
    from linli.points import services

    return services.credit(
        resident=resident, amount=Decimal(str(amount)), reason="adjustment", source_type="test", source_id=source_id
    )


def link(user, resident):
    resident.account = user
    resident.save(update_fields=["account"])
    user.refresh_from_db()
    return resident
