from collections.abc import Iterable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import csrf, defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmo import health, services
from pmo.forms import CompanyProfileForm, LanguageForm, PasswordResetForm, ProfileForm
from pmo.home import home_sections_for
from pmo.lib.http import AuthenticatedHttpRequest
from pmo.roles import Role
from pmo.selectors import company_profile_get, history_for
from projects.models import Customer, Project
from projects.selectors import customer_list_for_user, project_list_for_user
from projects.selectors.intake import INTAKE_REVIEWERS, intake_home_for_sales, intake_waiting_for_review


@login_required
def home(request: AuthenticatedHttpRequest):
    mine = Q(project_manager=request.user) | Q(support_officer=request.user)
    if not request.user.has_role(Role.SALES):  # sales find the projects they sold in their own section
        mine |= Q(account_manager=request.user)
    my_projects = (
        project_list_for_user(user=request.user)
        .filter(mine)
        .exclude(phase__in=["handed_over", "cancelled"])[:10]
    )
    context: dict[str, object] = {
        "my_projects": my_projects,
        "sections": home_sections_for(user=request.user),
    }
    if request.user.has_role(Role.SALES):
        context["my_intakes"] = intake_home_for_sales(user=request.user)
    if request.user.has_role(*INTAKE_REVIEWERS):
        context["intakes_to_review"] = intake_waiting_for_review()
    return render(request, "pmo/home.html", context)


@login_required
@require_GET
def search(request: AuthenticatedHttpRequest):
    query = request.GET.get("q", "").strip()
    projects: Iterable[Project] = []
    customers: Iterable[Customer] = []
    if len(query) >= 2:
        projects = project_list_for_user(user=request.user).filter(
            Q(code__icontains=query) | Q(name__icontains=query)
        )[:20]
        customers = customer_list_for_user(user=request.user).filter(name__icontains=query)[:20]
    return render(request, "pmo/search.html", {"query": query, "projects": projects, "customers": customers})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        translation.activate(request.user.preferred_language)
        messages.success(request, _("Your profile is saved."))
        return redirect("pmo:profile")
    return render(request, "pmo/profile.html", {"form": form})


@require_POST
def language_set(request: HttpRequest):
    """Switch the language; a signed-in user's choice is remembered on their profile."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            try:
                services.user_set_language(user=request.user, language=language)
            except ValidationError:
                return response
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest):
    """Database, broker and workers, as JSON; 503 when the database or a configured broker is down."""
    report = health.health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


class LoginView(auth_views.LoginView):
    """Django's login; the "Sign in with Microsoft" button shows only when OpenID Connect is configured."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"oidc_enabled": settings.OIDC_ENABLED}


class PasswordResetView(auth_views.PasswordResetView):
    """Reset by email; the same answer whether or not the address is known (no account discovery)."""

    form_class = PasswordResetForm
    subject_template_name = "registration/password_reset_subject.txt"
    email_template_name = "registration/password_reset_email.txt"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def csrf_failure(request: HttpRequest, reason=""):
    if _is_api(request):
        return JsonResponse(
            {"detail": _("CSRF check failed: send the API token, not the session cookie.")}, status=403
        )
    return csrf.csrf_failure(request, reason=reason)


def server_error(request: HttpRequest):
    if _is_api(request):
        return JsonResponse({"detail": _("A server error occurred.")}, status=500)
    return defaults.server_error(request)


@login_required
@require_http_methods(["GET", "POST"])
def company_profile(request: AuthenticatedHttpRequest):
    """The administrator fills in who the company is; every outgoing document prints it."""
    if not request.user.has_role(Role.ADMINISTRATOR):
        raise PermissionDenied
    profile = company_profile_get()
    form = CompanyProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_profile_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The company profile is saved."))
            return redirect("pmo:company-profile")
    history = history_for(obj=profile) if profile else []
    return render(request, "pmo/company_profile.html", {"form": form, "profile": profile, "history": history})


@login_required
@require_GET
def company_logo(request: AuthenticatedHttpRequest):
    """The logo file, for the profile page preview (uploads are never served from MEDIA_URL)."""
    profile = company_profile_get()
    if profile is None or not profile.logo:
        raise Http404
    return FileResponse(profile.logo.open("rb"))


# Notifications (issue 16, branch feature/meetings) ------------------------------------------------


@login_required
@require_GET
def notification_list(request):
    from pmo.lib.listing import paginate
    from pmo.selectors import notification_list_for_user

    unread_only = request.GET.get("show") == "unread"
    notifications = notification_list_for_user(user=request.user, unread_only=unread_only)
    context = {"page": paginate(request, notifications), "unread_only": unread_only}
    return render(request, "pmo/notification_list.html", context)


@login_required
@require_GET
def notification_bell(request):
    """The unread count of the top bar, loaded by htmx so that no page pays a query for it."""
    from pmo.selectors import notification_unread_count

    count = notification_unread_count(user=request.user)
    return render(request, "components/notifications_bell.html#bell", {"unread_count": count})


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one notification read, then open what it is about (or go back to the list)."""
    from pmo.models import Notification

    services.notification_mark_read(user=request.user, notification_id=pk)
    link = Notification.objects.filter(pk=pk, recipient=request.user).values_list("link", flat=True).first()
    if request.POST.get("open") and link and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("pmo:notification-list")


@login_required
@require_POST
def notification_read_all(request):
    count = services.notification_mark_all_read(user=request.user)
    messages.success(request, _("%(count)s notification(s) marked read.") % {"count": count})
    return redirect("pmo:notification-list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    from pmo.forms import NotificationPreferencesForm
    from pmo.selectors import notification_preferences_for_user

    current = notification_preferences_for_user(user=request.user)
    form = NotificationPreferencesForm(request.POST or None, initial_choices=current)
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Your notification choices are saved."))
        return redirect("pmo:notification-preferences")
    from pmo.models import NotificationDelivery

    context = {"form": form, "deliveries": NotificationDelivery.choices}
    return render(request, "pmo/notification_preferences.html", context)
