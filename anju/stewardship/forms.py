"""Forms of the 长效管理 pages (parsing only: the rules are in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.stewardship.models import Mode, RuleSetVersion
from anju.stewardship.services import HANDOVER_ITEMS


class DateInput(forms.DateInput):
    input_type = "date"


class ManagementForm(forms.Form):
    mode = forms.ChoiceField(label=_("管理方式"), choices=Mode.choices)
    company = forms.IntegerField(label=_("物业服务企业"), required=False)
    since = forms.DateField(label=_("起始日期"), widget=DateInput)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


class ContractForm(forms.Form):
    company = forms.IntegerField(label=_("物业服务企业"))
    signed_on = forms.DateField(label=_("签订日期"), widget=DateInput)
    starts_on = forms.DateField(label=_("服务起始日期"), widget=DateInput)
    ends_on = forms.DateField(label=_("服务截止日期"), required=False, widget=DateInput,
                              help_text=_("不定期合同不填"))
    fee = forms.CharField(label=_("物业费（元/㎡·月）"), max_length=12)
    notice_days = forms.IntegerField(label=_("合同约定的解聘通知天数"), required=False, min_value=0, max_value=365)
    services = forms.CharField(label=_("服务内容"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class FilingForm(forms.Form):
    filed_on = forms.DateField(label=_("备案日期"), widget=DateInput)
    late_reason = forms.CharField(label=_("逾期原因"), required=False, max_length=500)


class TerminateForm(forms.Form):
    on = forms.DateField(label=_("终止日期"), widget=DateInput)
    notified_on = forms.DateField(label=_("书面通知日期"), widget=DateInput)


class HandoverForm(forms.Form):
    item = forms.ChoiceField(choices=[(k, v[0]) for k, v in HANDOVER_ITEMS.items()])
    done = forms.BooleanField(required=False)


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("企业名称"), max_length=120)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=40)
    contact = forms.CharField(label=_("联系人"), required=False, max_length=60)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=30)


class BaseForm(forms.Form):
    base = forms.ChoiceField(label=_("依据的规则集"), choices=RuleSetVersion.Base.choices)
    reason = forms.CharField(label=_("理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


def first_error(form: forms.Form) -> str:
    """The first error as "字段：错误", for the message above the page (nothing was saved)."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}：{errors[0]}" if label else str(errors[0])
    return ""
