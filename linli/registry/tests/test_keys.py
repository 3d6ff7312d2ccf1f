import pytest
from django.core.management import call_command

from linli.core import crypto
from linli.registry import services
from linli.registry.models import Resident

pytestmark = pytest.mark.django_db


def test_rotate_data_keys_command_moves_every_record_to_the_new_key(tree, settings):
    old, new = crypto.generate_key(), crypto.generate_key()
    settings.LINLI_DATA_KEYS = [old]
    r = services.resident_create(
        actor=tree.users["secretary_a1"],
        name="王五",
        home=tree.house_a1,
        id_number="440524188001010014",
        phone="13900001111",
    )
    settings.LINLI_DATA_KEYS = [new, old]
    call_command("rotate_data_keys", verbosity=0)
    settings.LINLI_DATA_KEYS = [new]  # the old key is gone
    r = Resident.objects.get(pk=r.pk)
    assert services.reveal(actor=tree.users["secretary_a1"], resident=r, field="phone", purpose="核对") == "13900001111"
    assert crypto.decrypt(r.id_cipher) == "440524188001010014"
    # the lookup hash did not change: exact search still finds the person
    assert services.find_by_id("id_card", "440524188001010014") == r


def test_purge_import_files_command_runs(capsys):
    call_command("purge_import_files")
    assert "0" in capsys.readouterr().out


def test_the_restore_sample_reports_keys_that_did_not_seal_the_numbers(tree, settings):
    """registry.sealed_checks: what manage.py restore_backup runs on a restored copy (names rows, never numbers)."""
    from linli.registry.identity import verify_sample

    key = crypto.generate_key()
    settings.LINLI_DATA_KEYS, settings.LINLI_HASH_KEY = [key], "h" * 64
    for name, number, phone in (("王五", "440524188001010014", "13900001111"), ("赵六", "11010519491231002X", "")):
        services.resident_create(
            actor=tree.users["secretary_a1"], name=name, home=tree.house_a1, id_number=number, phone=phone
        )
    assert verify_sample(10) == (3, [])
    settings.LINLI_DATA_KEYS = [crypto.generate_key()]
    checked, failures = verify_sample(10)
    assert checked == 3 and len(failures) == 3
    assert all("cannot be decrypted with LINLI_DATA_KEYS" in f for f in failures)
    assert not any("440524" in f or "1390000" in f for f in failures)
    settings.LINLI_DATA_KEYS, settings.LINLI_HASH_KEY = [key], "x" * 64
    checked, failures = verify_sample(10)
    assert len(failures) == 3 and all("lookup hash differs" in f for f in failures)
