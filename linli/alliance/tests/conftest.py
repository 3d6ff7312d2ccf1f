import pytest

from linli.accounts.testing import system_user


@pytest.fixture
def alliance(tree):
    from linli.alliance import services
    from linli.orgs import services as orgs

    root = system_user()
    a = services.alliance_create(actor=root, community=tree.comm_a1)
    ent = orgs.organisation_create(actor=root, area=tree.comm_a1, kind="enterprise", name="马钢集团某分公司")
    a.m_dept = services.member_add(actor=root, alliance=a, organisation=tree.dept, lead_name="张三", lead_title="书记")
    a.m_ent = services.member_add(actor=root, alliance=a, organisation=ent, lead_name="李四", lead_title="董事长")
    a.enterprise = ent
    return a
