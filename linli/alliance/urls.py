from django.urls import path

from . import views

app_name = "alliance"

urlpatterns = [
    path("", views.AllianceListView.as_view(), name="list"),
    path("new/", views.AllianceCreateView.as_view(), name="create"),
    path("<int:pk>/", views.AllianceDetailView.as_view(), name="detail"),
    path("<int:pk>/add/<slug:kind>/", views.AllianceAddView.as_view(), name="add"),
    path("<int:pk>/items/<int:row>/", views.ItemUpdateView.as_view(), name="item"),
    path("<int:pk>/problems/<int:row>/solve/", views.ProblemSolveView.as_view(), name="problem_solve"),
    path("<int:pk>/problems/<int:row>/case/", views.problem_to_case, name="problem_case"),
    path("<int:pk>/wishes/<int:row>/fulfil/", views.wish_fulfil, name="wish_fulfil"),
    path("<int:pk>/partners/<int:row>/projects/new/", views.ProjectAddView.as_view(), name="project_add"),
    path("<int:pk>/projects/<int:row>/", views.ProjectUpdateView.as_view(), name="project"),
    path("inservice/<int:member>/claim-project/", views.ProjectClaimView.as_view(), name="project_claim"),
    path("project-claims/<int:row>/release/", views.project_claim_release, name="project_claim_release"),
]
