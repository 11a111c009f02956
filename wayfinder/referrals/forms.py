from django import forms
from django.utils.translation import gettext_lazy as _

from wayfinder.lib.phones import us_e164

from .models import NotProvidedReason, Outreach, Status


class ListFilterForm(forms.Form):
    client = forms.CharField(label=_("Client name"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices])
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False, choices=[("", _("Anyone"))])
    created_from = forms.DateField(
        label=_("Sent on or after"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label=_("Sent on or before"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody yet")),
            *[(str(user.pk), user.get_full_name()) for user in staff],
        ]


class VersionedForm(forms.Form):
    """Every change carries the version the person saw (no lost updates)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StatusForm(VersionedForm):
    status = forms.ChoiceField(choices=[(Status.NEW, Status.NEW.label), (Status.IN_PROGRESS, Status.IN_PROGRESS.label)])


class AssignForm(VersionedForm):
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = {str(user.pk): user for user in staff}
        self.fields["assignee"].choices = [
            ("", _("Nobody")),
            *[(pk, user.get_full_name()) for pk, user in self.staff.items()],
        ]

    def assignee_user(self):
        return self.staff.get(self.cleaned_data.get("assignee") or "")


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Add a note (shared with the other organization)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class CloseForm(VersionedForm):
    provided = forms.TypedChoiceField(
        label=_("Was the resource provided?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
    )
    reason = forms.ChoiceField(
        label=_("Why was it not provided?"),
        required=False,
        choices=[("", _("Choose a reason")), *NotProvidedReason.choices],
    )
    reason_other = forms.CharField(label=_("Other reason"), required=False, max_length=300)
    experience = forms.CharField(
        label=_("How was your experience with the resident?"),
        help_text=_("Required. Stored for program review; never shown to anyone else."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def outcome(self) -> dict:
        """The cleaned answers as ``closing.close_referral`` takes them."""
        data = self.cleaned_data
        return {
            "expected_version": data["version"],
            "provided": data["provided"],
            "reason": data["reason"],
            "reason_other": data["reason_other"],
            "experience": data["experience"],
        }


class OutreachForm(forms.Form):
    method = forms.ChoiceField(label=_("How"), choices=Outreach.Method.choices)
    result = forms.ChoiceField(label=_("Result"), choices=Outreach.Result.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    done = forms.BooleanField(label=_("Nothing more to do: take it off the queue"), required=False)


class OnceForm(forms.Form):
    """A creation form: its one-time token (form_tokens) and, when the resident
    already has an open referral to the service, the person's confirmation."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=400)
    confirm_duplicate = forms.BooleanField(label=_("Yes, send another referral to this service anyway"), required=False)


class CreateForm(OnceForm):
    note = forms.CharField(
        label=_("Note for the receiving organization (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    pre_consent = forms.BooleanField(
        label=_("Offer the resident to also share their record with the receiving organization"),
        help_text=_(
            "The resident gets the offer by email or text at a contact they confirmed, and decides there. "
            "Nothing is shared unless they agree."
        ),
        required=False,
    )


class SelfReferralForm(OnceForm):
    note = forms.CharField(
        label=_("Anything they should know? (optional)"),
        help_text=_("For example the best time to call you, or what you need help with."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    confirm_duplicate = forms.BooleanField(label=_("Yes, send another referral anyway"), required=False)
    share_record = forms.BooleanField(required=False)

    def __init__(self, *args, organization_name: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The resident's own step, so it is a grant (not an offer): she decides here.
        self.fields["share_record"].label = _("Also let %(org)s see my Wayfinder record") % {"org": organization_name}
        self.fields["share_record"].help_text = _("Optional. You can take this back at any time in My Plan.")


class NotificationSettingsForm(forms.Form):
    referral_sms_number = forms.CharField(
        label=_("Mobile number to text when a referral arrives"),
        help_text=_("Optional. Leave empty to get email only. US numbers, e.g. 859-555-0142."),
        required=False,
        max_length=20,
    )

    def clean_referral_sms_number(self) -> str:
        value = self.cleaned_data["referral_sms_number"].strip()
        if not value:
            return ""
        number = us_e164(value)
        if not number:
            raise forms.ValidationError(_("Enter a 10-digit US mobile number."))
        return number
