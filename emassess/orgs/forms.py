"""Forms of running an organisation. Each one only offers and accepts its own organisation's rows."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from emassess.accounts.forms import EmailAuthenticationForm
from emassess.accounts.models import User
from emassess.orgs import csv_import
from emassess.orgs.models import (
    MAX_ANONYMITY_THRESHOLD,
    MAX_NUDGE_AFTER_DAYS,
    MIN_ANONYMITY_THRESHOLD,
    Invitation,
    Membership,
    Organisation,
    Team,
)
from emassess.orgs.selectors import (
    NO_TEAM,
    Status,
    active_teams,
    invitation_blocker,
    reports_to_candidates,
    team_name_clash,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MANAGER_ROLE_CHOICES = [("", "Not a manager"), *Membership.ManagerRole.choices]


def _helper(*fields) -> FormHelper:
    # The templates write the <form> tag, the CSRF token and the buttons, as the assessment pages do.
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if fields:
        helper.layout = Layout(*fields)
    return helper


def _choices(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's own copy of a choice field, to set its choices."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def _rows(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """A form's own copy of a model choice field, to narrow its rows to the organisation's."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def _manager_fieldset() -> Fieldset:
    return Fieldset(
        "Managers only",
        Field("manager_role", css_class="w-auto"),
        Field("manager_role_started_on", css_class="w-auto"),
    )


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.get_full_name()} ({obj.user.email})"


class _TeamChoice(forms.ModelChoiceField):
    # Team.__str__ names the organisation too, which is noise when all of them are the admin's own.
    def label_from_instance(self, obj: Team) -> str:
        return obj.name


def _check_start_date(value: datetime.date | None, organisation: Organisation) -> None:
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(organisation.timezone))
    if value is not None and value > today:
        raise ValidationError("The role start date is in the future: enter the day the role actually began.")


def _reports_to_choice() -> _PersonChoice:
    """Who someone reports to, as the invitation and the person page ask it (the choices are set
    per organisation by the form)."""
    return _PersonChoice(
        label="Reports to (optional)",
        queryset=Membership.objects.none(),
        required=False,
        empty_label="Nobody",
        help_text=(
            "Their manager. A report answers the short upward-feedback survey about this person each cycle, "
            "and this person's home page lists them."
        ),
    )


# One choice for what someone does, so no form can say "a manager, not a manager": the two
# manager roles stand for role=manager with that EM or TLM role.
INVITE_ROLE_CHOICES = [
    ("", "Choose a role"),
    *Membership.ManagerRole.choices,
    (Membership.Role.REPORT, "Report (a member of a team)"),
    (Membership.Role.HR, "HR"),
    (Membership.Role.ORG_ADMIN, "Org admin"),
]


class InviteForm(forms.Form):
    # 254: what the Invitation and User columns hold (RFC 5321's practical limit).
    email = forms.EmailField(
        label="Email address", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    full_name = forms.CharField(label="Full name", max_length=150)
    role = forms.ChoiceField(label="Role", choices=INVITE_ROLE_CHOICES)
    team = _TeamChoice(label="Team (optional)", queryset=Team.objects.none(), required=False, empty_label="No team")
    manager_role_started_on = forms.DateField(
        label="Started in that role on (managers only)",
        required=False,
        widget=DATE_WIDGET,
        help_text="For an engineering or tech lead manager: the day their current role began (YYYY-MM-DD).",
    )
    reports_to = _reports_to_choice()

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        _rows(self, "team").queryset = active_teams(organisation=organisation)
        _rows(self, "reports_to").queryset = reports_to_candidates(organisation=organisation)
        self.helper = _helper(
            Field("email"), Field("full_name"), Field("role", css_class="w-auto"), Field("team", css_class="w-auto"),
            Field("manager_role_started_on", css_class="w-auto"), Field("reports_to", css_class="w-auto"),
        )  # fmt: skip

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        reason = invitation_blocker(organisation=self.organisation, email=email)
        if reason is not None:
            raise ValidationError(reason.value)
        return email

    def clean_manager_role_started_on(self) -> datetime.date | None:
        value = self.cleaned_data["manager_role_started_on"]
        _check_start_date(value, self.organisation)
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "role" not in cleaned:
            return cleaned
        # What services.invitation_create takes: the role, and the EM or TLM role of a manager.
        chosen = cleaned["role"]
        is_manager = chosen in Membership.ManagerRole.values
        cleaned["role"] = Membership.Role.MANAGER if is_manager else chosen
        cleaned["manager_role"] = chosen if is_manager else ""
        if not is_manager:
            # The date is for managers only; one typed before choosing another role means nothing.
            cleaned["manager_role_started_on"] = None
        elif not cleaned.get("manager_role_started_on") and "manager_role_started_on" not in self.errors:
            self.add_error("manager_role_started_on", "Enter the day this manager's EM or TLM role began.")
        return cleaned


class PersonForm(forms.ModelForm):
    """Someone's place in the organisation. Membership.clean does the checking (ModelForm calls it)."""

    full_name = forms.CharField(label="Full name", max_length=150)
    role = forms.ChoiceField(label="Role", choices=Membership.Role.choices)
    team = _TeamChoice(label="Team (optional)", queryset=Team.objects.none(), required=False, empty_label="No team")
    reports_to = _reports_to_choice()

    class Meta:
        model = Membership
        fields = ["role", "team", "manager_role", "manager_role_started_on", "reports_to"]
        labels = {"manager_role": "EM or TLM", "manager_role_started_on": "Started in that role on"}
        widgets = {"manager_role_started_on": DATE_WIDGET}

    def __init__(self, *args, acting: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = self.instance.organisation
        self.acting = acting
        # The name is the person's own (their account's); form_changes reads what it was from here.
        self.initial.setdefault("full_name", self.instance.user.full_name)
        # Archived teams take nobody new; someone still shown in one keeps it offered.
        _rows(self, "team").queryset = organisation.teams.filter(
            Q(archived_at=None) | Q(pk=self.instance.team_id)
        ).order_by("name")
        _choices(self, "manager_role").choices = MANAGER_ROLE_CHOICES
        _rows(self, "reports_to").queryset = reports_to_candidates(
            organisation=organisation, keep=self.instance.reports_to
        ).exclude(pk=self.instance.pk)
        self.helper = _helper(
            Field("full_name"), Field("role", css_class="w-auto"), Field("team", css_class="w-auto"),
            _manager_fieldset(), Field("reports_to", css_class="w-auto"),
        )  # fmt: skip

    def clean_full_name(self) -> str:
        return self.cleaned_data["full_name"].strip()

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        if self.instance.pk == self.acting.pk and role != self.instance.role:
            # An admin who demoted themselves would lose this page halfway through the change.
            raise ValidationError("You cannot change your own role: ask another org admin to do it.")
        return role

    def clean_manager_role_started_on(self) -> datetime.date | None:
        value = self.cleaned_data["manager_role_started_on"]
        _check_start_date(value, self.instance.organisation)
        return value


class OrganisationSettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label="Time zone",
        help_text="Reassessment cycles and dates are counted in this time zone.",
    )
    anonymity_threshold = forms.IntegerField(
        label="Anonymity threshold",
        min_value=MIN_ANONYMITY_THRESHOLD,
        max_value=MAX_ANONYMITY_THRESHOLD,
        help_text=(
            f"Aggregates over fewer people than this show as “not enough responses”. "
            f"At least {MIN_ANONYMITY_THRESHOLD}, so that no one's answers can be worked out from a group's."
        ),
        error_messages={
            "min_value": (
                f"The anonymity threshold must be at least {MIN_ANONYMITY_THRESHOLD}: "
                "over fewer people, an aggregate could identify someone."
            ),
            "max_value": f"The anonymity threshold can be at most {MAX_ANONYMITY_THRESHOLD:,}.",
        },
    )

    class Meta:
        model = Organisation
        fields = [
            "cadence_months",
            "nudge_after_days",
            "timezone",
            "anonymity_threshold",
            "hr_sees_individual_results",
        ]
        labels = {"cadence_months": "Reassessment cadence", "nudge_after_days": "Days before the reminder"}
        help_texts = {
            "cadence_months": "How often managers are asked to assess themselves again.",
            "nudge_after_days": (
                "When a cycle opens, managers get an invitation; those who have not finished this many days "
                f"later get one reminder (1 to {MAX_NUDGE_AFTER_DAYS} days)."
            ),
            "hr_sees_individual_results": (
                "By default HR sees aggregates and completion only, and an individual result only when "
                "the manager chooses to share it. Tick this to let HR open every manager's results."
            ),
        }
        error_messages = {
            "nudge_after_days": {
                "min_value": "The reminder comes at least 1 day after the cycle opens.",
                "max_value": (
                    f"The reminder comes at most {MAX_NUDGE_AFTER_DAYS} days after the cycle opens: "
                    "later than that it is no longer a nudge."
                ),
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _choices(self, "timezone").choices = [(name, name) for name in sorted(zoneinfo.available_timezones())]
        self.helper = _helper(
            Field("cadence_months", css_class="w-auto"), Field("nudge_after_days", css_class="w-auto"),
            Field("timezone", css_class="w-auto"),
            Field("anonymity_threshold", css_class="w-auto"), Field("hr_sees_individual_results"),
        )  # fmt: skip


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label="Your full name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation: Invitation, **kwargs):
        kwargs.setdefault("initial", {"full_name": invitation.full_name})
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.helper = _helper()

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords are different: type the same password twice.")
        elif password2:
            # Checked against who they will be, so nobody picks their own email address as a password.
            person = User(email=self.invitation.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password2, user=person)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InvitationLoginForm(EmailAuthenticationForm):
    """Accepting an invitation with an account that already exists: its own password, for the
    invited address only (django-axes counts wrong ones as for any login)."""

    error_messages = {
        **EmailAuthenticationForm.error_messages,
        "invalid_login": "That is not the password of this account. Type the password you log in with.",
    }

    def __init__(self, request: HttpRequest, *args: Any, invitation: Invitation, **kwargs: Any):
        super().__init__(request, *args, **kwargs)
        self.invitation = invitation
        self.fields["username"].widget = forms.HiddenInput()
        self.fields["username"].required = False
        self.fields["password"].label = "Your password"
        self.helper = _helper(Field("password"))

    def clean_username(self) -> str:
        return self.invitation.email  # whatever was posted: the invitation says whose account it is


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"At most {csv_import.MAX_MEGABYTES} MB and {csv_import.MAX_ROWS:,} people.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_file(self) -> str:
        """The file's text, once it reads as the expected CSV; the rows are checked afterwards."""
        upload = self.cleaned_data["file"]
        self.file_name = upload.name
        if upload.size > csv_import.MAX_BYTES:
            # Checked before reading, so a huge upload is never loaded into memory.
            raise ValidationError(csv_import.TOO_LARGE)
        try:
            text = csv_import.decode_upload(upload.read())
            csv_import.read_rows(text)
        except csv_import.CsvFileError as error:
            raise ValidationError(str(error)) from None
        return text


class ImportConfirmForm(forms.Form):
    """The preview's CSV text, sent back to be checked again and imported."""

    csv_text = forms.CharField(widget=forms.HiddenInput, strip=False)

    def clean_csv_text(self) -> str:
        text = self.cleaned_data["csv_text"]
        try:
            csv_import.read_rows(text)
        except csv_import.CsvFileError as error:
            raise ValidationError(str(error)) from None
        return text


class TeamForm(forms.ModelForm):
    """A team's name and kind; a new team is given its organisation before the form is bound."""

    class Meta:
        model = Team
        fields = ["name", "kind"]
        labels = {"name": "Team name", "kind": "Kind of team"}
        help_texts = {
            "kind": "Tech lead managers are more common on infrastructure teams, whose users are other engineers; "
            "the assessment takes the kind into account.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("name"), Field("kind", css_class="w-auto"))

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("Enter the team's name.")
        clash = team_name_clash(
            organisation=self.instance.organisation, name=name, team=self.instance if self.instance.pk else None
        )
        if clash is not None:
            raise ValidationError(clash)
        return name


PEOPLE_STATUS_CHOICES = [("", "Active and deactivated"), (Status.ACTIVE, "Active"), (Status.DEACTIVATED, "Deactivated")]


class PeopleFilterForm(forms.Form):
    """The People page's search and filters, read from the address (a GET form). A value that is
    not one of the choices is an error the page shows, and the list is then not narrowed by it."""

    q = forms.CharField(label="Search names and emails", required=False, max_length=200)
    team = forms.ChoiceField(label="Team", required=False)
    role = forms.ChoiceField(label="Role", required=False, choices=[("", "Every role"), *Membership.Role.choices])
    status = forms.ChoiceField(label="Status", required=False, choices=PEOPLE_STATUS_CHOICES)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        teams = organisation.teams.order_by("archived_at", "name").values_list("pk", "name", "archived_at")
        _choices(self, "team").choices = [
            ("", "Every team"),
            (NO_TEAM, "No team"),
            *((str(pk), f"{name} (archived)" if archived else name) for pk, name, archived in teams),
        ]

    def filters(self) -> dict[str, str]:
        """The valid filters, as people_list takes them (search, team, role, status)."""
        self.is_valid()  # cleaned_data then holds the valid fields only
        cleaned = self.cleaned_data
        return {
            "search": cleaned.get("q", "").strip(),
            "team": cleaned.get("team", ""),
            "role": cleaned.get("role", ""),
            "status": cleaned.get("status", ""),
        }
