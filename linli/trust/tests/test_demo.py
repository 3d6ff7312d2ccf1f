import pytest

from linli.core.models import AuditLog

from ..export import statement_json
from ..models import Entry, Statement, TrustAccount
from ..verify_ledger import verify_file

pytestmark = pytest.mark.django_db


def test_demo_has_a_year_of_entries_a_reversal_and_verifiable_statements(small_demo, tmp_path):
    acc = TrustAccount.objects.filter(scheme="trust").get()
    assert Entry.objects.filter(account=acc, kind="reversal").count() == 1
    assert Statement.objects.filter(account=acc).count() >= 5
    st = Statement.objects.filter(account=acc).order_by("-month").first()
    path = tmp_path / "st.json"
    path.write_text(statement_json(st), encoding="utf-8")
    assert verify_file(str(path))["head"] == st.head_hash
    assert AuditLog.objects.filter(action="trust_reverse").exists()
    assert "trust:" in small_demo
