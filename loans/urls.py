from django.urls import path

from . import views

app_name = "loans"
urlpatterns = [
    path("", views.loan_application_list_view, name="list"),
    path("apply/", views.loan_application_apply_view, name="apply"),
    path("emi-preview/", views.loan_emi_preview_view, name="emi-preview"),
    path("dashboard/", views.loan_dashboard_view, name="dashboard"),
    path("<str:application_id>/", views.loan_application_detail_view, name="detail"),
    path("<str:application_id>/status/", views.loan_application_status_view, name="status"),
    path("<str:application_id>/pay/", views.loan_repayment_pay_view, name="pay"),
]
