"""Forms of the programme pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.programme.models import InspectionStatus, Severity


class DateInput(forms.DateInput):
    input_type = "date"


class StageForm(forms.Form):
    planned_start = forms.DateField(label=_("计划开始"), required=False, widget=DateInput)
    planned_end = forms.DateField(label=_("计划完成"), required=False, widget=DateInput)
    actual_start = forms.DateField(label=_("实际开始"), required=False, widget=DateInput)
    note = forms.CharField(label=_("备注"), required=False, max_length=300)


class SignOffForm(forms.Form):
    actual_end = forms.DateField(label=_("实际完成"), widget=DateInput)


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("进度（%）"), min_value=0, max_value=100)


class InspectionForm(forms.Form):
    findings = forms.CharField(label=_("发现的问题"), widget=forms.Textarea(attrs={"rows": 4}))
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices, initial=Severity.LOW)
    keep_location = forms.BooleanField(label=_("保留照片中的位置信息"), required=False,
                                       help_text=_("默认会删除照片中的定位信息；仅在确有需要时勾选。"))


class FollowUpForm(forms.Form):
    action = forms.CharField(label=_("整改措施"), widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("状态"), choices=[c for c in InspectionStatus.choices if c[0] != "open"])
