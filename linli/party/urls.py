from django.urls import path

from . import views

app_name = "party"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("mine/", views.my_membership, name="mine"),
    path("orgs/new/", views.OrgFormView.as_view(), name="org_create"),
    path("orgs/<int:pk>/", views.org_detail, name="org_detail"),
    path("orgs/<int:pk>/edit/", views.OrgFormView.as_view(), name="org_update"),
    path("orgs/<int:pk>/move/", views.OrgMoveView.as_view(), name="org_move"),
    path("orgs/<int:pk>/archive/", views.org_archive, name="org_archive"),
    path("orgs/<int:pk>/members/add/", views.MemberAddView.as_view(), name="member_add"),
    path("orgs/<int:pk>/seats/add/", views.SeatAddView.as_view(), name="seat_add"),
    path("seats/<int:pk>/end/", views.seat_end, name="seat_end"),
    path("members/", views.MemberListView.as_view(), name="member_list"),
    path("members/export/", views.member_export, name="member_export"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.MemberEditView.as_view(), name="member_edit"),
    path("members/<int:pk>/transfer/", views.MemberTransferView.as_view(), name="member_transfer"),
    path("members/<int:pk>/end/", views.MemberEndView.as_view(), name="member_end"),
    path("members/<int:pk>/center/", views.CenterAddView.as_view(), name="center_add"),
    path("centers/<int:pk>/end/", views.center_end, name="center_end"),
    path("buildings/<str:code>/", views.building, name="building"),
    path("inservice/", views.InServiceListView.as_view(), name="inservice_list"),
    path("inservice/report/", views.ReportView.as_view(), name="inservice_report"),
    path("inservice/<int:pk>/", views.inservice_detail, name="inservice_detail"),
    path("inservice/<int:pk>/report/", views.ReportView.as_view(), name="inservice_rereport"),
    path("inservice/<int:pk>/records/add/", views.record_add, name="record_add"),
    path("inservice/<int:pk>/sheet/", views.quarter_sheet, name="quarter_sheet"),
    path("inservice/<int:pk>/end/", views.inservice_end, name="inservice_end"),
    path("records/<int:pk>/delete/", views.record_delete, name="record_delete"),
    path("employers/", views.employer_list, name="employer_list"),
    path("employers/register/", views.RegistrationView.as_view(), name="employer_register"),
    path("employers/<int:pk>/sheet/", views.employer_sheet, name="employer_sheet"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/new/", views.PostCreateView.as_view(), name="post_create"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("posts/<int:pk>/claim/", views.post_claim, name="post_claim"),
    path("posts/<int:pk>/toggle/", views.post_toggle, name="post_toggle"),
    path("claims/<int:pk>/release/", views.claim_release, name="claim_release"),
]
