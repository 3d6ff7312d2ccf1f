from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from linli.core import audit
from linli.core.views import ServiceFormView

from . import services
from .forms import LoginForm, PasswordChangeForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

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
        services.password_change(user=self.request.user, old_password=form.cleaned_data["old_password"],
                                 new_password=form.cleaned_data["new_password"])
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("Your password has been changed."))
